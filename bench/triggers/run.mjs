// Trigger evaluation cost: 1,000 triggers on one 100 Hz topic in a real gateway (HTTP + SSE),
// measured as the gateway process's CPU share (process.cpuUsage over wall time) with and without
// the triggers, event latency p50/p99 from sample publish to SSE arrival, and the engine's raw
// dispatch cost per sample. Build first: `npx tsc -b` (or `npx tsc -p packages/gateway`), then
// `node bench/triggers/run.mjs [--seconds 10] [--triggers 1000] [--hz 100] [--clients 20]`.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const { loadConfig, createGateway, newApp, newComponent, getSamplers, createTriggersFeature } = await import('@medkit/gateway');

const arg = (name, def) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : def;
};
const SECONDS = arg('seconds', 10);
const TRIGGERS = arg('triggers', 1000);
const HZ = arg('hz', 100);
const CLIENTS = arg('clients', 20);

// --- a gateway with one app and a data sampler fed by the simulated topic -----------------------
const listeners = new Set();
const entities = [
  { type: 'component', e: newComponent('robot', 'manifest') },
  { type: 'app', e: newApp('battery', 'manifest', { component_id: 'robot', is_online: true }) },
];
const benchFeature = {
  name: 'bench-topic',
  init(ctx) {
    ctx.resolver.setLookup({
      get: (type, id) => entities.find((x) => x.type === type && x.e.id === id)?.e,
      typesOf: (id) => entities.filter((x) => x.e.id === id).map((x) => x.type),
    });
    getSamplers(ctx).register('data', {
      sample: async () => ({}),
      subscribe: (_entity, _path, onValue) => {
        listeners.add(onValue);
        return () => listeners.delete(onValue);
      },
    });
  },
};
const triggers = createTriggersFeature();
const dataDir = mkdtempSync(join(tmpdir(), 'medkit-bench-trig-'));
const config = loadConfig({ env: {}, extraKeys: triggers.keys, flags: { data_dir: dataDir, 'logging.level': 'silent', 'ros.enabled': false, 'triggers.max_triggers': TRIGGERS + 10 } });
const gw = await createGateway({ config, features: [benchFeature, triggers] });
const url = await gw.listen(0);

// The simulated topic: a 0.5 Hz sine between 20 and 28 V, stamped with its publish time.
let published = 0;
const now = () => performance.timeOrigin + performance.now();
const publish = () => {
  const v = 24 + 4 * Math.sin((2 * Math.PI * published) / (HZ * 2));
  published++;
  const sample = { v, t: now() };
  for (const l of listeners) l(sample);
};

async function measure(seconds) {
  published = 0;
  const timer = setInterval(publish, 1000 / HZ);
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  await new Promise((r) => setTimeout(r, seconds * 1000));
  const cpu = process.cpuUsage(cpu0);
  const wall = performance.now() - t0;
  clearInterval(timer);
  return { cpuShare: (cpu.user + cpu.system) / 1000 / wall, rate: published / (wall / 1000) };
}

// --- phase A: the topic alone (one subscription, no triggers) ---------------------------------------
const seedListener = () => {};
listeners.add(seedListener);
const baseline = await measure(SECONDS);
listeners.delete(seedListener);

// --- phase B: 1,000 triggers ------------------------------------------------------------------------
// Mostly EnterRange/LeaveRange on random 0.5 V bands inside the swing (each fires about once per 2 s
// cycle), plus OnChangeTo on a value that never comes; CLIENTS of them are watched over SSE.
const post = async (body) => {
  const r = await fetch(`${url}/api/v1/apps/battery/triggers`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  if (r.status !== 201) throw new Error(`create trigger: HTTP ${r.status} ${await r.text()}`);
  return r.json();
};
let seed = 7;
const rand = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
const created = [];
for (let i = 0; i < TRIGGERS; i++) {
  const lo = 20 + rand() * 7.5;
  const cond = i % 10 === 9 ? { condition_type: 'OnChangeTo', target_value: -1 } : { condition_type: i % 2 ? 'LeaveRange' : 'EnterRange', lower_bound: lo, upper_bound: lo + 0.5 };
  created.push(await post({ resource: '/api/v1/apps/battery/data/voltage', path: '/v', trigger_condition: cond, multishot: true }));
}
const watched = created.filter((t) => t.trigger_condition.condition_type !== 'OnChangeTo').slice(0, CLIENTS);
const child = spawn(process.execPath, [fileURLToPath(new URL('./sse-clients.mjs', import.meta.url)), ...watched.map((t) => `${url}${t.event_source}`)], { stdio: ['pipe', 'pipe', 'inherit'] });
let out = '';
child.stdout.on('data', (c) => (out += c));
await new Promise((r) => setTimeout(r, 500)); // let the streams connect
const loaded = await measure(SECONDS);
child.kill('SIGTERM');
await new Promise((r) => child.on('exit', r));
const { latencies } = JSON.parse(out);
latencies.sort((a, b) => a - b);
const pct = (p) => latencies[Math.min(latencies.length - 1, Math.floor((p / 100) * latencies.length))];
const events = created.length ? (await (await fetch(`${url}/api/v1/apps/battery/triggers`)).json()).items.reduce((n, t) => n + t['x-medkit'].event_count, 0) : 0;

// --- phase C: raw engine dispatch cost per sample -----------------------------------------------------
const N = 20000;
const listener = [...listeners][0];
const c0 = performance.now();
for (let i = 0; i < N; i++) listener({ v: 24 + 4 * Math.sin(i / 50), t: now() });
const perSampleUs = ((performance.now() - c0) * 1000) / N;

await gw.close();
rmSync(dataDir, { recursive: true, force: true });

const r = {
  triggers: TRIGGERS,
  hz: HZ,
  seconds: SECONDS,
  rate_baseline: +baseline.rate.toFixed(1),
  rate_loaded: +loaded.rate.toFixed(1),
  cpu_share_baseline_pct: +(baseline.cpuShare * 100).toFixed(2),
  cpu_share_with_triggers_pct: +(loaded.cpuShare * 100).toFixed(2),
  events_fired_total: events,
  sse_events_measured: latencies.length,
  latency_p50_ms: +pct(50).toFixed(3),
  latency_p99_ms: +pct(99).toFixed(3),
  engine_us_per_sample_1000_triggers: +perSampleUs.toFixed(1),
};
console.log(JSON.stringify(r, null, 2));
