// Least privilege for script executions (docs/scripts.md, issue: scripts with least privilege). A script
// is code an operator uploaded over the network; it must not read the gateway's secrets or database,
// outlive its execution, or take the machine down. Isolation is built from util-linux tools that
// every Debian has, decided once at start-up:
//   unshare --pid --fork --kill-child --mount-proc   a PID namespace per execution: the script is its
//        init, so when it ends (or is killed) the kernel kills every descendant, whatever process
//        group or session it moved to; /proc shows only the execution's own processes.
//   unshare --ipc --uts (--net)                        System V shared memory, message queues and semaphores
//        live in the execution's own IPC namespace and go with it (a segment cannot outlive the execution
//        nor fill the host's table); its own host name; with scripts.sandbox.network=none its own network
//        namespace holding only a loopback (no gateway, no RTPS, no other host).
//   setpriv --pdeathsig KILL                           the namespace's holder dies with the gateway, so a
//        gateway killed with SIGKILL takes its executions with it (cgroups.ts reclaims what is left).
//   setpriv --reuid/--regid --clear-groups --no-new-privs   run as an unprivileged user (as root) and
//        never regain privileges through setuid binaries.
//   prlimit --cpu --fsize (--as --nproc without cgroups) per-process limits (CPU seconds, file size; address space
//        and processes only where the execution has no cgroup); output size is capped by the executor.
//   a cgroup per execution (cgroups.ts)                 limits of the execution as a whole: memory,
//        processes, CPU share; joined by the script's launcher (a child of the init, still root) before
//        the privilege drop, so the script and all it starts are in it and the init is not.
//   unshare --mount + a size-limited tmpfs                a private /tmp (also on /var/tmp, /dev/shm,
//        /run/lock) holding the private working directory (HOME): no execution sees another's files,
//        and all the execution can write there together is bounded by scripts.limits.disk_mb.
//   a small Node init as PID 1 of the namespace: it runs the script as its child, forwards SIGTERM,
//        and reports how the script ended on fd 3 (an init's own exit status cannot say "killed by
//        SIGXCPU"), so a CPU-limit kill is reported as such.
// As root everything applies. Without root, a user namespace gives the PID namespace where the
// kernel allows it; otherwise executions fall back to process-group kills (mode `auto` says so at
// start-up; mode `strict` refuses to start).
import { spawnSync } from 'node:child_process';
import { accessSync, constants, existsSync } from 'node:fs';
import { isAbsolute, normalize } from 'node:path';
import { userInfo } from 'node:os';
import { ConfigError } from '@medkit/kit';
import { probeCgroups, type CgroupBackend, type CgroupProbe, type ExecutionLimits } from './cgroups.js';

type SandboxMode = 'auto' | 'strict' | 'off';
/** `host`: the gateway's network; `none`: an own network namespace with only a loopback. */
type SandboxNetwork = 'host' | 'none';

export interface SandboxSettings {
  mode: SandboxMode;
  /** Network of an execution (scripts.sandbox.network); `none` needs namespaces and is never given up. */
  network?: SandboxNetwork;
  /** Account executions run as when the gateway runs as root. */
  user: string;
  /** True when `user` was set explicitly (then it must exist: fail closed). */
  userExplicit: boolean;
  cpuSec: number;
  memoryMb: number;
  maxProcesses: number;
  maxFileMb: number;
  /** CPU share of one execution, in cores (cgroup). */
  cpuCores: number;
  /** Size of the execution's private /tmp (its HOME included). */
  diskMb: number;
  /** Absolute paths under /tmp the execution still sees, read-only, through its private /tmp. */
  visiblePaths?: string[];
}

/** A sandbox setting that cannot be honoured: start-up stops (fail closed). */
export class SandboxError extends ConfigError {
  override readonly code: string = 'script-sandbox-unavailable';
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
  /** The command line that runs `program args` inside the sandbox (`run`: see SandboxRun; needed unless off). */
  wrap(program: string, args: string[], run?: SandboxRun): { file: string; args: string[] };
  /** True when the command reports the script's own end on fd 3 (see EXEC_INIT). */
  reportsOnFd3: boolean;
  /** Per-execution cgroups, when the machine has them (cgroups.ts). */
  cgroups?: CgroupBackend;
  /** `v2`, `v1` or `unavailable: <why>`, for /health. */
  cgroupStatus: string;
  /**
   * True when each execution gets a private size-limited /tmp in its own mount namespace: the script is
   * then copied by the wrapper to EXEC_HOME (its HOME and working directory) and `wrap` needs `run.source`.
   */
  privateTmp: boolean;
}

/** What `wrap` needs of one execution beyond the command. */
interface SandboxRun {
  /** The stored script file, copied into the private working directory by the wrapper. */
  source: string;
  /** cgroup.procs files the wrapper joins before anything else runs. */
  procsFiles: string[];
}

/** HOME and working directory of an execution with a private /tmp (the same path in every execution's own tmpfs). */
export const EXEC_HOME = '/tmp/medkit-exec';

/**
 * Run in the execution's fresh namespaces as root, before the privilege drop:
 * `sh -c SETUP medkit-sandbox <disk MiB> <uid> <gid> <script> <ip> <n> <visible path × n> -- <command…>`. Brings
 * the loopback of an own network namespace up when `<ip>` (the path of iproute2's `ip`) is given. Mounts a
 * size-limited tmpfs on /tmp and the same on the other world-writable directories, makes the private working
 * directory owned by the execution's user, copies the script in (read through a descriptor opened before the
 * mount), binds the visible paths back read-only (reached through the working directory, which still is the
 * hidden /tmp; `mount -c` so the relative source is not turned into a /tmp path) and execs the command there.
 * Nothing of the
 * request is part of the text: every value arrives as an argument, and the tools are found on the system's
 * default PATH (`command -p`), not the script's. Exit 125 = the sandbox could not be set up.
 */
export const SANDBOX_SETUP = [
  'size=$1 uid=$2 gid=$3 src=$4 ip=$5 n=$6; shift 6',
  'if [ -n "$ip" ]; then "$ip" link set lo up || exit 125; fi',
  // Opened before the tmpfs hides it: the stored script may itself live under /tmp.
  'exec 9< "$src" || exit 125',
  'cd /tmp || exit 125',
  'command -p mount -t tmpfs -o "size=${size}m,mode=1777,nosuid,nodev" medkit-exec /tmp || exit 125',
  'while [ "$n" -gt 0 ]; do p=$1; r=./${p#/tmp/}; shift; n=$((n - 1))',
  '  if [ -d "$r" ]; then command -p mkdir -p "$p"; else command -p mkdir -p "${p%/*}" && : > "$p"; fi || exit 125',
  '  command -p mount -c --bind "$r" "$p" && command -p mount -c -o remount,bind,ro,nosuid,nodev "$p" || exit 125',
  'done',
  '[ "$1" = -- ] && shift',
  'for d in /var/tmp /dev/shm /run/lock; do if [ -d "$d" ]; then command -p mount --bind /tmp "$d" || exit 125; fi; done',
  `command -p mkdir -m 700 ${EXEC_HOME} && command -p cat <&9 > "${EXEC_HOME}/\${src##*/}" && exec 9<&- || exit 125`,
  `if [ -n "$uid" ]; then command -p chown -R "$uid:$gid" ${EXEC_HOME} || exit 125; fi`,
  `cd ${EXEC_HOME} && exec "$@"`,
].join('\n');

/** Directories the private /tmp covers besides /tmp itself (bound to the same tmpfs). */
const COVERED = ['/var/tmp', '/dev/shm', '/run/lock'];

/**
 * Checks `scripts.sandbox.visible_paths` (fail closed) and returns those the private /tmp would hide: absolute,
 * existing, under /tmp but not /tmp itself nor the execution's HOME. Paths outside /tmp are visible anyway.
 */
function visibleUnderTmp(paths: string[], probe: Pick<SandboxProbe, 'exists'>): string[] {
  const out: string[] = [];
  for (const raw of paths) {
    const bad = (why: string) => new SandboxError(`scripts.sandbox.visible_paths: '${raw.slice(0, 200)}' ${why}`);
    if (!isAbsolute(raw) || /[\0\n]/.test(raw)) throw bad('must be an absolute path');
    const p = normalize(raw).replace(/\/+$/, '') || '/';
    const under = (root: string) => p === root || p.startsWith(`${root}/`);
    if (p === '/tmp') throw bad('is /tmp itself, which would undo the private /tmp');
    if (under(EXEC_HOME)) throw bad(`lies in the execution's own HOME (${EXEC_HOME})`);
    const covered = COVERED.find(under);
    if (covered) throw bad(`lies under ${covered}; only paths under /tmp can be shown`);
    if (!probe.exists(p)) throw bad('does not exist');
    if (under('/tmp')) out.push(p);
  }
  return out;
}

/** `sh -c` text that writes its own pid to each of `n` cgroup.procs files given as arguments, then execs the rest. */
function joinCgroupsScript(n: number): string {
  // `$$` is read in the writer's PID namespace, which is how the kernel reads a pid written to cgroup.procs.
  const writes = Array.from({ length: n }, (_, i) => `echo $$ > "$${i + 1}"`).join(' && ');
  return `${writes} && shift ${n} && exec "$@" || exit 125`;
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
  /** Which per-execution cgroups work here (cgroups.ts). */
  cgroups(limits: ExecutionLimits): CgroupProbe;
  /** True when a path exists (visible paths are checked at start-up). */
  exists(path: string): boolean;
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
  cgroups: (limits) => probeCgroups(limits),
  exists: (path) => existsSync(path),
};

/** Decides the isolation once (start-up); throws SandboxError when a requirement cannot be honoured. */
export function planSandbox(s: SandboxSettings, probe: SandboxProbe = SYSTEM_PROBE): SandboxPlan {
  if (s.mode === 'off') {
    return { isolation: 'off', description: 'off (scripts.sandbox.mode=off): scripts run as the gateway user in a process group', wrap: (file, args) => ({ file, args }), reportsOnFd3: false, cgroupStatus: 'unavailable: sandbox off', privateTmp: false };
  }
  const unshare = probe.program('unshare');
  const setpriv = probe.program('setpriv');
  const prlimit = probe.program('prlimit');
  const missingTools = [!unshare && 'unshare', !setpriv && 'setpriv', !prlimit && 'prlimit'].filter(Boolean) as string[];
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

  const sh = probe.program('sh') ?? '/bin/sh';
  const ownNetwork = s.network === 'none';
  const ns = [unshare!, ...(root ? [] : ['--user', '--map-root-user']), '--mount', '--pid', '--ipc', '--uts', ...(ownNetwork ? ['--net'] : []), '--fork', '--kill-child', '--mount-proc', '--'];
  // Without iproute2 the loopback of an own network namespace stays down: still no network, only less of it.
  const ip = ownNetwork ? (probe.program('ip') ?? '') : '';
  const visible = visibleUnderTmp(s.visiblePaths ?? [], probe);
  const setup = (source: string, paths = visible) => [sh, '-c', SANDBOX_SETUP, 'medkit-sandbox', String(s.diskMb), runAs ? String(runAs.uid) : '', runAs ? String(runAs.gid) : '', source, ip, String(paths.length), ...paths, '--'];
  // The parent-death signal makes a process die with the gateway (a gateway killed with SIGKILL cannot stop
  // its executions). With namespaces the namespace's holder (unshare, the gateway's child) carries it and
  // takes the whole namespace along; without, only the script's leader can (setpriv sets it after the user
  // change, which would clear an earlier one) and cgroups.ts reclaims the rest at the next start.
  const holder = setpriv ? [setpriv, '--pdeathsig', 'KILL', '--'] : [];
  const dropFlags = runAs ? [`--reuid=${runAs.uid}`, `--regid=${runAs.gid}`, '--clear-groups', '--no-new-privs'] : ['--no-new-privs'];
  const drop = (leader: boolean) => (setpriv ? [setpriv, ...dropFlags, ...(leader ? ['--pdeathsig', 'KILL'] : []), '--'] : []);
  // The probe runs the whole set-up (namespaces, tmpfs, bind mounts, copy), so "works" means executions will.
  const trueProgram = probe.program('true') ?? '/bin/true';
  const nsWorks = missingTools.length === 0 && probe.runs([...holder, ...ns, ...setup(trueProgram, []), trueProgram]);
  // Asked-for paths that cannot be shown would break the scripts that need them: fail closed, not silently.
  if (nsWorks && visible.length > 0 && !probe.runs([...holder, ...ns, ...setup(trueProgram), trueProgram])) {
    throw new SandboxError(`scripts.sandbox.visible_paths cannot be honoured: binding ${visible.join(', ')} read-only into an execution's private /tmp failed`);
  }
  const cg = probe.cgroups({ memoryBytes: s.memoryMb * 1024 * 1024, maxProcesses: s.maxProcesses, cpuCores: s.cpuCores });
  const cgroups = 'backend' in cg ? cg.backend : undefined;
  // RLIMIT_NPROC counts every process of the user on the machine (other executions, a database running as
  // nobody): only a stand-in where the execution's own cgroup (pids.max) is missing. RLIMIT_AS likewise stands in
  // for the cgroup's memory limit only where there is none: it bounds address space, not memory, and runtimes
  // reserve far more than they use (Node.js 20 maps 0.7–0.9 GiB before it runs a line; with 1 GiB a Node.js script
  // died at random of "heap out of memory" or std::bad_alloc at a 20 MB heap, the demo's own script 4 times in 10).
  const perProcess = cgroups ? [] : [`--as=${s.memoryMb * 1024 * 1024}`, `--nproc=${s.maxProcesses}`];
  const limits = prlimit ? [prlimit, `--cpu=${s.cpuSec}`, ...perProcess, `--fsize=${s.maxFileMb * 1024 * 1024}`, '--'] : [];
  const noCgroups = 'unavailable' in cg ? cg.unavailable : undefined;
  const cgroupStatus = cgroups ? cgroups.kind : `unavailable: ${noCgroups}`;
  if (!cgroups && s.mode === 'strict') throw new SandboxError(`scripts.sandbox.mode=strict cannot be honoured: per-execution cgroups are ${cgroupStatus}`);
  const cgroupText = cgroups
    ? `cgroup ${cgroups.kind} per execution (memory ${s.memoryMb} MiB, ${s.maxProcesses} processes, ${s.cpuCores} CPU)`
    : `per-execution cgroup limits unavailable (${noCgroups}); only per-process limits apply`;
  const cgroupWarning = cgroups ? undefined : `script executions have no cgroup limits: ${noCgroups}; memory, processes and CPU are bounded per process only`;
  const joinCgroups = (run?: SandboxRun) => (run?.procsFiles.length ? [sh, '-c', joinCgroupsScript(run.procsFiles.length), 'medkit-cgroup', ...run.procsFiles] : []);
  const common = { ...(cgroups ? { cgroups } : {}), cgroupStatus };

  if (!nsWorks) {
    const why = missingTools.length ? `missing ${missingTools.join(', ')} (Debian package util-linux)` : root ? 'PID namespaces are not available here' : 'unprivileged user namespaces are disabled on this kernel';
    if (s.mode === 'strict') throw new SandboxError(`scripts.sandbox.mode=strict cannot be honoured: ${why}`);
    // Asked for explicitly: an execution on the gateway's network would be less than that (fail closed).
    if (ownNetwork) throw new SandboxError(`scripts.sandbox.network=none cannot be honoured: ${why}`);
    return {
      isolation: 'process-group',
      ...(runAs ? { runAs } : {}),
      ...common,
      privateTmp: false,
      description: `process group${runAs ? `, as ${runAs.user}` : ''}${limits.length ? ', per-process limits' : ''}, ${cgroupText}, shared /tmp, IPC and network (no namespaces: ${why})`,
      warning: [`script isolation is reduced: ${why}; children that leave the process group can outlive an execution, and executions share /tmp, System V IPC and the network`, cgroupWarning].filter(Boolean).join('; '),
      reportsOnFd3: false,
      wrap: (file, args, run) => {
        const argv = [...joinCgroups(run), ...drop(true), ...limits, file, ...args];
        return { file: argv[0], args: argv.slice(1) };
      },
    };
  }
  return {
    isolation: 'pid-namespace',
    ...(runAs ? { runAs } : {}),
    ...common,
    privateTmp: true,
    description: `PID, mount, IPC and UTS namespaces per execution, ${ownNetwork ? `own network namespace (loopback only${ip ? '' : ', down: no iproute2 ip'})` : "the host's network (scripts.sandbox.network=host)"}${runAs ? `, as ${runAs.user} (uid ${runAs.uid})` : ''}, no_new_privs, private /tmp and HOME of ${s.diskMb} MiB${visible.length ? ` (${visible.join(', ')} visible read-only)` : ''}, ${cgroupText}, per-process limits cpu ${s.cpuSec} s${cgroups ? '' : `, memory ${s.memoryMb} MiB, ${s.maxProcesses} processes`}, files ${s.maxFileMb} MiB`,
    ...(cgroupWarning ? { warning: cgroupWarning } : {}),
    reportsOnFd3: true,
    wrap: (file, args, run) => {
      if (!run) throw new Error('a sandboxed execution needs its script source (SandboxRun)');
      // The init stays outside the cgroup (and root inside the namespace: it only waits and forwards signals),
      // so the limits are the script's own: its child joins the cgroup, then drops privileges, then runs.
      const argv = [...holder, ...ns, ...setup(run.source), process.execPath, '-e', EXEC_INIT, ...joinCgroups(run), ...drop(false), ...limits, file, ...args];
      return { file: argv[0], args: argv.slice(1) };
    },
  };
}
