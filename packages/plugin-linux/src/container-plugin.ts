// container_introspection (gateway.md §5): the container of each App's process from its cgroup v2 path
// (/proc/<pid>/cgroup) and the memory / CPU / pids figures of that cgroup from the cgroup filesystem.
// Needs no native code and no container runtime API.
import { join } from 'node:path';
import { access } from 'node:fs/promises';
import type { PluginConfig, PluginModule } from '@medkit/plugin-api';
import type { ProcessIdHints } from './pid-map.js';
import { cgroupPathOf } from './cgroup.js';
import { cgroupReadFailed, notContainerized } from './errors.js';
import { nullable, processRouteDocs } from './openapi.js';
import { readText } from './proc-files.js';
import { introspectionModule, ProcessIntrospectionPlugin, type ProcessProbe } from './process-plugin.js';
import { stringSetting } from './settings.js';

export const CONTAINER_PLUGIN = 'container_introspection';

export interface ContainerInfo {
  pid: number;
  container_id: string;
  runtime: string;
  /** The cgroup v2 path of the process. */
  cgroup: string;
  memory_current_bytes: number | null;
  /** memory.max; null when unlimited or not available. */
  memory_limit_bytes: number | null;
  /** cpu.max quota; null when unlimited. */
  cpu_quota_us: number | null;
  cpu_period_us: number | null;
  cpu_usage_usec: number | null;
  pids_current: number | null;
  pids_limit: number | null;
}

/** Container runtimes by cgroup path segment (docker with the cgroupfs and the systemd driver, podman, containerd, CRI-O). */
const RUNTIMES: [RegExp, string][] = [
  [/^docker-([0-9a-f]{64})\.scope$/, 'docker'],
  [/^libpod-([0-9a-f]{64})\.scope$/, 'podman'],
  [/^cri-containerd-([0-9a-f]{64})\.scope$/, 'containerd'],
  [/^crio-([0-9a-f]{64})\.scope$/, 'cri-o'],
];

/** The container a cgroup v2 path belongs to, or undefined. */
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

const SMALL = 4096;

/** A single-number cgroup file (`memory.current`, `pids.max` …): null for `max` or when the controller is off. */
async function readNumber(file: string): Promise<number | null> {
  try {
    const v = (await readText(file, SMALL)).trim();
    return /^\d{1,19}$/.test(v) && Number(v) <= Number.MAX_SAFE_INTEGER ? Number(v) : null;
  } catch {
    return null;
  }
}

/** `cpu.max`: "<quota|max> <period>". */
export function parseCpuMax(text: string): { quota: number | null; period: number | null } {
  const m = /^(max|\d{1,15})\s+(\d{1,15})\s*$/.exec(text.trim());
  if (!m) return { quota: null, period: null };
  return { quota: m[1] === 'max' ? null : Number(m[1]), period: Number(m[2]) };
}

export class ContainerPlugin extends ProcessIntrospectionPlugin<ContainerInfo> {
  constructor(hints?: ProcessIdHints) {
    super(CONTAINER_PLUGIN, 'x-medkit-container', 'containers', hints);
  }

  protected createProbe(config: PluginConfig): ProcessProbe<ContainerInfo> {
    // Under proc_root by default, so one fixture tree holds both proc/ and sys/fs/cgroup/.
    const cgroupRoot = stringSetting(config, 'cgroup_root', join(this.settings.procRoot, 'sys/fs/cgroup'));
    return {
      groupKey: (c) => c.container_id,
      read: async ({ pid }) => {
        const path = await cgroupPathOf(this.settings.procDir, pid);
        const container = path === undefined ? undefined : containerOfCgroup(path);
        if (!container || path === undefined) throw notContainerized(`process ${pid} is not in a container (cgroup v2 path ${path ?? 'absent'})`, { pid });
        const dir = join(cgroupRoot, path);
        try {
          await access(dir);
        } catch (e) {
          throw cgroupReadFailed(`cannot read cgroup ${path}: ${(e as Error).message}`, { pid, cgroup: path });
        }
        const [memCurrent, memMax, cpuMax, cpuStat, pidsCurrent, pidsMax] = await Promise.all([
          readNumber(join(dir, 'memory.current')),
          readNumber(join(dir, 'memory.max')),
          readText(join(dir, 'cpu.max'), SMALL).catch(() => ''),
          readText(join(dir, 'cpu.stat'), SMALL).catch(() => ''),
          readNumber(join(dir, 'pids.current')),
          readNumber(join(dir, 'pids.max')),
        ]);
        const cpu = parseCpuMax(cpuMax);
        const usage = /^usage_usec (\d{1,19})$/m.exec(cpuStat);
        return {
          pid,
          container_id: container.id,
          runtime: container.runtime,
          cgroup: path,
          memory_current_bytes: memCurrent,
          memory_limit_bytes: memMax,
          cpu_quota_us: cpu.quota,
          cpu_period_us: cpu.period,
          cpu_usage_usec: usage && Number(usage[1]) <= Number.MAX_SAFE_INTEGER ? Number(usage[1]) : null,
          pids_current: pidsCurrent,
          pids_limit: pidsMax,
        };
      },
    };
  }
}

const CONTAINER_SCHEMA = {
  properties: {
    pid: { type: 'integer' },
    container_id: { type: 'string' },
    runtime: { type: 'string', enum: ['docker', 'podman', 'containerd', 'cri-o'] },
    cgroup: { type: 'string' },
    memory_current_bytes: nullable('integer'),
    memory_limit_bytes: nullable('integer'),
    cpu_quota_us: nullable('integer'),
    cpu_period_us: nullable('integer'),
    cpu_usage_usec: nullable('integer'),
    pids_current: nullable('integer'),
    pids_limit: nullable('integer'),
  },
};

export function containerModule(hints?: ProcessIdHints): PluginModule {
  return introspectionModule(
    () => new ContainerPlugin(hints),
    () =>
      processRouteDocs('x-medkit-container', 'Container (cgroup v2)', CONTAINER_SCHEMA, 'containers', {
        'x-medkit-pid-lookup-failed': '404',
        'x-medkit-not-containerized': '404',
        'x-medkit-proc-read-failed': '503',
        'x-medkit-cgroup-read-failed': '503',
      }),
    ['cgroup_root'],
  );
}
