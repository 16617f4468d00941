// CPU pinning for benchmarks on a small box: two processes that each want a whole core (a load generator and a
// server, a writer and a reader) otherwise share both cores at the scheduler's whim, and on a 2-core VM that moved a
// baseline by up to 50 % between runs minutes apart. With `taskset` and at least two CPUs, a bench re-runs itself on
// one CPU and starts the other side on the other; `--no-pin` (the caller's option) leaves placement alone.
import { spawn, spawnSync } from 'node:child_process';
import { cpus } from 'node:os';

const PINNED_ENV = 'MEDKIT_BENCH_PINNED';

/** True when this machine can pin (taskset works, two CPUs or more) and `wanted`. */
export function canPin(wanted = true) {
  return wanted && cpus().length >= 2 && spawnSync('taskset', ['-c', '0', 'true']).status === 0;
}

/**
 * Runs this script again on CPU `cpu` and exits with its status, unless it already is that run. Call before any work;
 * returns only in the pinned run (or at once when `pin` is false).
 */
export function runPinnedOn(cpu, pin) {
  if (!pin || process.env[PINNED_ENV] === '1') return;
  const r = spawnSync('taskset', ['-c', String(cpu), process.execPath, ...process.execArgv, ...process.argv.slice(1)], { stdio: 'inherit', env: { ...process.env, [PINNED_ENV]: '1' } });
  process.exit(r.status ?? 1);
}

/** `spawn(file, args, options)`, on CPU `cpu` only; wherever the scheduler puts it when `cpu` is undefined. */
export function spawnOn(cpu, file, args, options) {
  return cpu === undefined ? spawn(file, args, options) : spawn('taskset', ['-c', String(cpu), file, ...args], options);
}
