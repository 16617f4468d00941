// A fixture proc_root: proc/<pid>/{stat,status,cmdline,cgroup,exe,fd/} and sys/fs/cgroup/ in a temp dir,
// written the way the kernel formats them (proc(5), cgroups(7)).
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface FixtureProcess {
  pid: number;
  comm?: string;
  ppid?: number;
  /** Arguments (joined with NULs as the kernel does), or raw bytes. */
  cmdline?: string[] | Buffer;
  utime?: number;
  stime?: number;
  threads?: number;
  startTime?: number;
  rssKb?: number;
  vmSizeKb?: number;
  fds?: number;
  cgroup?: string;
  exe?: string;
  /** /proc/<pid>/environ as variables (NUL-separated on disk); absent: no environ file (unreadable). */
  environ?: Record<string, string>;
}

export class FixtureProc {
  readonly root = mkdtempSync(join(tmpdir(), 'medkit-proc-'));

  constructor(uptimeSec = 1000) {
    mkdirSync(join(this.root, 'proc'));
    this.uptime(uptimeSec);
  }

  uptime(sec: number): void {
    writeFileSync(join(this.root, 'proc/uptime'), `${sec.toFixed(2)} 1234.56\n`);
  }

  add(p: FixtureProcess): void {
    const dir = join(this.root, 'proc', String(p.pid));
    mkdirSync(join(dir, 'fd'), { recursive: true });
    this.set(p);
    for (let i = 0; i < (p.fds ?? 3); i++) writeFileSync(join(dir, 'fd', String(i)), '');
    if (p.exe) symlinkSync(p.exe, join(dir, 'exe'));
  }

  /** Rewrites stat/status/cmdline/cgroup (a later sample of the same process). */
  set(p: FixtureProcess): void {
    const dir = join(this.root, 'proc', String(p.pid));
    const threads = p.threads ?? 1;
    // Fields 3..22 (state … starttime) and a tail, as /proc/<pid>/stat prints them.
    const fields = ['S', p.ppid ?? 1, 0, 0, 0, -1, 4194304, 0, 0, 0, 0, p.utime ?? 0, p.stime ?? 0, 0, 0, 20, 0, threads, 0, p.startTime ?? 500, 1000, 100];
    writeFileSync(join(dir, 'stat'), `${p.pid} (${p.comm ?? 'node'}) ${fields.join(' ')} 0 0 0\n`);
    writeFileSync(join(dir, 'status'), `Name:\t${p.comm ?? 'node'}\nUid:\t1000\t1000\t1000\t1000\nVmSize:\t${p.vmSizeKb ?? 2048} kB\nVmRSS:\t${p.rssKb ?? 1024} kB\nThreads:\t${threads}\n`);
    const cmd = Buffer.isBuffer(p.cmdline) ? p.cmdline : Buffer.from((p.cmdline ?? ['node']).map((a) => `${a}\0`).join(''));
    writeFileSync(join(dir, 'cmdline'), cmd);
    writeFileSync(join(dir, 'cgroup'), `0::${p.cgroup ?? '/user.slice/user-1000.slice/session-1.scope'}\n`);
    if (p.environ) writeFileSync(join(dir, 'environ'), Object.entries(p.environ).map(([k, v]) => `${k}=${v}\0`).join(''));
  }

  /** A cgroup v2 directory under sys/fs/cgroup with the given files. */
  cgroup(path: string, files: Record<string, string>): void {
    const dir = join(this.root, 'sys/fs/cgroup', path);
    mkdirSync(dir, { recursive: true });
    for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  }

  remove(): void {
    rmSync(this.root, { recursive: true, force: true });
  }
}
