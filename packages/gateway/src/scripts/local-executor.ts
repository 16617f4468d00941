// The built-in executor: the script runs under its interpreter as the leader of a new process group,
// so a timeout or a stop reaches everything it started (SIGTERM to -pgid, grace, then SIGKILL).
// When the leader exits, whatever it left behind in its group is terminated the same way.
import { spawn, type ChildProcess } from 'node:child_process';
import { dirname } from 'node:path';
import type { ExecutionCallbacks, ExecutionHandle, ExecutionOutcome, ExecutionRequest, ScriptExecutor } from './executor.js';
import { INTERPRETER } from './format.js';
import { CappedBuffer, ProgressFilter } from './output.js';

/** After the leader exited and the group was killed, stop waiting for stdio to close after this long. */
const STDIO_DRAIN_MS = 1000;

function signalGroup(pgid: number, signal: NodeJS.Signals | 0): boolean {
  try {
    process.kill(-pgid, signal);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** True while any process of the group exists. */
export function processGroupAlive(pgid: number): boolean {
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
  private resolve!: (o: ExecutionOutcome) => void;

  constructor(
    private readonly req: ExecutionRequest,
    cb: ExecutionCallbacks,
  ) {
    this.done = new Promise((r) => (this.resolve = r));
    const filter = new ProgressFilter((c) => this.stdout.push(c), (p, m) => cb.onProgress(p, m));
    this.child = spawn(INTERPRETER[req.script.format], [req.script.file, ...req.argv], {
      detached: true,
      cwd: dirname(req.script.file),
      env: req.env,
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    this.pid = this.child.pid ?? null;
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

  stop(force: boolean): void {
    if (this.finished || this.pid === null) return;
    this.stopped = true;
    signalGroup(this.pid, force ? 'SIGKILL' : 'SIGTERM');
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
    // Leftovers (background children) would keep stdout open and outlive the execution.
    if (this.pid !== null && processGroupAlive(this.pid)) this.terminateGroup();
    this.later(this.req.graceMs + STDIO_DRAIN_MS, () => {
      this.child.stdout?.destroy();
      this.child.stderr?.destroy();
      this.finish();
    });
  }

  private finish(): void {
    if (this.finished || !this.leaderGone) return;
    this.finished = true;
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

/** Runs scripts as local child processes (sh, bash, python3). */
export class LocalProcessExecutor implements ScriptExecutor {
  readonly name = 'local-process';

  start(request: ExecutionRequest, callbacks: ExecutionCallbacks): ExecutionHandle {
    return new LocalExecution(request, callbacks);
  }
}
