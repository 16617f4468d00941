// Bounded reads of /proc and cgroup files (docs/introspection.md). Every read stops at a byte cap, so a hostile or
// huge file (a 2 MiB command line, a process with a million descriptors) costs a bounded amount of memory, and at a
// deadline: a /proc/<pid>/cmdline or environ read waits for the target's memory lock, which a process stuck in the
// kernel can hold for ever. Node.js cannot cancel a read in its thread pool, so a read past its deadline is left to
// end on its own and the same file is not read again until it has (each hung read holds one of the pool's threads).
import { open, opendir, readlink } from 'node:fs/promises';
import { PluginTimeoutError, withDeadline } from '@medkit/plugin-api';

/** How long one file read may take before its caller is told it failed. */
export const FILE_READ_DEADLINE_MS = 2000;

/** A read that did not end by its deadline, or a file whose previous read has not ended yet. */
export class ProcReadTimeoutError extends Error {
  readonly code = 'ETIMEDOUT';
  constructor(path: string, busy: boolean) {
    super(busy ? `${path}: an earlier read has not ended yet` : `${path}: no answer within ${FILE_READ_DEADLINE_MS} ms`);
    this.name = 'ProcReadTimeoutError';
  }
}

/** Reads past their deadline that have not ended yet, by path. */
const hung = new Set<string>();

/** Runs `read` of `path` with the file read deadline; a path whose earlier read hangs fails at once. */
async function withReadDeadline<T>(path: string, read: () => Promise<T>): Promise<T> {
  if (hung.has(path)) throw new ProcReadTimeoutError(path, true);
  const reading = read();
  try {
    return await withDeadline('introspection', `read of ${path}`, FILE_READ_DEADLINE_MS, () => reading);
  } catch (e) {
    if (!(e instanceof PluginTimeoutError)) throw e;
    hung.add(path);
    const ended = () => hung.delete(path);
    reading.then(ended, ended);
    throw new ProcReadTimeoutError(path, false);
  }
}

/** Reads at most `maxBytes` of a file (procfs files report size 0, so read until EOF or the cap), within the file read deadline. */
export function readBounded(path: string, maxBytes: number): Promise<{ data: Buffer; truncated: boolean }> {
  return withReadDeadline(path, () => readUpTo(path, maxBytes));
}

async function readUpTo(path: string, maxBytes: number): Promise<{ data: Buffer; truncated: boolean }> {
  const fh = await open(path, 'r');
  try {
    const buf = Buffer.alloc(maxBytes + 1);
    let n = 0;
    while (n < buf.length) {
      const { bytesRead } = await fh.read(buf, n, buf.length - n, null);
      if (bytesRead === 0) break;
      n += bytesRead;
    }
    return { data: buf.subarray(0, Math.min(n, maxBytes)), truncated: n > maxBytes };
  } finally {
    await fh.close();
  }
}

/** A small text file (stat, status, cgroup, memory.max …), capped at `maxBytes`. */
export async function readText(path: string, maxBytes: number): Promise<string> {
  return (await readBounded(path, maxBytes)).data.toString('utf8');
}

/** The target of a symbolic link, or null when it cannot be read (another user's /proc/<pid>/exe). */
export async function readLinkOrNull(path: string): Promise<string | null> {
  try {
    return await withReadDeadline(path, () => readlink(path));
  } catch {
    return null;
  }
}

/** Number of entries of a directory, counting at most `max` (null when unreadable). */
export async function countEntries(path: string, max: number): Promise<{ count: number; truncated: boolean } | null> {
  let dir;
  try {
    dir = await opendir(path, { bufferSize: 256 });
  } catch {
    return null;
  }
  let count = 0;
  try {
    for await (const _ of dir) {
      if (++count >= max) return { count, truncated: true };
    }
  } catch {
    return null;
  }
  return { count, truncated: false };
}

/** Up to `max` numeric entries of a /proc directory (the process ids), in directory order. */
export async function listPids(procDir: string, max: number): Promise<{ pids: number[]; truncated: boolean }> {
  const pids: number[] = [];
  const dir = await opendir(procDir, { bufferSize: 256 });
  try {
    for await (const e of dir) {
      if (!/^\d{1,10}$/.test(e.name)) continue;
      if (pids.length >= max) return { pids, truncated: true };
      pids.push(Number(e.name));
    }
  } finally {
    // opendir's iterator closes the handle when the loop finishes; an early return needs the explicit close.
    await dir.close().catch(() => {});
  }
  return { pids, truncated: false };
}
