// What the start-up benches share: a process's CPU time from /proc, and quantiles.
import { readFileSync } from 'node:fs';
import { CLK_TCK } from '../footprint/proc.mjs';

/** CPU time (utime + stime) of process `pid` so far, in ms. */
export function cpuMs(pid) {
  const f = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = f.slice(f.lastIndexOf(')') + 2).split(' ');
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / CLK_TCK;
}

/** The q-quantile of `xs` (nearest rank). */
export const quantile = (xs, q) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(q * s.length))];
};
