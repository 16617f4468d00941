// The built-in executor: the script runs under its interpreter, inside the sandbox the gateway
// planned at start-up (sandbox.ts), as the leader of a new process group, so a timeout or a stop
// reaches everything it started (SIGTERM to -pgid, grace, then SIGKILL); in a PID namespace the end
// of the script also ends every descendant. Each execution gets a private working directory (its HOME,
// owned by the sandbox user) holding a copy of the script: with namespaces, inside its own size-limited
// /tmp that no other execution can see (made by the wrapper, gone with the namespace); without, a fresh
// directory of the host's /tmp, removed afterwards. Where the machine has cgroups each execution also
// gets its own (memory, processes, CPU of the execution as a whole), removed when it is over.
import { spawn, type ChildProcess } from 'node:child_process';
import { chownSync, copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import type { ExecutionCallbacks, ExecutionHandle, ExecutionOutcome, ExecutionRequest, ScriptExecutor } from './executor.js';
import { INTERPRETER } from './format.js';
import { CappedBuffer, ProgressFilter } from './output.js';
import { EXEC_HOME, planSandbox, systemProgram, type SandboxPlan } from './sandbox.js';
import { removeWhenEmpty, type ExecutionCgroup } from './cgroups.js';
import { SovdError } from '@medkit/sovd';
import { signalProcess } from './processes.js';

/** After the leader exited and the group was killed, stop waiting for stdio to close after this long. */
const STDIO_DRAIN_MS = 1000;

/** Removes an execution's cgroup, retrying while the kernel is still reaping its processes. */
function removeCgroup(cg: ExecutionCgroup): void {
  removeWhenEmpty(() => cg.remove());
}

function signalGroup(pgid: number, signal: NodeJS.Signals | 0): boolean {
  return signalProcess(-pgid, signal);
}

/** True while any process of the group exists. */
function processGroupAlive(pgid: number): boolean {
  return signalGroup(pgid, 0);
}

class LocalExecution implements ExecutionHandle {
  readonly pid: number | null;
  readonly done: Promise<ExecutionOutcome>;
  private readonly child: ChildProcess;
  private readonly stdout = new CappedBuffer();
  private readonly stderr = new CappedBuffer();
  private readonly timers = new Set<NodeJS.Timeout>();
  private exitCode: number | null = null;
  private signal: string | null = null;
  private timedOut = false;
  private stopped = false;
  private leaderGone = false;
  private finished = false;
  private spawnError?: string;
  private initReport = '';
  private resolve!: (o: ExecutionOutcome) => void;

  private workDir: string | undefined;
  private readonly cgroup: ExecutionCgroup | undefined;

  constructor(
    private readonly req: ExecutionRequest,
    cb: ExecutionCallbacks,
    sandbox: SandboxPlan,
  ) {
    this.done = new Promise((r) => (this.resolve = r));
    const filter = new ProgressFilter((c) => this.stdout.push(c), (p, m) => cb.onProgress(p, m));
    // Sandboxed: a private copy in a private directory (the script's own directory may not be readable
    // by the sandbox user). Unsandboxed (update packages, mode off): in place, next to its files.
    const isolated = sandbox.isolation !== 'off';
    // Fail closed: an execution the machine can limit is never started without its limits.
    try {
      this.cgroup = isolated && sandbox.cgroups ? sandbox.cgroups.create(`medkit-exec-${process.pid}-${req.executionId}`) : undefined;
    } catch (err) {
      throw new SovdError('service-unavailable', "The execution's resource limits (cgroup) could not be set up; nothing was started", { details: (err as Error).message });
    }
    try {
      this.child = this.spawnScript(sandbox, isolated);
    } catch (err) {
      // Nothing started (spawn refused the command line, the work directory could not be made): the cgroup would
      // otherwise stay until a later gateway start sweeps it, the directory for good.
      if (this.cgroup) removeCgroup(this.cgroup);
      if (this.workDir) rmSync(this.workDir, { recursive: true, force: true });
      throw err;
    }
    this.pid = this.child.pid ?? null;
    // The sandbox's init reports how the script itself ended (the leader's status is the wrapper's).
    const report = sandbox.reportsOnFd3 ? (this.child.stdio[3] as NodeJS.ReadableStream | null) : null;
    report?.on('data', (c: Buffer) => (this.initReport += c.toString('utf8').slice(0, 1024)));
    report?.on('error', () => undefined);
    this.child.stdout!.on('data', (c: Buffer) => filter.push(c));
    this.child.stdout!.on('end', () => filter.end());
    this.child.stderr!.on('data', (c: Buffer) => this.stderr.push(c));
    // A script that never reads stdin closes it early: EPIPE is not an error of the execution.
    this.child.stdin!.on('error', () => undefined);
    this.child.stdin!.end(req.stdin ?? undefined);
    this.child.on('error', (err) => {
      this.spawnError = err.message;
      this.leaderGone = true;
      this.finish();
    });
    this.child.on('exit', (code, signal) => this.onLeaderExit(code, signal));
    this.child.on('close', () => this.finish());
    this.later(req.timeoutMs, () => {
      if (this.leaderGone) return;
      this.timedOut = true;
      this.terminateGroup();
    });
  }

  /** Makes the working directory (without a private /tmp), copies the script there and spawns the wrapped command. */
  private spawnScript(sandbox: SandboxPlan, isolated: boolean): ChildProcess {
    // With a private /tmp the wrapper makes the directory and copies the script in (sandbox.ts SANDBOX_SETUP).
    this.workDir = isolated && !sandbox.privateTmp ? privateWorkDir(sandbox) : undefined;
    const home = sandbox.privateTmp ? EXEC_HOME : this.workDir;
    const script = home ? join(home, basename(this.req.script.file)) : this.req.script.file;
    if (this.workDir) {
      try {
        copyFileSync(this.req.script.file, script);
        if (sandbox.runAs) chownSync(script, sandbox.runAs.uid, sandbox.runAs.gid);
      } catch {
        // The stored file vanished or is unreadable: the interpreter then reports the missing copy, so the
        // execution fails like any other (stderr, exit code) instead of the request failing with a 500.
      }
    }
    const interpreter = INTERPRETER[this.req.script.format];
    const { file, args } = sandbox.wrap(systemProgram(interpreter) ?? interpreter, [script, ...this.req.argv], { source: this.req.script.file, procsFiles: this.cgroup?.procsFiles ?? [] });
    return spawn(file, args, {
      detached: true,
      // With a private /tmp the wrapper changes into HOME once it exists (inside the namespace).
      cwd: this.workDir ?? (sandbox.privateTmp ? '/' : dirname(this.req.script.file)),
      env: home ? { ...this.req.env, HOME: home, TMPDIR: sandbox.privateTmp ? '/tmp' : home } : this.req.env,
      stdio: ['pipe', 'pipe', 'pipe', ...(sandbox.reportsOnFd3 ? (['pipe'] as const) : [])],
    });
  }

  /**
   * A stop is SIGTERM, then SIGKILL after the grace like a timeout: a script may ignore SIGTERM, and one that
   * arrives while the sandbox is still being set up finds no handler in the namespace's init and is lost.
   */
  stop(force: boolean): void {
    if (this.finished || this.pid === null) return;
    this.stopped = true;
    if (force) signalGroup(this.pid, 'SIGKILL');
    else this.terminateGroup();
  }

  private later(ms: number, fn: () => void): void {
    const t = setTimeout(() => {
      this.timers.delete(t);
      fn();
    }, ms);
    t.unref();
    this.timers.add(t);
  }

  /** SIGTERM the group now and SIGKILL whatever is left after the grace period. */
  private terminateGroup(): void {
    const pgid = this.pid;
    if (pgid === null) return;
    signalGroup(pgid, 'SIGTERM');
    this.later(this.req.graceMs, () => {
      if (processGroupAlive(pgid)) signalGroup(pgid, 'SIGKILL');
    });
  }

  private onLeaderExit(code: number | null, signal: NodeJS.Signals | null): void {
    this.leaderGone = true;
    this.exitCode = code;
    this.signal = signal;
    this.takeInitReport();
    // Leftovers (background children) would keep stdout open and outlive the execution.
    if (this.pid !== null && processGroupAlive(this.pid)) this.terminateGroup();
    this.later(this.req.graceMs + STDIO_DRAIN_MS, () => {
      this.child.stdout?.destroy();
      this.child.stderr?.destroy();
      this.finish();
    });
  }

  /** Replaces the wrapper's status with the script's own when the sandbox init reported it. */
  private takeInitReport(): void {
    if (!this.initReport) return;
    try {
      const r = JSON.parse(this.initReport) as { code?: number | null; signal?: string | null; error?: string };
      if (r.error !== undefined) this.spawnError = String(r.error).slice(0, 500);
      else {
        this.exitCode = typeof r.code === 'number' ? r.code : null;
        this.signal = typeof r.signal === 'string' ? r.signal : null;
      }
    } catch {
      // a partial report (the init was killed mid-write): keep the wrapper's status
    }
  }

  private finish(): void {
    if (this.finished || !this.leaderGone) return;
    this.takeInitReport();
    this.finished = true;
    if (this.workDir) rmSync(this.workDir, { recursive: true, force: true });
    // Said in the output, because a memory kill otherwise reads as a bare SIGKILL.
    if (this.cgroup?.oomKilled()) this.stderr.push(Buffer.from('\n[medkit] a process of this execution was killed: the execution reached its memory limit (scripts.limits.memory_mb)\n'));
    if (this.cgroup) removeCgroup(this.cgroup);
    // Keep the SIGKILL escalation timer if the group is still there; drop the rest.
    this.resolve({
      exitCode: this.exitCode,
      signal: this.signal,
      timedOut: this.timedOut,
      stopped: this.stopped,
      ...(this.spawnError ? { spawnError: this.spawnError } : {}),
      stdout: this.stdout.text(),
      stderr: this.stderr.text(),
      stdoutTruncated: this.stdout.truncated,
      stderrTruncated: this.stderr.truncated,
    });
  }
}

/** A fresh directory only the execution's user can enter. */
function privateWorkDir(sandbox: SandboxPlan): string {
  const dir = mkdtempSync(join(tmpdir(), 'medkit-exec-'));
  if (sandbox.runAs) chownSync(dir, sandbox.runAs.uid, sandbox.runAs.gid);
  return dir;
}

/** Runs scripts as local child processes (sh, bash, python3) inside a sandbox. */
export class LocalProcessExecutor implements ScriptExecutor {
  readonly name = 'local-process';

  /** `sandbox`: the plan decided at start-up; the default (for tests and embedders) is no sandbox. */
  constructor(readonly sandbox: SandboxPlan = planSandbox({ mode: 'off', user: '', userExplicit: false, cpuSec: 0, memoryMb: 0, maxProcesses: 0, maxFileMb: 0, cpuCores: 0, diskMb: 0 })) {}

  start(request: ExecutionRequest, callbacks: ExecutionCallbacks): ExecutionHandle {
    return new LocalExecution(request, callbacks, this.sandbox);
  }
}
