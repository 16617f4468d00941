// Parameter-beacon benchmark (issue 16): a gateway (default features, runtime discovery, the built-in
// parameter_beacon with its default poll settings) polls N nodes (default 200) in child processes, 10%
// of which never answer their parameter services. Prints per-cycle duration, polled / skipped /
// failed / unreached counts, and the gateway process's CPU time per cycle.
// Usage: npx tsc -b && node bench/plugins/run.mjs [nodes=200] [nodesPerProcess=10] [cycles=8] [--smoke]
// --smoke polls every second instead of every 5 (the test suite's run, test/bench-smoke.test.ts, with a few nodes).
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadConfig, createGateway, ROS_SERVICE } from '@medkit/gateway';
import { defaultFeatures, FEATURE_KEYS } from '@medkit/cli';

const positionals = process.argv.slice(2).filter((a) => !a.startsWith('--'));
const smoke = process.argv.includes('--smoke');
const total = Number(positionals[0] ?? 200);
const perProcess = Number(positionals[1] ?? 10);
const cycles = Number(positionals[2] ?? 8);
const domain = Number(process.env.BENCH_DOMAIN ?? 78);
const child = fileURLToPath(new URL('./child.mjs', import.meta.url));
const dataDir = mkdtempSync(join(tmpdir(), 'medkit-bench-beacon-'));

const config = loadConfig({
  env: {},
  extraKeys: FEATURE_KEYS,
  flags: { data_dir: dataDir, 'logging.level': 'silent', 'ui.enabled': false, 'ros.enabled': true, 'ros.domain_id': domain, 'ros.localhost_only': true, plugins: ['parameter_beacon'], ...(smoke ? { 'plugins.parameter_beacon.poll_interval_sec': 1 } : {}) },
});
const gateway = await createGateway({ config, features: defaultFeatures(config) });
const url = await gateway.listen(0);
const guid = gateway.ctx.services.get(ROS_SERVICE).context.participant.guidPrefix;

const children = [];
for (let p = 0; p * perProcess < total; p++) {
  const n = Math.min(perProcess, total - p * perProcess);
  const c = spawn(process.execPath, [child, String(domain), String(n), String(p), guid], { stdio: ['pipe', 'pipe', 'inherit'] });
  const lines = createInterface({ input: c.stdout });
  c.ready = new Promise((resolve) => lines.on('line', (l) => l === 'ready' && resolve()));
  c.loaded = new Promise((resolve) => lines.on('line', (l) => l === 'loaded' && resolve()));
  children.push(c);
}
await Promise.all(children.map((c) => c.loaded));
for (const c of children) c.stdin.write('go\n');
await Promise.all(children.map((c) => c.ready));

const debug = async () => (await (await fetch(`${url}/api/v1/x-medkit-param-beacon`)).json());
// Wait until a cycle sees every node as a target (they come from the online apps of discovery).
let d = await debug();
const t0 = Date.now();
while (!(d.last_cycle && d.last_cycle.targets >= total)) {
  if (Date.now() - t0 > 120_000) throw new Error(`only ${d.last_cycle?.targets ?? 0} targets after 120 s`);
  await new Promise((r) => setTimeout(r, 200));
  d = await debug();
}
console.log(`all ${total} nodes are targets after ${((Date.now() - t0) / 1000).toFixed(1)} s; config ${JSON.stringify(d.config)}`);
console.log('cycle | duration ms | polled | ok | failed | skipped | unreached | gateway CPU ms during the cycle and the sleep after it');
let seen = d.cycles;
let cpu = process.cpuUsage();
const rows = [];
while (rows.length < cycles) {
  await new Promise((r) => setTimeout(r, 100));
  d = await debug();
  if (d.cycles === seen) continue;
  seen = d.cycles;
  const used = process.cpuUsage(cpu);
  cpu = process.cpuUsage();
  const c = d.last_cycle;
  const row = [d.cycles, c.duration_ms, c.polled, c.succeeded, c.failed, c.skipped, c.unreached, Math.round((used.user + used.system) / 1000)];
  rows.push(row);
  console.log(row.join(' | '));
}
const hints = d.hints;
const backedOff = d.nodes.filter((n) => n.failures > 0).length;
console.log(`hints stored: ${hints}; nodes in backoff: ${backedOff}; load average ${(await import('node:os')).loadavg().map((x) => x.toFixed(1)).join(' ')}`);
for (const c of children) c.stdin.write('stop\n');
await gateway.close();
rmSync(dataDir, { recursive: true, force: true });
process.exit(0);
