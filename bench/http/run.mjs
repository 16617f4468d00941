#!/usr/bin/env node
// HTTP benchmark: GET /api/v1/apps on a manifest with 200 apps vs a plain node:http server returning
// the same JSON body, in the same run, alternating rounds. Usage: node bench/http/run.mjs [seconds]
// (build first: npm run build). Prints a Markdown table for docs/benchmarks.md.
import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir, cpus } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';

const seconds = Number(process.argv[2] ?? 10);
const connections = 50;
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
    const child = spawn(process.execPath, [join(here, 'server.mjs'), kind, join(dir, 'manifest.yaml'), join(dir, `data-${kind}`), bodyFile ?? ''], { stdio: ['ignore', 'pipe', 'inherit'] });
    child.stdout.on('data', (d) => {
      const m = /READY (\d+)/.exec(d.toString());
      if (m) resolve({ child, port: Number(m[1]) });
    });
    child.on('exit', (code) => reject(new Error(`${kind} server exited ${code}`)));
  });
}

function load(port) {
  return new Promise((resolve, reject) => {
    autocannon({ url: `http://127.0.0.1:${port}/api/v1/apps`, connections, duration: seconds, pipelining: 1 }, (err, r) => (err ? reject(err) : resolve(r)));
  });
}

writeFileSync(join(dir, 'manifest.yaml'), manifest(200));
const gw = await start('gateway');
const body = await (await fetch(`http://127.0.0.1:${gw.port}/api/v1/apps`)).text();
if (JSON.parse(body).items.length !== 200) throw new Error('gateway did not list 200 apps');
writeFileSync(join(dir, 'body.json'), body);
const plain = await start('plain', join(dir, 'body.json'));
const plainStatic = await start('plain-static', join(dir, 'body.json'));

const results = { gateway: [], plain: [], 'plain-static': [] };
for (let round = 0; round < 2; round++) {
  for (const [name, srv] of [['plain', plain], ['plain-static', plainStatic], ['gateway', gw]]) results[name].push(await load(srv.port));
}
gw.child.kill();
plain.child.kill();
plainStatic.child.kill();
rmSync(dir, { recursive: true, force: true });

const summary = (rs) => ({
  rps: rs.reduce((s, r) => s + r.requests.average, 0) / rs.length,
  p50: Math.max(...rs.map((r) => r.latency.p50)),
  p99: Math.max(...rs.map((r) => r.latency.p99)),
  errors: rs.reduce((s, r) => s + r.errors + r.non2xx, 0),
});
const g = summary(results.gateway);
const p = summary(results.plain);
const ps = summary(results['plain-static']);
console.log(`\nmachine: ${cpus().length} × ${cpus()[0].model}, node ${process.version}, date ${new Date().toISOString().slice(0, 10)}`);
console.log(`command: node bench/http/run.mjs ${seconds}   (${connections} connections, ${seconds} s per round, 2 rounds each, body ${body.length} bytes)\n`);
console.log('| server | req/s | p50 ms | p99 ms | errors |\n|---|---|---|---|---|');
console.log(`| plain node:http | ${p.rps.toFixed(0)} | ${p.p50} | ${p.p99} | ${p.errors} |`);
console.log(`| plain node:http, prebuilt body | ${ps.rps.toFixed(0)} | ${ps.p50} | ${ps.p99} | ${ps.errors} |`);
console.log(`| medkit GET /api/v1/apps | ${g.rps.toFixed(0)} | ${g.p50} | ${g.p99} | ${g.errors} |`);
console.log(`\nratio: ${((g.rps / p.rps) * 100).toFixed(1)}% of plain node:http serialising per request, ${((g.rps / ps.rps) * 100).toFixed(1)}% of plain node:http with a prebuilt body (budget ≥ 25%)`);
