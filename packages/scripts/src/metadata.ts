// The optional `metadata` JSON of an upload (docs/scripts.md) and the manifest's script fields,
// checked once so a stored script always has a runnable definition.
import { SovdError } from '@medkit/sovd';
import { SCRIPT_FORMATS, type ScriptArg, type ScriptFormat } from './model.js';
import { compileParametersSchema } from './parameters.js';
import { isSafeId } from './ids.js';

/** Upload metadata after validation. */
interface UploadMetadata {
  /** The script id the uploader asks for (else the file stem, see ScriptsService.upload). */
  id?: string;
  name?: string;
  description?: string;
  format?: ScriptFormat;
  parametersSchema?: Record<string, unknown>;
  timeoutSec?: number;
  args: ScriptArg[];
  env: Record<string, string>;
}

/** Longest timeout a script may ask for (one day). */
const MAX_TIMEOUT_SEC = 86400;
const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f]/;

function bad(field: string, details: string): SovdError {
  return new SovdError('invalid-parameter', `Invalid script metadata: ${field}`, { parameter: field, details });
}

/** A timeout in seconds: a finite number in (0, 86400]. */
export function checkTimeout(value: unknown, field = 'timeout_sec'): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0 || value > MAX_TIMEOUT_SEC) {
    throw bad(field, `must be a number of seconds greater than 0 and at most ${MAX_TIMEOUT_SEC}`);
  }
  return value;
}

export function parseArgs(value: unknown): ScriptArg[] {
  if (value === undefined) return [];
  if (!Array.isArray(value)) throw bad('args', 'must be an array of {name, type, flag?}');
  return value.map((a, i) => {
    const o = a as Record<string, unknown>;
    if (!o || typeof o !== 'object' || typeof o.name !== 'string' || o.name.length === 0) throw bad(`args[${i}]`, 'needs a name');
    const type = o.type ?? 'positional';
    if (type !== 'positional' && type !== 'named' && type !== 'flag') throw bad(`args[${i}].type`, 'must be positional, named or flag');
    const arg: ScriptArg = { name: o.name, type };
    if (o.flag !== undefined) {
      if (typeof o.flag !== 'string' || o.flag.length === 0 || CONTROL.test(o.flag)) throw bad(`args[${i}].flag`, 'must be a non-empty string');
      arg.flag = o.flag;
    }
    return arg;
  });
}

/**
 * Variables an uploaded script's metadata may not set: they change how the interpreter, the dynamic
 * linker or the shell start (code injection into every program the script runs), or they are the
 * gateway's own. Shared with the runner, which drops them from scripts stored before this rule.
 */
export function forbiddenEnvName(name: string): boolean {
  return /^(LD_|DYLD_|GCONV_|MALLOC_|MEDKIT_)/.test(name) || FORBIDDEN_ENV.has(name);
}
const FORBIDDEN_ENV = new Set(['NODE_OPTIONS', 'NODE_PATH', 'BASH_ENV', 'ENV', 'SHELLOPTS', 'BASHOPTS', 'PS4', 'IFS', 'PATH', 'HOME', 'TMPDIR', 'PYTHONSTARTUP', 'PYTHONHOME', 'PYTHONPATH', 'PYTHONINSPECT', 'PERL5OPT', 'PERL5LIB', 'RUBYOPT', 'LOCPATH', 'NLSPATH', 'HOSTALIASES', 'RESOLV_HOST_CONF']);

function parseEnv(value: unknown): Record<string, string> {
  if (value === undefined) return {};
  if (!value || typeof value !== 'object' || Array.isArray(value)) throw bad('env', 'must be an object of string values');
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(value)) {
    if (!ENV_NAME.test(k)) throw bad('env', `'${k}' is not a valid environment variable name`);
    if (forbiddenEnvName(k)) throw bad('env', `'${k}' may not be set by a script (it changes how programs start, or is the gateway's own)`);
    if (typeof v !== 'string' || v.includes('\0')) throw bad(`env.${k}`, 'must be a string without NUL');
    env[k] = v;
  }
  return env;
}

/** What an env value is shown as wherever upload metadata is recorded (the values are often credentials). */
const HIDDEN_VALUE = '(hidden)';

/**
 * Upload metadata as it may be recorded (the audit trail): the same, with every `env` value replaced by
 * HIDDEN_VALUE. The names stay, so the trail still says which variables a script was given.
 */
export function withoutEnvValues(metadata: unknown): unknown {
  if (!metadata || typeof metadata !== 'object' || Array.isArray(metadata)) return metadata;
  const m = metadata as Record<string, unknown>;
  if (!m.env || typeof m.env !== 'object' || Array.isArray(m.env)) return m.env === undefined ? m : { ...m, env: HIDDEN_VALUE };
  return { ...m, env: Object.fromEntries(Object.keys(m.env).map((k) => [k, HIDDEN_VALUE])) };
}

/** Parses and checks the upload `metadata` field (absent → defaults). */
export function parseUploadMetadata(text: string | undefined): UploadMetadata {
  const out: UploadMetadata = { args: [], env: {} };
  if (text === undefined || text.trim() === '') return out;
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    throw new SovdError('invalid-request', 'metadata is not valid JSON', { details: (err as Error).message });
  }
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) throw new SovdError('invalid-request', 'metadata must be a JSON object');
  const m = raw as Record<string, unknown>;
  if (m.id !== undefined) {
    if (typeof m.id !== 'string' || !isSafeId(m.id)) throw bad('id', 'must be 1–256 characters of letters, digits, _ and -');
    out.id = m.id;
  }
  if (m.name !== undefined) {
    if (typeof m.name !== 'string' || m.name.trim() === '' || m.name.length > 256 || CONTROL.test(m.name)) {
      throw bad('name', 'must be 1–256 printable characters');
    }
    out.name = m.name;
  }
  if (m.description !== undefined) {
    if (typeof m.description !== 'string' || m.description.length > 4096) throw bad('description', 'must be a string of at most 4096 characters');
    out.description = m.description;
  }
  if (m.format !== undefined) {
    if (!SCRIPT_FORMATS.includes(m.format as ScriptFormat)) throw bad('format', `must be one of ${SCRIPT_FORMATS.join(', ')}`);
    out.format = m.format as ScriptFormat;
  }
  if (m.parameters_schema !== undefined) {
    if (!m.parameters_schema || typeof m.parameters_schema !== 'object' || Array.isArray(m.parameters_schema)) {
      throw bad('parameters_schema', 'must be a JSON Schema object');
    }
    compileParametersSchema(m.parameters_schema as Record<string, unknown>);
    out.parametersSchema = m.parameters_schema as Record<string, unknown>;
  }
  const timeout = m.timeout_sec ?? m.timeout;
  if (timeout !== undefined) out.timeoutSec = checkTimeout(timeout, m.timeout_sec !== undefined ? 'timeout_sec' : 'timeout');
  out.args = parseArgs(m.args);
  out.env = parseEnv(m.env);
  return out;
}
