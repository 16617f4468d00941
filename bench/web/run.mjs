#!/usr/bin/env node
// Web UI budgets (issue 39). Build first (`npm run build`), then:
//   node bench/web/run.mjs [--runs 5] [--json out.json]
// 1. Incident view on the demo: starts the demo launcher (own ports, ROS domains 90/91 unless --domain), sends
//    the person, waits for the main gateway's PROTECTIVE_STOP recording (10 s before + 2 s after at --speed 1,
//    6 topics), then opens #/incident/apps/<owner>/PROTECTIVE_STOP (the app the main gateway lists it under) in Debian's chromium --runs times, each
//    in a fresh page, and reads the time from navigation start until every topic has its plot drawn, and the
//    UI's own mark of the recording decoded (fetch + worker). Each run's phases (incident-phases.mjs: chunk in,
//    detail in, recording asked / sent / headers / last byte / in the page, decoded, plotted, all since navigation
//    start) are printed as a table on stderr and kept in the JSON; --phases adds every gateway request's timing and
//    the long tasks, --trace DIR writes each run's chromium performance trace (DevTools' Performance panel).
//    --baseline REF also builds the UI of that git commit and alternates its runs with this checkout's, on the same
//    demo and recording, so both sides are measured in one run under the same load. --busy N runs N busy loops
//    (one Node.js process each) from the first page to the last: issue 67's "loaded box" is --busy 2. --warm adds,
//    for each build, runs in a browser profile that has opened the UI before (its scripts in the browser's cache,
//    as for anyone who used the UI earlier, e.g. a link from an alert): each such run is still a new page.
//    --gateway-node-options '…' runs the demo's gateways with those Node.js options instead of the medkit command's.
//    --cpu adds, per run, the CPU time and the time spent waiting for a CPU (run queue) of the main gateway, the
//    island gateway, the simulated robot, chromium, the bench itself and the busy loops, navigation → plotted.
//    --browser-priority user (the default) runs chromium as an unprivileged user's browser runs, at nice 0; `raised`
//    lets it raise its browser and compositor threads to nice -8, as it does when run as root (browser.mjs says why).
//    Each page opens as a new tab of a browser window opened (and settled) before it, as a link opened from an
//    engineer's running browser does; --new-window adds, for each build, runs that open it as a new window's first
//    tab, the window's own start-up (about 1 s of chromium's CPU) measured with it, as the bench did before
//    2026-11-30 17:00.
// 2. In Node.js, the same code the browser runs: a 50 MB recording decoded, a 30-node/100-topic graph laid out.
// 3. With --big: a 50 MB recording opened in chromium from a stand-in gateway (big-recording.mjs): time to the
//    plot, whether progress was shown, and the longest main-thread task meanwhile.
// 4. With --overview: the overview of a 30-node, 100-topic robot from a stand-in gateway (overview-standin.mjs):
//    navigation start → the graph drawn.
import { execFileSync, spawn } from 'node:child_process';
import { createServer } from 'node:http';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { extname, join, normalize } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { webInputHash } from '../../scripts/build-web.mjs';
import { freePort } from '../../test-support/servers/ports.mjs';
import { loadUiModules, syntheticGraphInput, syntheticRecording } from './synthetic.mjs';
import { measureBig, serveBig } from './big-recording.mjs';
import { measureOverview, serveOverview } from './overview-standin.mjs';
import { measureIncident } from './incident-phases.mjs';
import { commandOf, cpuShare, descendants } from './cpu-share.mjs';
import { chromiumPids, launchBrowser, raisedChromiumThreads } from './browser.mjs';

const { values: o } = parseArgs({ options: { runs: { type: 'string', default: '5' }, json: { type: 'string' }, domain: { type: 'string', default: '90' }, 'skip-demo': { type: 'boolean', default: false }, 'skip-synthetic': { type: 'boolean', default: false }, big: { type: 'boolean', default: false }, warm: { type: 'boolean', default: false }, overview: { type: 'boolean', default: false }, phases: { type: 'boolean', default: false }, cpu: { type: 'boolean', default: false }, 'gateway-node-options': { type: 'string' }, trace: { type: 'string' }, baseline: { type: 'string' }, busy: { type: 'string', default: '0' }, 'browser-priority': { type: 'string', default: 'user' }, 'new-window': { type: 'boolean', default: false } } });
if (!['user', 'raised'].includes(o['browser-priority'])) throw new Error(`--browser-priority: user or raised, not ${o['browser-priority']}`);
/** --browser-priority raised: chromium may raise its threads' priority, as it does when the bench runs as root (browser.mjs). */
const RAISED = o['browser-priority'] === 'raised';
const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const RUNS = Number(o.runs);
const median = (a) => [...a].sort((x, y) => x - y)[Math.floor(a.length / 2)];
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
/** From one person stepping in to the next: the walk (12 s), the stop it causes coming back as the person leaves, its recording written, and the black box's 10 s refilled. */
const PERSON_CYCLE_MS = 30_000;
const results = { date: new Date().toISOString(), machine: `${cpus().length} × ${cpus()[0]?.model}`, node: process.version, loadBefore: loadavg() };

/** The UI `npm run build` made (scripts/build-web.mjs), which the gateway serves. */
const CHECKOUT_UI = join(ROOT, 'packages/web/dist');

/**
 * Builds the UI of this checkout, or with `ref` the UI of that git commit (its web, client, sovd and fleet-protocol
 * sources: the client imports the SOVD core). This checkout's is CHECKOUT_UI when its stamp says it was built from
 * the current sources: the same vite build (the same files), not made again (1.7 s of CPU).
 */
async function buildUi(ref) {
  process.env.NODE_ENV = 'production';
  const stamp = join(CHECKOUT_UI, '.build-stamp');
  if (!ref && existsSync(stamp) && readFileSync(stamp, 'utf8').trim() === webInputHash(ROOT)) return CHECKOUT_UI;
  const outDir = mkdtempSync(join(tmpdir(), 'medkit-bench-ui-'));
  const { build } = await import('vite');
  let src = ROOT;
  if (ref) {
    // Inside the checkout (ignored by git), so the sources resolve this checkout's node_modules.
    mkdirSync(join(ROOT, '.test-artifacts'), { recursive: true });
    src = mkdtempSync(join(ROOT, '.test-artifacts/bench-ui-'));
    execFileSync('sh', ['-c', `git -C "${ROOT}" archive "$1" packages/web packages/client packages/sovd packages/fleet-protocol tsconfig.base.json | tar -x -C "${src}"`, 'sh', ref]);
  }
  const root = join(src, 'packages/web');
  try {
    await build({ root, configFile: join(root, 'vite.config.ts'), logLevel: 'silent', build: { outDir, emptyOutDir: true } });
  } finally {
    if (ref) rmSync(src, { recursive: true, force: true });
  }
  return outDir;
}

/** Removes a UI buildUi made (never the checkout's). */
const dropUi = (dist) => dist !== CHECKOUT_UI && rmSync(dist, { recursive: true, force: true });

function serve(dir) {
  const types = { '.html': 'text/html', '.js': 'text/javascript', '.css': 'text/css' };
  const server = createServer((req, res) => {
    const p = normalize(join(dir, decodeURIComponent(new URL(req.url, 'http://x').pathname)));
    let file = p.startsWith(dir) ? p : join(dir, 'index.html');
    try {
      if (file.endsWith('/')) file = join(file, 'index.html');
      const body = readFileSync(file);
      // The gateway's own caching (packages/gateway/src/web-ui/routes.ts): hashed assets immutable, pages revalidated.
      const cache = file.endsWith('.html') ? 'no-cache' : 'public, max-age=31536000, immutable';
      res.writeHead(200, { 'content-type': types[extname(file)] ?? 'application/octet-stream', 'cache-control': cache }).end(body);
    } catch {
      res.writeHead(404).end();
    }
  });
  return new Promise((r) => server.listen(0, '127.0.0.1', () => r({ url: `http://127.0.0.1:${server.address().port}`, close: () => server.close() })));
}

/** Each run's phases as a table on stderr (ms since navigation start), then the medians. */
function printPhases(title, runs) {
  const keys = Object.keys(runs[0].phases);
  const row = (cells) => `| ${cells.join(' | ')} |`;
  const lines = [title, row(['run', ...keys, 'open at ask', 'load']), row(['---', ...keys.map(() => '---'), '---', '---'])];
  runs.forEach((r, i) => lines.push(row([`${i + 1}${r.excluded ? ` (${r.excluded})` : ''}`, ...keys.map((k) => r.phases[k]), r.openAtAsk.length, r.load])));
  const kept = runs.filter((r) => !r.excluded);
  if (kept.length) lines.push(row(['median', ...keys.map((k) => median(kept.map((r) => r.phases[k]))), median(kept.map((r) => r.openAtAsk.length)), '']));
  if (kept[0]?.cpu) {
    // --cpu: CPU / run-queue wait per group, navigation → plotted (medians of the kept runs).
    const groups = Object.keys(kept[0].cpu);
    lines.push('', 'CPU ms / waiting for a CPU ms, navigation → plotted:', row(['run', ...groups]), row(['---', ...groups.map(() => '---')]));
    runs.forEach((r, i) => r.cpu && lines.push(row([`${i + 1}${r.excluded ? ` (${r.excluded})` : ''}`, ...groups.map((g) => `${r.cpu[g].cpuMs} / ${r.cpu[g].waitMs}`)])));
    lines.push(row(['median', ...groups.map((g) => `${median(kept.map((r) => r.cpu[g].cpuMs))} / ${median(kept.map((r) => r.cpu[g].waitMs))}`)]));
  }
  console.error(lines.join('\n'));
}

/** Medians of the runs that opened the recording the bench waited for. */
function summary(runs) {
  const kept = runs.filter((r) => !r.excluded);
  if (!kept.length) return { runs, kept: 0 };
  const keys = Object.keys(kept[0].phases);
  return { runs, kept: kept.length, medianPlottedMs: median(kept.map((x) => x.plottedMs)), rangePlottedMs: [Math.min(...kept.map((x) => x.plottedMs)), Math.max(...kept.map((x) => x.plottedMs))], medianPhases: Object.fromEntries(keys.map((k) => [k, median(kept.map((x) => x.phases[k]))])) };
}

async function json(url, init) {
  const r = await fetch(url, init);
  return r.json();
}

async function demoRun() {
  // The UI builds and the browser first, so the runs follow the recording at once: the demo's stop comes back
  // about a minute later, and the new occurrence's recording replaces this one (max_bags_per_fault 1).
  const builds = [{ name: 'this checkout', dist: await buildUi() }];
  if (o.baseline) builds.push({ name: o.baseline, dist: await buildUi(o.baseline) });
  for (const b of builds) b.ui = await serve(b.dist);
  const browser = await launchBrowser({ raised: RAISED });
  const warmed = o.warm ? builds.flatMap((b) => [b, { ...b, name: `${b.name}, warm`, warm: true }]) : builds;
  const variants = o['new-window'] ? warmed.flatMap((b) => [b, { ...b, name: `${b.name}, new window`, newWindow: true }]) : warmed;
  const [port, islandPort] = [await freePort(), await freePort()];
  const d = Number(o.domain);
  const demo = spawn(process.execPath, [join(ROOT, 'packages/demo/dist/launch.js'), '--port', String(port), '--island-port', String(islandPort), '--domain', String(d), '--island-domain', String(d + 1), '--no-autoplay', ...(o['gateway-node-options'] !== undefined ? [`--node-options=${o['gateway-node-options']}`] : [])], { stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  demo.stdout.on('data', (b) => (out += b));
  const gateway = `http://127.0.0.1:${port}`;
  const api = `${gateway}/api/v1`;
  /** The busy loops (--busy), from the first page to the last. */
  const busy = [];
  try {
    for (let i = 0; !out.includes('Press Ctrl-C to stop everything'); i++) {
      if (i > 1800) throw new Error('demo did not start');
      await sleep(100);
    }
    // A person steps in; the recording of the stop it causes is the one measured. The robot stops again as the
    // person walks off (a second occurrence about 13 s after the step-in, whose recording replaces the first:
    // max_bags_per_fault 1), so the pages are opened in the window before that, and a run that opened another
    // recording is left out of the medians and followed by a new person once the scene is quiet again.
    // The app that owns PROTECTIVE_STOP as the main gateway lists it (the island's safety gate, federated), once raised.
    let owner;
    const detail = async () => {
      owner ??= (await json(`${api}/faults?status=all`).catch(() => undefined))?.items?.find((f) => f.fault_code === 'PROTECTIVE_STOP')?.entity_id;
      return owner ? json(`${api}/apps/${owner}/faults/PROTECTIVE_STOP`).catch(() => undefined) : undefined;
    };
    const recordings = [];
    let stepIn = 0;
    const newRecording = async () => {
      // The ring buffer refills its 10 s after the last stop's recording before the next person.
      await sleep(Math.max(0, stepIn + PERSON_CYCLE_MS - Date.now()));
      const previous = (await detail())?.environment_data?.snapshots?.find((x) => x.type === 'rosbag')?.bulk_data_uri;
      await json(`${api}/apps/scenario/operations/trigger_person/executions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
      stepIn = Date.now();
      for (let i = 0; i < 120; i++) {
        await sleep(500);
        const rec = (await detail())?.environment_data?.snapshots?.find((x) => x.type === 'rosbag');
        if (rec && rec.bulk_data_uri !== previous) {
          recordings.push({ path: rec.bulk_data_uri, size_bytes: rec.size_bytes, duration_sec: rec.duration_sec });
          return rec.bulk_data_uri;
        }
      }
      throw new Error('no recording');
    };
    // Let the ring buffer fill its 10 s before the first stop.
    stepIn = Date.now() - PERSON_CYCLE_MS + 25_000;
    let current = await newRecording();
    // A warm variant's browser profile has opened its UI before its runs (the overview, then an incident; a page
    // holds the watch stream open, so each is given a few seconds rather than waited on): from then on the scripts
    // come from the browser's cache, as they do for anyone who has used the UI before.
    for (const v of variants.filter((x) => x.warm)) {
      v.context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
      for (const hash of ['#/', `#/incident/apps/${owner}/PROTECTIVE_STOP`]) {
        const first = await v.context.newPage();
        await first.goto(`${v.ui.url}/?gateway=${encodeURIComponent(gateway)}${hash}`, { waitUntil: 'load' }).catch(() => undefined);
        await sleep(3000);
        await first.close();
      }
    }
    // The next stop's recording: priming took part of this one's window.
    if (o.warm) current = await newRecording();
    if (o.trace) mkdirSync(o.trace, { recursive: true });
    results.busyLoops = Number(o.busy);
    for (let i = 0; i < results.busyLoops; i++) busy.push(spawn(process.execPath, ['-e', 'for (;;) {}'], { stdio: 'ignore' }));
    // --cpu: each run's CPU time and run-queue wait per group of processes, navigation → plotted.
    const byCommand = (re) => () => descendants(demo.pid).filter((p) => re.test(commandOf(p)));
    const mainGateway = byCommand(new RegExp(`medkit\\.js gateway .*--port ${port}\\b`));
    const islandGateway = byCommand(new RegExp(`medkit\\.js gateway .*--port ${islandPort}\\b`));
    const chromiumType = (p) => commandOf(p).match(/--type=([a-z-]+)/)?.[1] ?? 'browser';
    const cpuGroups = () => ({
      'main gateway': mainGateway,
      'island gateway': islandGateway,
      // A negative pid: that process's main thread alone (cpu-share.mjs).
      'main gateway, event loop': () => mainGateway().map((p) => -p),
      'island gateway, event loop': () => islandGateway().map((p) => -p),
      robot: byCommand(/(robot|island)-process\.js/),
      ...Object.fromEntries(
        ['browser', 'renderer', 'gpu-process', 'utility', 'zygote'].map((type) => [
          `chromium ${type}`,
          () => chromiumPids().filter((p) => chromiumType(p) === type),
        ]),
      ),
      bench: () => [process.pid],
      'busy loops': () => busy.map((b) => b.pid),
    });
    // Which browser this run measures: threads above nice 0 mean chromium raised its own priority (browser.mjs).
    results.browser = { priority: o['browser-priority'], raisedThreads: raisedChromiumThreads().length };
    console.error(`chromium: --browser-priority ${results.browser.priority}, ${results.browser.raisedThreads} thread(s) above nice 0`);
    const runs = variants.map(() => []);
    const kept = (i) => runs[i].filter((x) => !x.excluded).length;
    // Variants alternate (the one with fewer kept runs first), so all see the same load and recordings.
    for (let attempt = 0; variants.some((_, i) => kept(i) < RUNS); attempt++) {
      if (attempt > 4 * RUNS * variants.length) throw new Error('too many runs opened another recording');
      const i = variants.findIndex((_, j) => kept(j) === Math.min(...variants.map((__, k) => kept(k))));
      const v = variants[i];
      const url = `${v.ui.url}/?gateway=${encodeURIComponent(gateway)}#/incident/apps/${owner}/PROTECTIVE_STOP`;
      const trace = o.trace ? join(o.trace, `incident-${i}-${runs[i].length + 1}.json`) : undefined;
      let share;
      let cpu;
      const onNavigate = o.cpu ? () => (share = cpuShare(cpuGroups())) : undefined;
      const onPlotted = o.cpu ? () => (cpu = share.end()) : undefined;
      const m = await measureIncident(browser, url, { gatewayOrigin: gateway, traceFile: trace, keepBodies: o.phases, context: v.context, newWindow: v.newWindow, onNavigate, onPlotted });
      // By the recording it served: the UI asks the newest one by the fault (…/faults/{code}/recording).
      const opened = m.recording?.served ?? m.recording?.path;
      const excluded = opened === current ? undefined : opened ? 'another recording' : 'no recording';
      const run = o.phases ? m : { plottedMs: m.plottedMs, fetchedAtMs: m.fetchedAtMs, decodedAtMs: m.decodedAtMs, topics: m.topics, messages: m.messages, phases: m.phases, openAtAsk: m.openAtAsk };
      runs[i].push({ ...run, recording: recordings.length, load: loadavg()[0].toFixed(2), ...(cpu ? { cpu } : {}), ...(excluded ? { excluded } : {}) });
      if (excluded && variants.some((_, j) => kept(j) < RUNS)) current = await newRecording();
    }
    results.recordings = recordings;
    variants.forEach((v, i) => printPhases(`${v.name} (ms since navigation start):`, runs[i]));
    results.incident = summary(runs[0]);
    const baselineAt = variants.findIndex((v) => v.name === o.baseline);
    if (o.baseline) results.baseline = { ref: o.baseline, ...summary(runs[baselineAt]) };
    if (variants.length > builds.length) results.variants = variants.map((v, i) => ({ name: v.name, ...summary(runs[i]) }));
  } finally {
    for (const p of busy) p.kill();
    await browser.close();
    for (const b of builds) {
      b.ui.close();
      dropUi(b.dist);
    }
    demo.kill('SIGINT');
    await new Promise((r) => demo.once('exit', r));
  }
}

async function syntheticRun() {
  const ui = await loadUiModules();
  const { bytes, messages } = await syntheticRecording(50);
  const decode = [];
  for (let r = 0; r < RUNS; r++) {
    const t = performance.now();
    ui.decodeMcap(bytes);
    decode.push(Math.round(performance.now() - t));
  }
  results.decode50MB = { bytes: bytes.length, messages, runsMs: decode, medianMs: median(decode) };
  const g = ui.buildRobotGraph(syntheticGraphInput());
  const layout = [];
  for (let r = 0; r < RUNS; r++) {
    const t = performance.now();
    ui.layoutGraph(g.nodes, g.edges);
    layout.push(Math.round(performance.now() - t));
  }
  results.layout30x100 = { nodes: g.nodes.length, edges: g.edges.length, runsMs: layout, medianMs: median(layout) };
}

async function bigRun() {
  const { bytes, messages } = await syntheticRecording(50);
  const dist = await buildUi();
  const server = await serveBig(dist, bytes);
  const browser = await launchBrowser({ raised: RAISED });
  const runs = [];
  for (let r = 0; r < RUNS; r++) runs.push(await measureBig(browser, server.url));
  await browser.close();
  server.close();
  dropUi(dist);
  results.big50MB = { bytes: bytes.length, messages, runs, medianPlottedMs: median(runs.map((x) => x.plottedMs)), worstLongTaskMs: Math.max(...runs.map((x) => x.longestTaskMs)) };
}

async function overviewRun() {
  const dist = await buildUi();
  const server = await serveOverview(dist, syntheticGraphInput());
  const browser = await launchBrowser({ raised: RAISED });
  const runs = [];
  for (let r = 0; r < RUNS; r++) runs.push(await measureOverview(browser, server.url));
  await browser.close();
  server.close();
  dropUi(dist);
  results.overview30x100 = { runs, medianDrawnMs: median(runs.map((x) => x.drawnMs)) };
}

if (o.big) await bigRun();
if (o.overview) await overviewRun();
if (!o['skip-demo']) await demoRun();
if (!o['skip-synthetic']) await syntheticRun();
results.loadAfter = loadavg();
console.log(JSON.stringify(results, null, 2));
if (o.json) writeFileSync(o.json, JSON.stringify(results, null, 2));
