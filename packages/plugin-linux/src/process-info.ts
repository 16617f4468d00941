// One process as the procfs plugin reports it (docs/introspection.md): memory and threads from status, ticks and
// start time from stat, command line, executable, open descriptors and CPU percentage.
import { join } from 'node:path';
import { countEntries, readBounded, readLinkOrNull, readText } from './proc-files.js';
import { parseCmdline, parseStat, parseStatus, parseUptime } from './proc-parse.js';
import type { CpuTracker } from './cpu-tracker.js';
import { isMissing, pidLookupFailed, procReadFailed } from './errors.js';
import type { IntrospectionSettings } from './settings.js';

/** Caps of the small files read per process. */
const SMALL_FILE_BYTES = 16 * 1024;
/** Descriptors counted at most (a count at the cap is flagged `fd_count_truncated`). */
const MAX_FD_COUNT = 1 << 20;

export interface ProcessInfo {
  pid: number;
  ppid: number;
  /** Needs the same user or CAP_SYS_PTRACE; null otherwise. */
  exe: string | null;
  /** Arguments joined by spaces, capped at `max_cmdline_bytes`. */
  cmdline: string;
  cmdline_truncated?: true;
  rss_bytes: number | null;
  vm_size_bytes: number | null;
  threads: number;
  cpu_user_ticks: number;
  cpu_system_ticks: number;
  /** Percent of one CPU between this read and the previous one ≥ 1 s before; null on the first read. */
  cpu_percent: number | null;
  /** Entries of /proc/<pid>/fd; null when unreadable (another user's process). */
  fd_count: number | null;
  fd_count_truncated?: true;
  uptime_seconds: number;
  /** ISO 8601, from the boot time and the start time in ticks. */
  start_time: string;
}

export class ProcessReader {
  constructor(
    private readonly settings: IntrospectionSettings,
    private readonly cpu: CpuTracker,
    private readonly ticksPerSecond: () => number,
    private readonly wallNow: () => number = Date.now,
  ) {}

  /** Reads one process; throws x-medkit-pid-lookup-failed (404) when it is gone, x-medkit-proc-read-failed (503) otherwise. */
  async read(pid: number): Promise<ProcessInfo> {
    const dir = join(this.settings.procDir, String(pid));
    try {
      const [statText, statusText, cmd, exe, fds, uptimeText] = await Promise.all([
        readText(join(dir, 'stat'), SMALL_FILE_BYTES),
        readText(join(dir, 'status'), SMALL_FILE_BYTES),
        readBounded(join(dir, 'cmdline'), this.settings.maxCmdlineBytes),
        readLinkOrNull(join(dir, 'exe')),
        countEntries(join(dir, 'fd'), MAX_FD_COUNT),
        readText(join(this.settings.procDir, 'uptime'), 256),
      ]);
      const stat = parseStat(statText);
      const status = parseStatus(statusText);
      const hz = this.ticksPerSecond();
      const uptime = Math.max(0, Math.round((parseUptime(uptimeText) - stat.startTime / hz) * 100) / 100);
      return {
        pid,
        ppid: stat.ppid,
        exe,
        cmdline: parseCmdline(cmd.data).join(' '),
        ...(cmd.truncated ? { cmdline_truncated: true as const } : {}),
        rss_bytes: status.rssBytes,
        vm_size_bytes: status.vmSizeBytes,
        threads: status.threads ?? stat.numThreads,
        cpu_user_ticks: stat.utime,
        cpu_system_ticks: stat.stime,
        cpu_percent: this.cpu.sample(pid, stat.startTime, stat.utime + stat.stime),
        fd_count: fds?.count ?? null,
        ...(fds?.truncated ? { fd_count_truncated: true as const } : {}),
        uptime_seconds: uptime,
        start_time: new Date(Math.round(this.wallNow() - uptime * 1000)).toISOString(),
      };
    } catch (e) {
      if (isMissing(e)) throw pidLookupFailed(`process ${pid} does not exist`, { pid });
      throw procReadFailed(`cannot read process ${pid}: ${(e as Error).message}`, { pid });
    }
  }
}
