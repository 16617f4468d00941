// A throw-away Debian 11 (bullseye, glibc 2.31, no Node.js) root for the packaging tests: a copy of the minbase root
// scripts/package-buildroot.mjs debootstraps once and keeps in the package cache, entered with chroot (root only).
// Commands run in it with a clean environment; processes left in it are killed by pid when it is removed.
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readdirSync, readlinkSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { minbaseRoot } from '../scripts/package-buildroot.mjs';

const ENV = ['PATH=/usr/sbin:/usr/bin:/sbin:/bin', 'HOME=/root', 'LC_ALL=C'];

export class DebianChroot {
  private constructor(
    private readonly dir: string,
    readonly root: string,
  ) {}

  /** A fresh copy of the cached minbase root (debootstrapped first when the cache has none: about two minutes). */
  static async create(): Promise<DebianChroot> {
    const base = await minbaseRoot();
    const dir = mkdtempSync(join(tmpdir(), 'medkit-chroot-'));
    // cp -a: the root has device nodes, which fs.cpSync refuses.
    execFileSync('cp', ['-a', base, join(dir, 'root')]);
    return new DebianChroot(dir, join(dir, 'root'));
  }

  /** `chroot <root> env -i … cmd args`: what to spawn to run `cmd` in the root. */
  command(cmd: string, args: string[]): [string, string[]] {
    return ['chroot', [this.root, '/usr/bin/env', '-i', ...ENV, cmd, ...args]];
  }

  /** Runs `cmd` in the root; its exit status and output. */
  run(cmd: string, args: string[]): { status: number | null; output: string } {
    const [c, a] = this.command(cmd, args);
    const r = spawnSync(c, a, { encoding: 'utf8', maxBuffer: 64 << 20 });
    return { status: r.status, output: `${r.stdout}${r.stderr}` };
  }

  /** Runs `cmd` in the root; its output, or a throw with it when it fails. */
  ok(cmd: string, args: string[]): string {
    const r = this.run(cmd, args);
    if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} in the chroot exited with ${r.status}:\n${r.output}`);
    return r.output;
  }

  /** Copies a file of this machine into the root's /tmp; its path inside the root. */
  copyIn(file: string): string {
    cpSync(file, join(this.root, 'tmp', basename(file)));
    return `/tmp/${basename(file)}`;
  }

  /** Kills what still runs in the root (a gateway a failed test left), by pid, and removes the copy. */
  remove(): void {
    for (const pid of readdirSync('/proc').filter((p) => /^\d+$/.test(p))) {
      try {
        if (readlinkSync(`/proc/${pid}/root`).startsWith(this.root)) process.kill(Number(pid), 'SIGKILL');
      } catch {
        // gone, or not ours to read
      }
    }
    rmSync(this.dir, { recursive: true, force: true });
  }
}
