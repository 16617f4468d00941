#!/usr/bin/env node
// HTTP benchmark: GET /api/v1/apps (cached list) and GET /api/v1/apps/app-7 (entity detail) on a manifest
// with 200 apps vs plain node:http servers and a bare Fastify app returning the same JSON bytes, in the same run,
// alternating rounds; two gateways, one without plugins and one with the example outside plugin
// (examples/plugin-acme-sensors) loaded, both measured in the same rounds on the routes they share, the second also on
// the component list and its plugin-owned component's detail. The gateways are `medkit gateway` as installed
// (bin/medkit.js, which runs the bundle), the baselines bench/http/server.mjs. Usage: node bench/http/run.mjs [seconds]
// [--rounds=2] [--node-flags='…'] (build first: npm run build). Prints a Markdown table for docs/benchmarks.md. The gateway runs with the
// Node.js options `medkit` has on its #! line (packages/cli/src/runtime-flags.ts) unless --node-flags says otherwise; the
// plain node:http baselines with Node's defaults, or with --baseline-node-flags='…' (--baseline-node-flags=same: the
// gateway's, which leaves only the cost of the code: the young generation the footprint options cap makes every Node.js
// server scavenge ~10 times as often). On a machine with taskset and at least two CPUs the load generator
// runs on CPU 0 and every server on CPU 1 (--no-pin to leave placement to the scheduler): a server then never shares its
// core with the load generator, which otherwise moved the plain baseline by up to 50% between runs on a 2-core VM.
// Each server gets an unrecorded 3 s warm-up round before the measured ones (its JIT and caches warm, as in service); a
// figure is the median of the rounds. --smoke (the test suite's run, test/bench-smoke.test.ts: does the bench still run
// end to end?) measures 0.5 s rounds, one each, without warm-up, on the list route only.
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir, cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { NODE_RUNTIME_FLAGS } from '@medkit/cli/runtime-flags';
import { freePort } from '../../test-support/servers/ports.mjs';
import { median } from '../support/median.mjs';
import { procCpu } from '../support/proc-cpu.mjs';
import { canPin, runPinnedOn, spawnOn } from '../support/pin.mjs';

const { values: opts, positionals } = parseArgs({ allowPositionals: true, options: { 'node-flags': { type: 'string' }, rounds: { type: 'string' }, 'no-pin': { type: 'boolean' }, 'baseline-node-flags': { type: 'string' }, smoke: { type: 'boolean' } } });
const pin = canPin(!opts['no-pin']);
// This script (the load generator) on CPU 0; the servers it starts go to CPU 1.
runPinnedOn(0, pin);
// Loaded after the re-run on CPU 0, so the first process does not load it for nothing (0.4 s of CPU).
const { default: autocannon } = await import('autocannon');
const smoke = opts.smoke === true;
const seconds = smoke ? 0.5 : Number(positionals[0] ?? 10);
const gatewayFlags = opts['node-flags'] === undefined ? [...NODE_RUNTIME_FLAGS] : opts['node-flags'].split(/\s+/).filter(Boolean);
const baselineOpt = opts['baseline-node-flags'];
const baselineFlags = baselineOpt === 'same' ? gatewayFlags : (baselineOpt ?? '').split(/\s+/).filter(Boolean);
const connections = 50;
const rounds = smoke ? 1 : Number(opts.rounds ?? 2);
const warmup = smoke ? 0 : 3;
const here = fileURLToPath(new URL('.', import.meta.url));
const MEDKIT = fileURLToPath(new URL('../../packages/cli/bin/medkit.js', import.meta.url));
const ACME = fileURLToPath(new URL('../../examples/plugin-acme-sensors/index.js', import.meta.url));
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

/**
 * A gateway as users run it: `medkit gateway` (bin/medkit.js, the bundle `npm run build` makes) on the manifest without
 * ROS; gateway-acme with the example outside plugin (examples/plugin-acme-sensors) loaded by path.
 */
async function gatewayArgs(kind) {
  const port = await freePort();
  const args = [MEDKIT, 'gateway', '--manifest', join(dir, 'manifest.yaml'), '--mode', 'manifest_only', '--no-ros', '--port', String(port), '--data-dir', join(dir, `data-${kind}`), '--log-level', 'silent'];
  if (kind === 'gateway-acme') {
    const config = join(dir, 'acme.yaml');
    writeFileSync(config, `plugins: [acme]\nplugins.acme.path: ${JSON.stringify(ACME)}\n`);
    args.push('--config', config);
  }
  return { args, port, ready: /medkit gateway ready/ };
}

/** A server in its own process (on CPU 1 when pinned): a gateway, or a baseline of bench/http/server.mjs. */
async function start(kind, bodyFile) {
  const gateway = kind.startsWith('gateway');
  const { args, port, ready } = gateway ? await gatewayArgs(kind) : { args: [join(here, 'server.mjs'), kind, bodyFile], ready: /READY (\d+)/ };
  return new Promise((resolve, reject) => {
    const child = spawnOn(pin ? 1 : undefined, process.execPath, [...(gateway ? gatewayFlags : baselineFlags), ...args], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (d) => {
      out += d;
      const m = ready.exec(out);
      if (m) resolve({ child, port: port ?? Number(m[1]) });
    });
    child.on('exit', (code) => reject(new Error(`${kind} server exited ${code}`)));
  });
}

/**
 * One round against a server; also the server process's CPU time per request (µs), which other load on a
 * shared machine changes much less than throughput does.
 */
function load(srv, path, duration = seconds) {
  const before = procCpu(srv.child.pid);
  return new Promise((resolve, reject) => {
    autocannon({ url: `http://127.0.0.1:${srv.port}${path}`, connections, duration, pipelining: 1 }, (err, r) => {
      if (err) return reject(err);
      r.cpuUsPerRequest = ((procCpu(srv.child.pid) - before) * 1e6) / Math.max(1, r.requests.total);
      resolve(r);
    });
  });
}

writeFileSync(join(dir, 'manifest.yaml'), manifest(200));

/**
 * The gateways serving `path` against plain node:http servers and a bare Fastify app sending the same bytes (the first
 * gateway's body), every server once per round, rounds alternating.
 */
async function compare(gateways, path, label) {
  const bodies = [];
  for (const g of gateways) bodies.push(await (await fetch(`http://127.0.0.1:${g.srv.port}${path}`)).text());
  const file = join(dir, `body-${label}.json`);
  writeFileSync(file, bodies[0]);
  const baselines = [];
  // Started together: their start-up is not measured, and one after the other they took most of a short run.
  const kinds = ['plain', 'plain-static', 'fastify-static'];
  (await Promise.all(kinds.map((kind) => start(kind, file)))).forEach((srv, i) => baselines.push([kinds[i], srv]));
  const servers = [...baselines, ...gateways.map((g) => [g.kind, g.srv])];
  const results = Object.fromEntries(servers.map(([name]) => [name, []]));
  if (warmup > 0) for (const [, srv] of servers) await load(srv, path, warmup);
  for (let round = 0; round < rounds; round++) {
    for (const [name, srv] of servers) results[name].push(await load(srv, path));
  }
  for (const [, srv] of baselines) srv.child.kill();
  return { bodies, results };
}

// The gateway variants: without plugins, and with the ACME plugin loaded. Both run for the whole bench and are
// measured in the same rounds on the routes both serve, so what the plugin costs is read within one minute, not
// across runs (the order of two runs had moved a route's ratio by up to 7 points). The routes: the cached entity
// list (a collection route), an entity detail, and with the plugin also the plugin-owned component's detail (its
// providers are asked whether it serves data and operations) and the component list that includes it.
const variants = [
  { kind: 'gateway', label: 'no plugin' },
  { kind: 'gateway-acme', label: 'ACME plugin loaded' },
];
const routes = [
  { path: '/api/v1/apps', check: (doc) => doc.items?.length === 200, kinds: ['gateway', 'gateway-acme'] },
  { path: '/api/v1/apps/app-7', check: (doc) => doc.id === 'app-7', kinds: ['gateway', 'gateway-acme'] },
  { path: '/api/v1/components', check: (doc) => Array.isArray(doc.items), kinds: ['gateway-acme'] },
  { path: '/api/v1/components/acme_sensor_hub', check: (doc) => doc.id === 'acme_sensor_hub', kinds: ['gateway-acme'] },
].filter((r, i) => !smoke || i === 0);
const running = [];
running.push(...(await Promise.all(variants.map(async (v) => ({ ...v, srv: await start(v.kind) })))));
const measured = [];
for (const route of routes) {
  const gateways = running.filter((g) => route.kinds.includes(g.kind));
  const r = await compare(gateways, route.path, `route-${measured.length}`);
  gateways.forEach((g, i) => {
    if (!route.check(JSON.parse(r.bodies[i]))) throw new Error(`${g.kind} did not serve ${route.path} as expected`);
    measured.push({ variant: g.label, kind: g.kind, route: `GET ${route.path}`, body: r.bodies[i], results: r.results });
  });
}
for (const g of running) g.srv.child.kill();
rmSync(dir, { recursive: true, force: true });

const summary = (rs) => ({
  rps: median(rs.map((r) => r.requests.average)),
  p50: median(rs.map((r) => r.latency.p50)),
  p99: median(rs.map((r) => r.latency.p99)),
  errors: rs.reduce((s, r) => s + r.errors + r.non2xx, 0),
  cpu: median(rs.map((r) => r.cpuUsPerRequest)),
});
console.log(`\nmachine: ${cpus().length} × ${cpus()[0].model}, node ${process.version}, date ${new Date().toISOString().slice(0, 16)}, loadavg at the end ${loadavg().map((l) => l.toFixed(1)).join(' ')}`);
console.log(`command: node bench/http/run.mjs ${process.argv.slice(2).join(' ')}   (${connections} connections, ${seconds} s per round, ${rounds} rounds each after a ${warmup} s warm-up, medians; ${pin ? 'load generator on CPU 0, servers on CPU 1' : 'not pinned'}; gateway Node.js options: ${gatewayFlags.join(' ') || 'none'}; plain servers' options: ${baselineFlags.join(' ') || 'none'})\n`);
console.log('| route | server | req/s | p50 ms | p99 ms | errors | server CPU µs/request |\n|---|---|---|---|---|---|---|');
const row = (route, server, x) => `| ${route} | ${server} | ${x.rps.toFixed(0)} | ${x.p50} | ${x.p99} | ${x.errors} | ${x.cpu.toFixed(1)} |`;
const ratios = [];
let lastRoute;
for (const r of measured) {
  const g = summary(r.results[r.kind]);
  const p = summary(r.results.plain);
  const ps = summary(r.results['plain-static']);
  const f = summary(r.results['fastify-static']);
  if (r.route !== lastRoute) {
    lastRoute = r.route;
    console.log(row(`${r.route} (${r.body.length} B)`, 'plain node:http, per request', p));
    console.log(row('', 'plain node:http, prebuilt body', ps));
    console.log(row('', 'bare Fastify, prebuilt body', f));
  }
  console.log(row('', `medkit, ${r.variant}`, g));
  ratios.push(`${r.variant}, ${r.route}: ${((g.rps / ps.rps) * 100).toFixed(1)}% of a prebuilt body (${((g.rps / p.rps) * 100).toFixed(1)}% of serialising per request) by req/s; by server CPU per request ${((ps.cpu / g.cpu) * 100).toFixed(1)}% (${((p.cpu / g.cpu) * 100).toFixed(1)}%); medkit p99 ${g.p99} ms; a bare Fastify app ${((f.rps / ps.rps) * 100).toFixed(1)}% of the prebuilt body (by CPU ${((ps.cpu / f.cpu) * 100).toFixed(1)}%), medkit ${((g.rps / f.rps) * 100).toFixed(1)}% of bare Fastify`);
}
console.log(`\n${ratios.join('\n')}`);
