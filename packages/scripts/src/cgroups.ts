// Per-execution resource limits with control groups (issue 23): prlimit bounds each process, so three
// children of 900 MiB each passed a 1 GiB limit; a cgroup bounds the execution as a whole (every process
// it starts is in it). Decided once at start-up, in this order:
//   cgroup v2   a delegated hierarchy whose cgroup has the memory, pids and cpu controllers and can hand
//               them to children: one child cgroup per execution with memory.max (+ memory.swap.max 0),
//               pids.max and cpu.max;
//   cgroup v1   the memory, pids and cpu controllers mounted separately (older hosts, many containers):
//               one cgroup per execution in each, memory.limit_in_bytes (+ memsw), pids.max,
//               cpu.cfs_quota_us;
//   unavailable said on /health and in the start-up summary (mode `strict` refuses to start).
// A probe cgroup is created, limited and removed at start-up, so "available" means the writes work here.
// The execution joins its cgroups before anything of the script runs (sandbox.ts: the wrapper writes its
// own pid to cgroup.procs, then execs the namespace tools), so nothing it forks escapes. For the same
// reason the cgroups of a gateway that is gone (killed with SIGKILL) know what its executions left
// running: the next start kills those processes and removes the cgroups (reclaimStale).
import { existsSync, mkdirSync, readdirSync, readFileSync, rmdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { signalProcess } from './processes.js';

/** Limits of one execution as a whole. */
export interface ExecutionLimits {
  memoryBytes: number;
  maxProcesses: number;
  /** CPU time per wall-clock time, in cores (0.5 = half a core). */
  cpuCores: number;
}

/** The cgroup(s) of one running execution. */
export interface ExecutionCgroup {
  /** The `cgroup.procs` files the wrapper writes its pid to (one per hierarchy). */
  readonly procsFiles: string[];
  /** True when the kernel killed a process of the execution for exceeding the memory limit. */
  oomKilled(): boolean;
  /** Removes the cgroup(s); false while processes are still in them (try again later). */
  remove(): boolean;
}

/** The cgroup(s) of one execution of a gateway that is gone, found at start-up. */
export interface ReclaimedCgroup {
  /** `medkit-exec-<gateway pid>-<execution id>` (or a probe's name). */
  name: string;
  /** The execution id in the name, when it is an execution's. */
  executionId?: string;
  /** Processes that were still running in it and were killed. */
  killed: number;
}

export interface CgroupBackend {
  readonly kind: 'v2' | 'v1';
  /** Where the execution cgroups are created, for the summary. */
  readonly location: string;
  create(name: string): ExecutionCgroup;
  /**
   * Kills every process left in the execution cgroups of gateways that are gone and removes those cgroups
   * (start-up, before any execution of this gateway exists).
   */
  reclaimStale(): ReclaimedCgroup[];
}

export type CgroupProbe = { backend: CgroupBackend } | { unavailable: string };

const CPU_PERIOD_US = 100_000;
/** A cgroup still holding (exiting) processes is removed on a later try: this many, this far apart. */
const REMOVE_TRIES = 20;
const REMOVE_EVERY_MS = 500;
/** Kill passes over a stale cgroup: a process forking while it is killed is caught by the next pass. */
const KILL_PASSES = 50;
const CONTROLLERS = ['memory', 'pids', 'cpu'] as const;

/** CPU time per CPU_PERIOD_US for `cpuCores`; the kernel refuses quotas under 1 ms. */
function cpuQuotaUs(limits: ExecutionLimits): number {
  return Math.max(1000, Math.round(limits.cpuCores * CPU_PERIOD_US));
}

/** Where the system keeps things; tests point these elsewhere. */
export interface CgroupSystem {
  /** Contents of /proc/self/cgroup. */
  selfCgroup(): string;
  /** Contents of /proc/self/mounts. */
  mounts(): string;
}

export const SYSTEM_CGROUPS: CgroupSystem = {
  selfCgroup: () => readFileSync('/proc/self/cgroup', 'utf8'),
  mounts: () => readFileSync('/proc/self/mounts', 'utf8'),
};

function counter(file: string, key: string): number {
  try {
    const line = readFileSync(file, 'utf8').split('\n').find((l) => l.startsWith(`${key} `));
    return line ? Number(line.split(' ')[1]) || 0 : 0;
  } catch {
    return 0;
  }
}

function removeAll(dirs: string[]): boolean {
  let ok = true;
  for (const d of dirs) {
    try {
      rmdirSync(d);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') ok = false;
    }
  }
  return ok;
}

/** Creates `dir` and writes `files` in order; on any failure removes it again and rethrows. */
function makeCgroup(dir: string, files: [string, string][]): void {
  mkdirSync(dir);
  try {
    for (const [name, value] of files) writeFileSync(join(dir, name), value);
  } catch (err) {
    removeAll([dir]);
    throw err;
  }
}

/** Calls `remove` until it succeeds, retrying later while the kernel is still reaping the cgroup's processes. */
export function removeWhenEmpty(remove: () => boolean, tries = REMOVE_TRIES): void {
  if (remove() || tries <= 1) return;
  setTimeout(() => removeWhenEmpty(remove, tries - 1), REMOVE_EVERY_MS).unref();
}

const GATEWAY_CGROUP = /^medkit-(exec|probe)-(\d+)(?:-(.+))?$/;

/**
 * True when the cgroup `dir`, named for gateway `pid`, belongs to no running gateway: that process is gone, or
 * it is this process's pid but the cgroup is older than this process (a gateway that is PID 1 of its container
 * has the same pid after every restart). A live other pid is taken to be another gateway on this machine.
 */
function isStale(dir: string, pid: number): boolean {
  if (pid !== process.pid) return !signalProcess(pid, 0);
  try {
    return statSync(dir).ctimeMs < performance.timeOrigin;
  } catch {
    return false;
  }
}

function procsOf(dir: string): number[] {
  try {
    return readFileSync(join(dir, 'cgroup.procs'), 'utf8').split('\n').filter((l) => l !== '').map(Number);
  } catch {
    return [];
  }
}

/** SIGKILLs every process in `dirs` until none is left (bounded); answers how many there were. */
function killAll(dirs: string[]): number {
  const killed = new Set<number>();
  // cgroup v2 (Linux 5.14+) kills the whole cgroup at once, forks in flight included.
  for (const d of dirs) {
    if (existsSync(join(d, 'cgroup.kill')) && procsOf(d).length > 0) {
      for (const p of procsOf(d)) killed.add(p);
      try {
        writeFileSync(join(d, 'cgroup.kill'), '1');
      } catch {
        // the passes below do it one by one
      }
    }
  }
  for (let pass = 0; pass < KILL_PASSES; pass++) {
    const left = dirs.flatMap(procsOf);
    if (left.length === 0) break;
    for (const p of left) if (signalProcess(p, 'SIGKILL')) killed.add(p);
  }
  return killed.size;
}

/** Kills what the gateways that are gone left in their cgroups below `bases` and removes those cgroups. */
function reclaimStale(bases: string[]): ReclaimedCgroup[] {
  const stale = new Map<string, { dirs: string[]; executionId?: string }>();
  for (const base of bases) {
    let names: string[];
    try {
      names = readdirSync(base);
    } catch {
      continue;
    }
    for (const name of names) {
      const m = GATEWAY_CGROUP.exec(name);
      const dir = join(base, name);
      if (!m || !isStale(dir, Number(m[2]))) continue;
      const entry = stale.get(name) ?? { dirs: [], ...(m[1] === 'exec' && m[3] ? { executionId: m[3] } : {}) };
      entry.dirs.push(dir);
      stale.set(name, entry);
    }
  }
  return [...stale].map(([name, { dirs, executionId }]) => {
    const killed = killAll(dirs);
    removeWhenEmpty(() => removeAll(dirs));
    return { name, ...(executionId ? { executionId } : {}), killed };
  });
}

/** The gateway's own cgroup `own` under the mount at `mountPath` when it is visible there, else the mount's root. */
function within(mountPath: string, own: string | undefined): string {
  const dir = own ? join(mountPath, own) : undefined;
  return dir && existsSync(dir) ? dir : mountPath;
}

interface Mount {
  path: string;
  type: string;
  options: string[];
}

function parseMounts(text: string): Mount[] {
  return text
    .split('\n')
    .map((l) => l.split(' '))
    .filter((f) => f.length >= 4)
    .map((f) => ({ path: f[1].replace(/\\040/g, ' '), type: f[2], options: f[3].split(',') }));
}

/** The cgroup v2 backend when a delegated hierarchy with memory, pids and cpu is usable. */
function probeV2(sys: CgroupSystem, mounts: Mount[], limits: ExecutionLimits, probeName: string): CgroupBackend | string {
  const own = sys.selfCgroup().split('\n').find((l) => l.startsWith('0::'));
  const v2 = mounts.filter((m) => m.type === 'cgroup2');
  if (!v2.length) return 'no cgroup2 mount';
  for (const m of v2) {
    const base = within(m.path, own?.slice(3));
    let available: string[];
    try {
      available = readFileSync(join(base, 'cgroup.controllers'), 'utf8').trim().split(/\s+/);
    } catch {
      continue;
    }
    const missing = CONTROLLERS.filter((c) => !available.includes(c));
    if (missing.length) {
      if (v2.length === 1) return `the cgroup2 hierarchy at ${base} lacks the ${missing.join(', ')} controller(s)`;
      continue;
    }
    try {
      // Children get the controllers only when the parent hands them down (fails while the parent holds
      // processes and is not the root: the "no internal processes" rule; then delegation is missing).
      writeFileSync(join(base, 'cgroup.subtree_control'), CONTROLLERS.map((c) => `+${c}`).join(' '));
    } catch (err) {
      return `cannot enable controllers below ${base} (${(err as NodeJS.ErrnoException).code ?? String(err)}): no delegated cgroup v2 subtree`;
    }
    const backend: CgroupBackend = {
      kind: 'v2',
      location: base,
      reclaimStale: () => reclaimStale([base]),
      create(name) {
        const dir = join(base, name);
        makeCgroup(dir, [
          ['memory.max', String(limits.memoryBytes)],
          ['pids.max', String(limits.maxProcesses)],
          ['cpu.max', `${cpuQuotaUs(limits)} ${CPU_PERIOD_US}`],
        ]);
        // Without this a process over memory.max would be swapped out instead of limited, where swap exists.
        try {
          writeFileSync(join(dir, 'memory.swap.max'), '0');
        } catch {
          // no swap accounting on this kernel: there is no swap to escape to either
        }
        return { procsFiles: [join(dir, 'cgroup.procs')], oomKilled: () => counter(join(dir, 'memory.events'), 'oom_kill') > 0, remove: () => removeAll([dir]) };
      },
    };
    try {
      backend.create(probeName).remove();
    } catch (err) {
      return `cannot create a limited cgroup below ${base} (${(err as NodeJS.ErrnoException).code ?? String(err)})`;
    }
    return backend;
  }
  return 'no cgroup2 hierarchy with the memory, pids and cpu controllers';
}

/** The cgroup v1 backend when memory, pids and cpu hierarchies are mounted and writable. */
function probeV1(sys: CgroupSystem, mounts: Mount[], limits: ExecutionLimits, probeName: string): CgroupBackend | string {
  const ownLines = sys.selfCgroup().split('\n').map((l) => l.split(':'));
  const bases: Record<string, string> = {};
  for (const c of CONTROLLERS) {
    const m = mounts.find((x) => x.type === 'cgroup' && x.options.includes(c));
    if (!m) return `cgroup v1 ${c} controller not mounted`;
    bases[c] = within(m.path, ownLines.find((f) => f.length >= 3 && f[1].split(',').includes(c))?.slice(2).join(':'));
  }
  const backend: CgroupBackend = {
    kind: 'v1',
    location: `${bases.memory}, ${bases.pids}, ${bases.cpu}`,
    reclaimStale: () => reclaimStale(Object.values(bases)),
    create(name) {
      const dirs: string[] = [];
      const make = (controller: string, files: [string, string][]) => {
        const dir = join(bases[controller], name);
        makeCgroup(dir, files);
        dirs.push(dir);
        return dir;
      };
      try {
        const memory = make('memory', [['memory.limit_in_bytes', String(limits.memoryBytes)]]);
        // memsw (memory + swap) must not be below the memory limit, so it is written second.
        if (existsSync(join(memory, 'memory.memsw.limit_in_bytes'))) writeFileSync(join(memory, 'memory.memsw.limit_in_bytes'), String(limits.memoryBytes));
        make('pids', [['pids.max', String(limits.maxProcesses)]]);
        make('cpu', [
          ['cpu.cfs_period_us', String(CPU_PERIOD_US)],
          ['cpu.cfs_quota_us', String(cpuQuotaUs(limits))],
        ]);
        return {
          procsFiles: dirs.map((d) => join(d, 'cgroup.procs')),
          oomKilled: () => counter(join(memory, 'memory.oom_control'), 'oom_kill') > 0,
          remove: () => removeAll(dirs),
        };
      } catch (err) {
        removeAll(dirs);
        throw err;
      }
    },
  };
  try {
    backend.create(probeName).remove();
  } catch (err) {
    return `cannot create a limited cgroup v1 group (${(err as NodeJS.ErrnoException).code ?? String(err)})`;
  }
  return backend;
}

/** Decides the backend once (start-up). Never throws: what is missing is the `unavailable` reason. */
export function probeCgroups(limits: ExecutionLimits, sys: CgroupSystem = SYSTEM_CGROUPS): CgroupProbe {
  let mounts: Mount[];
  try {
    mounts = parseMounts(sys.mounts());
  } catch (err) {
    return { unavailable: `cannot read the mount table (${(err as Error).message})` };
  }
  const probeName = `medkit-probe-${process.pid}`;
  const v2 = probeV2(sys, mounts, limits, probeName);
  if (typeof v2 !== 'string') return { backend: v2 };
  const v1 = probeV1(sys, mounts, limits, probeName);
  if (typeof v1 !== 'string') return { backend: v1 };
  return { unavailable: `cgroup v2: ${v2}; cgroup v1: ${v1}` };
}
