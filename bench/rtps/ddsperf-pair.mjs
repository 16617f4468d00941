// One writer, two readers: Cyclone DDS's `ddsperf pub` (Debian cyclonedds-tools, topic KS: reliable, keyed, an
// octet sequence of the given size, as fast as its writer goes) on loopback, read first by Cyclone's own C reader
// (`ddsperf sub`) and then by an @medkit/rtps reader (keyed, reliable, KEEP_LAST 1), each for the same window after
// the same warm-up. Shared by the RTPS throughput benches; each says what it measures.
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createParticipant } from '@medkit/rtps';
import { startCpuProfile } from '../support/cpu-profile.mjs';
import { procCpu } from '../support/proc-cpu.mjs';
import { spawnOn } from '../support/pin.mjs';

const root = fileURLToPath(new URL('../..', import.meta.url));
/** The loopback config of the interop tests (127.0.0.1, no multicast, formula ports). */
export const CYCLONE_LO_URI = `file://${join(root, 'packages/rtps/test/peers/cyclone-lo.xml')}`;

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/**
 * Starts ddsperf with `args` on `domain` (topic KS); `uri` is its CYCLONEDDS_URI; `cpu`: on that CPU only
 * (bench/support/pin.mjs). Keeps its last output lines.
 */
export function ddsperf(domain, args, uri = CYCLONE_LO_URI, cpu = undefined) {
  const child = spawnOn(cpu, 'ddsperf', ['-i', String(domain), '-T', 'KS', ...args], { env: { ...process.env, CYCLONEDDS_URI: uri }, stdio: ['ignore', 'pipe', 'pipe'] });
  const lines = [];
  let buf = '';
  const take = (d) => {
    buf += d;
    let i;
    while ((i = buf.indexOf('\n')) >= 0) {
      lines.push(buf.slice(0, i));
      if (lines.length > 2000) lines.splice(0, 1000);
      buf = buf.slice(i + 1);
    }
  };
  child.stdout.on('data', take);
  child.stderr.on('data', take);
  child.on('exit', (code, signal) => {
    if (signal !== 'SIGTERM' && code !== 0) console.error(`ddsperf ${args.join(' ')} exited (${code ?? signal}):\n${lines.slice(-30).join('\n')}`);
  });
  return { child, lines };
}

export async function stop(p) {
  if (p.child.exitCode !== null) return;
  p.child.kill('SIGTERM');
  await new Promise((r) => (p.child.exitCode !== null ? r() : p.child.on('exit', r)));
}

/** `ddsperf pub` of `size`-byte samples, as fast as it goes or at `rate` samples a second. */
const pubArgs = (size, rate) => ['pub', ...(rate ? [`${rate}Hz`] : []), 'size', String(size)];

/** Samples `ddsperf sub` has received in all: its per-second lines carry `total N` (or `size … total N`). */
function subTotal(lines) {
  for (let i = lines.length - 1; i >= 0; i--) {
    const m = /\btotal (\d+)/.exec(lines[i]);
    if (m) return Number(m[1]);
  }
  return 0;
}

/**
 * Cyclone's reader of `ddsperf pub size <size>`: samples/s over `seconds` after `warmupMs`, its CPU (share of one
 * core), the publisher's CPU and the samples it lost. `pubUri`/`subUri`: CYCLONEDDS_URI of each (security). `rate`:
 * samples a second the publisher is held to (default: as fast as it goes); `cpus`: { writer, reader } to pin them.
 */
export async function runCyclone({ domain, size, seconds, warmupMs, pubUri, subUri, rate, cpus }) {
  const sub = ddsperf(domain, ['sub'], subUri, cpus?.reader);
  const pub = ddsperf(domain, pubArgs(size, rate), pubUri, cpus?.writer);
  await sleep(warmupMs);
  const n0 = subTotal(sub.lines);
  const c0 = procCpu(sub.child.pid);
  const p0 = procCpu(pub.child.pid);
  const t0 = Date.now();
  await sleep(seconds * 1000);
  const n1 = subTotal(sub.lines);
  const dt = (Date.now() - t0) / 1000;
  const cpu = (procCpu(sub.child.pid) - c0) / dt;
  const pubCpu = (procCpu(pub.child.pid) - p0) / dt;
  const lost = /\blost (\d+)/.exec([...sub.lines].reverse().find((l) => /\blost \d+/.test(l)) ?? '')?.[1];
  await stop(pub);
  await stop(sub);
  if (n1 === 0) throw new Error(`ddsperf sub received nothing; its output:\n${sub.lines.slice(-20).join('\n')}\npub:\n${pub.lines.slice(-20).join('\n')}`);
  return { rate: (n1 - n0) / dt, cpu, pubCpu, lost: Number(lost ?? 0) };
}

/** ddsperf's KeyedSeq: `unsigned long seq; @key unsigned long keyval; sequence<octet> baggage`. */
const KEYED_SEQ = {
  serializeKey: (payload, keyOnly) => {
    const le = (payload[1] & 1) === 1;
    const at = keyOnly ? 4 : 8;
    const out = Buffer.alloc(4);
    out.writeUInt32BE(le ? payload.readUInt32LE(at) : payload.readUInt32BE(at), 0);
    return out;
  },
  maxSize: 4,
};

/**
 * Our reader of `ddsperf pub size <size>`: samples/s over the same window, the Node process's CPU, the publisher's
 * CPU, datagrams in/out per second. `participant`: extra participant options (security); `profile`: a directory
 * to write a V8 CPU profile of the measured window to; `name` names that file. `rate`, `cpus`: as for runCyclone
 * (this process is the reader: pinned by whoever runs it); `lend`: the reader lends its payloads (lendPayloads);
 * `rtps`: the @medkit/rtps build to read with (another build's module, for an A/B of two builds).
 */
export async function runOurs({ domain, size, seconds, warmupMs, pubUri, participant = {}, profile, name = 'medkit-reader', rate, cpus, lend = false, rtps = { createParticipant } }) {
  const p = await rtps.createParticipant({ domainId: domain, localhostOnly: true, peerIndexCount: 20, ...participant });
  // lend: the reader lends payloads (ReaderConfig.lendPayloads); this one only counts them, so it may.
  const r = p.createReader({ topic: 'DDSPerfRDataKS', typeName: 'KeyedSeq', key: KEYED_SEQ, qos: { reliability: 'reliable', history: { kind: 'keep-last', depth: 1 } }, lendPayloads: lend });
  let n = 0;
  let bytes = 0;
  r.on('sample', (s) => {
    n++;
    bytes += s.payload.length;
  });
  const pub = ddsperf(domain, pubArgs(size, rate), pubUri, cpus?.writer);
  await sleep(warmupMs);
  const stopProfile = await startCpuProfile(profile, name);
  const n0 = n;
  const t0stats = p.trafficStats();
  const c0 = process.cpuUsage();
  const p0 = procCpu(pub.child.pid);
  const t0 = Date.now();
  await sleep(seconds * 1000);
  const n1 = n;
  const c = process.cpuUsage(c0);
  const dt = (Date.now() - t0) / 1000;
  const pubCpu = (procCpu(pub.child.pid) - p0) / dt;
  const t1stats = p.trafficStats();
  const datagramsIn = (t1stats.datagramsIn - t0stats.datagramsIn) / dt;
  const datagramsOut = (t1stats.datagramsOut - t0stats.datagramsOut) / dt;
  await stopProfile();
  await stop(pub);
  const dropped = participant.security?.stats.securedDropped ?? 0;
  await p.close();
  if (n1 === 0) throw new Error(`our reader received nothing (matched ${r.matches?.size ?? '?'}); ddsperf pub:\n${pub.lines.slice(-20).join('\n')}`);
  return { rate: (n1 - n0) / dt, cpu: (c.user + c.system) / 1e6 / dt, pubCpu, avgBytes: n ? bytes / n : 0, malformed: p.stats.malformed, dropped, datagramsIn, datagramsOut };
}

/** A number with thousands separators. */
export const fmt = (x) => Math.round(x).toLocaleString('en');
/** A share (0..1) as a whole percentage. */
export const pct = (x) => `${(x * 100).toFixed(0)}%`;
/**
 * A reader's CPU time per sample (µs) from runCyclone's or runOurs's result: what it costs whatever its writer's pace,
 * the figure an A/B of two builds should compare (a rate also moves with the writer).
 */
export const usPerSample = (r) => (r.cpu * 1e6) / r.rate;
/** The load average, three figures, for a bench's lines. */
export const loadText = () => loadavg().map((l) => l.toFixed(2)).join(' ');
// The median of some numbers (shared with the other benches).
export { median } from '../support/median.mjs';
