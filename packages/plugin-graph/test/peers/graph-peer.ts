// The graph watchdog's Cyclone DDS test peer (graph_peer_cyclone.c): built and cached like the DDS peers
// (test-support/peers/build-peers.ts), run with the peers' loopback discovery config, and driven line by
// line over stdin so a test decides every stamp and value it publishes.
import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { BUILD_DIR, buildProgram, run, type Recipe } from '../../../../test-support/peers/build-peers.js';
import { peerEnv } from '../../../../test-support/peers/harness.js';

const HERE = fileURLToPath(new URL('.', import.meta.url));

const RECIPE: Recipe = {
  sources: [join(HERE, 'graph_peer_cyclone.c'), join(HERE, 'graph_types.idl')],
  steps: async (out) => {
    const flags = (await run('graph-peer-cyclone', ['pkg-config', '--cflags', '--libs', 'CycloneDDS'])).split(/\s+/).filter(Boolean);
    return [
      ['idlc', '-t', '-o', out, join(HERE, 'graph_types.idl')],
      ['gcc', '-O1', '-Wall', '-Wno-unused-function', `-I${out}`, '-o', join(out, 'peer'), join(HERE, 'graph_peer_cyclone.c'), join(out, 'graph_types.c'), ...flags],
    ];
  },
};

export const buildGraphPeer = (): Promise<string> => buildProgram('graph-peer-cyclone', RECIPE);

export interface GraphPeer {
  /** Sends one command line; resolves once the peer printed `ok <line>`. */
  send(line: string): Promise<void>;
  stop(): Promise<void>;
}

const live = new Set<ChildProcess>();

export async function startGraphPeer(domain: number): Promise<GraphPeer> {
  const binary = await buildGraphPeer();
  const child = spawn(binary, [String(domain)], { cwd: BUILD_DIR, env: peerEnv(domain), stdio: ['pipe', 'pipe', 'pipe'] });
  live.add(child);
  const waiting: { line: string; resolve: () => void; reject: (e: Error) => void }[] = [];
  const stderr: string[] = [];
  let ready!: () => void;
  let failed!: (e: Error) => void;
  const started = new Promise<void>((res, rej) => ((ready = res), (failed = rej)));
  createInterface({ input: child.stderr! }).on('line', (l) => stderr.push(l));
  createInterface({ input: child.stdout! }).on('line', (l) => {
    if (l.startsWith('ready ')) ready();
    const w = waiting[0];
    if (!w) return;
    if (l === `ok ${w.line}`) {
      waiting.shift();
      w.resolve();
    } else if (l.startsWith('error ')) {
      waiting.shift();
      w.reject(new Error(`graph peer: ${l}`));
    }
  });
  child.on('exit', (code, signal) => {
    live.delete(child);
    const e = new Error(`graph peer exited (code ${code}, signal ${signal}): ${stderr.slice(-10).join('\n')}`);
    failed(e);
    for (const w of waiting.splice(0)) w.reject(e);
  });
  await started;
  return {
    send: (line) =>
      new Promise<void>((resolve, reject) => {
        waiting.push({ line, resolve, reject });
        child.stdin!.write(`${line}\n`);
      }),
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.stdin!.end();
      }),
  };
}

/** Last resort in afterAll: no peer outlives the test file. */
export function killGraphPeers(): void {
  for (const c of live) c.kill('SIGKILL');
}
