// Least privilege for script executions (gateway.md §8, issue: scripts with least privilege). A script
// is code an operator uploaded over the network; it must not read the gateway's secrets or database,
// outlive its execution, or take the machine down. Isolation is built from util-linux tools that
// every Debian has, decided once at start-up:
//   unshare --pid --fork --kill-child --mount-proc   a PID namespace per execution: the script is its
//        init, so when it ends (or is killed) the kernel kills every descendant, whatever process
//        group or session it moved to; /proc shows only the execution's own processes.
//   setpriv --reuid/--regid --clear-groups --no-new-privs   run as an unprivileged user (as root) and
//        never regain privileges through setuid binaries.
//   prlimit --cpu --as --nproc --fsize                  resource limits (CPU seconds, address space,
//        processes, file size); output size is capped by the executor.
//   a small Node init as PID 1 of the namespace: it runs the script as its child, forwards SIGTERM,
//        and reports how the script ended on fd 3 (an init's own exit status cannot say "killed by
//        SIGXCPU"), so a CPU-limit kill is reported as such.
// As root everything applies. Without root, a user namespace gives the PID namespace where the
// kernel allows it; otherwise executions fall back to process-group kills (mode `auto` says so at
// start-up; mode `strict` refuses to start).
import { spawnSync } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { userInfo } from 'node:os';
import { ConfigError } from '../config/index.js';

export type SandboxMode = 'auto' | 'strict' | 'off';

export interface SandboxSettings {
  mode: SandboxMode;
  /** Account executions run as when the gateway runs as root. */
  user: string;
  /** True when `user` was set explicitly (then it must exist: fail closed). */
  userExplicit: boolean;
  cpuSec: number;
  memoryMb: number;
  maxProcesses: number;
  maxFileMb: number;
}

/** A sandbox setting that cannot be honoured: start-up stops (fail closed). */
export class SandboxError extends ConfigError {
  override name = 'SandboxError';
}

/** How executions are isolated on this machine. */
export interface SandboxPlan {
  /** `pid-namespace` (full), or `process-group` (the fallback without namespaces), or `off`. */
  isolation: 'pid-namespace' | 'process-group' | 'off';
  /** uid/gid the script runs as (absent: the gateway's own). */
  runAs?: { user: string; uid: number; gid: number };
  /** One line for the start-up summary and the scripts docs. */
  description: string;
  /** Why the plan is weaker than asked for, when it is (a start-up warning). */
  warning?: string;
  /** The command line that runs `program args` inside the sandbox. */
  wrap(program: string, args: string[]): { file: string; args: string[] };
  /** True when the command reports the script's own end on fd 3 (see EXEC_INIT). */
  reportsOnFd3: boolean;
}

/**
 * PID 1 of an execution's namespace (run with `node -e`): spawns argv[1..] with inherited stdio,
 * forwards termination signals, writes `{code, signal}` (or `{error}`) to fd 3 when the child ends.
 */
export const EXEC_INIT = [
  "const cp = require('node:child_process'), fs = require('node:fs');",
  'const report = (o) => { try { fs.writeSync(3, JSON.stringify(o)); } catch {} };',
  "const c = cp.spawn(process.argv[1], process.argv.slice(2), { stdio: ['inherit', 'inherit', 'inherit'] });",
  "for (const s of ['SIGTERM', 'SIGINT', 'SIGHUP']) process.on(s, () => { try { c.kill(s); } catch {} });",
  "c.on('error', (e) => { report({ error: e.message }); process.exit(127); });",
  "c.on('exit', (code, signal) => { report({ code, signal }); process.exit(0); });",
].join('\n');

/** Fixed locations of the tools and interpreters: never looked up through a PATH a caller could set. */
const SYSTEM_DIRS = ['/usr/bin', '/bin', '/usr/local/bin', '/usr/sbin', '/sbin'];

/** Absolute path of a system program, or undefined. */
export function systemProgram(name: string): string | undefined {
  for (const dir of SYSTEM_DIRS) {
    const p = `${dir}/${name}`;
    try {
      accessSync(p, constants.X_OK);
      return p;
    } catch {
      // not here
    }
  }
  return undefined;
}

export interface SandboxProbe {
  isRoot(): boolean;
  /** uid/gid of an account, or undefined when it does not exist. */
  lookupUser(name: string): { uid: number; gid: number } | undefined;
  /** True when `argv` runs `true` successfully (used to test namespace support once). */
  runs(argv: string[]): boolean;
  program(name: string): string | undefined;
}

function lookupUser(name: string): { uid: number; gid: number } | undefined {
  // getent reads the system's account databases (files, NSS); a numeric name is taken as a uid.
  const r = spawnSync('getent', ['passwd', name], { encoding: 'utf8', timeout: 2000 });
  const fields = r.status === 0 ? r.stdout.trim().split(':') : [];
  if (fields.length < 4) return undefined;
  const uid = Number(fields[2]);
  const gid = Number(fields[3]);
  return Number.isInteger(uid) && Number.isInteger(gid) ? { uid, gid } : undefined;
}

export const SYSTEM_PROBE: SandboxProbe = {
  isRoot: () => process.getuid?.() === 0,
  lookupUser,
  runs: (argv) => spawnSync(argv[0], argv.slice(1), { stdio: 'ignore', timeout: 3000 }).status === 0,
  program: systemProgram,
};

/** Decides the isolation once (start-up); throws SandboxError when a requirement cannot be honoured. */
export function planSandbox(s: SandboxSettings, probe: SandboxProbe = SYSTEM_PROBE): SandboxPlan {
  if (s.mode === 'off') return { isolation: 'off', description: 'off (scripts.sandbox.mode=off): scripts run as the gateway user in a process group', wrap: (file, args) => ({ file, args }), reportsOnFd3: false };
  const unshare = probe.program('unshare');
  const setpriv = probe.program('setpriv');
  const prlimit = probe.program('prlimit');
  const missingTools = [!unshare && 'unshare', !setpriv && 'setpriv', !prlimit && 'prlimit'].filter(Boolean) as string[];
  const limits = prlimit ? [prlimit, `--cpu=${s.cpuSec}`, `--as=${s.memoryMb * 1024 * 1024}`, `--nproc=${s.maxProcesses}`, `--fsize=${s.maxFileMb * 1024 * 1024}`, '--'] : [];
  const root = probe.isRoot();

  let runAs: SandboxPlan['runAs'];
  if (root) {
    const account = probe.lookupUser(s.user);
    if (!account) throw new SandboxError(`scripts.sandbox.user '${s.user}' does not exist on this machine; create it or set another unprivileged account`);
    if (account.uid === 0) throw new SandboxError(`scripts.sandbox.user '${s.user}' is root; scripts must run as an unprivileged account`);
    runAs = { user: s.user, ...account };
  } else if (s.userExplicit && s.user !== userInfo().username) {
    const why = `scripts.sandbox.user '${s.user}' needs the gateway to run as root (it runs as '${userInfo().username}')`;
    if (s.mode === 'strict') throw new SandboxError(why);
  }

  const ns = root ? [unshare!, '--pid', '--fork', '--kill-child', '--mount-proc', '--'] : [unshare!, '--user', '--map-root-user', '--pid', '--fork', '--kill-child', '--mount-proc', '--'];
  const nsWorks = missingTools.length === 0 && probe.runs([...ns, probe.program('true') ?? '/bin/true']);
  const drop = runAs && setpriv ? [setpriv, `--reuid=${runAs.uid}`, `--regid=${runAs.gid}`, '--clear-groups', '--no-new-privs', '--'] : setpriv ? [setpriv, '--no-new-privs', '--'] : [];

  if (!nsWorks) {
    const why = missingTools.length ? `missing ${missingTools.join(', ')} (Debian package util-linux)` : root ? 'PID namespaces are not available here' : 'unprivileged user namespaces are disabled on this kernel';
    if (s.mode === 'strict') throw new SandboxError(`scripts.sandbox.mode=strict cannot be honoured: ${why}`);
    return {
      isolation: 'process-group',
      ...(runAs ? { runAs } : {}),
      description: `process group${runAs ? `, as ${runAs.user}` : ''}${limits.length ? ', resource limits' : ''} (no PID namespace: ${why})`,
      warning: `script isolation is reduced: ${why}; children that leave the process group can outlive an execution`,
      reportsOnFd3: false,
      wrap: (file, args) => {
        const argv = [...drop, ...limits, file, ...args];
        return { file: argv[0], args: argv.slice(1) };
      },
    };
  }
  return {
    isolation: 'pid-namespace',
    ...(runAs ? { runAs } : {}),
    description: `PID namespace per execution${runAs ? `, as ${runAs.user} (uid ${runAs.uid})` : ''}, no_new_privs, limits cpu ${s.cpuSec} s, memory ${s.memoryMb} MiB, ${s.maxProcesses} processes, files ${s.maxFileMb} MiB`,
    reportsOnFd3: true,
    wrap: (file, args) => {
      const argv = [...ns, ...drop, process.execPath, '-e', EXEC_INIT, ...limits, file, ...args];
      return { file: argv[0], args: argv.slice(1) };
    },
  };
}
