#!/usr/bin/env node
// Web UI budgets (issue 39). Build first (`npm run build`), then:
//   node bench/web/run.mjs [--runs 5] [--json out.json]
// 1. Incident view on the demo: starts the demo launcher (own ports, ROS domains 90/91 unless --domain), sends
//    the person, waits for the main gateway's PROTECTIVE_STOP recording (10 s before + 2 s after at --speed 1,
//    6 topics), then opens #/incident/apps/island_link/PROTECTIVE_STOP in Debian's chromium --runs times, each
//    in a fresh page, and reads the time from navigation start until every topic has its plot drawn, and the
//    UI's own mark of the recording decoded (fetch + worker).
// 2. In Node.js, the same code the browser runs: a 50 MB recording decoded, a 30-node/100-topic graph laid out.
// 3. With --big: a 50 MB recording opened in chromium from a stand-in gateway (big-recording.mjs): time to the
//    plot, whether progress was shown, and the longest main-thread task meanwhile.
// 4. With --overview: the overview of a 30-node, 100-topic robot from a stand-in gateway (overview-standin.mjs):
//    navigation start → the graph drawn.
/* global document -- the callbacks given to page.evaluate run in the browser */
import { spawn } from 'node:child_process';
import { createServer } from 'node:http';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { extname, join, normalize } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { chromium } from 'playwright-core';
import { freePort } from '../../test-support/servers/ports.mjs';
import { loadUiModules, syntheticGraphInput, syntheticRecording } from './synthetic.mjs';
import { measureBig, serveBig } from './big-recording.mjs';
import { measureOverview, serveOverview } from './overview-standin.mjs';

const { values: o } = parseArgs({ options: { runs: { type: 'string', default: '5' }, json: { type: 'string' }, domain: { type: 'string', default: '90' }, 'skip-demo': { type: 'boolean', default: false }, 'skip-synthetic': { type: 'boolean', default: false }, big: { type: 'boolean', default: false }, overview: { type: 'boolean', default: false } } });
const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const RUNS = Number(o.runs);
const median = (a) => [...a].sort((x, y) => x - y)[Math.floor(a.length / 2)];
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const results = { date: new Date().toISOString(), machine: `${cpus().length} × ${cpus()[0]?.model}`, node: process.version, loadBefore: loadavg() };

async function buildUi() {
  const outDir = mkdtempSync(join(tmpdir(), 'medkit-bench-ui-'));
  process.env.NODE_ENV = 'production';
  const { build } = await import('vite');
  const root = join(ROOT, 'packages/web');
  await build({ root, configFile: join(root, 'vite.config.ts'), logLevel: 'silent', build: { outDir, emptyOutDir: true } });
  return outDir;
}

function serve(dir) {
  const types = { '.html': 'text/html', '.js': 'text/javascript', '.css': 'text/css' };
  const server = createServer((req, res) => {
    const p = normalize(join(dir, decodeURIComponent(new URL(req.url, 'http://x').pathname)));
    let file = p.startsWith(dir) ? p : join(dir, 'index.html');
    try {
      if (file.endsWith('/')) file = join(file, 'index.html');
      const body = readFileSync(file);
      res.writeHead(200, { 'content-type': types[extname(file)] ?? 'application/octet-stream' }).end(body);
    } catch {
      res.writeHead(404).end();
    }
  });
  return new Promise((r) => server.listen(0, '127.0.0.1', () => r({ url: `http://127.0.0.1:${server.address().port}`, close: () => server.close() })));
}

async function json(url, init) {
  const r = await fetch(url, init);
  return r.json();
}

async function demoRun() {
  const [port, islandPort] = [await freePort(), await freePort()];
  const d = Number(o.domain);
  const demo = spawn(process.execPath, [join(ROOT, 'packages/demo/dist/launch.js'), '--port', String(port), '--island-port', String(islandPort), '--domain', String(d), '--island-domain', String(d + 1), '--no-autoplay'], { stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  demo.stdout.on('data', (b) => (out += b));
  const api = `http://127.0.0.1:${port}/api/v1`;
  try {
    for (let i = 0; !out.includes('Press Ctrl-C to stop everything'); i++) {
      if (i > 1800) throw new Error('demo did not start');
      await sleep(100);
    }
    // Let the ring buffer fill its 10 s before the stop.
    await sleep(15_000);
    await json(`${api}/apps/scenario/operations/trigger_person/executions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
    let rec;
    for (let i = 0; !rec; i++) {
      if (i > 120) throw new Error('no recording');
      await sleep(500);
      const dtl = await json(`${api}/apps/island_link/faults/PROTECTIVE_STOP`).catch(() => undefined);
      rec = dtl?.environment_data?.snapshots?.find((s) => s.type === 'rosbag');
    }
    results.recording = { size_bytes: rec.size_bytes, duration_sec: rec.duration_sec };
    const dist = await buildUi();
    const ui = await serve(dist);
    const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox', '--disable-gpu'] });
    const runs = [];
    for (let r = 0; r < RUNS; r++) {
      const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
      await page.goto(`${ui.url}/?gateway=${encodeURIComponent(`http://127.0.0.1:${port}`)}#/incident/apps/island_link/PROTECTIVE_STOP`);
      await page.waitForFunction(() => {
        const plots = document.querySelectorAll('[data-testid="topic-plot"]');
        return plots.length > 0 && [...plots].every((p) => p.querySelector('canvas') || !p.querySelector('.chart-box'));
      }, undefined, { timeout: 30_000, polling: 'raf' });
      runs.push(
        await page.evaluate(() => ({
          plottedMs: Math.round(performance.now()),
          decodedMs: Math.round(performance.getEntriesByName('medkit:incident-decoded')[0]?.detail?.loadMs ?? -1),
          // Since navigation start: the recording's bytes in hand, and decoded by the worker.
          fetchedAtMs: Math.round(performance.getEntriesByName('medkit:recording-fetched')[0]?.startTime ?? -1),
          decodedAtMs: Math.round(performance.getEntriesByName('medkit:incident-decoded')[0]?.startTime ?? -1),
          topics: document.querySelectorAll('[data-testid="topic-plot"]').length,
          messages: Number(document.querySelector('[data-testid="topic-plots"]')?.getAttribute('data-message-count')),
        })),
      );
      await page.close();
    }
    results.incident = { runs, medianPlottedMs: median(runs.map((x) => x.plottedMs)), medianDecodedMs: median(runs.map((x) => x.decodedMs)) };
    await browser.close();
    ui.close();
    rmSync(dist, { recursive: true, force: true });
  } finally {
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
  const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox', '--disable-gpu'] });
  const runs = [];
  for (let r = 0; r < RUNS; r++) runs.push(await measureBig(browser, server.url));
  await browser.close();
  server.close();
  rmSync(dist, { recursive: true, force: true });
  results.big50MB = { bytes: bytes.length, messages, runs, medianPlottedMs: median(runs.map((x) => x.plottedMs)), worstLongTaskMs: Math.max(...runs.map((x) => x.longestTaskMs)) };
}

async function overviewRun() {
  const dist = await buildUi();
  const server = await serveOverview(dist, syntheticGraphInput());
  const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox', '--disable-gpu'] });
  const runs = [];
  for (let r = 0; r < RUNS; r++) runs.push(await measureOverview(browser, server.url));
  await browser.close();
  server.close();
  rmSync(dist, { recursive: true, force: true });
  results.overview30x100 = { runs, medianDrawnMs: median(runs.map((x) => x.drawnMs)) };
}

if (o.big) await bigRun();
if (o.overview) await overviewRun();
if (!o['skip-demo']) await demoRun();
if (!o['skip-synthetic']) await syntheticRun();
results.loadAfter = loadavg();
console.log(JSON.stringify(results, null, 2));
if (o.json) writeFileSync(o.json, JSON.stringify(results, null, 2));
