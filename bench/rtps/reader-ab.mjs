// An A/B of two builds of @medkit/rtps's reader on fragmented samples, each window in a fresh process: Cyclone DDS's
// `ddsperf pub size S` (topic KS, reliable, as fast as its writer goes) read by an @medkit/rtps keyed reader of the
// base build, then of this checkout's build, `--pairs` times. Prints each window's rate, CPU time per sample, minor
// page faults and RSS, then each build's median and the median of the per-pair ratios (this build / base) of CPU per
// sample. Fresh processes, unlike reader-cost.mjs's --rtps, so that what one build changes for the whole process (the
// addon's malloc settings) does not reach the other.
//
//   npx tsc -b packages/rtps && node bench/rtps/reader-ab.mjs --base DIR [--pairs 6] [--size 65536] [--seconds 8]
//     [--domain 224] [--payloads given|lent] [--base-payloads given|lent] [--warmup 4]
// --warmup S: the seconds each reader runs before its window (4); the test suite's smoke run (test/bench-smoke.test.ts)
// shortens it with the window.
//
// --payloads, --base-payloads: whether this build's and the base's reader lends its payloads (lendPayloads; a build
// before it ignores the option), `given` for both by default. `--base packages/rtps --base-payloads given --payloads
// lent` measures what lending saves in one build.
// DIR: a copy of packages/rtps holding the base build: its dist/ and native/build/Release/medkit_rtps.node (e.g.
// `git worktree add /tmp/base <commit>`, build it there, `cp -r /tmp/base/packages/rtps DIR`), placed inside this
// checkout (e.g. under .ab/) so that its dependencies resolve from node_modules.
import { execFileSync } from 'node:child_process';
import { resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { lendsPayloads } from '../support/payloads.mjs';
import { loadText as load, median, runOurs, usPerSample } from './ddsperf-pair.mjs';

const { values: a } = parseArgs({
  options: {
    base: { type: 'string' },
    pairs: { type: 'string', default: '6' },
    size: { type: 'string', default: '65536' },
    seconds: { type: 'string', default: '8' },
    domain: { type: 'string', default: '224' },
    child: { type: 'string' },
    payloads: { type: 'string', default: 'given' },
    'base-payloads': { type: 'string', default: 'given' },
    warmup: { type: 'string', default: '4' },
  },
});

if (a.child) {
  // One window in this process, with the build at a.child; one JSON line out.
  const { createParticipant } = await import(pathToFileURL(resolve(a.child, 'dist/index.js')).href);
  const r = await runOurs({ domain: Number(a.domain), size: Number(a.size), seconds: Number(a.seconds), warmupMs: Number(a.warmup) * 1000, lend: lendsPayloads(a.payloads), rtps: { createParticipant } });
  const usage = process.resourceUsage();
  console.log(JSON.stringify({ rate: r.rate, us: usPerSample(r), faults: usage.minorPageFault, rssMB: process.memoryUsage().rss / 2 ** 20 }));
  process.exit(0);
}

if (!a.base) throw new Error('--base DIR: a copy of packages/rtps with the base build (see the head of this file)');
for (const k of ['payloads', 'base-payloads']) lendsPayloads(a[k], `--${k}`);
const payloads = { base: a['base-payloads'], this: a.payloads };
const self = fileURLToPath(import.meta.url);
const builds = { base: resolve(a.base), this: fileURLToPath(new URL('../../packages/rtps', import.meta.url)) };
const window = (name) => JSON.parse(execFileSync(process.execPath, [self, '--child', builds[name], '--payloads', payloads[name], '--size', a.size, '--seconds', a.seconds, '--domain', a.domain, '--warmup', a.warmup], { encoding: 'utf8' }).trim().split('\n').pop());

console.log(`${new Date().toISOString()}: ${a.size} B samples, ${a.seconds} s windows after ${a.warmup} s, ${a.pairs} pairs (base with payloads ${payloads.base}, then this build with payloads ${payloads.this}), domain ${a.domain}, load average ${load()}`);
const costs = { base: [], this: [] };
const ratios = [];
for (let i = 1; i <= Number(a.pairs); i++) {
  const pair = {};
  for (const name of ['base', 'this']) {
    const w = window(name);
    pair[name] = w;
    costs[name].push(w.us);
    console.log(`pair ${i} ${name.padEnd(4)}: ${Math.round(w.rate).toLocaleString('en')}/s, ${w.us.toFixed(1)} µs/sample, ${w.faults.toLocaleString('en')} minor faults, RSS ${w.rssMB.toFixed(0)} MB (load ${load()})`);
  }
  ratios.push(pair.this.us / pair.base.us);
}
const sorted = [...ratios].sort((x, y) => x - y).map((r) => r.toFixed(2));
console.log(`medians: base ${median(costs.base).toFixed(1)} µs/sample, this build ${median(costs.this).toFixed(1)} µs/sample; per pair this/base ${median(ratios).toFixed(3)} (${sorted.join(' ')})`);
