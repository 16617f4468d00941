// Configuration shared by the three Linux introspection plugins (`plugins.<name>.<key>`, docs/introspection.md).
// Values are clamped into their ranges rather than refused: a plugin with a bad setting still works.
import { join } from 'node:path';
import type { PluginConfig } from '@medkit/plugin-api';

export interface IntrospectionSettings {
  /** Root that holds `proc/` (default `/`); a fixture tree in tests, the host's /proc mounted elsewhere in containers. */
  procRoot: string;
  /** Directory of the process table: `<proc_root>/proc`. */
  procDir: string;
  /** Lifetime of the command-line → process map (`pid_cache_ttl_seconds`, default 10). */
  pidCacheTtlMs: number;
  /** Processes whose command line one scan reads (`max_processes`, default 4096). */
  maxProcesses: number;
  /** Bytes of one command line read (`max_cmdline_bytes`, default 4096). */
  maxCmdlineBytes: number;
  /**
   * How long one introspection pass reads before it answers with what it has (`introspect_budget_ms`, default
   * 2500: half the gateway's default deadline of a plugin call, docs/introspection.md).
   */
  introspectBudgetMs: number;
}

/** A number setting clamped to [min, max]; the default when absent or not a finite number. */
export function numberSetting(config: PluginConfig, key: string, fallback: number, min: number, max: number): number {
  const raw = config[key];
  const n = typeof raw === 'number' ? raw : typeof raw === 'string' && /^\d+(\.\d+)?$/.test(raw) ? Number(raw) : NaN;
  return Number.isFinite(n) ? Math.min(max, Math.max(min, n)) : fallback;
}

export function stringSetting(config: PluginConfig, key: string, fallback: string): string {
  const raw = config[key];
  return typeof raw === 'string' && raw !== '' ? raw : fallback;
}

/** The keys readIntrospectionSettings reads, shared by the three plugins (each declares its own on top). */
export const INTROSPECTION_KEYS = ['proc_root', 'pid_cache_ttl_seconds', 'max_processes', 'max_cmdline_bytes', 'introspect_budget_ms'] as const;

export function readIntrospectionSettings(config: PluginConfig): IntrospectionSettings {
  const procRoot = stringSetting(config, 'proc_root', '/');
  return {
    procRoot,
    procDir: join(procRoot, 'proc'),
    pidCacheTtlMs: numberSetting(config, 'pid_cache_ttl_seconds', 10, 0, 3600) * 1000,
    maxProcesses: Math.trunc(numberSetting(config, 'max_processes', 4096, 1, 1_000_000)),
    maxCmdlineBytes: Math.trunc(numberSetting(config, 'max_cmdline_bytes', 4096, 64, 1 << 20)),
    introspectBudgetMs: Math.trunc(numberSetting(config, 'introspect_budget_ms', 2500, 50, 600_000)),
  };
}
