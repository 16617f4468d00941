// Container identity and resource limits of a process on every common cgroup layout (the reference's 0.7.0
// linux introspection, #637): cgroup v2, v1 and hybrid; the host's cgroup namespace and a private one (the
// Docker default, where a process sees its own cgroup as `/` and the container's cgroup is mounted at the
// cgroup root). Limits are read from the cgroup that owns them — the process's leaf or the nearest ancestor
// that sets one — and a limit that could not be read is told apart from one that is not set.
import { access } from 'node:fs/promises';
import { join, posix } from 'node:path';
import { readText } from './proc-files.js';

/** The cgroup paths of a process: the unified (v2) one and each v1 controller's. */
export interface CgroupMembership {
  v2?: string;
  /** v1 controller → path (`memory` → `/docker/<id>`); a line naming several controllers gives each. */
  v1: Map<string, string>;
  /** v1 controller → the hierarchy's directory name under the cgroup root (`cpu` → `cpu,cpuacct`). */
  v1Dirs: Map<string, string>;
}

/** /proc/<pid>/cgroup, every line format: `0::<path>` (v2) and `<n>:<controllers>:<path>` (v1). */
export function parseCgroupFile(text: string): CgroupMembership {
  const out: CgroupMembership = { v1: new Map(), v1Dirs: new Map() };
  for (const line of text.split('\n')) {
    const m = /^(\d{1,6}):([^:\n]*):(\/[^\n]{0,4096})$/.exec(line.trim());
    if (!m) continue;
    if (m[1] === '0' && m[2] === '') {
      out.v2 = m[3];
      continue;
    }
    for (const c of m[2].split(',').filter((x) => x !== '' && !x.startsWith('name='))) {
      out.v1.set(c, m[3]);
      out.v1Dirs.set(c, m[2]);
    }
  }
  return out;
}

/** Container runtimes by cgroup path segment (docker with the cgroupfs and the systemd driver, podman, containerd, CRI-O). */
const RUNTIMES: [RegExp, string][] = [
  [/^docker-([0-9a-f]{64})\.scope$/, 'docker'],
  [/^libpod-([0-9a-f]{64})\.scope$/, 'podman'],
  [/^cri-containerd-([0-9a-f]{64})\.scope$/, 'containerd'],
  [/^crio-([0-9a-f]{64})\.scope$/, 'cri-o'],
];

/** The container a cgroup path (v1 or v2) belongs to, or undefined. */
export function containerOfCgroup(path: string): { id: string; runtime: string } | undefined {
  const parts = path.split('/').filter(Boolean);
  for (let i = parts.length - 1; i >= 0; i--) {
    if (i > 0 && parts[i - 1] === 'docker' && /^[0-9a-f]{64}$/.test(parts[i])) return { id: parts[i], runtime: 'docker' };
    for (const [re, runtime] of RUNTIMES) {
      const m = re.exec(parts[i]);
      if (m) return { id: m[1], runtime };
    }
  }
  return undefined;
}

/**
 * The container of a process whose cgroup paths name none (a private cgroup namespace shows `/`), from the
 * files its runtime bind-mounts into it (/proc/<pid>/mountinfo: docker's and podman's `hostname`).
 */
export function containerOfMountinfo(text: string): { id: string; runtime: string } | undefined {
  const docker = /\/docker\/containers\/([0-9a-f]{64})\//.exec(text);
  if (docker) return { id: docker[1], runtime: 'docker' };
  const podman = /\/overlay-containers\/([0-9a-f]{64})\/userdata\//.exec(text);
  if (podman) return { id: podman[1], runtime: 'podman' };
  return undefined;
}

/** How a limit stands: set (`limited`), not set (`unlimited`), or not known (`unreadable`: no file could be read). */
export type LimitState = 'limited' | 'unlimited' | 'unreadable';

export interface Limit {
  state: LimitState;
  value: number | null;
}

/** v1 writes "no limit" as the page counter's maximum (a multiple of the page size near 2^63). */
const V1_UNLIMITED = 2 ** 62;
const SMALL = 4096;

async function exists(p: string): Promise<boolean> {
  try {
    await access(p);
    return true;
  } catch {
    return false;
  }
}

/**
 * The directories a process's limits may sit in, leaf first then each ancestor: under `root` at `path` when
 * that exists (the host's namespace), else `root` itself (a private namespace mounts the process's own cgroup
 * there, whatever `path` it shows).
 */
async function chain(root: string, path: string): Promise<string[]> {
  if (!(await exists(join(root, path)))) return (await exists(root)) ? [root] : [];
  const out: string[] = [];
  for (let p = posix.normalize(path); ; p = posix.dirname(p)) {
    out.push(join(root, p));
    if (p === '/' || p === '.') break;
  }
  return out;
}

/** The first limit set along `dirs` (leaf first); `parse` gives the value, null for "not set", undefined for garbage. */
async function limitAlong(dirs: string[], file: string, parse: (text: string) => number | null | undefined): Promise<Limit> {
  let readable = false;
  for (const d of dirs) {
    let text: string;
    try {
      text = await readText(join(d, file), SMALL);
    } catch {
      continue;
    }
    const v = parse(text.trim());
    if (v === undefined) continue;
    readable = true;
    if (v !== null) return { state: 'limited', value: v };
  }
  return { state: readable ? 'unlimited' : 'unreadable', value: null };
}

/** One of several views of the same limit (v2, v1): a set one wins, then "not set", then "unreadable". */
function combine(...limits: Limit[]): Limit {
  return limits.find((l) => l.state === 'limited') ?? limits.find((l) => l.state === 'unlimited') ?? { state: 'unreadable', value: null };
}

const int = (t: string): number | undefined => (/^\d{1,19}$/.test(t) && Number(t) <= Number.MAX_SAFE_INTEGER ? Number(t) : undefined);
const maxOrInt = (t: string): number | null | undefined => (t === 'max' ? null : int(t));

async function firstNumber(dirs: string[], file: string, scale = 1): Promise<number | null> {
  for (const d of dirs.slice(0, 1)) {
    try {
      const v = int((await readText(join(d, file), SMALL)).trim());
      if (v !== undefined) return Math.floor(v / scale);
    } catch {
      // not there
    }
  }
  return null;
}

interface ContainerFigures {
  cgroup_version: 'v1' | 'v2' | 'hybrid';
  memory_current_bytes: number | null;
  memory_limit: Limit;
  cpu_quota: Limit;
  cpu_period_us: number | null;
  cpu_usage_usec: number | null;
  pids_current: number | null;
  pids_limit: Limit;
}

/** The figures of a process's cgroups under `root` (`/sys/fs/cgroup`). */
export async function containerFigures(root: string, m: CgroupMembership): Promise<ContainerFigures> {
  const v2 = m.v2 !== undefined ? await chain(root, m.v2) : [];
  const v1 = async (controller: string): Promise<string[]> => {
    const path = m.v1.get(controller);
    if (path === undefined) return [];
    for (const dir of [m.v1Dirs.get(controller) ?? controller, controller]) {
      const c = await chain(join(root, dir), path);
      if (c.length > 0) return c;
    }
    return [];
  };
  const [mem1, cpu1, acct1, pids1] = await Promise.all([v1('memory'), v1('cpu'), v1('cpuacct'), v1('pids')]);

  const cpuMax2 = await limitAlong(v2, 'cpu.max', (t) => {
    const c = /^(max|\d{1,15})\s+(\d{1,15})$/.exec(t);
    return c ? (c[1] === 'max' ? null : Number(c[1])) : undefined;
  });
  const cpuQuota1 = await limitAlong(cpu1, 'cpu.cfs_quota_us', (t) => (t === '-1' ? null : int(t)));
  const period2 = v2.length > 0 ? await periodAlong(v2) : null;
  const period1 = await firstNumber(cpu1, 'cpu.cfs_period_us');
  const usage2 = await (async () => {
    for (const d of v2.slice(0, 1)) {
      try {
        const u = /^usage_usec (\d{1,19})$/m.exec(await readText(join(d, 'cpu.stat'), SMALL));
        if (u && Number(u[1]) <= Number.MAX_SAFE_INTEGER) return Number(u[1]);
      } catch {
        // not there
      }
    }
    return null;
  })();
  const v1Hierarchies = [mem1, cpu1, pids1].some((c) => c.length > 0);
  return {
    cgroup_version: v2.length > 0 && v1Hierarchies ? 'hybrid' : v2.length > 0 ? 'v2' : 'v1',
    memory_current_bytes: (await firstNumber(v2, 'memory.current')) ?? (await firstNumber(mem1, 'memory.usage_in_bytes')),
    memory_limit: combine(
      await limitAlong(v2, 'memory.max', maxOrInt),
      await limitAlong(mem1, 'memory.limit_in_bytes', (t) => {
        const v = int(t);
        return v === undefined ? (/^\d{1,20}$/.test(t) ? null : undefined) : v >= V1_UNLIMITED ? null : v;
      }),
    ),
    cpu_quota: combine(cpuMax2, cpuQuota1),
    cpu_period_us: cpuMax2.state === 'limited' ? period2 : cpuQuota1.state === 'limited' ? period1 : (period2 ?? period1),
    cpu_usage_usec: usage2 ?? (await firstNumber(acct1, 'cpuacct.usage', 1000)),
    pids_current: (await firstNumber(v2, 'pids.current')) ?? (await firstNumber(pids1, 'pids.current')),
    pids_limit: combine(await limitAlong(v2, 'pids.max', maxOrInt), await limitAlong(pids1, 'pids.max', maxOrInt)),
  };
}

/** The period of the `cpu.max` that set the quota (or of the leaf when none does). */
async function periodAlong(dirs: string[]): Promise<number | null> {
  let leaf: number | null = null;
  for (const [i, d] of dirs.entries()) {
    try {
      const c = /^(max|\d{1,15})\s+(\d{1,15})$/.exec((await readText(join(d, 'cpu.max'), SMALL)).trim());
      if (!c) continue;
      if (i === 0) leaf = Number(c[2]);
      if (c[1] !== 'max') return Number(c[2]);
    } catch {
      // not there
    }
  }
  return leaf;
}

/** Reads /proc/<pid>/mountinfo (bounded); '' when it cannot. */
export async function mountinfoOf(procDir: string, pid: number): Promise<string> {
  try {
    return await readText(join(procDir, String(pid), 'mountinfo'), 256 * 1024);
  } catch {
    return '';
  }
}
