// The domain types of diagnostic scripts (docs/scripts.md): script definitions,
// executions and their statuses. No HTTP here.

export type ScriptFormat = 'bash' | 'python' | 'sh';
export const SCRIPT_FORMATS: readonly ScriptFormat[] = ['bash', 'python', 'sh'];

/** How one parameter becomes command-line arguments (docs/scripts.md). */
export interface ScriptArg {
  name: string;
  type: 'positional' | 'named' | 'flag';
  /** `named` and `flag`: the option text (default `--<name>`). */
  flag?: string;
}

/** Where a script comes from: an upload, a directory found in scripts_dir, or the manifest. */
type ScriptSource = 'upload' | 'deployed' | 'manifest';

/** Everything needed to list and run one script. */
export interface ScriptDefinition {
  id: string;
  name: string;
  description?: string;
  format: ScriptFormat;
  /** Absolute path of the script file. */
  file: string;
  source: ScriptSource;
  /** Manifest (or plugin) scripts cannot be deleted. */
  managed: boolean;
  proximityProofRequired: boolean;
  /** Per-script timeout; the configured default applies when absent. */
  timeoutSec?: number;
  env: Record<string, string>;
  args: ScriptArg[];
  parametersSchema?: Record<string, unknown>;
  /** Owning entity id for uploaded/deployed scripts. */
  entityId?: string;
  /** Manifest scripts: `components/*`-style globs deciding which entities list them (empty = all). */
  entityFilter?: string[];
  /** ISO timestamp of the upload. */
  createdAt?: string;
}

/** The entity a route addresses. */
export interface EntityRef {
  segment: 'apps' | 'components';
  id: string;
}

export type { ExecutionError, ExecutionStatus, ScriptExecution } from './rest-schemas.js';

/** Who asked for something (for the audit trail). */
export interface Actor {
  clientId: string | null;
  subject: string | null;
  role: string | null;
  remoteIp: string | null;
}

export interface ManifestScriptArg {
  name: string;
  type: 'positional' | 'named' | 'flag';
  flag?: string;
}

/** A script declared by the manifest (run by the scripts feature; `managed`, so not deletable). */
export interface ManifestScript {
  id: string;
  name: string;
  description?: string;
  path: string;
  format: 'bash' | 'python' | 'sh';
  timeout_sec: number;
  entity_filter: string[];
  env: Record<string, string>;
  args: ManifestScriptArg[];
  parameters_schema?: unknown;
  managed: true;
}
