// Who used the CPU while a page loaded, and who waited for it: sums of /proc/<pid>/task/*/schedstat (time on a
// CPU, time runnable but waiting for one) over groups of processes, read before and after each run. On a box with
// fewer cores than runnable work the second figure is the wait a process's answers carry.
import { readdirSync, readFileSync } from 'node:fs';

/** The pid's children, grandchildren, …, and itself. */
export function descendants(pid) {
  const children = new Map();
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const stat = readFileSync(`/proc/${d}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (!children.has(ppid)) children.set(ppid, []);
      children.get(ppid).push(Number(d));
    } catch {
      // gone meanwhile
    }
  }
  const out = [];
  const walk = (p) => {
    out.push(p);
    for (const c of children.get(p) ?? []) walk(c);
  };
  walk(pid);
  return out;
}

/** The command line of a pid ('' once it is gone). */
export function commandOf(pid) {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ');
  } catch {
    return '';
  }
}

/**
 * Nanoseconds on a CPU and waiting for one, summed over every thread of the pids; a negative pid stands for that
 * process's main thread alone (a Node.js process's event loop).
 */
function sample(pids) {
  let cpu = 0;
  let wait = 0;
  for (const p of pids) {
    const pid = Math.abs(p);
    let tasks = [];
    try {
      tasks = p < 0 ? [String(pid)] : readdirSync(`/proc/${pid}/task`);
    } catch {
      continue;
    }
    for (const t of tasks) {
      try {
        const [c, w] = readFileSync(`/proc/${pid}/task/${t}/schedstat`, 'utf8').split(' ').map(Number);
        cpu += c;
        wait += w;
      } catch {
        // thread gone
      }
    }
  }
  return { cpu, wait };
}

/**
 * Starts a measurement over named groups (`{ name: () => pids }`, resolved now and again at the end so processes
 * started meanwhile count); `end()` answers each group's CPU and wait in ms. Threads that ended meanwhile are lost
 * from both samples, so a group that starts and ends processes reads low.
 */
export function cpuShare(groups) {
  const start = Object.fromEntries(Object.entries(groups).map(([name, pids]) => [name, sample(pids())]));
  return {
    end() {
      return Object.fromEntries(
        Object.entries(groups).map(([name, pids]) => {
          const now = sample(pids());
          return [name, { cpuMs: Math.round((now.cpu - start[name].cpu) / 1e6), waitMs: Math.round((now.wait - start[name].wait) / 1e6) }];
        }),
      );
    },
  };
}
