// container_introspection (docs/introspection.md): the container of each App's process from its cgroup paths
// (/proc/<pid>/cgroup, v1 and v2; /proc/<pid>/mountinfo inside a private cgroup namespace) and the memory /
// CPU / pids figures of the cgroups that own them, from the cgroup filesystem (container-limits.ts).
// Needs no native code and no container runtime API.
import { join } from 'node:path';
import type { PluginConfig, PluginModule } from '@medkit/plugin-api';
import type { ProcessIdHints } from './pid-map.js';
import { cgroupMembershipOf } from './cgroup.js';
import { containerFigures, containerOfCgroup, containerOfMountinfo, mountinfoOf, type LimitState } from './container-limits.js';
import { cgroupReadFailed, notContainerized } from './errors.js';
import { nullable, processRouteDocs } from './openapi.js';
import { introspectionModule, ProcessIntrospectionPlugin, type ProcessProbe } from './process-plugin.js';
import { stringSetting } from './settings.js';

export const CONTAINER_PLUGIN = 'container_introspection';

interface ContainerInfo {
  pid: number;
  container_id: string;
  runtime: string;
  /** The cgroup path of the process (v2, else the v1 memory hierarchy's); `/` inside a private namespace. */
  cgroup: string;
  /** v2, v1 or hybrid (both mounted). */
  cgroup_version: 'v1' | 'v2' | 'hybrid';
  memory_current_bytes: number | null;
  /** The memory limit of the cgroup that sets one; null when none is set or it could not be read (see `limits`). */
  memory_limit_bytes: number | null;
  /** The CPU quota per period; null when none is set or it could not be read. */
  cpu_quota_us: number | null;
  cpu_period_us: number | null;
  cpu_usage_usec: number | null;
  pids_current: number | null;
  pids_limit: number | null;
  /** Whether each limit is set (`limited`), not set (`unlimited`), or could not be read (`unreadable`). */
  limits: { memory: LimitState; cpu: LimitState; pids: LimitState };
}

export { containerOfCgroup };

/** `cpu.max`: "<quota|max> <period>". */
export function parseCpuMax(text: string): { quota: number | null; period: number | null } {
  const m = /^(max|\d{1,15})\s+(\d{1,15})\s*$/.exec(text.trim());
  if (!m) return { quota: null, period: null };
  return { quota: m[1] === 'max' ? null : Number(m[1]), period: Number(m[2]) };
}

class ContainerPlugin extends ProcessIntrospectionPlugin<ContainerInfo> {
  constructor(hints?: ProcessIdHints) {
    super(CONTAINER_PLUGIN, 'x-medkit-container', 'containers', hints);
  }

  protected createProbe(config: PluginConfig): ProcessProbe<ContainerInfo> {
    // Under proc_root by default, so one fixture tree holds both proc/ and sys/fs/cgroup/.
    const cgroupRoot = stringSetting(config, 'cgroup_root', join(this.settings.procRoot, 'sys/fs/cgroup'));
    return {
      groupKey: (c) => c.container_id,
      // Per process: two processes of one App may sit in different containers (or one in none).
      read: async ({ pid }) => {
        const m = await cgroupMembershipOf(this.settings.procDir, pid);
        const paths = [m.v2, ...m.v1.values()].filter((p): p is string => p !== undefined);
        const container = paths.map(containerOfCgroup).find((c) => c !== undefined) ?? containerOfMountinfo(await mountinfoOf(this.settings.procDir, pid));
        const path = m.v2 ?? m.v1.get('memory') ?? paths[0];
        if (!container || path === undefined) throw notContainerized(`process ${pid} is not in a container (cgroup path ${path ?? 'absent'})`, { pid });
        let f;
        try {
          f = await containerFigures(cgroupRoot, m);
        } catch (e) {
          throw cgroupReadFailed(`cannot read cgroup ${path}: ${(e as Error).message}`, { pid, cgroup: path });
        }
        if (f.memory_limit.state === 'unreadable' && f.cpu_quota.state === 'unreadable' && f.pids_limit.state === 'unreadable' && f.memory_current_bytes === null) {
          throw cgroupReadFailed(`cannot read cgroup ${path}: none of its files is readable under ${cgroupRoot}`, { pid, cgroup: path });
        }
        return {
          pid,
          container_id: container.id,
          runtime: container.runtime,
          cgroup: path,
          cgroup_version: f.cgroup_version,
          memory_current_bytes: f.memory_current_bytes,
          memory_limit_bytes: f.memory_limit.value,
          cpu_quota_us: f.cpu_quota.value,
          cpu_period_us: f.cpu_period_us,
          cpu_usage_usec: f.cpu_usage_usec,
          pids_current: f.pids_current,
          pids_limit: f.pids_limit.value,
          limits: { memory: f.memory_limit.state, cpu: f.cpu_quota.state, pids: f.pids_limit.state },
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
    cgroup_version: { type: 'string', enum: ['v1', 'v2', 'hybrid'] },
    memory_current_bytes: nullable('integer'),
    memory_limit_bytes: nullable('integer'),
    cpu_quota_us: nullable('integer'),
    cpu_period_us: nullable('integer'),
    cpu_usage_usec: nullable('integer'),
    pids_current: nullable('integer'),
    pids_limit: nullable('integer'),
    limits: {
      type: 'object',
      description: 'limited: set (the value above); unlimited: not set; unreadable: no cgroup file could be read',
      properties: Object.fromEntries(['memory', 'cpu', 'pids'].map((k) => [k, { type: 'string', enum: ['limited', 'unlimited', 'unreadable'] }])),
    },
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
