// A real size-limited file system for storage-outage tests (docs/faults.md "Storage backends and outages"):
// a tmpfs mounted on a fresh directory (root only: callers sit in describeAsRoot) and a filler that takes
// every free byte of it.
import { execFileSync } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface SmallDisk {
  dir: string;
  /** Unmounts and removes the directory. */
  remove(): void;
}

/** Mounts a tmpfs of `size` (mount's syntax, e.g. `3m`) on a new directory. */
export function mountSmallDisk(size: string, prefix = 'medkit-small-disk-'): SmallDisk {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${size}`, 'tmpfs', dir]);
  return {
    dir,
    remove() {
      execFileSync('umount', [dir]);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Writes zeros to `path` until the file system is full; returns the bytes written. */
export function fillUp(path: string): number {
  const fd = openSync(path, 'w');
  const chunk = Buffer.alloc(64 * 1024);
  let written = 0;
  try {
    for (;;) written += writeSync(fd, chunk);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOSPC') throw err;
  } finally {
    closeSync(fd);
  }
  return written;
}
