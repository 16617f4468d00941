// The UI's heavy pure parts timed in Node.js (the same code the browser runs, bundled from packages/web/src
// with rolldown): decoding a 50 MB black-box recording (LaserScan at 720 beams + Twist, ros2msg/CDR, as the
// gateway writes it) and laying out a 30-node, 100-topic graph (graph/layered-layout.ts). Part of bench/web/run.mjs.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build } from 'rolldown';
import { McapWriter } from '@mcap/core';
import { parse } from '@foxglove/rosmsg';
import { MessageWriter } from '@foxglove/rosmsg2-serialization';

const SRC = fileURLToPath(new URL('../../packages/web/src/', import.meta.url));
const SCAN = `std_msgs/Header header
float32 angle_min
float32 angle_max
float32 angle_increment
float32 time_increment
float32 scan_time
float32 range_min
float32 range_max
float32[] ranges
float32[] intensities
================================================================================
MSG: std_msgs/Header
builtin_interfaces/Time stamp
string frame_id
================================================================================
MSG: builtin_interfaces/Time
int32 sec
uint32 nanosec`;

/** Bundles the UI modules the benchmark calls into one ES module and imports it. */
export async function loadUiModules() {
  const dir = mkdtempSync(join(tmpdir(), 'medkit-bench-web-'));
  const entry = join(dir, 'entry.ts');
  const { writeFileSync } = await import('node:fs');
  writeFileSync(
    entry,
    `export { decodeMcap } from ${JSON.stringify(join(SRC, 'incident/mcap-decode.ts'))};
export { layoutGraph } from ${JSON.stringify(join(SRC, 'graph/layered-layout.ts'))};
export { buildRobotGraph } from ${JSON.stringify(join(SRC, 'graph/robot-graph.ts'))};`,
  );
  await build({ input: entry, output: { file: join(dir, 'ui.mjs'), format: 'esm' }, logLevel: 'silent', platform: 'node' });
  const mod = await import(pathToFileURL(join(dir, 'ui.mjs')).href);
  rmSync(dir, { recursive: true, force: true });
  return mod;
}

/** An MCAP of about `mb` MB: /scan (720 beams) and /cmd_vel, 10 Hz each, uncompressed chunks. */
export async function syntheticRecording(mb) {
  const parts = [];
  let pos = 0n;
  const w = new McapWriter({ writable: { write: async (b) => void (parts.push(b.slice()), (pos += BigInt(b.byteLength))), position: () => pos }, chunkSize: 1 << 20 });
  await w.start({ profile: 'ros2', library: 'bench' });
  const enc = new TextEncoder();
  const scanSchema = await w.registerSchema({ name: 'sensor_msgs/msg/LaserScan', encoding: 'ros2msg', data: enc.encode(SCAN) });
  const ch = await w.registerChannel({ schemaId: scanSchema, topic: '/scan', messageEncoding: 'cdr', metadata: new Map() });
  const writer = new MessageWriter(parse(SCAN, { ros2: true }));
  const t0 = 1_800_000_000n * 1_000_000_000n;
  let n = 0;
  while (pos < BigInt(mb) * 1048576n) {
    const ranges = new Float32Array(720).map((_, i) => 1 + Math.sin(i / 50 + n / 10));
    const t = t0 + BigInt(n) * 100_000_000n;
    await w.addMessage({ channelId: ch, sequence: n, logTime: t, publishTime: t, data: writer.writeMessage({ header: { stamp: { sec: 0, nanosec: 0 }, frame_id: 'laser' }, angle_min: -3.14, angle_max: 3.14, angle_increment: 0.0087, time_increment: 0, scan_time: 0.1, range_min: 0.1, range_max: 10, ranges, intensities: ranges }) });
    n++;
  }
  await w.end();
  const all = new Uint8Array(Number(pos));
  let off = 0;
  for (const p of parts) {
    all.set(p, off);
    off += p.byteLength;
  }
  return { bytes: all, messages: n };
}

/** A Nav2-sized graph: 30 nodes, 100 topics, each topic with one publisher and one or two subscribers. */
export function syntheticGraphInput() {
  const apps = Array.from({ length: 30 }, (_, i) => ({ appId: `node_${i}`, fqn: `/ns${i % 5}/node_${i}`, online: true, topics: [], services: [`/ns${i % 5}/node_${i}/srv`] }));
  for (let t = 0; t < 100; t++) {
    const name = `/topic_${t}`;
    apps[t % 30].topics.push({ name, direction: 'publish' });
    apps[(t * 7 + 3) % 30].topics.push({ name, direction: 'subscribe' });
    if (t % 3 === 0) apps[(t * 11 + 5) % 30].topics.push({ name, direction: 'subscribe' });
  }
  return apps;
}
