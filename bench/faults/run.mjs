// Fault pipeline benchmark in a real gateway (AMR manifest, SQLite store on disk, HTTP + SSE):
//   A) throughput: reports as fast as the manager takes them, each committed to SQLite and published as an
//      SSE event to a few clients in a child process; reports/s end to end = events delivered per second.
//   B) latency: 1,000 SSE clients (child process), reports at a fixed rate; p50/p99 report → event arrival.
//   RSS of the gateway process after B. B runs before A: docs/architecture.md RSS budget is for the 1,000-client load,
//   and A's storm of reports grows the JS heap (garbage, not retained) by tens of MB.
// Reports enter through the faults service exactly as the ROS report_fault handler calls it.
// Build first: `npx tsc -b` (or `npx tsc -p packages/gateway`), then
// `node [--expose-gc] bench/faults/run.mjs [--seconds 10] [--clients 1000] [--rate 10] [--throughput-clients 10]`.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const { loadConfig, createGateway, createEntitiesFeature, createFaultsFeature, FAULTS_SERVICE } = await import('@medkit/gateway');

const arg = (name, def) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : def;
};
const SECONDS = arg('seconds', 10);
const CLIENTS = arg('clients', 1000);
const RATE = arg('rate', 10);
const TP_CLIENTS = arg('throughput-clients', 10);

const faults = createFaultsFeature();
const dataDir = mkdtempSync(join(tmpdir(), 'medkit-bench-faults-'));
const manifest = fileURLToPath(new URL('../../examples/amr/manifest.yaml', import.meta.url));
const config = loadConfig({
  env: {},
  extraKeys: faults.keys,
  flags: { data_dir: dataDir, 'logging.level': 'silent', 'ros.enabled': false, 'discovery.mode': 'manifest_only', 'discovery.manifest_path': manifest, 'sse.max_clients': CLIENTS + 100 },
});
const gw = await createGateway({ config, features: [createEntitiesFeature(), faults] });
const url = await gw.listen(0);
const svc = gw.ctx.services.get(FAULTS_SERVICE);
const SOURCES = ['/base/battery_monitor', '/base/motor_driver', '/sensors/lidar_driver', '/navigation/planner_server'];
let n = 0;
const report = () => {
  const i = n++;
  const out = svc.report({ fault_code: `BENCH_${i % 100}`, event_type: 0, severity: 2, description: `bench report ${i}`, source_id: SOURCES[i % SOURCES.length] });
  if (!out.accepted) throw new Error(out.reason);
};

function startClients(count) {
  const child = spawn(process.execPath, [fileURLToPath(new URL('./sse-clients.mjs', import.meta.url)), `${url}/api/v1/faults/stream`, String(count)], { stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  const ready = new Promise((resolve) => child.stdout.on('data', (c) => {
    out += c;
    if (out.includes('ready\n')) resolve();
  }));
  return {
    ready,
    async stop() {
      child.kill('SIGTERM');
      await new Promise((r) => child.on('exit', r));
      return JSON.parse(out.slice(out.indexOf('ready\n') + 6));
    },
  };
}

const fmt = (x) => x.toFixed(1);

// --- B: latency with CLIENTS streams (first: its RSS is the 1,000-client load's, not A's grown heap) ---
const lat = startClients(CLIENTS);
await lat.ready;
await new Promise((r) => setTimeout(r, 500));
// Server side of the latency: how long one fan-out pass (frames built once, one write call per stream) takes,
// and until the sockets have the bytes: node:http corks each response and issues its writev on the next tick,
// so a tick queued after the pass runs once all 1,000 sends returned.
const flushMs = [];
const flushCpuMs = [];
const sentMs = [];
// The fan-out is the feature's (faults/http/fault-stream.ts), not the service's since 2026-11-22: its class is wrapped
// instead, through the module the gateway itself loaded (the same file behind @medkit/gateway's dist).
const { FaultSseFanout } = await import(fileURLToPath(new URL('../../packages/gateway/dist/faults/http/sse-fanout.js', import.meta.url)));
const flush = FaultSseFanout.prototype.flush;
FaultSseFanout.prototype.flush = function timedFlush() {
  const f0 = performance.now();
  const c0 = process.cpuUsage();
  flush.call(this);
  const c = process.cpuUsage(c0);
  flushMs.push(performance.now() - f0);
  flushCpuMs.push((c.user + c.system) / 1000);
  process.nextTick(() => sentMs.push(performance.now() - f0));
};
const nB0 = n;
const timer = setInterval(report, 1000 / RATE);
await new Promise((r) => setTimeout(r, SECONDS * 1000));
clearInterval(timer);
const nB = n - nB0;
await new Promise((r) => setTimeout(r, 500));
const { rss, heapUsed, external, arrayBuffers } = process.memoryUsage();
// With `node --expose-gc`: the same after a full collection (what the gateway retains).
let afterGc = '';
if (globalThis.gc) {
  globalThis.gc();
  const m = process.memoryUsage();
  afterGc = `; after a full GC: RSS ${Math.round(m.rss / 1048576)} MB, JS heap used ${Math.round(m.heapUsed / 1048576)} MB`;
}
const b = await lat.stop();
FaultSseFanout.prototype.flush = flush;

// --- A: throughput ------------------------------------------------------------------------------------
const tp = startClients(TP_CLIENTS);
await tp.ready;
const nA0 = n;
const t0 = performance.now();
const cpu0 = process.cpuUsage();
while (performance.now() - t0 < SECONDS * 1000) {
  for (let k = 0; k < 200; k++) report();
  await new Promise((r) => setImmediate(r)); // let the fan-out and sockets run
}
const reported = n - nA0;
const wall = (performance.now() - t0) / 1000;
const cpu = process.cpuUsage(cpu0);
await new Promise((r) => setTimeout(r, 1000)); // drain
const a = await tp.stop();
const perClient = a.count / TP_CLIENTS;

const faultRows = svc.system.repository.faultCount();
await gw.close();
rmSync(dataDir, { recursive: true, force: true });

console.log(`A) throughput: ${reported} reports in ${fmt(wall)} s = ${Math.round(reported / wall)} reports/s committed to SQLite and published; ` +
  `${TP_CLIENTS} SSE clients received ${Math.round(perClient)} events each (${Math.round(perClient / wall)}/s); gateway CPU ${Math.round(((cpu.user + cpu.system) / 1000 / (wall * 1000)) * 100)}% of one core; ` +
  `latency p50 ${fmt(a.p50)} ms, p99 ${fmt(a.p99)} ms`);
console.log(`B) ${CLIENTS} SSE clients, ${RATE} reports/s for ${SECONDS} s: ${b.count} events delivered (expected ${CLIENTS * nB}), ` +
  `report → event p50 ${fmt(b.p50)} ms, p99 ${fmt(b.p99)} ms, max ${fmt(b.max)} ms (${b.samples} samples)`);
flushMs.sort((x, y) => x - y);
flushCpuMs.sort((x, y) => x - y);
const mid = (a) => a[Math.floor(a.length / 2)];
const p99 = (a) => a[Math.floor(a.length * 0.99)];
sentMs.sort((x, y) => x - y);
console.log(`   server-side fan-out of one event to ${CLIENTS} streams: pass wall p50 ${fmt(mid(flushMs))} ms, p99 ${fmt(p99(flushMs))} ms (CPU p50 ${fmt(mid(flushCpuMs))} ms, p99 ${fmt(p99(flushCpuMs))} ms); ` +
  `until every socket send returned p50 ${fmt(mid(sentMs))} ms, p99 ${fmt(p99(sentMs))} ms`);
const mb = (x) => Math.round(x / 1048576);
console.log(`RSS of the gateway after B: ${mb(rss)} MB (JS heap used ${mb(heapUsed)} MB, external ${mb(external)} MB of which array buffers ${mb(arrayBuffers)} MB)${afterGc}; ${faultRows} fault codes stored`);
