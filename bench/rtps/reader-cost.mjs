// What a 1 KiB sample costs a reader, when the writer is not the limit: Cyclone DDS's `ddsperf pub` held to a fixed
// rate (topic KS, keyed, reliable), read by `ddsperf sub` (Cyclone's C reader) and by an @medkit/rtps keyed reader in
// turn, each for the same window; prints each reader's CPU time per sample (µs), alternated over `--runs`, and the
// medians. As fast as it goes (bench/rtps/subscribe-throughput.mjs) the writer itself used 95–98% of a core on a
// 2-core box, so that bench's ratio says as much about the writer's pace as about either reader; this one does not.
//
//   npx tsc -b packages/rtps && node bench/rtps/reader-cost.mjs [--rate 60000] [--size 1024] [--seconds 6] [--runs 5]
//       [--domain 227] [--rtps DIR] [--payloads given|lent] [--no-pin] [--warmup 4]
// --warmup S: the seconds each reader runs before its window (4); the test suite's smoke run (test/bench-smoke.test.ts)
// shortens it with the window.
//
// --payloads: whether our reader gives its payloads (the default reader) or lends them (lendPayloads).
// --rtps DIR: read with another build of @medkit/rtps (its dist/ directory, next to packages/rtps/dist so that the
// addon is found the same way), for an A/B of two builds in one run: its figure is printed as a third column (the
// two builds' order is swapped every run).
// With two CPUs or more and taskset, the writer runs on CPU 0 and both readers on CPU 1.
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { lendsPayloads } from '../support/payloads.mjs';
import { canPin, runPinnedOn } from '../support/pin.mjs';
import { loadText as load, median, runCyclone, runOurs, usPerSample as us } from './ddsperf-pair.mjs';

const { values: a } = parseArgs({
  options: {
    rate: { type: 'string', default: '60000' },
    size: { type: 'string', default: '1024' },
    seconds: { type: 'string', default: '6' },
    runs: { type: 'string', default: '5' },
    domain: { type: 'string', default: '227' },
    rtps: { type: 'string' },
    payloads: { type: 'string', default: 'given' },
    'no-pin': { type: 'boolean' },
    warmup: { type: 'string', default: '4' },
  },
});
const cpus = { writer: 0, reader: 1 };
const pin = canPin(!a['no-pin']);
runPinnedOn(cpus.reader, pin);
const lend = lendsPayloads(a.payloads);
const common = { domain: Number(a.domain), size: Number(a.size), seconds: Number(a.seconds), warmupMs: Number(a.warmup) * 1000, rate: Number(a.rate), cpus: pin ? cpus : undefined };
const other = a.rtps ? await import(pathToFileURL(resolve(a.rtps, 'index.js')).href) : undefined;

console.log(`${new Date().toISOString()}: ${a.size} B samples at ${a.rate}/s, ${a.seconds} s per reader after ${a.warmup} s, ${a.runs} runs, our payloads ${a.payloads}, domain ${a.domain}, ${pin ? 'the writer on CPU 0, the readers on CPU 1' : 'not pinned'}, load average ${load()}`);
const cols = { cyclone: [], medkit: [], other: [] };
for (let i = 0; i < Number(a.runs); i++) {
  const c = await runCyclone(common);
  // The two builds in turn, which goes first swapped every run (the second reader of a process found it warm).
  const swap = other && i % 2 === 1;
  const o0 = swap ? await runOurs({ ...common, rtps: other }) : undefined;
  const m = await runOurs({ ...common, lend });
  const o = other ? (o0 ?? (await runOurs({ ...common, rtps: other }))) : undefined;
  cols.cyclone.push(us(c));
  cols.medkit.push(us(m));
  if (o) cols.other.push(us(o));
  const f = (r) => `${Math.round(r.rate).toLocaleString('en')}/s at ${(r.cpu * 100).toFixed(1)}% of a core: ${us(r).toFixed(2)} µs/sample`;
  console.log(`run ${i + 1} (load ${load()}): Cyclone C reader ${f(c)} | @medkit/rtps ${f(m)}${o ? ` | ${a.rtps} ${f(o)}` : ''}`);
}
const mc = median(cols.cyclone);
const mm = median(cols.medkit);
console.log(`medians: Cyclone ${mc.toFixed(2)} µs/sample, @medkit/rtps ${mm.toFixed(2)} µs/sample (${((100 * mc) / mm).toFixed(0)}% of Cyclone's speed per CPU second)${other ? `, ${a.rtps} ${median(cols.other).toFixed(2)} µs/sample` : ''}`);
