// Parsers of /proc/<pid>/{stat,status,cmdline} and /proc/uptime (proc(5)). Pure functions over text, so
// fixture trees and hostile contents are tested without a process.

/** The fields of /proc/<pid>/stat the plugins use. */
interface ProcStat {
  pid: number;
  comm: string;
  state: string;
  ppid: number;
  /** Clock ticks in user mode (field 14). */
  utime: number;
  /** Clock ticks in kernel mode (field 15). */
  stime: number;
  /** Field 20. */
  numThreads: number;
  /** Clock ticks after boot when the process started (field 22): with the pid, its identity. */
  startTime: number;
}

const nonNegative = (s: string | undefined): number => {
  // Decimal digits only; ticks fit a double exactly long past any real uptime (2^53 ticks at 100 Hz ≈ 2.8e6 years).
  if (s === undefined || !/^\d{1,16}$/.test(s)) throw new Error(`bad number '${s ?? ''}'`);
  return Number(s);
};

/** Parses /proc/<pid>/stat; `comm` may hold spaces and parentheses, so the fields start after the last ')'. */
export function parseStat(text: string): ProcStat {
  const open = text.indexOf('(');
  const close = text.lastIndexOf(')');
  if (open < 0 || close < open) throw new Error('stat: no (comm)');
  const rest = text.slice(close + 2).trim().split(/\s+/);
  // rest[0] is field 3 (state): field k is rest[k - 3].
  if (rest.length < 20) throw new Error('stat: too few fields');
  return {
    pid: nonNegative(text.slice(0, open).trim()),
    comm: text.slice(open + 1, close),
    state: rest[0],
    ppid: nonNegative(rest[1]),
    utime: nonNegative(rest[11]),
    stime: nonNegative(rest[12]),
    numThreads: nonNegative(rest[17]),
    startTime: nonNegative(rest[19]),
  };
}

/** The fields of /proc/<pid>/status the plugins use (bytes; null when the kernel omits them, e.g. zombies). */
interface ProcStatus {
  rssBytes: number | null;
  vmSizeBytes: number | null;
  threads: number | null;
  uid: number | null;
}

function statusField(text: string, key: string): string | undefined {
  const m = new RegExp(`^${key}:\\s*(.*)$`, 'm').exec(text);
  return m?.[1];
}

function kib(v: string | undefined): number | null {
  const m = v ? /^(\d{1,15})\s*kB$/.exec(v.trim()) : null;
  return m ? Number(m[1]) * 1024 : null;
}

function int(v: string | undefined): number | null {
  const m = v ? /^(\d{1,15})/.exec(v.trim()) : null;
  return m ? Number(m[1]) : null;
}

export function parseStatus(text: string): ProcStatus {
  return {
    rssBytes: kib(statusField(text, 'VmRSS')),
    vmSizeBytes: kib(statusField(text, 'VmSize')),
    threads: int(statusField(text, 'Threads')),
    uid: int(statusField(text, 'Uid')),
  };
}

/** /proc/<pid>/cmdline: NUL-separated arguments (a trailing NUL ends the last one). */
export function parseCmdline(data: Buffer): string[] {
  const args = data.toString('utf8').split('\0');
  if (args.length > 0 && args[args.length - 1] === '') args.pop();
  return args;
}

/** Seconds since boot, the first field of /proc/uptime. */
export function parseUptime(text: string): number {
  const m = /^(\d{1,12}(?:\.\d{1,9})?)\s/.exec(text);
  if (!m) throw new Error('uptime: bad format');
  return Number(m[1]);
}
