// Process ↔ entity mapping (docs/introspection.md): which process hosts an App. First a process-id hint (the
// beacons' `process_id`, through ProcessIdHints), then the ROS node names on the command lines of
// /proc/*/cmdline, from processes on the gateway's ROS domain only (ROS_DOMAIN_ID in /proc/<pid>/environ): a second
// robot or simulation on the same host has nodes of the same names and must not lend its processes. The command-line map is cached for `pid_cache_ttl_seconds`, refreshed on each
// introspection and lazily on lookup when expired; one scan reads at most `max_processes` command lines.
import { join } from 'node:path';
import { effectiveFqn, mapLimited, type App } from '@medkit/plugin-api';
import { listPids, readBounded, readText } from './proc-files.js';
import { parseCmdline, parseStat } from './proc-parse.js';
import { nodeFqnsFromArgs } from './ros-cmdline.js';
import type { IntrospectionSettings } from './settings.js';

/**
 * Files read at once during a scan. Each read is several thread-pool round trips (open, read to EOF, close), each
 * waiting for a turn of the event loop: on a loaded gateway the turns, not /proc, are the cost, so more in flight.
 */
const SCAN_CONCURRENCY = 16;

export interface ProcessMatch {
  pid: number;
  /** How the process was found. */
  source: 'hint' | 'cmdline';
  /**
   * For a command-line match: `same` when the process's ROS_DOMAIN_ID is the gateway's, `unknown` when its
   * environment cannot be read (another user's process) or the gateway's domain is not known.
   */
  domain?: 'same' | 'unknown';
}

/**
 * Domains a command line names with `--domain N` / `--domain-id N` (or `=N`): a process that joins several domains
 * (a bridge, the demo's safety island) is on those too, whatever its ROS_DOMAIN_ID says.
 */
export function domainsFromArgs(args: readonly string[]): number[] {
  const out: number[] = [];
  for (let i = 0; i < args.length && out.length < 8; i++) {
    const m = /^--domain(?:-id)?(?:=(\d{1,3}))?$/.exec(args[i]);
    if (!m) continue;
    const v = m[1] ?? (/^\d{1,3}$/.test(args[i + 1] ?? '') ? args[i + 1] : undefined);
    if (v !== undefined) out.push(Number(v));
  }
  return out;
}

/** Bytes of /proc/<pid>/environ read to find ROS_DOMAIN_ID. */
const MAX_ENVIRON_BYTES = 64 * 1024;

/** A process's ROS domain from its environment (ROS's default 0 when unset); undefined when it is no number. */
export function rosDomainFromEnviron(environ: Buffer): number | undefined {
  let domain = 0;
  for (const entry of environ.toString('utf8').split('\0')) {
    if (!entry.startsWith('ROS_DOMAIN_ID=')) continue;
    const v = entry.slice('ROS_DOMAIN_ID='.length).trim();
    if (v === '') return 0;
    if (!/^\d{1,3}$/.test(v)) return undefined;
    domain = Number(v);
  }
  return domain;
}

/** Where process ids reported by other plugins are looked up (the context's processIdOf, docs/introspection.md). */
export interface ProcessIdHints {
  pidOf(entityId: string): { pid: number; source: string } | undefined;
}

export class PidMap {
  private byFqn = new Map<string, { pid: number; domain: 'same' | 'unknown' }>();
  /** Command-line claims left out because the process is on another ROS domain (last scan). */
  otherDomain = 0;
  private scannedAt = -Infinity;
  private scanning?: Promise<void>;
  /** The last scan stopped at `max_processes` (reported once in the log, and on the plugin's routes). */
  truncated = false;

  constructor(
    private readonly settings: IntrospectionSettings,
    private readonly hints: ProcessIdHints | undefined,
    private readonly now: () => number = () => performance.now(),
    /** The gateway's ROS domain (undefined: not known, nothing is left out). */
    private readonly domain: () => number | undefined = () => undefined,
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
    const hit = this.byFqn.get(fqn);
    return hit === undefined ? undefined : { pid: hit.pid, source: 'cmdline', domain: hit.domain };
  }

  private async scan(): Promise<void> {
    const { procDir, maxProcesses, maxCmdlineBytes } = this.settings;
    const { pids, truncated } = await listPids(procDir, maxProcesses);
    this.truncated = truncated;
    const claims = new Map<string, number[]>();
    const argDomains = new Map<number, number[]>();
    await mapLimited(pids, SCAN_CONCURRENCY, async (pid) => {
      let args: string[];
      try {
        args = parseCmdline((await readBounded(join(procDir, String(pid), 'cmdline'), maxCmdlineBytes)).data);
      } catch {
        return; // gone, or not ours to read
      }
      const fqns = nodeFqnsFromArgs(args);
      for (const fqn of fqns) claims.set(fqn, [...(claims.get(fqn) ?? []), pid]);
      if (fqns.length > 0) argDomains.set(pid, domainsFromArgs(args));
    });
    const domains = await this.domainsOf(new Set([...claims.values()].flat()), argDomains);
    const byFqn = new Map<string, { pid: number; domain: 'same' | 'unknown' }>();
    let otherDomain = 0;
    for (const [fqn, all] of claims) {
      const claimants = all.filter((pid) => domains.get(pid) !== 'other');
      otherDomain += all.length - claimants.length;
      if (claimants.length === 0) continue;
      const pid = claimants.length === 1 ? claimants[0] : await this.newest(claimants);
      byFqn.set(fqn, { pid, domain: domains.get(pid) === 'same' ? 'same' : 'unknown' });
    }
    this.byFqn = byFqn;
    this.otherDomain = otherDomain;
    this.scannedAt = this.now();
  }

  /** For each claiming process: on the gateway's domain, on another, or unknown (environment unreadable). */
  private async domainsOf(pids: Set<number>, argDomains: Map<number, number[]>): Promise<Map<number, 'same' | 'other' | 'unknown'>> {
    const ours = this.domain();
    const out = new Map<number, 'same' | 'other' | 'unknown'>();
    await mapLimited([...pids], SCAN_CONCURRENCY, async (pid) => {
      if (ours === undefined) return out.set(pid, 'unknown');
      if (argDomains.get(pid)?.includes(ours)) return out.set(pid, 'same');
      let d: number | undefined;
      try {
        d = rosDomainFromEnviron((await readBounded(join(this.settings.procDir, String(pid), 'environ'), MAX_ENVIRON_BYTES)).data);
      } catch {
        return out.set(pid, 'unknown'); // not ours to read
      }
      return out.set(pid, d === undefined ? 'unknown' : d === ours ? 'same' : 'other');
    });
    return out;
  }

  /**
   * Several processes name the same node (a shell or launcher wrapper and the node it started): the one
   * started last is the node; the later start time wins, then the higher pid.
   */
  private async newest(pids: number[]): Promise<number> {
    const starts = await mapLimited(pids.slice(0, 16), SCAN_CONCURRENCY, async (pid) => {
      try {
        return parseStat(await readText(join(this.settings.procDir, String(pid), 'stat'), 4096)).startTime;
      } catch {
        return -1; // gone: never the newest
      }
    });
    let best = pids[0];
    let bestStart = -1;
    starts.forEach((start, i) => {
      const pid = pids[i];
      if (start >= 0 && (start > bestStart || (start === bestStart && pid > best))) [best, bestStart] = [pid, start];
    });
    return best;
  }
}
