// procfs_introspection (docs/introspection.md): the process behind each App from /proc — memory, threads, CPU
// ticks and percentage, open descriptors, start time, command line — as metadata, vendor route and the
// `x-medkit-procfs` cyclic-subscription sampler.
import type { PluginConfig, PluginModule } from '@medkit/plugin-api';
import type { ProcessIdHints } from './pid-map.js';
import { clockTicksPerSecond } from './clock-ticks.js';
import { CpuTracker } from './cpu-tracker.js';
import { nullable, processRouteDocs } from './openapi.js';
import { ProcessReader, type ProcessInfo } from './process-info.js';
import { introspectionModule, ProcessIntrospectionPlugin, type ProcessProbe } from './process-plugin.js';
import { numberSetting } from './settings.js';

export const PROCFS_PLUGIN = 'procfs_introspection';

class ProcfsPlugin extends ProcessIntrospectionPlugin<ProcessInfo> {
  constructor(hints?: ProcessIdHints) {
    super(PROCFS_PLUGIN, 'x-medkit-procfs', 'processes', hints);
  }

  protected async createProbe(config: PluginConfig): Promise<ProcessProbe<ProcessInfo>> {
    // `clock_ticks` overrides USER_HZ (fixture trees written for another rate).
    const hz = numberSetting(config, 'clock_ticks', await clockTicksPerSecond(), 1, 100_000);
    const reader = new ProcessReader(this.settings, new CpuTracker(() => hz), () => hz);
    return { read: (m) => reader.read(m.pid), groupKey: (p) => String(p.pid) };
  }
}

const PROCESS_SCHEMA = {
  properties: {
    pid: { type: 'integer' },
    ppid: { type: 'integer' },
    exe: nullable('string'),
    cmdline: { type: 'string' },
    cmdline_truncated: { type: 'boolean' },
    rss_bytes: nullable('integer'),
    vm_size_bytes: nullable('integer'),
    threads: { type: 'integer' },
    cpu_user_ticks: { type: 'integer' },
    cpu_system_ticks: { type: 'integer' },
    cpu_percent: { ...nullable('number'), description: 'percent of one CPU since the previous read ≥ 1 s earlier; null on the first read' },
    fd_count: nullable('integer'),
    fd_count_truncated: { type: 'boolean' },
    uptime_seconds: { type: 'number' },
    start_time: { type: 'string', format: 'date-time' },
  },
};

export function procfsModule(hints?: ProcessIdHints): PluginModule {
  return introspectionModule(
    () => new ProcfsPlugin(hints),
    () => processRouteDocs('x-medkit-procfs', 'Process metrics (procfs)', PROCESS_SCHEMA, 'processes', { 'x-medkit-pid-lookup-failed': '404', 'x-medkit-proc-read-failed': '503' }),
    ['clock_ticks'],
  );
}
