// Linux /proc readings of one process for bench/footprint: memory (smaps_rollup), threads, CPU ticks, start
// time; the machine's description; and the V8 heap through heap-preload.mjs (SIGUSR2 → JSON file).
import { execFileSync } from 'node:child_process';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';

export const CLK_TCK = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
const MB = 1024; // smaps values are in kB

/** USS (Private_Clean + Private_Dirty), PSS and RSS in MB from /proc/PID/smaps_rollup; null if gone. */
export function memory(pid) {
  try {
    const text = readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8');
    const kb = (k) => Number(new RegExp(`^${k}:\\s+(\\d+) kB`, 'm').exec(text)?.[1] ?? NaN);
    return { uss: (kb('Private_Clean') + kb('Private_Dirty')) / MB, dirty: kb('Private_Dirty') / MB, pss: kb('Pss') / MB, rss: kb('Rss') / MB };
  } catch {
    return null;
  }
}

/** Threads of the process (/proc/PID/status). */
export function threads(pid) {
  try {
    return Number(/^Threads:\s+(\d+)/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? NaN);
  } catch {
    return NaN;
  }
}

/** Fields of /proc/PID/stat after the command name: [0] = state (field 3), so field k is at k - 3. */
function statFields(pid) {
  const s = readFileSync(`/proc/${pid}/stat`, 'utf8');
  return s.slice(s.lastIndexOf(')') + 2).split(' ');
}

/** utime + stime in clock ticks. */
export function cpuTicks(pid) {
  try {
    const f = statFields(pid);
    return Number(f[14 - 3]) + Number(f[15 - 3]);
  } catch {
    return NaN;
  }
}

/** Parent pid (field 4). */
export function ppid(pid) {
  try {
    return Number(statFields(pid)[4 - 3]);
  } catch {
    return NaN;
  }
}

/** Process start as wall-clock ms (field 22, ticks after boot; boot time from /proc/stat btime). */
export function startedAtMs(pid) {
  const btime = Number(/^btime (\d+)/m.exec(readFileSync('/proc/stat', 'utf8'))[1]);
  return btime * 1000 + (Number(statFields(pid)[22 - 3]) / CLK_TCK) * 1000;
}

/** Every live process whose parent is `parent`, with its command line (arguments as an array). */
export function childrenOf(parent) {
  const out = [];
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d) || ppid(d) !== parent) continue;
    try {
      out.push({ pid: Number(d), argv: readFileSync(`/proc/${d}/cmdline`, 'utf8').split('\0').filter(Boolean) });
    } catch {
      // gone meanwhile
    }
  }
  return out;
}

/** V8 heap of a process started with heap-preload.mjs: signals it and waits (≤ 3 s) for a fresh file. */
export async function heap(pid, dir) {
  const file = join(dir, `${pid}.json`);
  const since = Date.now();
  try {
    process.kill(pid, 'SIGUSR2');
  } catch {
    return null;
  }
  while (Date.now() - since < 3000) {
    try {
      if (statSync(file).mtimeMs >= since - 5) {
        const j = JSON.parse(readFileSync(file, 'utf8'));
        if (j.at >= since) return { used: j.heap.used_heap_size / 1048576, total: j.heap.total_heap_size / 1048576 };
      }
    } catch {
      // not written yet
    }
    await new Promise((r) => setTimeout(r, 20));
  }
  return null;
}

/** nproc, CPU model, total memory. */
export function machine() {
  const model = /^model name\s*:\s*(.+)$/m.exec(readFileSync('/proc/cpuinfo', 'utf8'))?.[1] ?? cpus()[0]?.model ?? 'unknown';
  const memKb = Number(/^MemTotal:\s+(\d+)/m.exec(readFileSync('/proc/meminfo', 'utf8'))?.[1] ?? 0);
  return { nproc: cpus().length, model, memTotalGB: Math.round((memKb / 1048576) * 10) / 10, node: process.version, loadavg: loadavg() };
}
