#!/usr/bin/env node
// Start-up of the demo's main gateway (issue 69: "the demo's main gateway listing all of the demo's nodes in ≤ 0.5 s").
// The whole demo (`packages/demo/dist/launch.js`: the safety island and its gateway, the simulated robot, the main
// gateway) starts first and stays up; its main gateway's /apps, once it has stopped changing, is the reference: the
// apps it shows online (the robot's nodes, and the safety island's, which come through the island's gateway). Then,
// --runs times, a second main gateway starts with the demo's own main-gateway command line (launcher/plan.ts: its
// configuration, manifest, domain, peer, scripts), on another port and data directory, and is polled every 10 ms:
// /api/v1/health until 200, then /api/v1/apps until every reference app is listed online. Per run: wall time from
// spawn and the gateway process's CPU time (utime + stime from /proc) at each of the two moments.
//
//   node bench/startup/demo.mjs [--runs 10] [--domain D] [--island-domain D] [--bin FILE] [--json FILE]
//
// --bin: the command to start (default: the checkout's packages/cli/bin/medkit.js, on this Node.js with the command's
// options; anything not ending in .js is run as it is: an installed tree's bin/medkit). The demo itself runs from the
// checkout (`npm run build` first). --domain defaults to BENCH_DOMAIN or 154, the island's to the next one.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { isAbsolute, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { freePort } from '../../test-support/servers/ports.mjs';
import { NODE_RUNTIME_FLAGS } from '@medkit/cli/runtime-flags';
import { machine } from '../footprint/proc.mjs';
import { answers200, pollFrom, printRuns, spawnGateway } from './launch.mjs';

const { values: o } = parseArgs({
  options: {
    runs: { type: 'string', default: '10' },
    domain: { type: 'string', default: process.env.BENCH_DOMAIN ?? '154' },
    'island-domain': { type: 'string' },
    bin: { type: 'string' },
    json: { type: 'string' },
    help: { type: 'boolean', default: false },
  },
});
if (o.help) {
  console.log('node bench/startup/demo.mjs [--runs N] [--domain D] [--island-domain D] [--bin FILE] [--json FILE]');
  process.exit(0);
}
const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const DEMO = join(ROOT, 'packages/demo/dist');
const RUNS = Number(o.runs);
const DOMAIN = Number(o.domain);
const ISLAND_DOMAIN = o['island-domain'] === undefined ? DOMAIN + 1 : Number(o['island-domain']);
const BIN = o.bin ? (isAbsolute(o.bin) ? o.bin : resolve(o.bin)) : join(ROOT, 'packages/cli/bin/medkit.js');
/** How long the demo's main gateway's online apps must stay the same to be the reference. */
const STABLE_MS = 3_000;

/** The ids of the apps `/apps` at `base` lists online (an empty set when it does not answer). */
async function onlineApps(base) {
  try {
    const r = await fetch(`${base}/apps`);
    if (!r.ok) return new Set();
    const body = await r.json();
    return new Set(body.items.filter((i) => i['x-medkit']?.is_online === true).map((i) => i.id));
  } catch {
    return new Set();
  }
}

const sameSet = (a, b) => a.size === b.size && [...a].every((x) => b.has(x));

/** The demo's main gateway's online apps once they have not changed for STABLE_MS (at most 90 s after its start). */
async function reference(base, demo) {
  const deadline = Date.now() + 90_000;
  let last = new Set();
  let since = Date.now();
  for (;;) {
    if (demo.exitCode !== null) throw new Error(`the demo exited with ${demo.exitCode}`);
    if (Date.now() > deadline) throw new Error(`the demo's main gateway did not settle within 90 s (last: ${[...last].join(', ')})`);
    const now = await onlineApps(base);
    if (!sameSet(now, last)) {
      last = now;
      since = Date.now();
    } else if (now.size > 0 && Date.now() - since >= STABLE_MS) return now;
    await new Promise((r) => setTimeout(r, 200));
  }
}

const [port, islandPort] = [await freePort(), await freePort()];
const dataDir = mkdtempSync(join(tmpdir(), 'medkit-startup-demo-'));
const demoArgs = ['--port', String(port), '--island-port', String(islandPort), '--domain', String(DOMAIN), '--island-domain', String(ISLAND_DOMAIN), '--data-dir', dataDir, '--no-autoplay'];
// The demo's own main-gateway command (what `npm start` runs), from its launch plan.
const { parseLaunchOptions } = await import(join(DEMO, 'launcher/options.js'));
const { launchPlan } = await import(join(DEMO, 'launcher/plan.js'));
const planned = launchPlan(parseLaunchOptions(demoArgs), dataDir, 'medkit').gateways.find((g) => g.name === 'main-gateway');
const mainArgs = planned.args.slice(planned.args.indexOf('gateway'));
/** The main gateway's arguments with another port and data directory. */
const argsFor = (p, dir) => mainArgs.map((a, i) => (mainArgs[i - 1] === '--port' ? String(p) : mainArgs[i - 1] === '--data-dir' ? dir : a));

const load = loadavg();
const demo = spawn(process.execPath, [join(DEMO, 'launch.js'), ...demoArgs], { cwd: ROOT, stdio: ['ignore', 'ignore', 'pipe'] });
let demoErr = '';
demo.stderr.on('data', (d) => (demoErr = (demoErr + d).slice(-4000)));
const demoExited = once(demo, 'exit');
const results = [];
let ref;
try {
  ref = await reference(`http://127.0.0.1:${port}/api/v1`, demo).catch((err) => {
    throw new Error(`${err.message}\n${demoErr}`);
  });
  for (let i = 0; i < RUNS; i++) {
    const p = await freePort();
    const dir = mkdtempSync(join(tmpdir(), 'medkit-startup-demo-main-'));
    const base = `http://127.0.0.1:${p}/api/v1`;
    const t0 = performance.now();
    const child = spawnGateway(BIN, argsFor(p, dir), { cwd: ROOT, env: planned.env });
    const exited = once(child, 'exit');
    try {
      const health = await pollFrom(child, t0, '/health', () => answers200(`${base}/health`));
      const apps = await pollFrom(child, t0, `the demo's ${ref.size} apps online on /apps`, async () => {
        const now = await onlineApps(base);
        return [...ref].every((id) => now.has(id));
      });
      results.push({ health, apps });
    } finally {
      child.kill('SIGKILL');
      await exited;
      rmSync(dir, { recursive: true, force: true });
    }
  }
} finally {
  demo.kill('SIGINT');
  await demoExited;
  rmSync(dataDir, { recursive: true, force: true });
}
const loadEnd = loadavg();

const m = machine();
console.log(`machine: ${m.nproc} × ${m.model}, ${m.memTotalGB} GB, bench on Node.js ${m.node}`);
console.log(`command: node bench/startup/demo.mjs ${process.argv.slice(2).join(' ')}; gateway: ${BIN}${BIN.endsWith('.js') ? ` on this Node.js with ${NODE_RUNTIME_FLAGS.join(' ')}` : ''}`);
console.log(`date: ${new Date().toISOString()}; the demo on domains ${DOMAIN} (robot) and ${ISLAND_DOMAIN} (safety island), its main gateway's command started ${RUNS} times beside it; load average at start ${load.map((l) => l.toFixed(2)).join(' ')}, at end ${loadEnd.map((l) => l.toFixed(2)).join(' ')}`);
console.log(`reference: the demo's main gateway lists ${ref.size} apps online: ${[...ref].sort().join(', ')}`);
printRuns(results, `all ${ref.size} apps online on /apps`);
if (o.json) writeFileSync(o.json, JSON.stringify({ date: new Date().toISOString(), machine: m, load, loadEnd, bin: BIN, reference: [...ref].sort(), results }, null, 2));
