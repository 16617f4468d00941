// RTPS throughput of fragmented samples (DATA_FRAG): Cyclone DDS's `ddsperf pub size S` (topic KS, reliable, as
// fast as its writer goes) on loopback, read by (A) Cyclone's own C reader (`ddsperf sub`) and (B) an @medkit/rtps
// reader (keyed, reliable, KEEP_LAST 1), one after the other with the same publisher, for each size, `runs` times
// alternating; prints each run and the medians (samples/s, Gb/s of payload, CPU, CPU per sample, ratio) with the load
// average. Copy the block into docs/benchmarks.md.
//
//   npm run build && node bench/rtps/fragmented-throughput.mjs [--seconds 10] [--runs 3] [--domain 43]
//     [--sizes 65536,1048576] [--payloads lent|given] [--profile DIR] [--pin] [--warmup 4]
// --warmup S: the seconds each reader runs before its window (4); the test suite's smoke run (test/bench-smoke.test.ts)
// shortens it with the window.
//
// --payloads: `lent` (the default) reads with ReaderConfig.lendPayloads, as a reader that only looks at each sample
// may (this one counts them; Cyclone's reader too takes its samples into memory it reuses); `given` hands each
// sample its own buffer, as a reader that keeps samples needs.
// --profile DIR writes a V8 CPU profile of each of our reader's measured windows (as node --cpu-prof would). --pin: with
// two CPUs or more and taskset, the writer on CPU 0 and both readers on CPU 1 (bench/support/pin.mjs), as the 1 KiB
// bench does by default; without it the scheduler places them, as in the figures recorded before it existed.
import { parseArgs } from 'node:util';
import { fmt, loadText as load, median, pct, runCyclone, runOurs, usPerSample as usPer } from './ddsperf-pair.mjs';
import { lendsPayloads } from '../support/payloads.mjs';
import { canPin, runPinnedOn } from '../support/pin.mjs';

const { values } = parseArgs({
  options: { payloads: { type: 'string', default: 'lent' }, seconds: { type: 'string', default: '10' }, runs: { type: 'string', default: '3' }, domain: { type: 'string', default: '43' }, sizes: { type: 'string', default: '65536,1048576' }, profile: { type: 'string' }, pin: { type: 'boolean' }, warmup: { type: 'string', default: '4' } },
});
const seconds = Number(values.seconds);
const runs = Number(values.runs);
const domain = Number(values.domain);
const sizes = values.sizes.split(',').map(Number);
const lend = lendsPayloads(values.payloads);
const WARMUP_MS = Number(values.warmup) * 1000;
const pin = canPin(values.pin === true);
// This process is our reader: on CPU 1 with Cyclone's reader, the writer on CPU 0.
runPinnedOn(1, pin);
const cpus = pin ? { writer: 0, reader: 1 } : undefined;

const gbps = (rate, size) => (rate * size * 8) / 1e9;
// CPU time per sample moves with the CPU's speed on a VM still (bench/support/cpu-speed.mjs).

console.log(`${new Date().toISOString()}, ${seconds} s per reader after ${WARMUP_MS / 1000} s warm-up, ${runs} runs per size, payloads ${values.payloads}, domain ${domain}, ${pin ? 'readers on CPU 1, the writer on CPU 0' : 'unpinned'}, load average ${load()}`);
for (const size of sizes) {
  const ratios = [];
  const cycRates = [];
  const ourRates = [];
  const ourCosts = [];
  for (let i = 0; i < runs; i++) {
    const window = { domain, size, seconds, warmupMs: WARMUP_MS, cpus };
    const cyc = await runCyclone(window);
    const ours = await runOurs({ ...window, lend, profile: values.profile, name: `medkit-frag-${size}` });
    ratios.push(ours.rate / cyc.rate);
    cycRates.push(cyc.rate);
    ourRates.push(ours.rate);
    ourCosts.push(usPer(ours));
    console.log(`size ${size} run ${i + 1}: Cyclone ${fmt(cyc.rate)}/s ${gbps(cyc.rate, size).toFixed(2)} Gb/s (CPU ${pct(cyc.cpu)}, ${usPer(cyc).toFixed(1)} µs/sample, pub ${pct(cyc.pubCpu)}, lost ${cyc.lost}) | medkit ${fmt(ours.rate)}/s ${gbps(ours.rate, size).toFixed(2)} Gb/s (CPU ${pct(ours.cpu)}, ${usPer(ours).toFixed(1)} µs/sample, pub ${pct(ours.pubCpu)}, datagrams in ${fmt(ours.datagramsIn)}/s out ${fmt(ours.datagramsOut)}/s, malformed ${ours.malformed}) | ratio ${pct(ours.rate / cyc.rate)} | load ${load()}`);
  }
  const r = median(ratios);
  console.log(`size ${size} median: Cyclone ${gbps(median(cycRates), size).toFixed(2)} Gb/s, medkit ${gbps(median(ourRates), size).toFixed(2)} Gb/s at ${median(ourCosts).toFixed(1)} µs of CPU per sample, ratio ${pct(r)} (goal >= 80%): ${r >= 0.8 ? 'PASS' : 'FAIL'}`);
}
