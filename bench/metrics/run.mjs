#!/usr/bin/env node
// Scrape cost of /metrics under load (issue #30; goal: a scrape < 5 ms): a gateway with `--faults` faults
// (500) and `--rate` fault reports/s (200) keeps answering autocannon's `--connections` (20) on GET /api/v1/faults
// and /api/v1/health while this process scrapes /metrics every `--every` ms (250) for `--seconds` (15).
// Reports the scrape's own time in the gateway (registry.metrics(), timed in-process) and the latency a scraper
// sees (HTTP round trip, queued behind the load), idle first, then under load; p50 / p99 / max in ms. The scrape's
// time in the gateway is wall time: it includes the setImmediate turn prom-client's event-loop-lag gauge waits
// for, in which other requests run under load.
// Build first (`npx tsc -b`), then: node bench/metrics/run.mjs [--seconds 15] [--faults 500] [--rate 200] [--idle 5]
// (--idle: the idle window's seconds; the test suite's smoke run, test/bench-smoke.test.ts, shortens every window.)
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import autocannon from 'autocannon';

const { values: o } = parseArgs({
  options: {
    seconds: { type: 'string', default: '15' },
    faults: { type: 'string', default: '500' },
    rate: { type: 'string', default: '200' },
    connections: { type: 'string', default: '20' },
    every: { type: 'string', default: '250' },
    idle: { type: 'string', default: '5' },
  },
});
const dir = mkdtempSync(join(tmpdir(), 'medkit-bench-metrics-'));
const child = spawn(process.execPath, [fileURLToPath(new URL('./gateway.mjs', import.meta.url)), join(dir, 'data'), o.faults, o.rate], { stdio: ['ignore', 'pipe', 'inherit', 'ipc'] });
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

function ready() {
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (d) => {
      out += d;
      const m = /READY (\d+) (\d+)/.exec(out);
      if (m) resolve({ port: Number(m[1]), faults: Number(m[2]) });
    });
    child.on('exit', (code) => reject(new Error(`gateway exited ${code}: ${out}`)));
  });
}

function stats() {
  return new Promise((resolve) => {
    child.once('message', resolve);
    child.send('stats');
  });
}

const pct = (xs, p) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))];
};
const row = (label, xs) => `| ${label} | ${xs.length} | ${pct(xs, 50).toFixed(2)} | ${pct(xs, 99).toFixed(2)} | ${Math.max(...xs).toFixed(2)} |`;

/** Scrapes every `every` ms until `until()` is false; client-side round trips in ms, and the last body. */
async function scrapeLoop(base, until) {
  const times = [];
  let body = '';
  while (until()) {
    const t = performance.now();
    const res = await fetch(`${base}/metrics`);
    body = await res.text();
    if (res.status !== 200) throw new Error(`/metrics answered ${res.status}`);
    times.push(performance.now() - t);
    await sleep(Number(o.every));
  }
  return { times, body };
}

try {
  const { port, faults } = await ready();
  const base = `http://127.0.0.1:${port}`;
  const seconds = Number(o.seconds);
  // The first scrapes compile prom-client's code paths: reported apart, not in the steady-state figures.
  let end = Date.now() + 2000;
  const warm = await scrapeLoop(base, () => Date.now() < end);
  const warmServer = (await stats()).scrapes;
  // Idle: the fault reports go on, no HTTP load.
  end = Date.now() + Number(o.idle) * 1000;
  const idle = await scrapeLoop(base, () => Date.now() < end);
  const idleServer = (await stats()).scrapes;
  // Under load: autocannon on the fault list and /health, scraping meanwhile.
  const load = new Promise((resolve, reject) =>
    autocannon({ url: base, connections: Number(o.connections), duration: seconds, requests: [{ method: 'GET', path: '/api/v1/faults' }, { method: 'GET', path: '/api/v1/health' }] }, (err, r) => (err ? reject(err) : resolve(r))),
  );
  end = Date.now() + seconds * 1000 - 500;
  const busy = await scrapeLoop(base, () => Date.now() < end);
  const result = await load;
  const busyStats = await stats();
  const series = busy.body.split('\n').filter((l) => l && !l.startsWith('#')).length;
  console.log(`machine: ${cpus().length} × ${cpus()[0]?.model}, ${(totalmem() / 2 ** 30).toFixed(1)} GiB; node ${process.version}`);
  console.log(`date: ${new Date().toISOString()}; load average ${loadavg().map((x) => x.toFixed(2)).join(' ')}`);
  console.log(`command: node bench/metrics/run.mjs --seconds ${seconds} --faults ${o.faults} --rate ${o.rate} --connections ${o.connections} --every ${o.every} --idle ${o.idle}`);
  console.log(`gateway: ${faults} faults stored, ${o.rate} fault reports/s (${JSON.stringify(busyStats.reports)} in all); exposition ${busy.body.length} bytes, ${series} series`);
  console.log(`load: autocannon ${o.connections} connections on GET /api/v1/faults + /api/v1/health: ${Math.round(result.requests.average)} req/s, p99 ${result.latency.p99} ms, ${result.non2xx} non-2xx, ${result.errors} errors`);
  console.log(`first scrape after start-up: ${warmServer[0].toFixed(2)} ms in the gateway, ${warm.times[0].toFixed(2)} ms round trip (then ${warmServer.length - 1} warm-up scrapes not counted)`);
  console.log('\n| scrape | n | p50 ms | p99 ms | max ms |\n|---|---|---|---|---|');
  console.log(row('in the gateway (registry.metrics()), idle', idleServer));
  console.log(row('in the gateway (registry.metrics()), under load', busyStats.scrapes));
  console.log(row('HTTP round trip, idle', idle.times));
  console.log(row('HTTP round trip, under load', busy.times));
} finally {
  child.kill('SIGTERM');
  await new Promise((r) => child.once('exit', r));
  rmSync(dir, { recursive: true, force: true });
}
