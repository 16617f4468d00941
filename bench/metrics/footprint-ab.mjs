#!/usr/bin/env node
// What turning /metrics on costs a plain gateway (`medkit gateway --no-ros --manifest examples/amr/manifest.yaml`),
// measured as alternating pairs (off, on, off, on, ...) so a busy machine's drift hits both sides alike:
// start-up (spawn → first /api/v1/health 200, 5 ms polls) and, `--settle` s (5) later, USS and private dirty
// (/proc/PID/smaps_rollup, as bench/footprint). Prints each side's median and the median of the pairwise
// differences. bench/footprint/run.mjs measures one process in depth; this one resolves a small difference.
// Build first, then: node bench/metrics/footprint-ab.mjs [--pairs 8] [--settle 5]
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { freePort } from '../../test-support/servers/ports.mjs';
import { NODE_RUNTIME_FLAGS } from '@medkit/cli/runtime-flags';
import { memory } from '../footprint/proc.mjs';

const { values: o } = parseArgs({ options: { pairs: { type: 'string', default: '8' }, settle: { type: 'string', default: '5' } } });
const MEDKIT = fileURLToPath(new URL('../../packages/cli/bin/medkit.js', import.meta.url));
const MANIFEST = fileURLToPath(new URL('../../examples/amr/manifest.yaml', import.meta.url));
const work = mkdtempSync(join(tmpdir(), 'medkit-bench-metrics-ab-'));
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function one(enabled, i) {
  const port = await freePort();
  const args = [...NODE_RUNTIME_FLAGS, MEDKIT, 'gateway', '--no-ros', '--manifest', MANIFEST, '--port', String(port), '--data-dir', join(work, `d${i}${enabled}`), '--log-level', 'error', '--set', `metrics.enabled=${enabled}`];
  const t0 = performance.now();
  const child = spawn(process.execPath, args, { stdio: 'ignore' });
  try {
    for (;;) {
      const ok = await fetch(`http://127.0.0.1:${port}/api/v1/health`).then((r) => r.status === 200, () => false);
      if (ok) break;
      if (performance.now() - t0 > 60_000) throw new Error('no /health after 60 s');
      await sleep(5);
    }
    const startup = performance.now() - t0;
    await sleep(Number(o.settle) * 1000);
    const m = memory(child.pid);
    return { startup, uss: m.uss, dirty: m.dirty };
  } finally {
    child.kill('SIGKILL');
    await new Promise((r) => child.once('exit', r));
  }
}

const runs = { false: [], true: [] };
const load0 = loadavg()[0];
for (let i = 0; i < Number(o.pairs); i++) {
  for (const enabled of i % 2 ? [true, false] : [false, true]) runs[enabled].push(await one(enabled, i));
  process.stderr.write('.');
}
rmSync(work, { recursive: true, force: true });
const diff = (k) => median(runs.true.map((r, i) => r[k] - runs.false[i][k]));
console.log(`\nmachine: ${cpus().length} × ${cpus()[0]?.model}; node ${process.version}; ${new Date().toISOString()}; load average ${load0.toFixed(2)} → ${loadavg()[0].toFixed(2)}`);
console.log(`command: node bench/metrics/footprint-ab.mjs --pairs ${o.pairs} --settle ${o.settle}`);
console.log('\n| metrics.enabled | start-up ms (median) | USS MB (median) | private dirty MB (median) |\n|---|---|---|---|');
for (const k of ['false', 'true']) console.log(`| ${k} | ${median(runs[k].map((r) => r.startup)).toFixed(0)} | ${median(runs[k].map((r) => r.uss)).toFixed(1)} | ${median(runs[k].map((r) => r.dirty)).toFixed(1)} |`);
console.log(`| on − off (median of the pairs) | ${diff('startup').toFixed(0)} | ${diff('uss').toFixed(2)} | ${diff('dirty').toFixed(2)} |`);
