#!/usr/bin/env node
// What loading /metrics costs a running gateway, measured inside it: a default `medkit gateway` composition
// (--no-ros, metrics off) is started and settled (3 forced GCs), then the metrics feature's own load step
// (loadMetrics(): import prom-client, make the registry, the default process metrics) runs, and its time and the
// process's USS (/proc/self/smaps_rollup) and V8 heap growth after 3 more GCs are printed. `--runs` (5) fresh
// processes; the time adds to start-up one for one (it runs in init, before the server listens). Resolves what
// bench/footprint and footprint-ab.mjs cannot on a busy machine (their start-up and USS noise is ±0.5 s, ±3 MB).
// Build first, then: node bench/metrics/load-cost.mjs [--runs 5]
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

if (process.argv[2] === '--child') {
  const uss = () => {
    const t = readFileSync('/proc/self/smaps_rollup', 'utf8');
    const kb = (k) => Number(new RegExp(`^${k}:\\s+(\\d+) kB`, 'm').exec(t)[1]);
    return (kb('Private_Clean') + kb('Private_Dirty')) / 1024;
  };
  const { loadConfig, createGateway } = await import('@medkit/gateway');
  const { defaultFeatures, FEATURE_KEYS } = await import('@medkit/cli');
  const dir = mkdtempSync(join(tmpdir(), 'medkit-bench-metrics-load-'));
  const config = loadConfig({ env: {}, extraKeys: FEATURE_KEYS, flags: { data_dir: dir, 'logging.level': 'silent', 'ros.enabled': false } });
  const gw = await createGateway({ config, features: defaultFeatures(config) });
  await gw.listen(0);
  const settle = async () => {
    for (let i = 0; i < 3; i++) {
      globalThis.gc();
      await new Promise((r) => setTimeout(r, 300));
    }
  };
  await settle();
  const u0 = uss();
  const h0 = process.memoryUsage().heapUsed;
  const { loadMetrics } = await import('@medkit/server');
  const t0 = performance.now();
  const m = await loadMetrics();
  const ms = performance.now() - t0;
  await m.scrape();
  await settle();
  console.log(JSON.stringify({ ms, uss: uss() - u0, heap: (process.memoryUsage().heapUsed - h0) / 2 ** 20 }));
  await gw.close();
  rmSync(dir, { recursive: true, force: true });
  process.exit(0);
}

const { values: o } = parseArgs({ options: { runs: { type: 'string', default: '5' } } });
const { NODE_RUNTIME_FLAGS } = await import('@medkit/cli/runtime-flags');
const load0 = loadavg()[0];
const runs = [];
for (let i = 0; i < Number(o.runs); i++) {
  const r = spawnSync(process.execPath, ['--expose-gc', ...NODE_RUNTIME_FLAGS, fileURLToPath(import.meta.url), '--child'], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(r.stderr);
  runs.push(JSON.parse(r.stdout.trim().split('\n').pop()));
}
const median = (k) => [...runs.map((r) => r[k])].sort((a, b) => a - b)[Math.floor(runs.length / 2)];
const range = (k) => `${Math.min(...runs.map((r) => r[k])).toFixed(2)}–${Math.max(...runs.map((r) => r[k])).toFixed(2)}`;
console.log(`machine: ${cpus().length} × ${cpus()[0]?.model}; node ${process.version}; ${new Date().toISOString()}; load average ${load0.toFixed(2)} → ${loadavg()[0].toFixed(2)}`);
console.log(`command: node bench/metrics/load-cost.mjs --runs ${o.runs}`);
console.log('\n| loading /metrics in a running gateway | median | range |\n|---|---|---|');
console.log(`| time (ms; adds to start-up) | ${median('ms').toFixed(1)} | ${range('ms')} |`);
console.log(`| USS growth (MB) | ${median('uss').toFixed(2)} | ${range('uss')} |`);
console.log(`| V8 heap growth (MB) | ${median('heap').toFixed(2)} | ${range('heap')} |`);
