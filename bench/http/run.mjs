#!/usr/bin/env node
// HTTP benchmark: GET /api/v1/apps (cached list) and GET /api/v1/apps/app-7 (entity detail) on a manifest
// with 200 apps vs plain node:http servers and a bare Fastify app returning the same JSON bytes, in the same run, alternating rounds; once
// without plugins and once with the example outside plugin (examples/plugin-acme-sensors) loaded, which adds the
// component list and its plugin-owned component's detail. Usage: node bench/http/run.mjs [seconds] [--rounds=2]
// [--node-flags='…'] (build first: npm run build). Prints a Markdown table for docs/benchmarks.md. The gateway runs with the
// Node.js options `medkit` has on its #! line (packages/cli/src/runtime-flags.ts) unless --node-flags says otherwise; the
// plain node:http baselines with Node's defaults, or with --baseline-node-flags='…' (--baseline-node-flags=same: the
// gateway's, which leaves only the cost of the code: the young generation the footprint options cap makes every Node.js
// server scavenge ~10 times as often). On a machine with taskset and at least two CPUs the load generator
// runs on CPU 0 and every server on CPU 1 (--no-pin to leave placement to the scheduler): a server then never shares its
// core with the load generator, which otherwise moved the plain baseline by up to 50% between runs on a 2-core VM.
// Each server gets an unrecorded 3 s warm-up round before the measured ones (its JIT and caches warm, as in service); a
// figure is the median of the rounds.
import { mkdtempSync, writeFileSync, rmSync, readFileSync } from 'node:fs';
import { tmpdir, cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import autocannon from 'autocannon';
import { NODE_RUNTIME_FLAGS } from '@medkit/cli/runtime-flags';
import { median } from '../support/median.mjs';
import { canPin, runPinnedOn, spawnOn } from '../support/pin.mjs';

const { values: opts, positionals } = parseArgs({ allowPositionals: true, options: { 'node-flags': { type: 'string' }, rounds: { type: 'string' }, 'no-pin': { type: 'boolean' }, 'baseline-node-flags': { type: 'string' } } });
const pin = canPin(!opts['no-pin']);
// This script (the load generator) on CPU 0; the servers it starts go to CPU 1.
runPinnedOn(0, pin);
const seconds = Number(positionals[0] ?? 10);
const gatewayFlags = opts['node-flags'] === undefined ? [...NODE_RUNTIME_FLAGS] : opts['node-flags'].split(/\s+/).filter(Boolean);
const baselineOpt = opts['baseline-node-flags'];
const baselineFlags = baselineOpt === 'same' ? gatewayFlags : (baselineOpt ?? '').split(/\s+/).filter(Boolean);
const connections = 50;
const rounds = Number(opts.rounds ?? 2);
const here = fileURLToPath(new URL('.', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'medkit-bench-http-'));

function manifest(apps) {
  const lines = ['manifest_version: "1.0"', 'metadata: { name: bench }', 'areas:', '  - id: fleet', 'components:'];
  for (let c = 0; c < 10; c++) lines.push(`  - id: unit-${c}`, `    name: Unit ${c}`, '    area: fleet');
  lines.push('apps:');
  for (let i = 0; i < apps; i++) {
    lines.push(`  - id: app-${i}`, `    name: Application ${i}`, `    is_located_on: unit-${i % 10}`, '    ros_binding:', `      node_name: node_${i}`, `      namespace: /ns${i % 10}`);
  }
  return `${lines.join('\n')}\n`;
}

function start(kind, bodyFile) {
  return new Promise((resolve, reject) => {
    const args = [...(kind.startsWith('gateway') ? gatewayFlags : baselineFlags), join(here, 'server.mjs'), kind, join(dir, 'manifest.yaml'), join(dir, `data-${kind}`), bodyFile ?? ''];
    const child = spawnOn(pin ? 1 : undefined, process.execPath, args, { stdio: ['ignore', 'pipe', 'inherit'] });
    child.stdout.on('data', (d) => {
      const m = /READY (\d+)/.exec(d.toString());
      if (m) resolve({ child, port: Number(m[1]) });
    });
    child.on('exit', (code) => reject(new Error(`${kind} server exited ${code}`)));
  });
}

/** CPU time (user + system) of a server process so far, ms, from /proc (clock ticks of 10 ms). */
function cpuMs(pid) {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

/**
 * One round against a server; also the server process's CPU time per request (µs), which other load on a
 * shared machine changes much less than throughput does.
 */
function load(srv, path, duration = seconds) {
  const before = cpuMs(srv.child.pid);
  return new Promise((resolve, reject) => {
    autocannon({ url: `http://127.0.0.1:${srv.port}${path}`, connections, duration, pipelining: 1 }, (err, r) => {
      if (err) return reject(err);
      r.cpuUsPerRequest = ((cpuMs(srv.child.pid) - before) * 1000) / Math.max(1, r.requests.total);
      resolve(r);
    });
  });
}

writeFileSync(join(dir, 'manifest.yaml'), manifest(200));

/** The gateway against plain node:http servers sending the same bytes, alternating rounds. */
async function compare(gw, path, label) {
  const body = await (await fetch(`http://127.0.0.1:${gw.port}${path}`)).text();
  const file = join(dir, `body-${label}.json`);
  writeFileSync(file, body);
  const plain = await start('plain', file);
  const plainStatic = await start('plain-static', file);
  const fastifyStatic = await start('fastify-static', file);
  const results = { gateway: [], plain: [], 'plain-static': [], 'fastify-static': [] };
  const servers = [['plain', plain], ['plain-static', plainStatic], ['fastify-static', fastifyStatic], ['gateway', gw]];
  for (const [, srv] of servers) await load(srv, path, 3);
  for (let round = 0; round < rounds; round++) {
    for (const [name, srv] of servers) results[name].push(await load(srv, path));
  }
  plain.child.kill();
  plainStatic.child.kill();
  fastifyStatic.child.kill();
  return { body, results };
}

// Each gateway variant with the routes it is measured on: the cached entity list (a collection route), an entity
// detail, and with the ACME plugin loaded also the plugin-owned component's detail (its providers are asked
// whether it serves data and operations) and the component list that includes it.
const variants = [
  { kind: 'gateway', label: 'no plugin', routes: ['/api/v1/apps', '/api/v1/apps/app-7'] },
  { kind: 'gateway-acme', label: 'ACME plugin loaded', routes: ['/api/v1/apps', '/api/v1/apps/app-7', '/api/v1/components', '/api/v1/components/acme_sensor_hub'] },
];
const measured = [];
for (const v of variants) {
  const gw = await start(v.kind);
  for (const path of v.routes) {
    const r = await compare(gw, path, `${v.kind}-${measured.length}`);
    const doc = JSON.parse(r.body);
    if (path.endsWith('/apps') && doc.items?.length !== 200) throw new Error(`${v.kind} did not list 200 apps`);
    if (path.endsWith('/app-7') && doc.id !== 'app-7') throw new Error(`${v.kind} did not serve the app-7 detail`);
    if (path.endsWith('/acme_sensor_hub') && doc.id !== 'acme_sensor_hub') throw new Error(`${v.kind} did not serve the ACME hub detail`);
    measured.push({ variant: v.label, route: `GET ${path}`, ...r });
  }
  gw.child.kill();
}
rmSync(dir, { recursive: true, force: true });

const summary = (rs) => ({
  rps: median(rs.map((r) => r.requests.average)),
  p50: median(rs.map((r) => r.latency.p50)),
  p99: median(rs.map((r) => r.latency.p99)),
  errors: rs.reduce((s, r) => s + r.errors + r.non2xx, 0),
  cpu: median(rs.map((r) => r.cpuUsPerRequest)),
});
console.log(`\nmachine: ${cpus().length} × ${cpus()[0].model}, node ${process.version}, date ${new Date().toISOString().slice(0, 16)}, loadavg at the end ${loadavg().map((l) => l.toFixed(1)).join(' ')}`);
console.log(`command: node bench/http/run.mjs ${process.argv.slice(2).join(' ')}   (${connections} connections, ${seconds} s per round, ${rounds} rounds each after a 3 s warm-up, medians; ${pin ? 'load generator on CPU 0, servers on CPU 1' : 'not pinned'}; gateway Node.js options: ${gatewayFlags.join(' ') || 'none'}; plain servers' options: ${baselineFlags.join(' ') || 'none'})\n`);
console.log('| gateway | route | server | req/s | p50 ms | p99 ms | errors | server CPU µs/request |\n|---|---|---|---|---|---|---|---|');
const ratios = [];
for (const r of measured) {
  const g = summary(r.results.gateway);
  const p = summary(r.results.plain);
  const ps = summary(r.results['plain-static']);
  const f = summary(r.results['fastify-static']);
  console.log(`| ${r.variant} | ${r.route} (${r.body.length} B) | plain node:http, per request | ${p.rps.toFixed(0)} | ${p.p50} | ${p.p99} | ${p.errors} | ${p.cpu.toFixed(1)} |`);
  console.log(`| | | plain node:http, prebuilt body | ${ps.rps.toFixed(0)} | ${ps.p50} | ${ps.p99} | ${ps.errors} | ${ps.cpu.toFixed(1)} |`);
  console.log(`| | | bare Fastify, prebuilt body | ${f.rps.toFixed(0)} | ${f.p50} | ${f.p99} | ${f.errors} | ${f.cpu.toFixed(1)} |`);
  console.log(`| | | medkit | ${g.rps.toFixed(0)} | ${g.p50} | ${g.p99} | ${g.errors} | ${g.cpu.toFixed(1)} |`);
  ratios.push(`${r.variant}, ${r.route}: ${((g.rps / ps.rps) * 100).toFixed(1)}% of a prebuilt body (${((g.rps / p.rps) * 100).toFixed(1)}% of serialising per request) by req/s; by server CPU per request ${((ps.cpu / g.cpu) * 100).toFixed(1)}% (${((p.cpu / g.cpu) * 100).toFixed(1)}%); medkit p99 ${g.p99} ms; a bare Fastify app ${((f.rps / ps.rps) * 100).toFixed(1)}% of the prebuilt body (by CPU ${((ps.cpu / f.cpu) * 100).toFixed(1)}%), medkit ${((g.rps / f.rps) * 100).toFixed(1)}% of bare Fastify`);
}
console.log(`\n${ratios.join('\n')}`);
