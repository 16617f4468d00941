// One big, well-formed sample against a live gateway (issue 66, "Big samples"): a medkit RTPS writer in its own
// process (bench/rtps/big-sample-writer.mjs, standing in for a forged writer) publishes a DiagnosticArray of one
// status with `--values` empty key-values (16 bytes each on the wire: 4,000,000 make 64 MB) on /diagnostics,
// `--samples` times, to a gateway with default features in its own process (bench/rtps/big-sample-gateway.mjs; its
// diagnostics bridge subscribes /diagnostics). Meanwhile this process asks GET /api/v1/health every 20 ms, one
// request at a time. Per sample: the gateway's largest event-loop delay and the slowest /health answer from the
// write until the writer has its acknowledgement plus 1 s, its peak RSS then, and its RSS after a full GC 12 s later
// (past the 10 s a reassembly buffer kept for reuse waits); first the same figures over 3 s without a sample; at the
// end, whether a normal DiagnosticArray published after the big ones still became a fault.
//
//   npx tsc -b && BENCH_DOMAIN=150 node bench/rtps/big-sample.mjs [--values 4000000] [--samples 3] [--flags '{json}']
// BENCH_NODE_FLAGS='--trace-gc' passes Node.js options to the gateway process, BENCH_VERBOSE=1 prints its other
// output, BENCH_CPU_PROFILE=<dir> writes its CPU profile. --flags: gateway configuration keys, e.g.
// '{"ros.limits.max_decoded_values":100000000}'; --smoke: 10,000 values, one sample, 1 s to settle.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const { values: a } = parseArgs({
  options: {
    values: { type: 'string', default: '4000000' },
    samples: { type: 'string', default: '3' },
    flags: { type: 'string', default: '{}' },
    smoke: { type: 'boolean', default: false },
  },
});
const VALUES = a.smoke ? 10_000 : Number(a.values);
const SAMPLES = a.smoke ? 1 : Number(a.samples);
/** How long after a sample its resting RSS is read: past the 10 s a reassembly buffer kept for reuse waits. */
const SETTLE_MS = a.smoke ? 1000 : 12_000;
const domain = Number(process.env.BENCH_DOMAIN ?? 97);
const dataDir = mkdtempSync(join(tmpdir(), 'medkit-big-sample-'));
const MB = (b) => (b / 1024 / 1024).toFixed(0);

// ---- the gateway ----
const gw = spawn(process.execPath, ['--expose-gc', ...(process.env.BENCH_NODE_FLAGS ?? '').split(/\s+/).filter(Boolean), fileURLToPath(new URL('./big-sample-gateway.mjs', import.meta.url)), dataDir, String(domain), a.flags], { stdio: ['pipe', 'pipe', 'inherit'] });
let latest;
let port;
const readyP = new Promise((resolve) => {
  createInterface({ input: gw.stdout }).on('line', (line) => {
    if (line.startsWith('READY ')) resolve((port = Number(line.slice(6))));
    else if (line.startsWith('STATS ')) {
      latest = JSON.parse(line.slice(6));
      for (const w of watchers) w(latest);
    } else if (process.env.BENCH_VERBOSE) console.log(`gateway: ${line}`);
  });
});
const watchers = new Set();
gw.on('exit', (code) => {
  if (!stopping) {
    console.error(`gateway exited ${code}`);
    process.exit(1);
  }
});
let stopping = false;
await readyP;
const base = `http://127.0.0.1:${port}`;

/** The gateway's STATS lines from now until `stop()`: largest loop delay, peak RSS. */
function watch() {
  const w = { loopMaxMs: 0, rssPeak: 0 };
  const f = (s) => {
    w.loopMaxMs = Math.max(w.loopMaxMs, s.loopMaxMs);
    w.rssPeak = Math.max(w.rssPeak, s.rss);
  };
  watchers.add(f);
  return { w, stop: () => watchers.delete(f) };
}

/** The next STATS line (after a `gc` command when asked). */
function nextStats(gc = false) {
  return new Promise((resolve) => {
    const f = (s) => {
      watchers.delete(f);
      resolve(s);
    };
    if (gc) gw.stdin.write('gc\n');
    // The line after the one in flight, so the GC has run.
    let first = true;
    watchers.add((s) => {
      if (first) first = false;
      else f(s);
    });
  });
}

/** Asks /health one request at a time every 20 ms until stopped; the slowest answer (ms). */
function pollHealth() {
  let running = true;
  let maxMs = 0;
  let answers = 0;
  const done = (async () => {
    while (running) {
      const t0 = performance.now();
      const res = await fetch(`${base}/api/v1/health`);
      await res.arrayBuffer();
      maxMs = Math.max(maxMs, performance.now() - t0);
      answers++;
      await sleep(20);
    }
  })();
  return { stop: async () => ((running = false), await done, { maxMs, answers }) };
}

// ---- the writer ----
const writer = spawn(process.execPath, [fileURLToPath(new URL('./big-sample-writer.mjs', import.meta.url)), String(domain)], { stdio: ['pipe', 'pipe', 'inherit'] });
const replies = [];
let onReply;
createInterface({ input: writer.stdout }).on('line', (line) => {
  replies.push(line);
  onReply?.();
});
/** The writer's next line (after sending `command`, when given). */
function fromWriter(command) {
  if (command) writer.stdin.write(`${command}\n`);
  return new Promise((resolve) => {
    const take = () => {
      if (replies.length === 0) return;
      onReply = undefined;
      resolve(replies.shift());
    };
    onReply = take;
    take();
  });
}
if ((await fromWriter()) !== 'MATCHED') throw new Error('the writer did not match the gateway');

// Warm-up: the first requests compile the route and open the connection (not what is measured).
for (let i = 0; i < 20; i++) await (await fetch(`${base}/api/v1/health`)).arrayBuffer();
await sleep(1000);
const rows = [];
const start = await nextStats(true);
await nextStats();
// Without a sample: what the gateway's loop and /health do anyway (the polling, GC, timers).
{
  const watched = watch();
  const health = pollHealth();
  await sleep(3000);
  const h = await health.stop();
  watched.stop();
  rows.push({ i: 'none', acked: '-', ackMs: 0, size: 0, loopMaxMs: watched.w.loopMaxMs, healthMaxMs: h.maxMs, answers: h.answers, rssBefore: start.rss, rssPeak: watched.w.rssPeak, rssAfter: start.rss });
}
for (let i = 0; i < SAMPLES; i++) {
  const before = await nextStats(true);
  // One more line before the window opens: a forced GC's pause can be recorded by the delay monitor after the line
  // that follows it (its timer and the stats timer race once the loop is free), and it is the bench's, not the sample's.
  await nextStats();
  const watched = watch();
  const health = pollHealth();
  const [, acked, ackMs, size] = (await fromWriter(`big ${VALUES}`)).split(' ');
  await sleep(1000);
  const h = await health.stop();
  watched.stop();
  await sleep(SETTLE_MS);
  const after = await nextStats(true);
  rows.push({ i: i + 1, acked, ackMs: Number(ackMs), size: Number(size), loopMaxMs: watched.w.loopMaxMs, healthMaxMs: h.maxMs, answers: h.answers, rssBefore: before.rss, rssPeak: watched.w.rssPeak, rssAfter: after.rss });
}

// A normal sample afterwards: its ERROR status must become a fault.
await fromWriter('normal big_sample_bench_after');
let delivered = false;
for (let t = 0; t < 50 && !delivered; t++) {
  const res = await fetch(`${base}/api/v1/faults`);
  delivered = (await res.text()).includes('BIG_SAMPLE_BENCH_AFTER');
  if (!delivered) await sleep(200);
}

console.log(`big sample: DiagnosticArray, 1 status, ${VALUES} empty key-values, ${rows.at(-1).size} bytes, ${SAMPLES} samples; node ${process.version}, ${cpus().length} × ${cpus()[0]?.model}, load ${loadavg().map((x) => x.toFixed(1)).join(' ')}, ${new Date().toISOString()}`);
console.log(`gateway flags: ${a.flags}`);
console.log('| sample | acknowledged | ack ms | loop max ms | /health max ms | /health answers | RSS before MiB | RSS peak MiB | RSS after GC MiB |');
console.log('|---|---|---|---|---|---|---|---|---|');
for (const r of rows) console.log(`| ${r.i} | ${r.acked} | ${r.ackMs.toFixed(0)} | ${r.loopMaxMs.toFixed(0)} | ${r.healthMaxMs.toFixed(0)} | ${r.answers} | ${MB(r.rssBefore)} | ${MB(r.rssPeak)} | ${MB(r.rssAfter)} |`);
console.log(`resting RSS: ${MB(start.rss)} MiB before the first sample, ${MB(rows.at(-1).rssAfter)} MiB after the last`);
console.log(`normal sample after: ${delivered ? 'delivered' : 'NOT delivered'}`);

stopping = true;
writer.stdin.write('stop\n');
await new Promise((r) => writer.once('exit', r));
gw.stdin.write('stop\n');
await new Promise((r) => gw.once('exit', r));
rmSync(dataDir, { recursive: true, force: true });
