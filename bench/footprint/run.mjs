#!/usr/bin/env node
// Footprint benchmark (issue 32, "Lighter on the robot"): what a medkit gateway process costs the robot.
// Per gateway process, from Linux /proc (no extra dependencies):
//   USS = Private_Clean + Private_Dirty, private dirty alone (Private_Dirty: the anonymous memory only this
//   process holds; USS adds the clean file pages no other process maps, e.g. the node binary's code when no
//   other Node.js process runs), PSS, RSS (/proc/PID/smaps_rollup), threads (/proc/PID/status),
//   CPU = (utime + stime) over the measurement window / (CLK_TCK × window) as % of one core (/proc/PID/stat),
//   V8 heap used / total (the gateway runs with NODE_OPTIONS=--import=heap-preload.mjs, which writes
//   v8.getHeapStatistics() to a file on SIGUSR2), start-up = spawn → first GET /api/v1/health 200 (20 ms polls).
// Memory is read at the end of each window, and USS also every second through it (its mean, min and max:
// a single reading lands anywhere in the garbage collector's cycle); CPU is the window's average.
// Scenarios (positional, several allowed; default `plain`):
//   plain   medkit gateway --no-ros --manifest examples/amr/manifest.yaml, idle
//   graph   a gateway (runtime discovery, no manifest) on a loopback ROS domain with a synthetic graph:
//           --nodes nav2 (default; nav2.mjs, sized like the TurtleBot3 Nav2 demo) or --nodes N[,N...]
//           (bench/discovery/child.mjs nodes, --per-process of them per participant); --growth runs
//           --growth-nodes (10,100,500,1000) and fits USS = a·N^b on log-log (least squares, 95% interval of b)
//           over each idle window's mean USS
//   demo    the demo's main and island gateways (packages/demo), measured --demo-after s after start
// --load adds a second window under the standard load: --sse-clients SSE streams on /api/v1/faults/stream,
// --get-rate GET/s over the entity tree, --fault-rate ReportFault calls/s over ROS (not with --no-ros).
// The gateway runs with the Node.js options of packages/cli/src/runtime-flags.ts (what `medkit` on PATH uses;
// the demo's launcher passes them too); --node-flags '' measures with Node's defaults, --node-flags='…' with others (the = is needed;
// the demo gets them through its launcher's --node-options). Two runs at once on other --domain values pair two sets of options.
// --set KEY=VALUE (repeatable) is passed to `medkit gateway` (e.g. --set metrics.enabled=false to price a feature).
// --installed DIR runs the gateway from an installed tree (dist-packages/linux-<arch>/medkit-<v>/, `npm run package`)
// on its own pinned Node.js runtime instead of the checkout's command on this Node.js.
// Build first (`npm run build`), then e.g.
//   node bench/footprint/run.mjs plain graph demo --load [--settle 20] [--window 10] [--load-seconds 60] [--json out.json]
//   node bench/footprint/run.mjs graph --growth
// --soak M (minutes) replaces the load window by M minutes of the standard load, reading USS and RSS every
// --soak-every s (30); the report adds their series and, after --soak-warmup s (300; skipped on soaks shorter
// than 3 × that), the change from the first to the last 5 minutes and a least-squares slope (MB per 10 min),
// e.g. node bench/footprint/run.mjs graph --soak 30.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { freePort } from '../../test-support/servers/ports.mjs';
import { RosContext } from '@medkit/ros2';
import { NODE_RUNTIME_FLAGS } from '@medkit/cli/runtime-flags';
import { nav2Layout } from './nav2.mjs';
import { childrenOf, cpuTicks, CLK_TCK, heap, machine, memory, startedAtMs, threads } from './proc.mjs';

const { values: o, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    settle: { type: 'string', default: '20' },
    window: { type: 'string', default: '10' },
    load: { type: 'boolean', default: false },
    'load-seconds': { type: 'string', default: '60' },
    'sse-clients': { type: 'string', default: '10' },
    'get-rate': { type: 'string', default: '20' },
    'fault-rate': { type: 'string', default: '100' },
    nodes: { type: 'string', default: 'nav2' },
    'per-process': { type: 'string', default: '10' },
    growth: { type: 'boolean', default: false },
    'growth-nodes': { type: 'string', default: '10,100,500,1000' },
    domain: { type: 'string', default: process.env.MEDKIT_BENCH_DOMAIN ?? '90' },
    'demo-after': { type: 'string', default: '180' },
    soak: { type: 'string' },
    'soak-every': { type: 'string', default: '30' },
    'soak-warmup': { type: 'string', default: '300' },
    json: { type: 'string' },
    'node-flags': { type: 'string' },
    installed: { type: 'string' },
    set: { type: 'string', multiple: true, default: [] },
    help: { type: 'boolean', default: false },
  },
});
if (o.help) {
  const text = (await import('node:fs')).readFileSync(fileURLToPath(import.meta.url), 'utf8');
  console.log(text.split('\nimport ')[0].replace(/^#!.*\n/, '').replace(/^\/\/ ?/gm, ''));
  process.exit(0);
}
const scenarios = positionals.length ? positionals : ['plain'];
for (const s of scenarios) if (!['plain', 'graph', 'demo'].includes(s)) throw new Error(`unknown scenario '${s}' (plain | graph | demo)`);
const SOAK_MIN = o.soak === undefined ? undefined : Number(o.soak), SOAK_EVERY = Number(o['soak-every']), SOAK_WARMUP = Number(o['soak-warmup']);
if (SOAK_MIN !== undefined && !(SOAK_MIN > 0)) throw new Error('--soak takes minutes > 0');
if (SOAK_MIN !== undefined) o.load = true;
const SETTLE = Number(o.settle), WINDOW = Number(o.window), LOAD_S = SOAK_MIN === undefined ? Number(o['load-seconds']) : SOAK_MIN * 60;
const DOMAIN = Number(o.domain), PER_PROCESS = Number(o['per-process']);
/** Node.js options of the gateway: those `medkit` runs with on PATH (its #! line), unless --node-flags says otherwise. */
const NODE_FLAGS = o['node-flags'] === undefined ? [...NODE_RUNTIME_FLAGS] : o['node-flags'].split(/\s+/).filter(Boolean);

const here = (p) => fileURLToPath(new URL(p, import.meta.url));
// --installed DIR: an installed tree (dist-packages/linux-<arch>/medkit-<v>/): its pinned runtime and its command.
const MEDKIT = o.installed ? join(o.installed, 'node_modules/medkit/bin/medkit.js') : here('../../packages/cli/bin/medkit.js');
const GATEWAY_RUNTIME = o.installed ? join(o.installed, 'node/bin/node') : process.execPath;
const DEMO = here('../../packages/demo/dist/launch.js');
const MANIFEST = here('../../examples/amr/manifest.yaml');
const ROOT = here('../../');
const rel = (s) => s.replaceAll(ROOT, '');
const work = mkdtempSync(join(tmpdir(), 'medkit-bench-footprint-'));
const env = { ...process.env, BENCH_FOOTPRINT_DIR: work, NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ''} --import=${here('./heap-preload.mjs')}`.trim() };
delete env.MEDKIT_BENCH_DOMAIN;
const sleep = (s) => new Promise((r) => setTimeout(r, s * 1000));
const log = (m) => process.stderr.write(`[footprint] ${m}\n`);
const cleanups = [];
let dirs = 0;

/** Spawns a process with its output kept (last lines, for errors). */
function start(args, extraEnv = env, runtime = process.execPath) {
  const child = spawn(runtime, args, { env: extraEnv, stdio: ['ignore', 'pipe', 'pipe'] });
  child.tail = [];
  const keep = (d) => child.tail.push(...d.toString().split('\n').filter(Boolean)) > 40 && child.tail.splice(0, child.tail.length - 40);
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);
  cleanups.push(async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill('SIGTERM');
    const t = setTimeout(() => child.kill('SIGKILL'), 10_000);
    await once(child, 'exit');
    clearTimeout(t);
  });
  return child;
}

/** Polls `url` every 20 ms until it answers 200; resolves with the time it did (performance.now()). */
async function firstOk(url, child, timeoutS = 120) {
  const end = performance.now() + timeoutS * 1000;
  for (;;) {
    const t = performance.now();
    const ok = await fetch(url, { signal: AbortSignal.timeout(1000) }).then((r) => r.status === 200, () => false);
    if (ok) return performance.now();
    if (child && child.exitCode !== null) throw new Error(`process exited ${child.exitCode}: ${child.tail.join('\n')}`);
    if (performance.now() > end) throw new Error(`no 200 from ${url} after ${timeoutS} s`);
    await new Promise((r) => setTimeout(r, Math.max(0, 20 - (performance.now() - t))));
  }
}

/** `medkit gateway` with these flags; resolves once healthy, with its start-up time. */
async function startGateway(flags) {
  const port = await freePort();
  const args = [...NODE_FLAGS, MEDKIT, 'gateway', '--port', String(port), '--data-dir', join(work, `data${dirs++}`), '--log-level', 'error', ...o.set.flatMap((kv) => ['--set', kv]), ...flags];
  const t0 = performance.now();
  const child = start(args, env, GATEWAY_RUNTIME);
  const t1 = await firstOk(`http://127.0.0.1:${port}/api/v1/health`, child);
  return { label: 'gateway', pid: child.pid, child, base: `http://127.0.0.1:${port}/api/v1`, startupMs: t1 - t0, command: `node ${rel(args.join(' '))}` };
}

/**
 * One measurement window over `procs`: CPU average over it; memory, threads and heap at its end; USS read
 * every second (mean, min, max) and, every `seriesEvery` s when given, USS and RSS as a series (the soak).
 */
async function measure(procs, seconds, seriesEvery) {
  const t0 = procs.map((p) => cpuTicks(p.pid));
  const w0 = performance.now();
  const uss = procs.map(() => []);
  const series = procs.map(() => []);
  let nextSeries = 0;
  for (let k = 1; performance.now() - w0 < seconds * 1000; k++) {
    const at = (performance.now() - w0) / 1000;
    procs.forEach((p, i) => {
      const mem = memory(p.pid);
      if (!mem) return;
      uss[i].push(mem.uss);
      if (seriesEvery && at >= nextSeries) series[i].push({ s: Math.round(at), uss: mem.uss, rss: mem.rss });
    });
    if (seriesEvery && at >= nextSeries) nextSeries += seriesEvery;
    await sleep(Math.max(0, Math.min(k, seconds) - (performance.now() - w0) / 1000));
  }
  const wall = (performance.now() - w0) / 1000;
  return Promise.all(procs.map(async (p, i) => ({
    process: p.label,
    pid: p.pid,
    startupMs: p.startupMs === undefined ? null : Math.round(p.startupMs),
    ...memory(p.pid),
    ussMean: uss[i].reduce((a, b) => a + b, 0) / uss[i].length,
    ussMin: Math.min(...uss[i]),
    ussMax: Math.max(...uss[i]),
    threads: threads(p.pid),
    cpuPct: ((cpuTicks(p.pid) - t0[i]) / CLK_TCK / wall) * 100,
    heap: await heap(p.pid, work),
    windowS: Math.round(wall * 10) / 10,
    ...(seriesEvery ? { series: series[i], drift: drift(series[i]) } : {}),
  })));
}

/**
 * A soak series' trend after the warm-up (the first `SOAK_WARMUP` s: caches, JIT and the heap settling under
 * the new load): the mean of the first 5 minutes after it and of the last 5 minutes, the change between them and
 * the least-squares slope, for USS and RSS; min and max over the whole series.
 */
function drift(series) {
  const out = {};
  const span = series.at(-1).s;
  const warm = span > 3 * SOAK_WARMUP ? SOAK_WARMUP : 0;
  const steady = series.filter((x) => x.s >= warm);
  for (const key of ['uss', 'rss']) {
    const window = Math.min(300, (span - warm) / 2);
    const head = steady.filter((x) => x.s <= warm + window).map((x) => x[key]);
    const tail = steady.filter((x) => x.s >= span - window).map((x) => x[key]);
    const mean = (a) => a.reduce((x, y) => x + y, 0) / a.length;
    const mx = mean(steady.map((x) => x.s)), my = mean(steady.map((x) => x[key]));
    const sxx = steady.reduce((a, x) => a + (x.s - mx) ** 2, 0);
    const slope = sxx > 0 ? steady.reduce((a, x) => a + (x.s - mx) * (x[key] - my), 0) / sxx : 0;
    out[key] = { warmupS: warm, first5: mean(head), last5: mean(tail), changePct: ((mean(tail) - mean(head)) / mean(head)) * 100, mbPer10Min: slope * 600, min: Math.min(...series.map((x) => x[key])), max: Math.max(...series.map((x) => x[key])) };
  }
  return out;
}

/** The GUID prefix of the gateway's participant (node /medkit_gateway), seen from a short-lived context. */
async function gatewayPrefix(domain) {
  const ros = await RosContext.create({ domainId: domain, localhostOnly: true, rtps: { peerIndexCount: 64 } });
  try {
    const end = Date.now() + 60_000;
    for (;;) {
      const n = ros.graph.nodes({ includeLocal: false }).find((x) => x.fqn === '/medkit_gateway');
      if (n) return n.participantGuid.slice(0, 24);
      if (Date.now() > end) throw new Error('the gateway did not show up on the ROS graph');
      await sleep(0.1);
    }
  } finally {
    await ros.close();
  }
}

/** Child processes speaking bench/support/ros-child.mjs (`loaded`, `go` → `ready`, `stop`). */
async function startRosChildren(argvs) {
  const kids = argvs.map((argv) => {
    const c = spawn(process.execPath, argv, { env: process.env, stdio: ['pipe', 'pipe', 'inherit'] });
    const lines = createInterface({ input: c.stdout });
    c.loaded = new Promise((r) => lines.on('line', (l) => l === 'loaded' && r()));
    c.ready = new Promise((r) => lines.on('line', (l) => l === 'ready' && r()));
    cleanups.push(async () => {
      if (c.exitCode !== null) return;
      c.stdin.write('stop\n');
      const t = setTimeout(() => c.kill('SIGKILL'), 5000);
      await once(c, 'exit');
      clearTimeout(t);
    });
    return c;
  });
  await Promise.all(kids.map((c) => c.loaded));
  for (const c of kids) c.stdin.write('go\n');
  await Promise.all(kids.map((c) => c.ready));
  return kids;
}

const appCount = (base) => fetch(`${base}/apps`).then((r) => r.json()).then((j) => j.items?.length ?? 0, () => 0);

/** The synthetic graph on `domain` seen by the gateway; returns what it is made of. */
async function startGraph(gw, domain, nodes) {
  const prefix = await gatewayPrefix(domain);
  let argvs, made;
  if (nodes === 'nav2') {
    const { nodes: specs, counts } = nav2Layout();
    argvs = [];
    for (let i = 0; i * PER_PROCESS < specs.length; i++) {
      const file = join(work, `nav2-${i}.json`);
      writeFileSync(file, JSON.stringify(specs.slice(i * PER_PROCESS, (i + 1) * PER_PROCESS)));
      argvs.push([here('./graph-child.mjs'), String(domain), file, prefix]);
    }
    made = { preset: 'nav2', ...counts, participants: argvs.length, note: 'actions typed nav2_msgs/action/NavigateToPose; plain topics std_msgs/String, plain services std_srvs/Trigger' };
  } else {
    const n = Number(nodes);
    argvs = [];
    for (let p = 0; p * PER_PROCESS < n; p++) argvs.push([here('../discovery/child.mjs'), String(domain), String(Math.min(PER_PROCESS, n - p * PER_PROCESS)), String(p), prefix]);
    made = { preset: 'discovery/child.mjs', nodes: n, topics: argvs.length + 2, services: 6 * n, actions: 0, participants: argvs.length,
      note: 'per node: /rosout, /parameter_events, 6 parameter services, publisher <ns>/state (one topic per participant)' };
  }
  const t0 = performance.now();
  await startRosChildren(argvs);
  // Until the gateway lists every node as an app (bounded; the table says how many it had).
  const want = made.nodes;
  const end = Date.now() + 180_000;
  let apps = 0;
  while ((apps = await appCount(gw.base)) < want && Date.now() < end) await sleep(0.5);
  made.appsSeen = apps;
  made.msUntilAllApps = apps >= want ? Math.round(performance.now() - t0) : null;
  if (apps < want) log(`only ${apps} of ${want} nodes became apps`);
  return { prefix, made };
}

/** Entity-tree URLs for the GET load: collections, each entity, its data list and faults. */
async function treeUrls(base) {
  const urls = [];
  for (const kind of ['areas', 'components', 'apps']) {
    urls.push(`${base}/${kind}`);
    const items = await fetch(`${base}/${kind}`).then((r) => r.json()).then((j) => j.items ?? [], () => []);
    for (const { id } of items) {
      urls.push(`${base}/${kind}/${encodeURIComponent(id)}`);
      if (kind !== 'areas') urls.push(`${base}/${kind}/${encodeURIComponent(id)}/data`, `${base}/${kind}/${encodeURIComponent(id)}/faults`);
    }
  }
  return urls;
}

/** The standard load on one gateway; `ros` = {domain, prefix} or null (no fault reports). Resolves once running. */
async function startLoad(base, ros, seconds) {
  const summary = { sseClients: Number(o['sse-clients']), getRate: Number(o['get-rate']), gets: 0, getErrors: 0 };
  const sse = spawn(process.execPath, [here('../faults/sse-clients.mjs'), `${base}/faults/stream`, String(summary.sseClients)], { stdio: ['ignore', 'pipe', 'inherit'] });
  let sseOut = '';
  sse.stdout.on('data', (d) => (sseOut += d));
  let reporter;
  let reporterOut = '';
  if (ros) {
    reporter = spawn(process.execPath, [here('./fault-reporter.mjs'), String(ros.domain), o['fault-rate'], String(seconds), ros.prefix ?? ''], { stdio: ['pipe', 'pipe', 'inherit'] });
    reporter.stdout.on('data', (d) => (reporterOut += d));
    cleanups.push(async () => reporter.exitCode === null && reporter.kill('SIGKILL'));
  }
  cleanups.push(async () => sse.exitCode === null && sse.kill('SIGKILL'));
  const until = async (pred, what) => {
    for (let i = 0; !pred(); i++) {
      if (i > 1200) throw new Error(`load: ${what} not ready`);
      await sleep(0.05);
    }
  };
  await until(() => sseOut.includes('ready\n'), 'SSE clients');
  if (reporter) await until(() => reporterOut.includes('ready\n'), 'fault reporter (is the fault manager on ROS?)');
  const urls = await treeUrls(base);
  summary.urls = urls.length;
  let k = 0;
  const t0 = performance.now();
  const getTimer = setInterval(() => {
    const due = Math.floor(((performance.now() - t0) / 1000) * summary.getRate);
    while (summary.gets < due) {
      summary.gets++;
      fetch(urls[k++ % urls.length]).then((r) => (r.ok ? r.arrayBuffer() : summary.getErrors++), () => summary.getErrors++);
    }
  }, 10);
  reporter?.stdin.write('go\n');
  return async () => {
    clearInterval(getTimer);
    sse.kill('SIGTERM');
    await once(sse, 'exit');
    summary.sseEvents = JSON.parse(sseOut.slice(sseOut.indexOf('ready\n') + 6) || '{}').count ?? null;
    if (reporter) {
      await until(() => reporterOut.includes('}'), 'fault reporter result');
      summary.faultReports = { rate: Number(o['fault-rate']), ...JSON.parse(reporterOut.slice(reporterOut.indexOf('{'))) };
    } else summary.faultReports = 'skipped: gateway runs with --no-ros (fault reports arrive over ROS)';
    return summary;
  };
}

/** Idle window, then (--load) a window under load; rows tagged with the scenario. */
async function idleAndLoad(scenario, procs, base, ros) {
  log(`${scenario}: idle window ${WINDOW} s`);
  const rows = (await measure(procs, WINDOW)).map((r) => ({ scenario, phase: 'idle', ...r }));
  let load;
  if (o.load) {
    const stop = await startLoad(base, ros, LOAD_S);
    log(`${scenario}: ${SOAK_MIN === undefined ? 'load window' : 'soak under the standard load'} ${LOAD_S} s`);
    const loaded = await measure(procs, LOAD_S, SOAK_MIN === undefined ? undefined : SOAK_EVERY);
    load = await stop();
    rows.push(...loaded.map((r) => ({ scenario, phase: 'load', ...r, startupMs: null })));
  }
  return { rows, load };
}

async function runCleanups() {
  while (cleanups.length) await cleanups.pop()().catch(() => undefined);
}

async function plain() {
  const gw = await startGateway(['--no-ros', '--manifest', MANIFEST]);
  log(`plain: up in ${Math.round(gw.startupMs)} ms, settling ${SETTLE} s`);
  await sleep(SETTLE);
  const r = await idleAndLoad('plain', [gw], gw.base, null);
  await runCleanups();
  return { scenario: 'plain', command: gw.command, ...r };
}

async function graph(nodes, tag) {
  const gw = await startGateway(['--domain', String(DOMAIN), '--localhost-only']);
  log(`${tag}: gateway up in ${Math.round(gw.startupMs)} ms; starting the graph (${nodes})`);
  const { prefix, made } = await startGraph(gw, DOMAIN, nodes);
  log(`${tag}: ${made.appsSeen} apps; settling ${SETTLE} s`);
  await sleep(SETTLE);
  const r = await idleAndLoad(tag, [gw], gw.base, { domain: DOMAIN, prefix });
  await runCleanups();
  return { scenario: tag, command: gw.command, graph: made, ...r };
}

async function demo() {
  const [port, islandPort] = [await freePort(), await freePort()];
  const args = [DEMO, '--port', String(port), '--island-port', String(islandPort), '--domain', String(DOMAIN), '--island-domain', String(DOMAIN + 1),
    ...(o['node-flags'] !== undefined ? [`--node-options=${NODE_FLAGS.join(' ')}`] : [])];
  const t0 = Date.now();
  const launcher = start(args);
  const urls = [`http://127.0.0.1:${port}/api/v1/health`, `http://127.0.0.1:${islandPort}/api/v1/health`];
  const okAt = await Promise.all(urls.map((u) => firstOk(u, launcher).then((t) => Date.now() - (performance.now() - t))));
  const find = (p) => childrenOf(launcher.pid).find((c) => c.argv.includes('gateway') && c.argv[c.argv.indexOf('--port') + 1] === String(p));
  const procs = [['main gateway', port], ['island gateway', islandPort]].map(([label, p], i) => {
    const c = find(p);
    if (!c) throw new Error(`no child of the demo launcher with gateway --port ${p}`);
    return { label, pid: c.pid, startupMs: okAt[i] - startedAtMs(c.pid) };
  });
  const wait = Number(o['demo-after']) - (Date.now() - t0) / 1000;
  log(`demo: gateways up (pids ${procs.map((p) => p.pid).join(', ')}); measuring ${Math.max(0, Math.round(wait))} s from now`);
  await sleep(Math.max(0, wait));
  const r = await idleAndLoad('demo', procs, `http://127.0.0.1:${port}/api/v1`, { domain: DOMAIN, prefix: null });
  await runCleanups();
  return { scenario: 'demo', command: `node packages/demo/dist/launch.js ${args.slice(1).join(' ')} (load on the main gateway)`, ...r };
}

/** log USS = log a + b log N by least squares; b with its 95% interval (Student t, n - 2 degrees of freedom). */
function powerFit(points) {
  const n = points.length;
  const xs = points.map((p) => Math.log(p.n)), ys = points.map((p) => Math.log(p.uss));
  const mx = xs.reduce((a, b) => a + b, 0) / n, my = ys.reduce((a, b) => a + b, 0) / n;
  const sxx = xs.reduce((a, x) => a + (x - mx) ** 2, 0);
  const b = xs.reduce((a, x, i) => a + (x - mx) * (ys[i] - my), 0) / sxx;
  const a = Math.exp(my - b * mx);
  if (n < 3) return { a, b, ci95: null };
  const sse = ys.reduce((s, y, i) => s + (y - (my + b * (xs[i] - mx))) ** 2, 0);
  const T = [12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228];
  const t = T[n - 3] ?? 1.96;
  const half = t * Math.sqrt(sse / (n - 2) / sxx);
  return { a, b, ci95: [b - half, b + half] };
}

// ---------------------------------------------------------------------------------------------------------
const m = machine();
const load0 = loadavg();
const started = new Date();
const results = [];
let fit;
const shutdown = async () => {
  await runCleanups();
  rmSync(work, { recursive: true, force: true });
};
process.on('SIGINT', () => void shutdown().then(() => process.exit(130)));
try {
  for (const s of scenarios) {
    if (s === 'plain') results.push(await plain());
    else if (s === 'demo') results.push(await demo());
    else if (o.growth) {
      const points = [];
      for (const n of o['growth-nodes'].split(',').map(Number)) {
        const r = await graph(String(n), `graph N=${n}`);
        results.push(r);
        const idle = r.rows.find((x) => x.phase === 'idle');
        points.push({ n, uss: idle.ussMean });
      }
      fit = { ...powerFit(points), points };
    } else for (const n of o.nodes.split(',')) results.push(await graph(n, n === 'nav2' ? 'graph nav2' : `graph N=${n}`));
  }
} finally {
  await shutdown();
}
const load1 = loadavg();

const f1 = (x) => (x === null || x === undefined || Number.isNaN(x) ? '–' : x.toFixed(1));
const la = (l) => l.map((x) => x.toFixed(2)).join(' ');
console.log(`\nmachine: ${m.nproc} × ${m.model}, ${m.memTotalGB} GB, node ${m.node}`);
console.log(`command: node bench/footprint/run.mjs ${process.argv.slice(2).join(' ')}`);
console.log(`date: ${started.toISOString()}; load average at start ${la(load0)}, at end ${la(load1)}`);
console.log(`${scenarios.includes('demo') ? `demo measured from ${o['demo-after']} s after its start, ` : ''}${scenarios.some((x) => x !== 'demo') ? `settle ${SETTLE} s, ` : ''}idle window ${WINDOW} s${o.load ? `, load window ${LOAD_S} s` : ''}; memory at the end of each window, CPU averaged over it\n`);
for (const r of results) {
  console.log(`${r.scenario}: ${r.command}`);
  if (r.graph) console.log(`  graph: ${JSON.stringify(r.graph)}`);
  if (r.load) console.log(`  load: ${JSON.stringify(r.load)}`);
}
console.log('\n| scenario | process | phase | start-up ms | USS MB | USS mean (min–max) over the window | private dirty MB | PSS MB | RSS MB | threads | CPU % of a core | V8 heap used MB | V8 heap total MB |');
console.log('|---|---|---|---|---|---|---|---|---|---|---|---|---|');
for (const r of results.flatMap((x) => x.rows)) {
  console.log(`| ${r.scenario} | ${r.process} | ${r.phase} | ${r.startupMs ?? '–'} | ${f1(r.uss)} | ${f1(r.ussMean)} (${f1(r.ussMin)}–${f1(r.ussMax)}) | ${f1(r.dirty)} | ${f1(r.pss)} | ${f1(r.rss)} | ${r.threads} | ${f1(r.cpuPct)} | ${f1(r.heap?.used)} | ${f1(r.heap?.total)} |`);
}
for (const r of results.flatMap((x) => x.rows).filter((x) => x.series)) {
  console.log(`\nsoak, ${r.scenario} ${r.process}: ${r.windowS} s under the standard load, USS and RSS every ${SOAK_EVERY} s`);
  console.log(`(trend after a warm-up of ${r.drift.uss.warmupS} s; min and max over the whole series)`);
  console.log('| MB | first 5 min | last 5 min | change | slope per 10 min | min | max |');
  console.log('|---|---|---|---|---|---|---|');
  for (const k of ['uss', 'rss']) {
    const d = r.drift[k];
    console.log(`| ${k.toUpperCase()} | ${f1(d.first5)} | ${f1(d.last5)} | ${d.changePct >= 0 ? '+' : ''}${f1(d.changePct)} % | ${d.mbPer10Min >= 0 ? '+' : ''}${d.mbPer10Min.toFixed(2)} | ${f1(d.min)} | ${f1(d.max)} |`);
  }
  console.log(`series (s: USS/RSS MB): ${r.series.map((x) => `${x.s}: ${f1(x.uss)}/${f1(x.rss)}`).join(', ')}`);
}
if (fit) {
  const ci = fit.ci95 ? `, 95% interval ${fit.ci95.map((x) => x.toFixed(3)).join(' … ')}` : ' (interval needs 3+ sizes)';
  console.log(`\nUSS growth: USS ≈ ${fit.a.toFixed(1)} MB · N^b, b = ${fit.b.toFixed(3)}${ci} (least squares on log-log over N = ${fit.points.map((p) => p.n).join(', ')})`);
}
if (o.json) {
  writeFileSync(o.json, JSON.stringify({ machine: m, command: process.argv.slice(2), date: started.toISOString(), loadavgStart: load0, loadavgEnd: load1,
    settleS: SETTLE, windowS: WINDOW, loadS: o.load ? LOAD_S : null, results, growth: fit ?? null }, null, 2));
  console.log(`\nJSON written to ${o.json}`);
}
process.exit(0);
