// One process at a time for a build step that test files start in parallel workers (the bundle, the packages):
// a lock directory holding the owner's pid. A waiter polls until it is free; a lock whose process is gone is
// taken over; past the deadline the waiter gives up with a message that says which lock to remove.
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** Runs `fn` holding the lock directory `lock`; waits at most `waitMs` for it, polling every `pollMs`. */
export async function withDirLock(lock, { waitMs, pollMs = 200, name }, fn) {
  const giveUpAt = Date.now() + waitMs;
  for (;;) {
    try {
      mkdirSync(lock);
      writeFileSync(join(lock, 'pid'), String(process.pid));
      break;
    } catch (err) {
      if (err.code !== 'EEXIST') throw err;
      if (!lockHolderAlive(lock)) {
        rmSync(lock, { recursive: true, force: true });
        continue;
      }
      if (Date.now() > giveUpAt) throw new Error(`${name}: ${lock} is held by a running process; remove it if that is wrong`);
      await new Promise((r) => setTimeout(r, pollMs));
    }
  }
  try {
    return await fn();
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}

function lockHolderAlive(lock) {
  let pid;
  try {
    pid = Number(readFileSync(join(lock, 'pid'), 'utf8'));
  } catch {
    // Just created, pid not written yet: alive unless it stays that way (the wait is bounded).
    return true;
  }
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
