#!/usr/bin/env node
// The V8 options' price on loading Node.js's built-in modules, and a way around it that was probed and dropped
// (docs/benchmarks.md, "Start-up (issue 69)", twelfth look). Any option that enters V8's flag hash makes V8 refuse
// Node.js's built-in code cache, so the built-ins compile from source. The probe: launch with the options (the heap
// and its threads are set up for memory), set every value they changed back to V8's default while the built-ins load
// (the hash matches again and the cache is taken), then set the options again.
//
// Each variant is a fresh process that requires the same built-ins and prints the CPU time (its own
// process.cpuUsage()) the requires took; variants alternate, --runs times each. A process killed by a signal is
// counted as such (the window with --single-threaded at launch crashes: see the doc).
//   node bench/startup/builtins-window.mjs [--runs 15] [--node PATH] [--smoke]
// --node runs another Node.js binary (the packages' runtime: an installed tree's node/bin/node).
import { spawnSync } from 'node:child_process';
import { loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { NODE_RUNTIME_FLAGS } from '@medkit/cli/runtime-flags';
import { median } from '../support/median.mjs';

const { values: opts } = parseArgs({ options: { runs: { type: 'string' }, node: { type: 'string' }, smoke: { type: 'boolean' } } });
const runs = opts.smoke ? 1 : Math.max(1, Number(opts.runs ?? 15) || 15);
const node = opts.node ?? process.execPath;

/** `--single-threaded` without what breaks the window: it builds the isolate without a concurrent baseline compiler. */
const WINDOW_LAUNCH = NODE_RUNTIME_FLAGS.flatMap((f) => (f === '--single-threaded' ? ['--single-threaded-gc', '--no-concurrent-recompilation'] : [f]));

/** The built-ins the probe loads: those a gateway's start requires that are not loaded by a bare `node`. */
const BUILTINS = ['http', 'https', 'http2', 'net', 'dns', 'dgram', 'fs/promises', 'crypto', 'zlib', 'stream', 'worker_threads', 'child_process', 'diagnostics_channel', 'async_hooks', 'perf_hooks', 'vm', 'tls', 'timers/promises', 'stream/web', 'readline', 'string_decoder'];

// Run with `-e`: sets RESET's values, requires the built-ins, sets RESTORE's, prints the CPU ms of those steps.
const CHILD = `
const v8 = require('node:v8');
const { RESET: reset, RESTORE: restore } = process.env;
const before = process.cpuUsage();
if (reset) v8.setFlagsFromString(reset);
for (const m of ${JSON.stringify(BUILTINS)}) require('node:' + m);
if (restore) v8.setFlagsFromString(restore);
const used = process.cpuUsage(before);
process.stdout.write(String((used.user + used.system) / 1000));
`;

/** V8's option values under `flags`, one `--name[=value]` per line (V8's own listing). */
function flagValues(flags) {
  const out = spawnSync(node, [...flags, '--print-flag-values', '-e', '0'], { encoding: 'utf8', maxBuffer: 8 << 20 });
  if (out.status !== 0) throw new Error(`${node} ${flags.join(' ')} --print-flag-values: exit ${out.status ?? out.signal}\n${out.stderr}`);
  return out.stdout.split('\n').filter((l) => l.startsWith('--'));
}

const DEFAULTS = flagValues([]);

/** What `flags` changed: the default values to set back, and the launch values to set again afterwards. */
function changedValues(flags) {
  const launched = flagValues(flags);
  if (DEFAULTS.length !== launched.length) throw new Error('the two listings of V8 options differ in length');
  const reset = [];
  const restore = [];
  DEFAULTS.forEach((d, i) => {
    if (d !== launched[i]) {
      reset.push(d);
      restore.push(launched[i]);
    }
  });
  return { reset: reset.join(' '), restore: restore.join(' '), count: reset.length };
}

const ours = changedValues(NODE_RUNTIME_FLAGS);
const windowed = changedValues(WINDOW_LAUNCH);
const variants = [
  { name: 'no options', flags: [] },
  { name: 'the command\'s options', flags: NODE_RUNTIME_FLAGS },
  { name: 'the command\'s options, defaults while loading', flags: NODE_RUNTIME_FLAGS, env: { RESET: ours.reset, RESTORE: ours.restore } },
  { name: 'window launch', flags: WINDOW_LAUNCH },
  { name: 'window launch, defaults while loading', flags: WINDOW_LAUNCH, env: { RESET: windowed.reset, RESTORE: windowed.restore } },
];

const results = variants.map(() => ({ ms: [], crashed: [] }));
for (let r = 0; r < runs; r++) {
  variants.forEach((v, i) => {
    const env = { ...process.env, RESET: '', RESTORE: '', ...v.env };
    const out = spawnSync(node, [...v.flags, '-e', CHILD], { encoding: 'utf8', env, timeout: 60_000 });
    if (out.status === 0 && Number(out.stdout) > 0) results[i].ms.push(Number(out.stdout));
    else results[i].crashed.push(out.signal ?? `exit ${out.status}`);
  });
}

const fmt = (x) => x.toFixed(1);
console.log(`# Built-ins under the V8 options: ${node} (${spawnSync(node, ['--version'], { encoding: 'utf8' }).stdout.trim()})`);
console.log(`${BUILTINS.length} built-ins, ${runs} run(s) per variant, alternating; load ${loadavg().map((l) => l.toFixed(2)).join(' ')}`);
console.log(`values set back: ${ours.count} for the command's options, ${windowed.count} for the window launch (${WINDOW_LAUNCH.join(' ')})`);
console.log('');
console.log('| variant | CPU ms median | min | max | runs that crashed |');
console.log('|---|---|---|---|---|');
variants.forEach((v, i) => {
  const { ms, crashed } = results[i];
  const cells = ms.length ? [fmt(median(ms)), fmt(Math.min(...ms)), fmt(Math.max(...ms))] : ['-', '-', '-'];
  console.log(`| ${v.name} | ${cells.join(' | ')} | ${crashed.length ? `${crashed.length} (${[...new Set(crashed)].join(', ')})` : 0} |`);
});
