#!/usr/bin/env node
// What otlp_export costs a gateway under load (issue 57): the same gateway process (bench/logs-export/gateway.mjs:
// default features, no ROS, 100 /rosout lines/s and 10 fault events/s made in-process) with the plugin off, on, and
// on with its fault outbox, in rounds (off, on, outbox; the order rotates each round so a busy machine's drift hits
// every side alike). The collector is this process: a node:http server that answers 200 and counts requests and
// bytes. Each run settles `--settle` s, then CPU (utime + stime from /proc/PID/stat) is measured over `--seconds`
// s, and USS and private dirty (/proc/PID/smaps_rollup) read at the end. Prints each side's median and the median
// of the per-round differences against off.
// Build first (`npx tsc -b`), then: node bench/logs-export/run.mjs [--rounds 3] [--settle 10] [--seconds 30]
import { spawn } from 'node:child_process';
import { createServer } from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { NODE_RUNTIME_FLAGS } from '@medkit/cli/runtime-flags';
import { CLK_TCK, cpuTicks, machine, memory } from '../footprint/proc.mjs';

const { values: o } = parseArgs({ options: { rounds: { type: 'string', default: '3' }, settle: { type: 'string', default: '10' }, seconds: { type: 'string', default: '30' } } });
const GATEWAY = fileURLToPath(new URL('./gateway.mjs', import.meta.url));
const MODES = ['off', 'on', 'outbox'];
const work = mkdtempSync(join(tmpdir(), 'medkit-bench-logs-export-'));
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

const seen = { requests: 0, bytes: 0 };
const collector = createServer((req, res) => {
  req.on('data', (c) => (seen.bytes += c.length));
  req.on('end', () => {
    seen.requests++;
    res.writeHead(200, { 'content-type': 'application/x-protobuf' }).end();
  });
});
await new Promise((resolve) => collector.listen(0, '127.0.0.1', resolve));
const logsUrl = `http://127.0.0.1:${collector.address().port}/v1/logs`;

function ask(child) {
  return new Promise((resolve, reject) => {
    const t = setTimeout(() => reject(new Error('no stats from the gateway in 10 s')), 10_000);
    child.once('message', (m) => (clearTimeout(t), resolve(m)));
    child.send('stats');
  });
}

async function one(mode, round) {
  const child = spawn(process.execPath, [...NODE_RUNTIME_FLAGS, GATEWAY, join(work, `${mode}-${round}`), mode, logsUrl], { stdio: ['ignore', 'pipe', 'inherit', 'ipc'] });
  try {
    const port = await new Promise((resolve, reject) => {
      const t = setTimeout(() => reject(new Error('gateway not ready in 60 s')), 60_000);
      child.stdout.on('data', (d) => {
        const m = /READY (\d+)/.exec(String(d));
        if (!m) return;
        clearTimeout(t);
        resolve(Number(m[1]));
      });
      child.once('exit', (code) => reject(new Error(`gateway exited (${code})`)));
    });
    await sleep(Number(o.settle) * 1000);
    const before = { ticks: cpuTicks(child.pid), at: performance.now(), made: await ask(child), seen: { ...seen } };
    await sleep(Number(o.seconds) * 1000);
    const ticks = cpuTicks(child.pid);
    const secs = (performance.now() - before.at) / 1000;
    const mem = memory(child.pid);
    const made = await ask(child);
    const status = mode === 'off' ? undefined : await (await fetch(`http://127.0.0.1:${port}/api/v1/x-medkit-otlp`)).json();
    return {
      cpu: ((ticks - before.ticks) / CLK_TCK / secs) * 100,
      uss: mem.uss,
      dirty: mem.dirty,
      lines: (made.lines - before.made.lines) / secs,
      faults: (made.fault_events - before.made.fault_events) / secs,
      requests: (seen.requests - before.seen.requests) / secs,
      kb: (seen.bytes - before.seen.bytes) / 1024 / secs,
      sent: status?.endpoints[0].sent_records,
      dropped: status ? Object.values(status.endpoints[0].dropped_records).reduce((a, b) => a + b, 0) : undefined,
      outbox: status?.outbox?.endpoints[0].delivered_records,
    };
  } finally {
    child.kill('SIGKILL');
    await new Promise((r) => (child.exitCode !== null || child.signalCode !== null ? r() : child.once('exit', r)));
  }
}

const m0 = machine();
const started = new Date().toISOString();
const runs = Object.fromEntries(MODES.map((k) => [k, []]));
for (let i = 0; i < Number(o.rounds); i++) {
  const order = MODES.map((_, k) => MODES[(k + i) % MODES.length]);
  for (const mode of order) runs[mode].push(await one(mode, i));
  process.stderr.write('.');
}
collector.close();
rmSync(work, { recursive: true, force: true });
const f = (x, d = 1) => (x === undefined ? '—' : x.toFixed(d));
console.log(`\nmachine: ${m0.nproc} × ${m0.model}, ${m0.memTotalGB} GiB; node ${process.version}; ${started} → ${new Date().toISOString()}; load average ${m0.loadavg.map((x) => x.toFixed(2)).join(' ')} → ${loadavg().map((x) => x.toFixed(2)).join(' ')}`);
console.log(`command: node bench/logs-export/run.mjs --rounds ${o.rounds} --settle ${o.settle} --seconds ${o.seconds}`);
console.log('\n| otlp_export | CPU % of a core | USS MB | private dirty MB | lines/s made | fault events/s made | requests/s to the collector | KiB/s to the collector |\n|---|---|---|---|---|---|---|---|');
for (const k of MODES) {
  const r = runs[k];
  console.log(`| ${k} | ${f(median(r.map((x) => x.cpu)), 2)} (${r.map((x) => f(x.cpu, 2)).join(', ')}) | ${f(median(r.map((x) => x.uss)))} (${r.map((x) => f(x.uss)).join(', ')}) | ${f(median(r.map((x) => x.dirty)))} | ${f(median(r.map((x) => x.lines)))} | ${f(median(r.map((x) => x.faults)))} | ${f(median(r.map((x) => x.requests)), 2)} | ${f(median(r.map((x) => x.kb)))} |`);
}
for (const k of MODES.slice(1)) {
  const d = (key) => median(runs[k].map((x, i) => x[key] - runs.off[i][key]));
  console.log(`| ${k} − off (median of the rounds) | ${f(d('cpu'), 2)} | ${f(d('uss'))} | ${f(d('dirty'))} | | | | |`);
}
for (const k of MODES.slice(1)) console.log(`${k}: per run, records sent ${runs[k].map((x) => x.sent).join(', ')}; dropped ${runs[k].map((x) => x.dropped).join(', ')}${k === 'outbox' ? `; fault events delivered from the outbox ${runs[k].map((x) => x.outbox).join(', ')}` : ''}`);
