// The seam between the execution bookkeeping (limits, history, audit, HTTP) and whatever actually
// runs a script. The built-in LocalProcessExecutor spawns a child process; a plugin could run
// scripts in a container or on another host by implementing ScriptExecutor.
import type { ScriptDefinition } from './model.js';

/** Everything an executor needs to run one script once. */
export interface ExecutionRequest {
  executionId: string;
  script: ScriptDefinition;
  /** Command-line arguments after the script path. */
  argv: string[];
  /** Bytes written to stdin (then closed); absent → stdin closed at once. */
  stdin?: Buffer;
  /** Complete environment of the process (the caller decides what is inherited). */
  env: Record<string, string>;
  timeoutMs: number;
  /** SIGTERM → SIGKILL grace period. */
  graceMs: number;
}

/** What happened, in executor terms; `outcome.ts` turns it into a SOVD execution status. */
export interface ExecutionOutcome {
  /** Exit code when the process exited by itself. */
  exitCode: number | null;
  /** Signal name when it was killed (e.g. `SIGTERM`). */
  signal: string | null;
  timedOut: boolean;
  /** Set when stop() was called before the process ended. */
  stopped: boolean;
  /** Could not be started at all (interpreter missing, ...). */
  spawnError?: string;
  stdout: string;
  stderr: string;
  stdoutTruncated: boolean;
  stderrTruncated: boolean;
}

export interface ExecutionCallbacks {
  /** A progress report from the script (0–100) with an optional message. */
  onProgress(progress: number, message: string | null): void;
}

/** A running execution. */
export interface ExecutionHandle {
  /** Process (group) id when there is one. */
  readonly pid: number | null;
  /**
   * To the whole process group: `force` false = SIGTERM, then SIGKILL after the grace (stop); true = SIGKILL at
   * once (forced_termination).
   */
  stop(force: boolean): void;
  /** Settles when the execution is over and its output complete; never rejects. */
  readonly done: Promise<ExecutionOutcome>;
}

export interface ScriptExecutor {
  readonly name: string;
  start(request: ExecutionRequest, callbacks: ExecutionCallbacks): ExecutionHandle;
}
