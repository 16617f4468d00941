// Worker side of the fuzz sender: generates mutated datagrams and sends them from its own UDP
// socket, on credit from the main thread. Off the main thread because there the target runs:
// an attacker is another host, and generating the datagrams must not cost the target's CPU.
import dgram from 'node:dgram';
import { parentPort, workerData } from 'node:worker_threads';
import { RtpsMutator, type MutatorTarget } from './mutator.js';
import { SecureTrafficMutator } from './secure-mutator.js';

interface Init {
  seed: number;
  target: Omit<MutatorTarget, 'prefix' | 'peers'> & { prefix: string; peers: string[] };
  /** Captured secured traffic to mutate (base64), when the campaign has some. */
  captured?: { data: string; port: number }[];
}

const init = workerData as Init;
const target: MutatorTarget = { ...init.target, prefix: Buffer.from(init.target.prefix, 'hex'), peers: init.target.peers.map((p) => Buffer.from(p, 'hex')) };
const mutator = init.captured
  ? new SecureTrafficMutator(init.seed, init.captured.map((c) => ({ data: Buffer.from(c.data, 'base64'), port: c.port })), target)
  : new RtpsMutator(init.seed, target);
const socket = dgram.createSocket('udp4');
socket.bind(0, '127.0.0.1', () => {
  socket.setSendBufferSize(4 * 1024 * 1024);
  parentPort!.postMessage({ type: 'ready' });
});

parentPort!.on('message', async (m: { type: 'send'; n: number } | { type: 'close' }) => {
  if (m.type === 'close') {
    socket.close();
    parentPort!.close();
    return;
  }
  const kinds: Record<string, number> = {};
  const sends: Promise<void>[] = [];
  for (let i = 0; i < m.n; i++) {
    const d = mutator.next();
    const k = d.kind.split('+')[0];
    kinds[k] = (kinds[k] ?? 0) + 1;
    sends.push(new Promise((res) => socket.send(d.data, d.port, '127.0.0.1', () => res())));
  }
  await Promise.all(sends);
  parentPort!.postMessage({ type: 'sent', n: m.n, kinds });
});
