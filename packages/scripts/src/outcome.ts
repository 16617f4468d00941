// Executor outcome → SOVD execution result (docs/scripts.md): exit 0 → completed; non-zero →
// failed; signal, stop or timeout → terminated. Whatever the outcome, `parameters` is the captured
// stdout as JSON (or {stdout}), so a failed run shows what it printed like a successful one.
import { constants } from 'node:os';
import type { ExecutionOutcome } from './executor.js';
import type { ExecutionError, ExecutionStatus } from './model.js';

interface ExecutionResult {
  status: Extract<ExecutionStatus, 'completed' | 'failed' | 'terminated'>;
  parameters: Record<string, unknown> | null;
  error: ExecutionError | null;
}

/** stdout as a JSON object when it is one, else `{stdout}` (docs/migrating.md item 10). */
export function parseResult(stdout: string): Record<string, unknown> {
  const trimmed = stdout.trim();
  if (trimmed.startsWith('{')) {
    try {
      const value: unknown = JSON.parse(trimmed);
      if (value && typeof value === 'object' && !Array.isArray(value)) return value as Record<string, unknown>;
    } catch {
      // not JSON: fall through
    }
  }
  return { stdout };
}

function signalNumber(name: string): number | string {
  return (constants.signals as Record<string, number>)[name] ?? name;
}

export function toResult(o: ExecutionOutcome): ExecutionResult {
  if (o.spawnError) return { status: 'failed', parameters: null, error: { message: `Script could not be started: ${o.spawnError}` } };
  const parameters = parseResult(o.stdout);
  if (o.timedOut) return { status: 'terminated', parameters, error: { message: 'Script execution timed out' } };
  if (o.signal) return { status: 'terminated', parameters, error: { message: `Script killed by signal ${signalNumber(o.signal)}` } };
  if (o.exitCode === 0) return { status: 'completed', parameters, error: null };
  const code = o.exitCode ?? -1;
  const stderr = o.stderr.trim();
  // A stop request that the script handled by exiting non-zero is still a termination.
  const status = o.stopped ? 'terminated' : 'failed';
  return { status, parameters, error: { message: stderr ? stderr.slice(0, 500) : `Script exited with code ${code}`, exit_code: code } };
}
