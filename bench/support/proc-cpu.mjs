// CPU time of a process from Linux /proc, for benches that compare a reader's rate per CPU second.
import { readFileSync } from 'node:fs';

/** CPU seconds (user + system) the process `pid` has used so far (clock ticks, USER_HZ = 100). */
export function procCpu(pid) {
  const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(f[11]) + Number(f[12])) / 100;
}
