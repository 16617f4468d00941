// Black-box soak on heavy topics (issue 40): two Cyclone DDS talkers publish a 2 MB sample at 10 Hz on
// /sensors/lidar/points and a 1 MB sample at 30 Hz on /sensors/camera/image (the sizes and rates of a point cloud
// and an image; the test peer's type is std_msgs/String, its text `Hello World: <n>` padded to the size), a
// gateway (its own process, bench/faults/blackbox-gateway.mjs) records both around a CRITICAL fault every
// `--fault-every` seconds for `--seconds`. Every finished recording is read back with @mcap/core while the run
// goes on (before retention may delete it): per topic the sample numbers must run without a gap, and its
// `medkit_blackbox` notes must say 0 dropped. Prints the gateway's RSS (peak, and after the first recording), its
// CPU, what the recorder held at most against its budget, and the loss counts; exits 1 when anything was lost.
//
//   npx tsc -b && BENCH_DOMAIN=150 node bench/faults/blackbox-soak.mjs [--seconds 600] [--fault-every 30]
//     [--buffer-mb 192] [--queue-mb 64] [--before 3] [--after 2] [--depth 0] [--whc-mb 0]
// (BENCH_NODE_FLAGS='--cpu-prof …' passes Node.js options to the gateway process; BENCH_STALL=<every ms>,<ms> holds
// the gateway's event loop that long that often, as a busy host does; BENCH_VERBOSE=1 prints its STATS lines.)
//
// The Cyclone peer is the one the interop tests build (packages/rtps/test/peers/build/cyclone-*/peer), or
// MEDKIT_CYCLONE_PEER.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { McapIndexedReader } from '@mcap/core';
import { cycloneConfigWith, cyclonePeer } from '../support/cyclone-peer.mjs';

const { values: a } = parseArgs({
  options: {
    seconds: { type: 'string', default: '600' },
    'fault-every': { type: 'string', default: '30' },
    'buffer-mb': { type: 'string', default: '192' },
    'queue-mb': { type: 'string', default: '64' },
    before: { type: 'string', default: '3' },
    after: { type: 'string', default: '2' },
    // The talkers' history: 0 = KEEP_ALL (a reliable writer waits for the reader instead of discarding a sample).
    depth: { type: 'string', default: '0' },
    // Cyclone's writer history cache limit in MB (Internal/Watermarks/WhcHigh, 0.5 by default): above it a reliable
    // writer waits for acknowledgements, so with MB samples it bounds the publisher's rate by the round trip.
    'whc-mb': { type: 'string', default: '0' },
  },
});
const SECONDS = Number(a.seconds);
const FAULT_EVERY = Number(a['fault-every']);
const domain = Number(process.env.BENCH_DOMAIN ?? 97);
const TOPICS = [
  { dds: 'rt/sensors/lidar/points', ros: '/sensors/lidar/points', size: 2 * 1024 * 1024, periodMs: 100, node: 'lidar_driver' },
  { dds: 'rt/sensors/camera/image', ros: '/sensors/camera/image', size: 1024 * 1024, periodMs: 33, node: 'camera_driver' },
];
const dataDir = mkdtempSync(join(tmpdir(), 'medkit-blackbox-soak-'));
const bags = join(dataDir, 'rosbags');
const flags = {
  'faults.snapshots.rosbag.enabled': true,
  'faults.snapshots.rosbag.topics': TOPICS.map((t) => t.ros).join(','),
  'faults.snapshots.rosbag.exclude_sensor_topics': false,
  'faults.snapshots.rosbag.duration_sec': Number(a.before),
  'faults.snapshots.rosbag.duration_after_sec': Number(a.after),
  'faults.snapshots.rosbag.max_buffer_mb': Number(a['buffer-mb']),
  'faults.snapshots.rosbag.max_write_queue_mb': Number(a['queue-mb']),
  'faults.snapshots.rosbag.max_bag_size_mb': 256,
  'faults.snapshots.rosbag.max_total_storage_mb': 4096,
  'faults.snapshots.rosbag.max_bags_per_fault': 1,
};

// ---- the gateway ----
const gw = spawn(process.execPath, [...(process.env.BENCH_NODE_FLAGS ?? '').split(/\s+/).filter(Boolean), fileURLToPath(new URL('./blackbox-gateway.mjs', import.meta.url)), dataDir, String(domain), JSON.stringify(flags)], { stdio: ['pipe', 'pipe', 'inherit'] });
const stats = [];
let ready;
const readyP = new Promise((r) => (ready = r));
createInterface({ input: gw.stdout }).on('line', (line) => {
  if (line.startsWith('READY')) ready();
  else if (line.startsWith('STATS ')) {
    stats.push(JSON.parse(line.slice(6)));
    if (process.env.BENCH_VERBOSE) console.log(line.slice(0, 300));
  }
  else if (line.startsWith('FAULT') && !line.includes('accepted')) console.log(line);
});
gw.on('exit', (code) => {
  if (code !== 0 && code !== null && !stopping) {
    console.error(`gateway exited ${code}`);
    process.exit(2);
  }
});
let stopping = false;
await readyP;
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
// The gateway's own RSS before anything is published (the baseline the black box adds to).
await sleep(3000);
const baselineRss = stats.at(-1).rss;

// ---- the publishers ----
let peerConfig;
if (Number(a['whc-mb']) > 0) {
  peerConfig = join(dataDir, 'cyclone.xml');
  writeFileSync(peerConfig, cycloneConfigWith(`<Watermarks><WhcHigh>${Number(a['whc-mb'])}MB</WhcHigh></Watermarks><SocketSendBufferSize min="4MB"/>`));
}
const peers = TOPICS.map((t) => cyclonePeer(['talker', '--topic', t.dds, '--size', String(t.size), '--period-ms', String(t.periodMs), '--node', t.node, '--ns', '/sensors', '--depth', a.depth, '--reliability', 'reliable'], domain, peerConfig));

// ---- reading recordings back as they finish ----
const checked = new Set();
const results = [];
/** `Hello World: <n>` at the start of a std_msgs/String CDR payload (4-byte encapsulation, 4-byte length). */
const sampleNumber = (data) => Number(/^Hello World: (\d+)/.exec(Buffer.from(data.buffer, data.byteOffset + 8, 40).toString('latin1'))?.[1]);

async function readRecording(dir) {
  const files = readdirSync(dir).filter((f) => f.endsWith('.mcap')).sort((x, y) => Number(/_(\d+)\.mcap$/.exec(x)[1]) - Number(/_(\d+)\.mcap$/.exec(y)[1]));
  const byTopic = new Map();
  let notes = {};
  for (const f of files) {
    const fh = await open(join(dir, f), 'r');
    try {
      const readable = { size: async () => BigInt((await fh.stat()).size), read: async (offset, size) => { const b = Buffer.alloc(Number(size)); await fh.read(b, 0, Number(size), Number(offset)); return b; } };
      const reader = await McapIndexedReader.Initialize({ readable });
      for await (const m of reader.readMessages()) {
        const topic = reader.channelsById.get(m.channelId).topic;
        if (!byTopic.has(topic)) byTopic.set(topic, []);
        byTopic.get(topic).push([sampleNumber(m.data), m.logTime]);
      }
      for await (const md of reader.readMetadata({ name: 'medkit_blackbox' })) notes = Object.fromEntries(md.metadata);
    } finally {
      await fh.close();
    }
  }
  const topics = {};
  for (const [topic, samples] of byTopic) {
    const ns = samples.map(([n]) => n);
    let gaps = 0;
    let missing = 0;
    for (let i = 1; i < ns.length; i++) if (ns[i] !== ns[i - 1] + 1) { gaps++; missing += Math.max(0, ns[i] - ns[i - 1] - 1); }
    // The publisher's rate over the recording: sample numbers advance once per publication.
    const seconds = Number(samples.at(-1)[1] - samples[0][1]) / 1e9;
    topics[topic] = { messages: ns.length, first: ns[0], last: ns.at(-1), gaps, missing, hz: seconds > 0 ? (ns.at(-1) - ns[0]) / seconds : 0 };
  }
  return { id: dir.split('/').at(-1), files: files.length, topics, dropped: Number(notes.dropped_messages ?? NaN), lostInTransport: Number(notes.lost_in_transport_messages ?? NaN) };
}

async function checkFinished() {
  if (!existsSync(bags)) return;
  for (const id of readdirSync(bags)) {
    const dir = join(bags, id);
    if (checked.has(id) || !existsSync(join(dir, 'metadata.yaml'))) continue;
    checked.add(id);
    const r = await readRecording(dir);
    results.push(r);
    console.log(`recording ${r.id}: ${Object.entries(r.topics).map(([t, s]) => `${t} ${s.messages} msgs #${s.first}..#${s.last} ${s.hz.toFixed(1)} Hz missing ${s.missing}`).join('; ')}; dropped ${r.dropped}, lost before the recorder ${r.lostInTransport}`);
  }
}

// ---- the run ----
const t0 = Date.now();
let faults = 0;
let nextFault = t0 + Math.min(FAULT_EVERY, 10) * 1000;
while (Date.now() - t0 < SECONDS * 1000) {
  if (Date.now() >= nextFault) {
    gw.stdin.write(`fault SOAK_${++faults} /sensors/lidar_driver\n`);
    nextFault += FAULT_EVERY * 1000;
  }
  await checkFinished();
  await sleep(250);
}
// The last fault's recording ends `--after` s after it, then is written: wait until every fault's recording is read
// back, 3 s more at most (a rejected fault has none).
const tailEnd = Date.now() + (Number(a.after) + 3) * 1000;
while (results.length < faults && Date.now() < tailEnd) {
  await sleep(250);
  await checkFinished();
}
for (const p of peers) p.child.kill('SIGTERM');
stopping = true;
gw.stdin.write('stop\n');
await new Promise((r) => gw.on('exit', r));

// ---- the report ----
const mb = (b) => (b / 1048576).toFixed(0);
const runStats = stats.filter((s) => s.t >= t0);
const peakRss = Math.max(...runStats.map((s) => s.rss));
const firstRec = runStats.find((s) => s.recorder.recordings >= 1);
const afterFirst = runStats.filter((s) => firstRec && s.t >= firstRec.t);
const heldPeak = Math.max(...runStats.map((s) => s.recorder.held_bytes ?? s.recorder.buffered_bytes + s.recorder.queued_bytes));
const last = runStats.at(-1);
const cpuSeconds = (last.cpuMs - runStats[0].cpuMs) / 1000;
const wall = (last.t - runStats[0].t) / 1000;
const missing = results.reduce((n, r) => n + Object.values(r.topics).reduce((m, t) => m + t.missing, 0), 0);
const dropped = results.reduce((n, r) => n + (Number.isFinite(r.dropped) ? r.dropped : 0), 0);
const lostInTransport = results.reduce((n, r) => n + (Number.isFinite(r.lostInTransport) ? r.lostInTransport : 0), 0);
const perTopic = Object.fromEntries(TOPICS.map((t) => [t.ros, results.reduce((n, r) => n + (r.topics[t.ros]?.messages ?? 0), 0)]));
const median = (xs) => [...xs].sort((x, y) => x - y)[Math.floor(xs.length / 2)] ?? 0;
const rates = Object.fromEntries(TOPICS.map((t) => [t.ros, `${median(results.map((r) => r.topics[t.ros]?.hz).filter((x) => x > 0)).toFixed(1)} Hz (nominal ${(1000 / t.periodMs).toFixed(0)} Hz, ${t.size / 1048576} MB)`]));
console.log(`\nmachine: ${cpus().length} × ${cpus()[0].model}, node ${process.version}, ${new Date().toISOString().slice(0, 16)}, load average at the end ${loadavg().map((l) => l.toFixed(1)).join(' ')}`);
console.log(`command: BENCH_DOMAIN=${domain} node bench/faults/blackbox-soak.mjs ${process.argv.slice(2).join(' ')}`);
console.log(`config: ${JSON.stringify(flags)}`);
console.log(`run: ${wall.toFixed(0)} s, ${faults} faults, ${results.length} recordings read back (${results.reduce((n, r) => n + r.files, 0)} MCAP files), messages recorded ${JSON.stringify(perTopic)}`);
console.log(`publish rate inside recordings (median): ${JSON.stringify(rates)}`);
console.log(`lost: ${missing} samples missing inside recordings, ${dropped} dropped by the recorder (notes), ${last.recorder.dropped_messages} dropped (stats), ${results.filter((r) => Object.keys(r.topics).length < TOPICS.length).length} recordings without every topic; lost before the recorder (the DDS reader's lost samples: a KEEP_LAST publisher overwrote them first) ${lostInTransport} in the recordings' notes, ${last.recorder.lost_in_transport_messages} over the run (stats)`);
console.log(`gateway event loop: longest delay per second, median ${median(runStats.map((s) => s.loopMaxMs)).toFixed(0)} ms, max ${Math.max(...runStats.map((s) => s.loopMaxMs)).toFixed(0)} ms${process.env.BENCH_STALL ? ` (BENCH_STALL=${process.env.BENCH_STALL})` : ''}`);
console.log(`gateway RSS: before publishing ${mb(baselineRss)} MB, peak ${mb(peakRss)} MB, range after the first recording ${mb(Math.min(...afterFirst.map((s) => s.rss)))}–${mb(Math.max(...afterFirst.map((s) => s.rss)))} MB; held by the black box at most ${mb(heldPeak)} MB of its ${mb(last.recorder.budget_bytes)} MB budget`);
console.log(`gateway CPU: ${cpuSeconds.toFixed(0)} s over ${wall.toFixed(0)} s = ${((cpuSeconds / wall) * 100).toFixed(0)}% of one core`);
rmSync(dataDir, { recursive: true, force: true });
process.exit(missing === 0 && dropped === 0 && last.recorder.dropped_messages === 0 && results.length > 0 ? 0 : 1);
