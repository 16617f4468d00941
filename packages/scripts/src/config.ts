// Configuration keys of the scripts feature (docs/scripts.md); [ours] marks medkit additions.
import { bool, float, guarded, int, list, str, type KeySpec } from '@medkit/kit';
import type { SandboxSettings } from './sandbox.js';

export const SCRIPTS_KEYS = {
  'scripts.scripts_dir': guarded('security', str('', 'Directory holding uploaded and pre-deployed scripts (<dir>/<entity_id>/<script_id>/); empty = scripts disabled (routes answer 501).')),
  'scripts.allow_uploads': guarded('security', bool(true, 'Accept script uploads (false: upload answers 400; manifest and pre-deployed scripts still run).')),
  'scripts.max_file_size_mb': guarded('limit', int(10, 'Largest script upload in MiB (413 x-medkit-script-too-large above).', { min: 1, max: 1024 })),
  'scripts.max_concurrent_executions': guarded('limit', int(5, 'Running executions across all entities (429 x-medkit-concurrency-limit above).', { min: 1, max: 1000 })),
  'scripts.default_timeout_sec': guarded('limit', int(300, 'Timeout of scripts that do not set timeout_sec.', { min: 1, max: 86400 })),
  'scripts.max_execution_history': guarded('limit', int(100, 'Finished executions kept in memory; the oldest are evicted.', { min: 1, max: 100000 })),
  'scripts.kill_grace_sec': guarded('limit', float(2, '[ours] Time between SIGTERM and SIGKILL of a timed-out or leftover process group.', { min: 0, max: 60 })),
  'scripts.env_passthrough': guarded('security', list(
    ['PATH', 'HOME', 'LANG', 'LC_ALL', 'TZ', 'ROS_DOMAIN_ID', 'ROS_LOCALHOST_ONLY', 'ROS_AUTOMATIC_DISCOVERY_RANGE', 'RMW_IMPLEMENTATION', 'AMENT_PREFIX_PATH', 'PYTHONPATH', 'LD_LIBRARY_PATH'],
    "[ours] Gateway environment variables a script inherits (everything else is withheld so secrets in the gateway's environment do not leak).",
  )),
  'scripts.sandbox.mode': guarded('security', str('auto', "[ours] Script isolation: `auto` (PID namespace, unprivileged user and limits where the machine allows, else a start-up warning), `strict` (refuse to start without them), `off` (process group only).", { enum: ['auto', 'strict', 'off'] })),
  'scripts.sandbox.network': guarded('security', str('host', "[ours] Network of an execution: `host` (the gateway's: ROS 2 / DDS, the gateway on loopback, other hosts; what diagnostic scripts that talk to the robot need) or `none` (its own network namespace with only a loopback: nothing outside the execution is reachable). `none` needs namespaces and refuses to start without them.", { enum: ['host', 'none'] })),
  'scripts.sandbox.user': guarded('security', str('nobody', '[ours] Account executions run as when the gateway runs as root; it must exist and not be root (set explicitly, it is required).')),
  'scripts.sandbox.visible_paths': guarded('security', list([], "[ours] Paths under /tmp that executions still see, read-only, through their private /tmp: software a script runs that is installed or checked out under /tmp. Each must be absolute and exist; /tmp itself, a path in the execution's HOME (/tmp/medkit-exec) or under /var/tmp, /dev/shm or /run/lock stops start-up. Paths outside /tmp need no entry.")),
  'scripts.limits.cpu_sec': guarded('limit', int(300, '[ours] CPU seconds one execution (all its processes each) may use before the kernel kills it.', { min: 1, max: 86400 })),
  'scripts.limits.memory_mb': guarded('limit', int(1024, '[ours] Memory of one execution as a whole in MiB (its cgroup; the kernel kills a process of the execution above it). Where per-execution cgroups are unavailable, the address-space limit of each of its processes instead (a stand-in: Node.js alone maps 0.7–0.9 GiB of address space).', { min: 16, max: 1048576 })),
  'scripts.limits.max_processes': guarded('limit', int(64, '[ours] Processes one execution may run at once (its cgroup pids.max, where available) and the sandbox user at all (RLIMIT_NPROC); fork fails above.', { min: 1, max: 100000 })),
  'scripts.limits.cpu_cores': guarded('limit', float(1, '[ours] CPU share of one execution in cores (its cgroup cpu quota, where available; 0.5 = half a core).', { min: 0.01, max: 1024 })),
  'scripts.limits.disk_mb': guarded('limit', int(512, '[ours] Size of the private /tmp of one execution (a tmpfs holding its HOME and working directory, also mounted on /var/tmp, /dev/shm and /run/lock): all it can write there together (ENOSPC above).', { min: 1, max: 1048576 })),
  'scripts.limits.max_file_mb': guarded('limit', int(100, '[ours] Largest file a script may write, in MiB.', { min: 1, max: 1048576 })),
  'scripts.audit_max_records': guarded('limit', int(100000, '[ours] Audit records kept in SQLite; the oldest are pruned (the JSON-lines file is never pruned).', { min: 100, max: 100000000 })),
} satisfies Record<string, KeySpec>;

/** Effective settings of the scripts feature. */
export interface ScriptsSettings {
  scriptsDir: string;
  allowUploads: boolean;
  maxFileBytes: number;
  maxConcurrent: number;
  defaultTimeoutSec: number;
  maxHistory: number;
  killGraceMs: number;
  envPassthrough: string[];
  auditMaxRecords: number;
  sandbox: SandboxSettings;
}
