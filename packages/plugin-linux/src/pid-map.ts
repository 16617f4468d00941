// Process ↔ entity mapping (docs/introspection.md): which process hosts an App. First a process-id hint (the
// beacons' `process_id`, through ProcessIdHints), then the ROS node names on the command lines of
// /proc/*/cmdline. The command-line map is cached for `pid_cache_ttl_seconds`, refreshed on each
// introspection and lazily on lookup when expired; one scan reads at most `max_processes` command lines.
import { join } from 'node:path';
import { effectiveFqn, type App } from '@medkit/plugin-api';
import { listPids, readBounded, readText } from './proc-files.js';
import { parseCmdline, parseStat } from './proc-parse.js';
import { nodeFqnsFromArgs } from './ros-cmdline.js';
import type { IntrospectionSettings } from './settings.js';

/** Command lines read at once during a scan. */
const SCAN_CONCURRENCY = 8;

export interface ProcessMatch {
  pid: number;
  /** How the process was found. */
  source: 'hint' | 'cmdline';
}

/** Where process ids reported by other plugins are looked up (the context's processIdOf, docs/introspection.md). */
export interface ProcessIdHints {
  pidOf(entityId: string): { pid: number; source: string } | undefined;
}

export class PidMap {
  private byFqn = new Map<string, number>();
  private scannedAt = -Infinity;
  private scanning?: Promise<void>;
  /** The last scan stopped at `max_processes` (reported once in the log, and on the plugin's routes). */
  truncated = false;

  constructor(
    private readonly settings: IntrospectionSettings,
    private readonly hints: ProcessIdHints | undefined,
    private readonly now: () => number = () => performance.now(),
  ) {}

  /** Rescans now (one scan at a time: concurrent callers share it). */
  refresh(): Promise<void> {
    this.scanning ??= this.scan().finally(() => (this.scanning = undefined));
    return this.scanning;
  }

  /** Rescans when the cache is older than its TTL. */
  async ensureFresh(): Promise<void> {
    if (this.now() - this.scannedAt >= this.settings.pidCacheTtlMs) await this.refresh();
  }

  /** The process hosting an App: its hint, else its effective FQN on a command line. */
  async lookup(app: App): Promise<ProcessMatch | undefined> {
    const hinted = this.hints?.pidOf(app.id);
    if (hinted) return { pid: hinted.pid, source: 'hint' };
    const fqn = effectiveFqn(app);
    if (!fqn) return undefined;
    await this.ensureFresh();
    const pid = this.byFqn.get(fqn);
    return pid === undefined ? undefined : { pid, source: 'cmdline' };
  }

  private async scan(): Promise<void> {
    const { procDir, maxProcesses, maxCmdlineBytes } = this.settings;
    const { pids, truncated } = await listPids(procDir, maxProcesses);
    this.truncated = truncated;
    const claims = new Map<string, number[]>();
    for (let i = 0; i < pids.length; i += SCAN_CONCURRENCY) {
      await Promise.all(
        pids.slice(i, i + SCAN_CONCURRENCY).map(async (pid) => {
          let fqns: string[];
          try {
            fqns = nodeFqnsFromArgs(parseCmdline((await readBounded(join(procDir, String(pid), 'cmdline'), maxCmdlineBytes)).data));
          } catch {
            return; // gone, or not ours to read
          }
          for (const fqn of fqns) claims.set(fqn, [...(claims.get(fqn) ?? []), pid]);
        }),
      );
    }
    const byFqn = new Map<string, number>();
    for (const [fqn, claimants] of claims) byFqn.set(fqn, claimants.length === 1 ? claimants[0] : await this.newest(claimants));
    this.byFqn = byFqn;
    this.scannedAt = this.now();
  }

  /**
   * Several processes name the same node (a shell or launcher wrapper and the node it started): the one
   * started last is the node; the later start time wins, then the higher pid.
   */
  private async newest(pids: number[]): Promise<number> {
    let best = pids[0];
    let bestStart = -1;
    for (const pid of pids.slice(0, 16)) {
      let start = -1;
      try {
        start = parseStat(await readText(join(this.settings.procDir, String(pid), 'stat'), 4096)).startTime;
      } catch {
        continue;
      }
      if (start > bestStart || (start === bestStart && pid > best)) [best, bestStart] = [pid, start];
    }
    return best;
  }
}
