// The built-in UpdateProvider: a package is a pair of scripts. Its registration names them under
// `x-medkit`: `{prepare?: Step, execute: Step}` where a Step is `{path}` (a file under
// updates.packages_dir) or `{script_id}` (an uploaded or manifest script), with optional
// `parameters`, `timeout_sec` and `format`. Steps run through the scripts runner, so the progress
// lines of a script (`MEDKIT_PROGRESS <n> [msg]`) become the update's progress.
import { existsSync, readFileSync, realpathSync, statSync } from 'node:fs';
import { isAbsolute, relative, resolve, sep } from 'node:path';
import { SovdError } from '@medkit/sovd';
import { detectFormat } from '@medkit/scripts';
import { checkTimeout } from '@medkit/scripts';
import type { ScriptDefinition, ScriptFormat } from '@medkit/scripts';
import { SCRIPT_FORMATS } from '@medkit/scripts';
import { toResult } from '@medkit/scripts';
import { validateParameters } from '@medkit/scripts';
import type { ScriptRunner } from '@medkit/scripts';
import type { UpdateProvider, UpdateReporter } from './provider.js';

/** One step as written in the registration. */
export interface ScriptStep {
  path?: string;
  script_id?: string;
  parameters?: Record<string, unknown>;
  timeout_sec?: number;
  format?: ScriptFormat;
}

interface ScriptProviderDeps {
  runner: ScriptRunner;
  /** Absolute directory `path` steps are resolved in. */
  packagesDir: string;
  /** Finds an uploaded/manifest script by id (absent when the scripts feature is off). */
  findScript?: (id: string) => ScriptDefinition | undefined;
  stepTimeoutSec: number;
}

const STEPS = ['prepare', 'execute'] as const;
type StepName = (typeof STEPS)[number];

function bad(field: string, details: string): SovdError {
  return new SovdError('invalid-parameter', `Invalid update package: ${field}`, { parameter: field, details });
}

export class ScriptUpdateProvider implements UpdateProvider {
  readonly name = 'scripts';
  private runs = 0;

  constructor(private readonly deps: ScriptProviderDeps) {}

  validate(metadata: Record<string, unknown>): void {
    const x = metadata['x-medkit'];
    if (!x || typeof x !== 'object' || Array.isArray(x)) {
      throw new SovdError('invalid-request', "The script update provider needs 'x-medkit': {prepare?: step, execute: step}", { parameter: 'x-medkit' });
    }
    const steps = x as Record<string, unknown>;
    if (steps.execute === undefined) throw new SovdError('invalid-request', "Update package needs an 'x-medkit.execute' step", { parameter: 'x-medkit.execute' });
    for (const name of STEPS) if (steps[name] !== undefined) this.resolveStep(name, steps[name]);
  }

  supportsAutomated(): boolean {
    return true;
  }

  prepare(id: string, metadata: Record<string, unknown>, reporter: UpdateReporter, signal: AbortSignal): Promise<void> {
    return this.runStep(id, 'prepare', metadata, reporter, signal);
  }

  execute(id: string, metadata: Record<string, unknown>, reporter: UpdateReporter, signal: AbortSignal): Promise<void> {
    return this.runStep(id, 'execute', metadata, reporter, signal);
  }

  private async runStep(id: string, name: StepName, metadata: Record<string, unknown>, reporter: UpdateReporter, signal: AbortSignal): Promise<void> {
    const raw = (metadata['x-medkit'] as Record<string, unknown> | undefined)?.[name];
    if (raw === undefined) {
      reporter.progress(100);
      return; // nothing to prepare
    }
    // Resolved again at run time: the file or script may have changed since registration.
    const { script, step } = this.resolveStep(name, raw);
    const handle = this.deps.runner.launch(
      script,
      step.parameters,
      {
        executionId: `update_${id}_${name}_${this.runs++}`,
        extraEnv: { MEDKIT_UPDATE_ID: id, MEDKIT_UPDATE_PHASE: name },
        timeoutSec: step.timeout_sec ?? script.timeoutSec ?? this.deps.stepTimeoutSec,
      },
      { onProgress: (p, message) => reporter.progress(p, message) },
    );
    const onAbort = () => handle.stop(true);
    signal.addEventListener('abort', onAbort, { once: true });
    try {
      const result = toResult(await handle.done);
      if (result.status !== 'completed') throw new Error(`${name} script ${result.status}: ${result.error?.message ?? 'no details'}`);
    } finally {
      signal.removeEventListener('abort', onAbort);
    }
  }

  private resolveStep(name: StepName, raw: unknown): { script: ScriptDefinition; step: ScriptStep } {
    const field = `x-medkit.${name}`;
    if (!raw || typeof raw !== 'object' || Array.isArray(raw)) throw bad(field, 'must be an object with path or script_id');
    const step = raw as ScriptStep;
    if ((step.path === undefined) === (step.script_id === undefined)) throw bad(field, 'needs exactly one of path and script_id');
    if (step.parameters !== undefined && (!step.parameters || typeof step.parameters !== 'object' || Array.isArray(step.parameters))) {
      throw bad(`${field}.parameters`, 'must be an object');
    }
    if (step.timeout_sec !== undefined) checkTimeout(step.timeout_sec, `${field}.timeout_sec`);
    if (step.format !== undefined && !SCRIPT_FORMATS.includes(step.format)) throw bad(`${field}.format`, `must be one of ${SCRIPT_FORMATS.join(', ')}`);
    if (step.script_id !== undefined) {
      const script = typeof step.script_id === 'string' ? this.deps.findScript?.(step.script_id) : undefined;
      if (!script) throw bad(`${field}.script_id`, `no script '${String(step.script_id)}'${this.deps.findScript ? '' : ' (scripts are disabled)'}`);
      validateParameters(script.parametersSchema, step.parameters ?? {});
      return { script, step };
    }
    const file = this.packageFile(field, step.path);
    const format = step.format ?? detectFormat(file, readFileSync(file).subarray(0, 256));
    const script: ScriptDefinition = { id: `${name}`, name: `${name} step`, format, file, source: 'deployed', managed: true, proximityProofRequired: false, env: {}, args: [] };
    return { script, step };
  }

  /** A file inside packages_dir; anything that leaves it (.., absolute paths, symlinks out) is refused. */
  private packageFile(field: string, path: unknown): string {
    if (typeof path !== 'string' || path.length === 0 || path.includes('\0')) throw bad(`${field}.path`, 'must be a non-empty relative path');
    if (isAbsolute(path)) throw bad(`${field}.path`, 'must be relative to updates.packages_dir');
    const root = resolve(this.deps.packagesDir);
    const file = resolve(root, path);
    const inside = (p: string, r: string) => {
      const rel = relative(r, p);
      return rel !== '' && !rel.startsWith(`..${sep}`) && rel !== '..' && !isAbsolute(rel);
    };
    if (!inside(file, root)) throw bad(`${field}.path`, 'must stay inside updates.packages_dir');
    if (!existsSync(file) || !statSync(file).isFile()) throw bad(`${field}.path`, `no file '${path}' in updates.packages_dir`);
    if (!inside(realpathSync(file), realpathSync(root))) throw bad(`${field}.path`, 'must stay inside updates.packages_dir');
    return file;
  }
}
