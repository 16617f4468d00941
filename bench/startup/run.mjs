#!/usr/bin/env node
// Start-up benchmark (issue 32: "process start to /health 200 ≤ 1 s, built"). Runs, alternating so load
// drifts hit each alike, --runs times each:
//   baseline  a bare node:http server answering /api/v1/health (what Node.js itself costs to start)
//   bundle    `medkit gateway --no-ros --manifest examples/amr/manifest.yaml` as installed: bin/medkit.js,
//             which runs packages/cli/bundle (scripts/bundle-cli.mjs)
//   dist      the same command from the compiled packages' dist/ folders (no bundle), for comparison
// Each: wall time from spawn to the first 200 of GET /api/v1/health (polled every 10 ms), and the process's
// CPU time (utime + stime from /proc) at that moment. Prints medians, p90 and the ratio to the baseline.
// Build first (`npm run build`), then:
//   node bench/startup/run.mjs [--runs 15] [--json out.json] [--compare-flags='…']
// --compare-flags adds a variant `bundle, other options`: the bundle with those Node.js options instead of the
// command's own (e.g. the options before a change), in the same alternation. --compare-bin=FILE adds a variant
// `FILE`: another copy of bin/medkit.js with its bundle (e.g. the build before a change), with the command's options.
// --installed=DIR (repeatable) runs installed trees instead (`npm run package` step linux-<arch>, DIR/bin/medkit on
// the tree's own Node.js) and the baseline on the first tree's Node.js; the checkout's variants are left out.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { freePort } from '../../test-support/servers/ports.mjs';
import { NODE_RUNTIME_FLAGS } from '@medkit/cli/runtime-flags';
import { machine } from '../footprint/proc.mjs';
import { cpuMs, quantile } from './proc-time.mjs';

const { values: o } = parseArgs({ options: { runs: { type: 'string', default: '15' }, json: { type: 'string' }, 'compare-flags': { type: 'string' }, 'compare-bin': { type: 'string' }, installed: { type: 'string', multiple: true }, help: { type: 'boolean', default: false } } });
if (o.help) {
  console.log("node bench/startup/run.mjs [--runs N] [--json FILE] [--compare-flags='…'] [--compare-bin=FILE] [--installed=DIR …]");
  process.exit(0);
}
const RUNS = Number(o.runs);
const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const MANIFEST = join(ROOT, 'examples/amr/manifest.yaml');

const BASELINE = `require('node:http').createServer((q, s) => { s.setHeader('content-type', 'application/json'); s.end('{"status":"ok"}'); }).listen(Number(process.argv[1]), '127.0.0.1')`;
const DIST_MAIN = `import(${JSON.stringify(join(ROOT, 'packages/cli/dist/main.js'))}).then((m) => m.main(process.argv.slice(1)))`;
const gatewayArgs = (port, dir) => ['gateway', '--no-ros', '--manifest', MANIFEST, '--port', String(port), '--data-dir', dir, '--log-level', 'warn'];

const VARIANTS = {
  baseline: (port) => ['-e', BASELINE, String(port)],
  bundle: (port, dir) => [...NODE_RUNTIME_FLAGS, join(ROOT, 'packages/cli/bin/medkit.js'), ...gatewayArgs(port, dir)],
  dist: (port, dir) => [...NODE_RUNTIME_FLAGS, '--input-type=module', '-e', DIST_MAIN, ...gatewayArgs(port, dir)],
};
if (o['compare-flags'] !== undefined) {
  const other = o['compare-flags'].split(/\s+/).filter(Boolean);
  VARIANTS[`bundle with ${other.join(' ') || 'Node defaults'}`] = (port, dir) => [...other, join(ROOT, 'packages/cli/bin/medkit.js'), ...gatewayArgs(port, dir)];
}
if (o['compare-bin'] !== undefined) VARIANTS[o['compare-bin']] = (port, dir) => [...NODE_RUNTIME_FLAGS, o['compare-bin'], ...gatewayArgs(port, dir)];
/** The program a variant runs (this Node.js unless an installed tree's). */
const COMMAND = {};
if (o.installed?.length) {
  for (const v of Object.keys(VARIANTS)) if (v !== 'baseline') delete VARIANTS[v];
  COMMAND.baseline = join(o.installed[0], 'node/bin/node');
  for (const tree of o.installed) {
    VARIANTS[tree] = (port, dir) => gatewayArgs(port, dir);
    COMMAND[tree] = join(tree, 'bin/medkit');
  }
}

async function once_(variant) {
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'medkit-startup-'));
  const t0 = performance.now();
  const child = spawn(COMMAND[variant] ?? process.execPath, VARIANTS[variant](port, dir), { cwd: ROOT, stdio: 'ignore' });
  const exited = once(child, 'exit');
  try {
    for (;;) {
      if (child.exitCode !== null) throw new Error(`${variant} exited with ${child.exitCode} before answering`);
      if (performance.now() - t0 > 30_000) throw new Error(`${variant} did not answer within 30 s`);
      const ok = await fetch(`http://127.0.0.1:${port}/api/v1/health`).then((r) => r.status === 200, () => false);
      if (ok) return { wall: performance.now() - t0, cpu: cpuMs(child.pid) };
      await new Promise((r) => setTimeout(r, 10));
    }
  } finally {
    child.kill('SIGKILL');
    await exited;
    rmSync(dir, { recursive: true, force: true });
  }
}

const load = loadavg();
const results = Object.fromEntries(Object.keys(VARIANTS).map((v) => [v, []]));
for (let i = 0; i < RUNS; i++) for (const v of Object.keys(VARIANTS)) results[v].push(await once_(v));
const loadEnd = loadavg();

const rows = Object.entries(results).map(([variant, rs]) => ({
  variant,
  wallMedian: quantile(rs.map((r) => r.wall), 0.5),
  wallP90: quantile(rs.map((r) => r.wall), 0.9),
  cpuMedian: quantile(rs.map((r) => r.cpu), 0.5),
}));
const base = rows.find((r) => r.variant === 'baseline');
const m = machine();
console.log(`machine: ${m.nproc} × ${m.model}, ${m.memTotalGB} GB, Node.js ${m.node}`);
console.log(`command: node bench/startup/run.mjs ${process.argv.slice(2).join(' ')}; the command's Node.js options: ${NODE_RUNTIME_FLAGS.join(' ')}`);
console.log(`date: ${new Date().toISOString()}; runs: ${RUNS} each, alternating; load average at start ${load.map((l) => l.toFixed(2)).join(' ')}, at end ${loadEnd.map((l) => l.toFixed(2)).join(' ')}`);
console.log('\n| variant | wall median ms | wall p90 ms | CPU median ms | wall / baseline |');
console.log('|---|---|---|---|---|');
for (const r of rows) console.log(`| ${r.variant} | ${Math.round(r.wallMedian)} | ${Math.round(r.wallP90)} | ${Math.round(r.cpuMedian)} | ${(r.wallMedian / base.wallMedian).toFixed(1)}× |`);
if (o.json) writeFileSync(o.json, JSON.stringify({ date: new Date().toISOString(), machine: m, load, loadEnd, runs: RUNS, rows, results }, null, 2));
