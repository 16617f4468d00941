// Polling and process checks on /proc, shared by the gateway's scripts tests and packages/scripts' own.
import { existsSync, readdirSync, readFileSync } from 'node:fs';

/** Polls `fn` every 50 ms until it returns a value (not undefined); throws after `limitMs`. */
export async function waitFor<T>(fn: () => Promise<T | undefined> | T | undefined, what: string, limitMs = 20000): Promise<T> {
  const end = Date.now() + limitMs;
  for (;;) {
    const v = await fn();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Live (non-zombie) processes with this pid. */
export function pidAlive(pid: number): boolean {
  const stat = `/proc/${pid}/stat`;
  if (!existsSync(stat)) return false;
  try {
    const text = readFileSync(stat, 'utf8');
    const state = text.slice(text.lastIndexOf(') ') + 2)[0];
    return state !== 'Z' && state !== 'X';
  } catch {
    return false;
  }
}

/** Non-zombie members of a process group, read from /proc (field 5 of /proc/<pid>/stat is the pgrp). */
export function liveGroupMembers(pgid: number): number[] {
  const members: number[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^[0-9]+$/.test(name)) continue;
    let stat: string;
    try {
      stat = readFileSync(`/proc/${name}/stat`, 'utf8');
    } catch {
      continue; // exited meanwhile
    }
    const fields = stat.slice(stat.lastIndexOf(') ') + 2).split(' ');
    // fields[0] = state, [1] = ppid, [2] = pgrp
    if (Number(fields[2]) === pgid && fields[0] !== 'Z' && fields[0] !== 'X') members.push(Number(name));
  }
  return members;
}
