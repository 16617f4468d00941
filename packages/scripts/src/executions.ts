// Script executions (docs/scripts.md–15.7): the concurrency limit across all
// entities, progress and status, stop/kill, and a bounded in-memory history (lost on restart, as in
// the reference; the audit trail is what persists).
import { SovdError } from '@medkit/sovd';
import type { ScriptAudit } from './audit.js';
import type { ExecutionHandle } from './executor.js';
import { IdGenerator } from './ids.js';
import type { Actor, ScriptDefinition, ScriptExecution } from './model.js';
import { toResult } from './outcome.js';
import { validateParameters } from './parameters.js';
import type { ScriptRunner } from './runner.js';

export const EXECUTION_TYPES = ['now', 'on_restart', 'now_and_on_restart', 'once_on_restart'] as const;
export type ExecutionType = (typeof EXECUTION_TYPES)[number];

export interface StartRequest {
  execution_type: string;
  parameters?: Record<string, unknown>;
  proximity_response?: string;
}

interface Entry {
  view: ScriptExecution;
  entityId: string;
  scriptId: string;
  startedMs: number;
  handle?: ExecutionHandle;
  done?: Promise<void>;
}

export interface ExecutionLimits {
  maxConcurrent: number;
  maxHistory: number;
}

export class ExecutionManager {
  /** Insertion order = creation order, which is the eviction order. */
  private readonly entries = new Map<string, Entry>();
  private readonly ids = new IdGenerator('exec');
  private running = 0;

  constructor(
    private readonly runner: ScriptRunner,
    private readonly limits: ExecutionLimits,
    private readonly audit: ScriptAudit,
  ) {}

  get runningCount(): number {
    return this.running;
  }

  start(entityId: string, script: ScriptDefinition, req: StartRequest, actor: Actor): ScriptExecution {
    if (!(EXECUTION_TYPES as readonly string[]).includes(req.execution_type)) {
      throw new SovdError('invalid-parameter', `Unknown execution_type '${req.execution_type}'`, { parameter: 'execution_type', allowed_values: [...EXECUTION_TYPES] });
    }
    if (req.execution_type !== 'now') {
      throw new SovdError('invalid-parameter', `execution_type '${req.execution_type}' is not supported by the built-in script backend`, {
        parameter: 'execution_type',
        allowed_values: ['now'],
      });
    }
    if (this.running >= this.limits.maxConcurrent) {
      throw new SovdError('x-medkit-concurrency-limit', `At most ${this.limits.maxConcurrent} script executions may run at once`, {
        max_concurrent_executions: this.limits.maxConcurrent,
      });
    }
    validateParameters(script.parametersSchema, req.parameters ?? {});
    const id = this.ids.next();
    const startedMs = Date.now();
    const view: ScriptExecution = {
      id,
      status: 'running',
      progress: null,
      started_at: new Date(startedMs).toISOString(),
      completed_at: null,
      parameters: null,
      error: null,
      'x-medkit': {
        script_id: script.id,
        entity_id: entityId,
        progress_message: null,
        pid: null,
        duration_ms: null,
        stderr: '',
        stdout_truncated: false,
        stderr_truncated: false,
      },
    };
    const entry: Entry = { view, entityId, scriptId: script.id, startedMs };
    const handle = this.runner.launch(
      script,
      req.parameters,
      { executionId: id, extraEnv: { MEDKIT_ENTITY_ID: entityId } },
      {
        onProgress: (progress, message) => {
          if (view.status !== 'running') return;
          view.progress = progress;
          view['x-medkit'].progress_message = message;
        },
      },
    );
    entry.handle = handle;
    view['x-medkit'].pid = handle.pid;
    this.running++;
    this.entries.set(id, entry);
    this.audit.record({
      action: 'start',
      entity_id: entityId,
      script_id: script.id,
      execution_id: id,
      actor,
      parameters: req.parameters ?? null,
      status: 'running',
      exit_code: null,
      duration_ms: null,
      message: null,
    });
    entry.done = handle.done.then((outcome) => {
      this.running--;
      const result = toResult(outcome);
      const endMs = Date.now();
      view.status = result.status;
      view.parameters = result.parameters;
      view.error = result.error;
      if (result.status === 'completed' && view.progress !== null) view.progress = 100;
      view.completed_at = new Date(endMs).toISOString();
      view['x-medkit'].duration_ms = endMs - startedMs;
      view['x-medkit'].stderr = outcome.stderr;
      view['x-medkit'].stdout_truncated = outcome.stdoutTruncated;
      view['x-medkit'].stderr_truncated = outcome.stderrTruncated;
      entry.handle = undefined;
      this.audit.record({
        action: 'finish',
        entity_id: entityId,
        script_id: script.id,
        execution_id: id,
        actor: null,
        parameters: null,
        status: result.status,
        exit_code: outcome.exitCode,
        duration_ms: endMs - startedMs,
        message: result.error?.message ?? null,
      });
      this.evict();
    });
    return view;
  }

  /**
   * Lists an execution a previous gateway process started and never finished (it was killed or crashed) as
   * failed with `reason`, so GET on it says what became of it.
   */
  recordInterrupted(r: { id: string; entityId: string; scriptId: string; startedAt: string; reason: string }): ScriptExecution {
    const startedMs = Date.parse(r.startedAt);
    const view: ScriptExecution = {
      id: r.id,
      status: 'failed',
      progress: null,
      started_at: r.startedAt,
      completed_at: new Date().toISOString(),
      parameters: null,
      error: { message: r.reason },
      'x-medkit': { script_id: r.scriptId, entity_id: r.entityId, progress_message: null, pid: null, duration_ms: null, stderr: '', stdout_truncated: false, stderr_truncated: false },
    };
    this.entries.set(r.id, { view, entityId: r.entityId, scriptId: r.scriptId, startedMs: Number.isFinite(startedMs) ? startedMs : Date.now() });
    this.evict();
    return view;
  }

  /** Throws 404 unless the execution belongs to this entity and script. */
  get(entityId: string, scriptId: string, executionId: string): ScriptExecution {
    return this.entry(entityId, scriptId, executionId).view;
  }

  control(entityId: string, scriptId: string, executionId: string, action: 'stop' | 'forced_termination', actor: Actor): ScriptExecution {
    const e = this.entry(entityId, scriptId, executionId);
    if (e.view.status !== 'running' || !e.handle) {
      throw new SovdError('x-medkit-script-not-running', `Execution ${executionId} is not running (status ${e.view.status})`, { execution_id: executionId, status: e.view.status });
    }
    e.handle.stop(action === 'forced_termination');
    this.audit.record({ action, entity_id: entityId, script_id: scriptId, execution_id: executionId, actor, parameters: null, status: 'running', exit_code: null, duration_ms: null, message: null });
    return e.view;
  }

  remove(entityId: string, scriptId: string, executionId: string, actor: Actor): void {
    const e = this.entry(entityId, scriptId, executionId);
    if (e.view.status === 'running') {
      throw new SovdError('x-medkit-script-running', `Execution ${executionId} is still running`, { execution_id: executionId });
    }
    this.entries.delete(executionId);
    this.audit.record({ action: 'delete_execution', entity_id: entityId, script_id: scriptId, execution_id: executionId, actor, parameters: null, status: e.view.status, exit_code: null, duration_ms: null, message: null });
  }

  /** True while an execution of this script (on any entity) runs. */
  isRunning(scriptId: string): boolean {
    for (const e of this.entries.values()) if (e.scriptId === scriptId && e.view.status === 'running') return true;
    return false;
  }

  /** Waits for an execution to end (tests and shutdown). */
  async settled(executionId: string): Promise<void> {
    await this.entries.get(executionId)?.done;
  }

  /** Gateway shutdown: kill every running group and wait (bounded by the executor's grace). */
  async stopAll(): Promise<void> {
    const pending: Promise<void>[] = [];
    for (const e of this.entries.values()) {
      if (e.handle && e.view.status === 'running') {
        e.handle.stop(true);
        if (e.done) pending.push(e.done);
      }
    }
    await Promise.all(pending);
  }

  private entry(entityId: string, scriptId: string, executionId: string): Entry {
    const e = this.entries.get(executionId);
    if (!e || e.entityId !== entityId || e.scriptId !== scriptId) {
      throw new SovdError('resource-not-found', 'Execution not found', { execution_id: executionId, script_id: scriptId, entity_id: entityId });
    }
    return e;
  }

  private evict(): void {
    let finished = 0;
    for (const e of this.entries.values()) if (e.view.status !== 'running') finished++;
    for (const [id, e] of this.entries) {
      if (finished <= this.limits.maxHistory) break;
      if (e.view.status === 'running') continue;
      this.entries.delete(id);
      finished--;
    }
  }
}
