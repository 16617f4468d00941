#!/usr/bin/env node
// Start-up on a ROS graph (issue 69): launch → /health, and launch → every node of a graph of real DDS peers listed
// on /apps. The peers (the Cyclone DDS test peer, bench/support/cyclone-peer.mjs, one participant and one node each)
// start first and stay up; then, --runs times, a gateway starts on their loopback domain with runtime discovery and
// is polled every 10 ms: /api/v1/health until 200, then /api/v1/apps until it names every peer node. Per run: wall
// time from spawn and the gateway process's CPU time (utime + stime from /proc) at each of the two moments.
//
//   node bench/startup/graph.mjs [--nodes 6] [--runs 10] [--domain D] [--bin FILE] [--compile-cache] [--json FILE]
//
// --bin: the command to start; a .js file runs on this Node.js with the command's options (default: the checkout's
// packages/cli/bin/medkit.js), anything else is run as it is (an installed tree's bin/medkit: its own pinned runtime).
// --compile-cache turns on the runtime's compile cache (NODE_COMPILE_CACHE, Node.js 22.1+; off by default, docs/deploy.md)
// in a fresh directory per bench run, so run 1 starts cold and fills it; without it the cache is off.
// NODE_COMPILE_CACHE and NODE_DISABLE_COMPILE_CACHE of the bench's own environment are not passed on.
import { once } from 'node:events';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { isAbsolute, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { freePort } from '../../test-support/servers/ports.mjs';
import { NODE_RUNTIME_FLAGS } from '@medkit/cli/runtime-flags';
import { machine } from '../footprint/proc.mjs';
import { cyclonePeer } from '../support/cyclone-peer.mjs';
import { answers200, pollFrom, printRuns, spawnGateway } from './launch.mjs';

const { values: o } = parseArgs({
  options: {
    nodes: { type: 'string', default: '6' },
    runs: { type: 'string', default: '10' },
    domain: { type: 'string', default: process.env.BENCH_DOMAIN ?? '93' },
    bin: { type: 'string' },
    'compile-cache': { type: 'boolean', default: false },
    json: { type: 'string' },
    help: { type: 'boolean', default: false },
  },
});
if (o.help) {
  console.log('node bench/startup/graph.mjs [--nodes N] [--runs N] [--domain D] [--bin FILE] [--compile-cache] [--json FILE]');
  process.exit(0);
}
const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const NODES = Number(o.nodes), RUNS = Number(o.runs), DOMAIN = Number(o.domain);
const BIN = o.bin ? (isAbsolute(o.bin) ? o.bin : resolve(o.bin)) : join(ROOT, 'packages/cli/bin/medkit.js');
const names = Array.from({ length: NODES }, (_, i) => `startup_peer_${i}`);
const cacheDir = o['compile-cache'] ? mkdtempSync(join(tmpdir(), 'medkit-compile-cache-')) : undefined;

/** The peers, each announced (its `ready` line: participant, endpoints and ros_discovery_info sample exist). */
async function startPeers() {
  const peers = names.map((node) => cyclonePeer(['listener', '--topic', `rt/${node}/state`, '--node', node], DOMAIN));
  const deadline = Date.now() + 20_000;
  while (!peers.every((p) => p.lines.some((l) => l.startsWith('ready ')))) {
    if (Date.now() > deadline) throw new Error('the peers did not get ready within 20 s');
    if (peers.some((p) => p.child.exitCode !== null)) throw new Error('a peer exited before it was ready');
    await new Promise((r) => setTimeout(r, 20));
  }
  return peers;
}

function startGateway(port, dir) {
  const args = ['gateway', '--domain', String(DOMAIN), '--localhost-only', '--port', String(port), '--data-dir', dir, '--log-level', 'warn'];
  return spawnGateway(BIN, args, { cwd: ROOT, compileCache: cacheDir });
}

const listsAll = (base) => fetch(`${base}/apps`).then((r) => (r.ok ? r.text() : ''), () => '').then((t) => names.every((n) => t.includes(`"${n}"`)));

async function once_() {
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'medkit-startup-graph-'));
  const base = `http://127.0.0.1:${port}/api/v1`;
  const t0 = performance.now();
  const child = startGateway(port, dir);
  const exited = once(child, 'exit');
  try {
    const health = await pollFrom(child, t0, '/health', () => answers200(`${base}/health`));
    const apps = await pollFrom(child, t0, `all ${NODES} nodes on /apps`, () => listsAll(base));
    return { health, apps };
  } finally {
    child.kill('SIGKILL');
    await exited;
    rmSync(dir, { recursive: true, force: true });
  }
}

const load = loadavg();
const peers = await startPeers();
const results = [];
try {
  for (let i = 0; i < RUNS; i++) results.push(await once_());
} finally {
  for (const p of peers) p.child.kill('SIGTERM');
  if (cacheDir) rmSync(cacheDir, { recursive: true, force: true });
}
const loadEnd = loadavg();

const m = machine();
console.log(`machine: ${m.nproc} × ${m.model}, ${m.memTotalGB} GB, bench on Node.js ${m.node}`);
console.log(`command: node bench/startup/graph.mjs ${process.argv.slice(2).join(' ')}; gateway: ${BIN}${BIN.endsWith('.js') ? ` on this Node.js with ${NODE_RUNTIME_FLAGS.join(' ')}` : ''}; compile cache ${cacheDir ? 'on (fresh: run 1 fills it)' : 'off'}`);
console.log(`date: ${new Date().toISOString()}; ${NODES} Cyclone DDS peers on domain ${DOMAIN} (loopback), ${RUNS} runs; load average at start ${load.map((l) => l.toFixed(2)).join(' ')}, at end ${loadEnd.map((l) => l.toFixed(2)).join(' ')}`);
printRuns(results, 'all nodes on /apps');
if (o.json) writeFileSync(o.json, JSON.stringify({ date: new Date().toISOString(), machine: m, load, loadEnd, nodes: NODES, bin: BIN, compileCache: Boolean(cacheDir), results }, null, 2));
