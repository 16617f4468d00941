// RTPS subscribe throughput: 1 KiB samples from the Cyclone DDS test peer (throughput-pub,
// reliable, KEEP_ALL) on loopback, received by (A) Cyclone's own C reader (the peer in
// throughput-sub mode) and (B) our TypeScript reader, one after the other in the same run with
// the same publisher settings, `--runs` times alternating. Prints samples/s and CPU for both, each
// run and the median ratio, with the load average, and for each half the box's UDP counters and how the writer's CPU
// spent the window (idle, softirq); copy the printed block into docs/benchmarks.md.
//
//   npx tsc -b packages/rtps && node bench/rtps/subscribe-throughput.mjs [seconds=10] [domain=39] [--runs 1] [--payloads lent|given] [--profile DIR] [--no-pin] [--warmup 4]
//
// --payloads: `lent` (the default) reads with ReaderConfig.lendPayloads, as a reader that only looks at each sample
// may (this one counts them): each payload is handed on as a view of the datagram; `given` copies each into bytes
// of its own, as a reader that keeps samples needs.
// --profile DIR writes a V8 CPU profile of each of our reader's measured windows. With two CPUs or more and taskset,
// the writer runs on CPU 0 and both readers on CPU 1 (--no-pin: the scheduler places them).
// --warmup S: the seconds from starting the writer to the window (4: discovery, then 2 s of samples); the test suite's
// smoke run (test/bench-smoke.test.ts) shortens it with the window.
//
// The peer binary is the one the interop tests build (packages/rtps/test/peers/build/cyclone-*/peer;
// run `npx vitest run packages/rtps/test/interop-cyclone.test.ts` once), or MEDKIT_CYCLONE_PEER.
import { loadavg } from 'node:os';
import { monitorEventLoopDelay, PerformanceObserver } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { createParticipant } from '@medkit/rtps';
import { startCpuProfile } from '../support/cpu-profile.mjs';
import { cyclonePeer } from '../support/cyclone-peer.mjs';
import { cpuShares, cpuTimes, procCpu } from '../support/proc-cpu.mjs';
import { median, sleep, stop } from './ddsperf-pair.mjs';
import { lendsPayloads } from '../support/payloads.mjs';
import { canPin, runPinnedOn } from '../support/pin.mjs';
import { udpCounters, udpDelta } from '../support/udp-counters.mjs';

const WRITER_CPU = 0;
const READER_CPU = 1;
const { values, positionals } = parseArgs({ allowPositionals: true, options: { runs: { type: 'string', default: '1' }, payloads: { type: 'string', default: 'lent' }, profile: { type: 'string' }, 'no-pin': { type: 'boolean' }, warmup: { type: 'string', default: '4' } } });
// Both readers (this process, Cyclone's subscriber) on CPU 1, the writer on CPU 0: unpinned, the writer and a reader,
// each near a whole core, shared both cores at random, and Cyclone's own rate moved between 92k and 139k samples/s.
const pin = canPin(!values['no-pin']);
runPinnedOn(READER_CPU, pin);
const seconds = Number(positionals[0] ?? 10);
const domain = Number(positionals[1] ?? 39);
const SIZE = 1024;
const lend = lendsPayloads(values.payloads);

const spawnPeer = (args, cpu) => cyclonePeer(args, domain, undefined, pin ? cpu : undefined);

/**
 * One measured window of `seconds`, the same for both halves: `read` gives the counters that move (samples received,
 * the reader's CPU seconds, datagrams it sent), read at both ends with the writer's CPU, its core and the box's UDP
 * counters. Returns the differences per second of window.
 */
async function measureWindow(writerPid, read) {
  const at = () => ({ ...read(), writer: procCpu(writerPid), udp: udpCounters(), core: cpuTimes(WRITER_CPU), t: Date.now() });
  const a = at();
  await sleep(seconds * 1000);
  const b = at();
  const dt = (b.t - a.t) / 1000;
  const samples = b.samples - a.samples;
  return { dt, samples, rate: samples / dt, cpu: (b.readerCpu - a.readerCpu) / dt, writerCpu: (b.writer - a.writer) / dt, sentPerSecond: ((b.sent ?? 0) - (a.sent ?? 0)) / dt, udp: udpDelta(a.udp, b.udp), writerCore: cpuShares(a.core, b.core) };
}

// Warm-up excluded: measure between t0 = --warmup s after the writer started and t0 + seconds.
async function runCyclone() {
  const sub = spawnPeer(['throughput-sub', '--size', String(SIZE)], READER_CPU);
  const pub = spawnPeer(['throughput-pub', '--size', String(SIZE), '--wait-match', '1'], WRITER_CPU);
  await sleep(Number(values.warmup) * 1000);
  const total = () => {
    const last = [...sub.lines].reverse().find((l) => l.startsWith('rate '));
    return last ? Number(/total=(\d+)/.exec(last)[1]) : 0;
  };
  const w = await measureWindow(pub.child.pid, () => ({ samples: total(), readerCpu: procCpu(sub.child.pid) }));
  const lost = [...sub.lines].reverse().find((l) => l.startsWith('rate '))?.match(/lost=(\d+)/)?.[1];
  await stop(pub);
  await stop(sub);
  return { ...w, lost: Number(lost ?? 0) };
}

async function runOurs() {
  const p = await createParticipant({ domainId: domain, localhostOnly: true });
  const r = p.createReader({ topic: 'rt/throughput', typeName: 'std_msgs::msg::dds_::String_', qos: { reliability: 'reliable', history: { kind: 'keep-last', depth: 1 } }, lendPayloads: lend });
  let n = 0;
  let bytes = 0;
  r.on('sample', (s) => {
    n++;
    bytes += s.payload.length;
  });
  const pub = spawnPeer(['throughput-pub', '--size', String(SIZE), '--wait-match', '1'], WRITER_CPU);
  await sleep(Number(values.warmup) * 1000);
  const stopProfile = await startCpuProfile(values.profile, 'medkit-1k-reader');
  // Where the reader is not reading: event-loop stalls and GC pauses in the measured window.
  const loop = monitorEventLoopDelay({ resolution: 1 });
  const gc = { count: 0, totalMs: 0, maxMs: 0 };
  const gcObserver = new PerformanceObserver((list) => {
    for (const e of list.getEntries()) {
      gc.count++;
      gc.totalMs += e.duration;
      gc.maxMs = Math.max(gc.maxMs, e.duration);
    }
  });
  gcObserver.observe({ entryTypes: ['gc'] });
  loop.enable();
  const ownCpu = () => {
    const c = process.cpuUsage();
    return (c.user + c.system) / 1e6;
  };
  const w = await measureWindow(pub.child.pid, () => ({ samples: n, readerCpu: ownCpu(), sent: p.transport.sent.datagrams }));
  loop.disable();
  gcObserver.disconnect();
  await stopProfile();
  await stop(pub);
  await p.close();
  const ms = (ns) => ns / 1e6;
  const stalls = { p50: ms(loop.percentile(50)), p99: ms(loop.percentile(99)), max: ms(loop.max) };
  return { ...w, avgBytes: n ? bytes / n : 0, malformed: p.stats.malformed, stalls, gc };
}

const load = () => loadavg().map((l) => l.toFixed(2)).join(' ');
console.log(`${new Date().toISOString()}, ${seconds} s per reader ${values.warmup} s after the writer started, ${values.runs} runs, payloads ${values.payloads}, domain ${domain}, ${pin ? `readers on CPU ${READER_CPU}, the writer on CPU ${WRITER_CPU}` : 'not pinned'}, load average ${load()}`);
// Box-wide datagrams per received sample (the writer's DATA, HEARTBEATs, retransmissions; the reader's ACKNACKs) and
// datagrams the kernel dropped because a receive buffer was full, for the measured window.
// With the writer pinned, its CPU's softirq time is the kernel's loopback delivery of what it sends (charged to the
// sending CPU), in µs per received sample; idle is when the writer waited (for ACKNACKs, its history cache full).
const wire = (r) =>
  (r.udp ? `; box UDP: ${(r.udp.out / r.samples).toFixed(3)} datagrams sent per sample, ${r.udp.rcvbufErrors} dropped at a full receive buffer` : '') +
  (pin ? `; the writer's CPU ${(100 * r.writerCore.idle).toFixed(1)}% idle, softirq ${((r.writerCore.softirq * r.dt * 1e6) / r.samples).toFixed(2)} µs per sample` : '');
const ratios = [];
for (let i = 0; i < Number(values.runs); i++) {
  const cyc = await runCyclone();
  const ours = await runOurs();
  const pct = (100 * ours.rate) / cyc.rate;
  ratios.push(pct);
  console.log(`run ${i + 1} (load ${load()}):
- Cyclone C reader (peer throughput-sub): ${Math.round(cyc.rate).toLocaleString('en')} samples/s, CPU ${(cyc.cpu * 100).toFixed(0)}% of one core, lost ${cyc.lost}; the writer's CPU ${(cyc.writerCpu * 100).toFixed(0)}%${wire(cyc)}
- @medkit/rtps reader: ${Math.round(ours.rate).toLocaleString('en')} samples/s, CPU ${(ours.cpu * 100).toFixed(0)}% of one core (whole Node process), payload ${Math.round(ours.avgBytes)} B; the writer's CPU ${(ours.writerCpu * 100).toFixed(0)}%; ${Math.round(ours.sentPerSecond)} datagrams/s sent (ACKNACKs and discovery)${wire(ours)}
  event-loop delay p50 ${ours.stalls.p50.toFixed(1)} / p99 ${ours.stalls.p99.toFixed(1)} / max ${ours.stalls.max.toFixed(1)} ms; GC ${ours.gc.count} pauses (${(ours.gc.count / ours.dt).toFixed(0)}/s), ${((100 * ours.gc.totalMs) / (ours.dt * 1000)).toFixed(1)}% of the window, longest ${ours.gc.maxMs.toFixed(1)} ms
- ratio: ${pct.toFixed(0)}% of Cyclone`);
}
const m = median(ratios);
console.log(`median ratio of ${ratios.length} runs: ${m.toFixed(0)}% of Cyclone (goal >= 100%): ${m >= 100 ? 'PASS' : 'FAIL'}`);
