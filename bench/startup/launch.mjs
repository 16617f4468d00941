// What the start-up benches on a graph share (graph.mjs, demo.mjs): starting the gateway under test, polling it from
// its launch, and the report's table.
import { spawn } from 'node:child_process';
import { NODE_RUNTIME_FLAGS } from '@medkit/cli/runtime-flags';
import { cpuMs, quantile } from './proc-time.mjs';

/**
 * Starts `bin` with `args`: a .js file on this Node.js with the `medkit` command's options, anything else as it is
 * (an installed tree's bin/medkit: its own pinned runtime). NODE_COMPILE_CACHE and NODE_DISABLE_COMPILE_CACHE of
 * `env` are not passed on unless `compileCache` names a directory.
 */
export function spawnGateway(bin, args, { cwd, env = process.env, compileCache } = {}) {
  const { NODE_COMPILE_CACHE: _c, NODE_DISABLE_COMPILE_CACHE: _d, ...inherited } = env;
  const childEnv = { ...inherited, ...(compileCache ? { NODE_COMPILE_CACHE: compileCache } : {}) };
  if (bin.endsWith('.js')) return spawn(process.execPath, [...NODE_RUNTIME_FLAGS, bin, ...args], { cwd, env: childEnv, stdio: 'ignore' });
  return spawn(bin, args, { cwd, env: childEnv, stdio: 'ignore' });
}

/**
 * Polls `check()` every 10 ms until it holds; the wall time since `t0` (performance.now()) and the child's CPU time
 * then. Throws when the child exits first or nothing holds within `timeoutMs` of `t0`.
 */
export async function pollFrom(child, t0, what, check, timeoutMs = 30_000) {
  for (;;) {
    if (child.exitCode !== null) throw new Error(`the gateway exited with ${child.exitCode} before ${what}`);
    if (performance.now() - t0 > timeoutMs) throw new Error(`no ${what} within ${timeoutMs / 1000} s`);
    if (await check()) return { wall: performance.now() - t0, cpu: cpuMs(child.pid) };
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** GET `url` answered 200. */
export const answers200 = (url) => fetch(url).then((r) => r.status === 200, () => false);

/** The table of runs `{ health, apps }` (each `{ wall, cpu }`): all runs, and all but the first (a cold cache's). */
export function printRuns(results, appsLabel) {
  const fmt = (xs) => `${Math.round(quantile(xs, 0.5))} / ${Math.round(Math.max(...xs))}`;
  console.log(`\n| runs | /health wall ms median / max | /health CPU ms median / max | ${appsLabel} wall ms median / max | CPU ms then, median / max |`);
  console.log('|---|---|---|---|---|');
  const row = (label, rs) => console.log(`| ${label} | ${fmt(rs.map((r) => r.health.wall))} | ${fmt(rs.map((r) => r.health.cpu))} | ${fmt(rs.map((r) => r.apps.wall))} | ${fmt(rs.map((r) => r.apps.cpu))} |`);
  row(`all ${results.length}`, results);
  if (results.length > 1) row(`2–${results.length} (after the first)`, results.slice(1));
}
