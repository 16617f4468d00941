#!/usr/bin/env node
// ROS-backed resources benchmark: p50/p99 of GET /apps/battery_monitor/data/<topic> on a 100 Hz topic
// published by another process, with 20 concurrent clients; first alone, then while 4 more clients keep
// asking a dead parameter server (accepts requests, never answers; negative cache off so every one of
// those requests waits its full deadline). Robot, gateway and load generator are separate processes.
// Usage: npx tsc -b packages/ros2 packages/gateway && node bench/resources/run.mjs [seconds] [--warmup 2]
// (--warmup: seconds of load before the phases, not measured; the smoke run in npm test gives 0.)
// The ROS domain is BENCH_DOMAIN (108 by default), as in the other ROS benches, so a test can give it its own.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import autocannon from 'autocannon';

const { values: o, positionals } = parseArgs({ allowPositionals: true, options: { warmup: { type: 'string', default: '2' } } });
const seconds = Number(positionals[0] ?? 10);
const warmup = Number(o.warmup);
const DOMAIN = Number(process.env.BENCH_DOMAIN ?? 108);
const connections = 20;
const here = fileURLToPath(new URL('.', import.meta.url));
const robotScript = fileURLToPath(new URL('../../packages/gateway/test/fixtures/ros-robot.mjs', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'medkit-bench-resources-'));
const children = [];

function start(args, ready) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'inherit'] });
    children.push(child);
    let out = '';
    child.stdout.on('data', (d) => {
      out += d.toString();
      const m = ready.exec(out);
      if (m) resolve({ child, m });
    });
    child.on('exit', (code) => reject(new Error(`${args[0]} exited ${code}: ${out}`)));
  });
}

/**
 * Polls `fn` until it answers true. `fn` may answer a string instead, what it saw, which the timeout message names.
 * 60 s: on a box whose cores are taken (CI beside busy loops), discovery and the first sample took over 20 s once.
 */
async function until(fn, what, ms = 60_000) {
  const end = Date.now() + ms;
  let seen = 'nothing yet';
  for (;;) {
    const r = await fn().catch((err) => `error: ${err.message}`);
    if (r === true) return;
    if (typeof r === 'string') seen = r;
    if (Date.now() > end) throw new Error(`timed out after ${ms / 1000} s waiting for ${what} (last seen: ${seen})`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

function load(url, duration, conns) {
  return new Promise((resolve, reject) => autocannon({ url, connections: conns, duration, pipelining: 1, timeout: 30 }, (err, r) => (err ? reject(err) : resolve(r))));
}

try {
  await start([robotScript, '--domain', String(DOMAIN), '--rate-hz', '100', '--only', 'battery,hung'], /ready/);
  const gw = await start([join(here, 'gateway.mjs'), String(DOMAIN), join(dir, 'data'), '0'], /READY (\d+)/);
  const base = `http://127.0.0.1:${gw.m[1]}/api/v1`;
  const dataUrl = `${base}/apps/battery_monitor/data/demo%2Fbattery%2Fvoltage`;
  await until(async () => {
    const res = await fetch(dataUrl);
    const body = await res.json();
    return body['x-medkit']?.status === 'data' || `${res.status} ${body['x-medkit']?.status ?? body.error_code ?? ''}`.trim();
  }, 'first sample');
  await until(async () => (await fetch(`${base}/apps/hung_node`)).status === 200 || 'hung_node not listed', 'hung node');

  // Warm-up, then the two phases.
  if (warmup > 0) await load(dataUrl, warmup, connections);
  const alone = await load(dataUrl, seconds, connections);
  const deadUrl = `${base}/apps/hung_node/configurations/anything`;
  const dead = load(deadUrl, seconds + 2, 4);
  await new Promise((r) => setTimeout(r, 1000));
  const withDead = await load(dataUrl, seconds, connections);
  const deadResult = await dead;

  const row = (name, r) => `| ${name} | ${r.requests.average.toFixed(0)} | ${r.latency.p50} | ${r.latency.p99} | ${r.errors + r.non2xx} |`;
  console.log(`\nmachine: ${cpus().length} × ${cpus()[0].model}, node ${process.version}, date ${new Date().toISOString().slice(0, 10)}`);
  console.log(`command: node bench/resources/run.mjs ${seconds} --warmup ${warmup}   (${connections} connections, ${seconds} s per phase after ${warmup} s of warm-up)\n`);
  console.log('| phase | req/s | p50 ms | p99 ms | errors |\n|---|---|---|---|---|');
  console.log(row('GET data (100 Hz topic)', alone));
  console.log(row('GET data while a parameter server is dead', withDead));
  console.log(`\ndead parameter server requests in phase 2: ${deadResult.requests.total} answered (p50 ${deadResult.latency.p50} ms, all non-2xx: ${deadResult.non2xx === deadResult.requests.total})`);
} finally {
  for (const c of children) c.kill('SIGTERM');
  rmSync(dir, { recursive: true, force: true });
}
