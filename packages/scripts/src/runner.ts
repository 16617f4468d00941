// Turns (script, parameters) into an executor request: parameter passing, the environment policy,
// the timeout. Shared by script executions and update packages so both run scripts the same way.
import type { ExecutionCallbacks, ExecutionHandle, ScriptExecutor } from './executor.js';
import { parameterPassing } from './argv.js';
import { forbiddenEnvName } from './metadata.js';
import type { ScriptDefinition } from './model.js';

/** A stored script's env minus what uploads may no longer set (scripts stored before the rule). */
function withoutForbidden(env: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(env).filter(([k]) => !forbiddenEnvName(k)));
}

interface RunnerSettings {
  defaultTimeoutSec: number;
  killGraceMs: number;
  /** Names of gateway environment variables a script inherits. */
  envPassthrough: string[];
}

export class ScriptRunner {
  private readonly baseEnv: Record<string, string> = {};

  constructor(
    readonly executor: ScriptExecutor,
    private readonly settings: RunnerSettings,
    gatewayEnv: NodeJS.ProcessEnv = process.env,
  ) {
    for (const name of settings.envPassthrough) {
      const v = gatewayEnv[name];
      if (v !== undefined) this.baseEnv[name] = v;
    }
  }

  timeoutSecOf(script: ScriptDefinition, override?: number): number {
    return override ?? script.timeoutSec ?? this.settings.defaultTimeoutSec;
  }

  /**
   * Starts one run. Throws SovdError for parameters that cannot be passed (stdin over 64 KiB);
   * schema validation is the caller's job (it decides which error to send).
   */
  launch(
    script: ScriptDefinition,
    parameters: Record<string, unknown> | undefined,
    opts: { executionId: string; extraEnv?: Record<string, string>; timeoutSec?: number },
    callbacks: ExecutionCallbacks,
  ): ExecutionHandle {
    const { argv, stdin } = parameterPassing(script.args, parameters);
    const env: Record<string, string> = {
      ...this.baseEnv,
      // Python buffers stdout in blocks when it is a pipe; progress lines must arrive as printed.
      PYTHONUNBUFFERED: '1',
      ...withoutForbidden(script.env),
      MEDKIT_SCRIPT_ID: script.id,
      MEDKIT_EXECUTION_ID: opts.executionId,
      ...opts.extraEnv,
    };
    return this.executor.start(
      {
        executionId: opts.executionId,
        script,
        argv,
        ...(stdin ? { stdin } : {}),
        env,
        timeoutMs: Math.round(this.timeoutSecOf(script, opts.timeoutSec) * 1000),
        graceMs: this.settings.killGraceMs,
      },
      callbacks,
    );
  }
}
