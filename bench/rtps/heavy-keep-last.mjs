// A plain @medkit/rtps reader (no gateway) on the black box's heavy topics (issue 40): two Cyclone DDS talkers,
// reliable, KEEP_LAST `--depth`, publish a 2 MB sample at 10 Hz and a 1 MB sample at 30 Hz (the test peer's
// std_msgs/String, `Hello World: <n>` padded to the size); the reader's event loop is held up `--stall-ms` every
// `--stall-every` ms, as on a busy host. Prints, per `--every` ms, samples received / missing (gaps in the sample
// numbers) / lost (the reader's samplesLost: what the writer no longer had when asked again), and the datagrams
// the reader sent (its ACKNACKs and NACK_FRAGs: a repair storm shows there).
//
//   npx tsc -b && node bench/rtps/heavy-keep-last.mjs [--domain 216] [--seconds 30] [--depth 10]
//     [--stall-every 2000] [--stall-ms 200] [--every 5000]
import { loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { createParticipant } from '@medkit/rtps';
import { cyclonePeer } from '../support/cyclone-peer.mjs';

const { values: a } = parseArgs({
  options: {
    domain: { type: 'string', default: process.env.BENCH_DOMAIN ?? '216' },
    seconds: { type: 'string', default: '30' },
    depth: { type: 'string', default: '10' },
    'stall-every': { type: 'string', default: '2000' },
    'stall-ms': { type: 'string', default: '200' },
    every: { type: 'string', default: '5000' },
  },
});
const domain = Number(a.domain);
const TOPICS = [
  { dds: 'rt/sensors/lidar/points', size: 2 * 1024 * 1024, periodMs: 100, node: 'lidar_driver' },
  { dds: 'rt/sensors/camera/image', size: 1024 * 1024, periodMs: 33, node: 'camera_driver' },
];
const load = () => loadavg().map((l) => l.toFixed(1)).join(' ');

const p = await createParticipant({ domainId: domain, localhostOnly: true });
const topics = TOPICS.map((t) => {
  const reader = p.createReader({ topic: t.dds, typeName: 'std_msgs::msg::dds_::String_', qos: { reliability: 'reliable', history: { kind: 'keep-last', depth: 100 } } });
  const s = { name: t.dds.split('/').at(-1), received: 0, missing: 0, last: -1, reader };
  reader.on('sample', (x) => {
    const n = Number(/^Hello World: (\d+)/.exec(x.payload.subarray(8, 48).toString('latin1'))?.[1]);
    if (s.last >= 0 && n > s.last + 1) s.missing += n - s.last - 1;
    s.last = n;
    s.received++;
  });
  return s;
});
const peers = TOPICS.map((t) => cyclonePeer(['talker', '--topic', t.dds, '--size', String(t.size), '--period-ms', String(t.periodMs), '--node', t.node, '--ns', '/sensors', '--depth', a.depth, '--reliability', 'reliable'], domain));

const stallMs = Number(a['stall-ms']);
const stall = stallMs > 0
  ? setInterval(() => {
      const end = Date.now() + stallMs;
      while (Date.now() < end); // the reader gets no CPU
    }, Number(a['stall-every']))
  : undefined;
console.log(`${new Date().toISOString()}, domain ${domain}, talkers KEEP_LAST ${a.depth} (0 = KEEP_ALL), reader stalled ${stallMs} ms every ${a['stall-every']} ms, load ${load()}`);
const t0 = Date.now();
let out0 = 0;
const report = setInterval(() => {
  const out = p.trafficStats().datagramsOut;
  console.log(`${((Date.now() - t0) / 1000).toFixed(0)} s: ${topics.map((s) => `${s.name} received ${s.received} missing ${s.missing} lost ${s.reader.samplesLost}`).join('; ')}; datagrams sent ${out - out0}; load ${load()}`);
  out0 = out;
}, Number(a.every));
await new Promise((r) => setTimeout(r, Number(a.seconds) * 1000));
clearInterval(report);
if (stall) clearInterval(stall);
for (const x of peers) x.child.kill('SIGTERM');
const received = topics.reduce((n, s) => n + s.received, 0);
const missing = topics.reduce((n, s) => n + s.missing, 0);
console.log(`total: ${received} received, ${missing} missing (${((100 * missing) / (received + missing)).toFixed(1)}%), ${topics.reduce((n, s) => n + s.reader.samplesLost, 0)} counted lost by the readers`);
await p.close();
process.exit(0);
