// CPU time of a process from Linux /proc, for benches that compare a reader's rate per CPU second.
import { readFileSync } from 'node:fs';

/** CPU seconds (user + system) the process `pid` has used so far (clock ticks, USER_HZ = 100). */
export function procCpu(pid) {
  const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(f[11]) + Number(f[12])) / 100;
}

/** Jiffies CPU `cpu` has spent so far in user, system, softirq and idle time (the `cpuN` row of /proc/stat). */
export function cpuTimes(cpu) {
  const row = readFileSync('/proc/stat', 'utf8').split('\n').find((l) => l.startsWith(`cpu${cpu} `));
  const f = row.split(/\s+/).slice(1).map(Number);
  return { user: f[0] + f[1], system: f[2], idle: f[3] + f[4], irq: f[5], softirq: f[6], steal: f[7] ?? 0 };
}

/** Each kind's share (0..1) of the time CPU `cpu` spent between two `cpuTimes` readings. */
export function cpuShares(a, b) {
  const d = Object.fromEntries(Object.keys(a).map((k) => [k, b[k] - a[k]]));
  const total = Object.values(d).reduce((x, y) => x + y, 0) || 1;
  return Object.fromEntries(Object.entries(d).map(([k, v]) => [k, v / total]));
}
