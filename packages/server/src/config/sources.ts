// Reads configuration sources into flat maps of dotted keys. Later sources win:
// defaults < YAML file < MEDKIT_* environment < command-line flags.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { parse } from 'yaml';
import { ConfigError } from '@medkit/kit';

export type FlatConfig = Record<string, unknown>;


/** Flattens nested maps into dotted keys; arrays and scalars are leaves. Dotted keys in the input stay as they are. */
export function flatten(obj: Record<string, unknown>, prefix = '', out: FlatConfig = {}): FlatConfig {
  for (const [k, v] of Object.entries(obj)) {
    const key = prefix ? `${prefix}.${k}` : k;
    if (v !== null && typeof v === 'object' && !Array.isArray(v)) flatten(v as Record<string, unknown>, key, out);
    else out[key] = v;
  }
  return out;
}

/**
 * ROS parameter files of the reference stack name their node; the settings of nodes other than the
 * gateway go under a medkit key prefix. The reference fault manager (`fault_manager:`, also
 * `/fault_manager` or `<ns>/fault_manager`) is the gateway's own fault manager here: its
 * `confirmation_threshold` is medkit's `faults.confirmation_threshold`, and so on.
 */
export const ROS_NODE_KEY_PREFIX: Readonly<Record<string, string>> = { fault_manager: 'faults.' };

/** A config file's settings: dotted medkit keys, and each key as the file wrote it (for messages). */
export interface ConfigFileValues {
  values: FlatConfig;
  /** medkit key → the key as written in the file, e.g. `fault_manager.snapshots.enabled`. */
  written: Record<string, string>;
}

function isMap(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/** The node name's last path segment (`/robot1/fault_manager` → `fault_manager`). */
function nodeBaseName(node: string): string {
  return node.split('/').filter((s) => s !== '').at(-1) ?? node;
}

/**
 * Reads a YAML config file: a plain map, or a ROS parameter file with one or more nodes
 * (`<node>: { ros__parameters: {...} }`): the reference gateway's `ros2_medkit_gateway` (and any
 * other node, e.g. `/**`) as gateway keys, the reference fault manager's `fault_manager` under
 * `faults.` (ROS_NODE_KEY_PREFIX). Nested and dotted keys are both accepted.
 */
/**
 * Launch substitutions in a string of a config file (the reference's 0.7.0 reads its parameter files with
 * them): `$(env NAME)` and `$(env NAME default)`, `$(optenv NAME [default])`, `$(find-pkg-share pkg)` and
 * `$(find-pkg-prefix pkg)` through AMENT_PREFIX_PATH, `$(dirname)` (the file's directory). Anything else, an
 * unset `$(env NAME)` or a package not found stops start-up, naming the file, as ros2 launch does.
 */
export function expandSubstitutions(text: string, file: string, env: NodeJS.ProcessEnv): string {
  // Innermost first, so a default may itself be a substitution: `$(optenv A $(env B))`.
  for (let pass = 0; pass < 8; pass++) {
    const next = expandInnermost(text, file, env);
    if (next === text) return next;
    text = next;
  }
  return text;
}

function expandInnermost(text: string, file: string, env: NodeJS.ProcessEnv): string {
  return text.replace(/\$\(([^()]*)\)/g, (whole, inner: string) => {
    const [name, ...args] = inner.trim().split(/\s+/);
    const fail = (why: string) => {
      throw new ConfigError(`config file '${file}': cannot substitute ${whole}: ${why}`);
    };
    switch (name) {
      case 'env':
      case 'optenv': {
        if (!args[0]) return fail('no variable named');
        const v = env[args[0]];
        if (v !== undefined) return v;
        if (args.length > 1) return args.slice(1).join(' ');
        return name === 'optenv' ? '' : fail(`environment variable ${args[0]} is not set`);
      }
      case 'find-pkg-share':
      case 'find-pkg-prefix': {
        if (!args[0]) return fail('no package named');
        for (const prefix of (env.AMENT_PREFIX_PATH ?? '').split(':').filter(Boolean)) {
          if (existsSync(join(prefix, 'share', args[0]))) return name === 'find-pkg-share' ? join(prefix, 'share', args[0]) : prefix;
        }
        return fail(`package ${args[0]} is not in AMENT_PREFIX_PATH`);
      }
      case 'dirname':
        return dirname(resolve(file));
      default:
        return fail(`medkit expands env, optenv, find-pkg-share, find-pkg-prefix and dirname only`);
    }
  });
}

function substituteAll(v: unknown, file: string, env: NodeJS.ProcessEnv): unknown {
  if (typeof v === 'string') return v.includes('$(') ? expandSubstitutions(v, file, env) : v;
  if (Array.isArray(v)) return v.map((x) => substituteAll(x, file, env));
  if (isMap(v)) return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, substituteAll(x, file, env)]));
  return v;
}

export function readConfigFile(file: string, env: NodeJS.ProcessEnv = process.env): ConfigFileValues {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new ConfigError(`cannot read config file '${file}': ${(err as NodeJS.ErrnoException).code ?? err}`);
  }
  let doc: unknown;
  try {
    doc = parse(text);
  } catch (err) {
    throw new ConfigError(`config file '${file}' is not valid YAML: ${(err as Error).message}`);
  }
  if (doc === null || doc === undefined) return { values: {}, written: {} };
  if (!isMap(doc)) throw new ConfigError(`config file '${file}' must be a YAML map`);
  doc = substituteAll(doc, file, env);
  if (!isMap(doc)) throw new ConfigError(`config file '${file}' must be a YAML map`);
  const nodes = Object.entries(doc).filter((e): e is [string, Record<string, unknown>] => isMap(e[1]) && 'ros__parameters' in e[1]);
  if (nodes.length === 0) {
    const values = flatten(doc);
    return { values, written: Object.fromEntries(Object.keys(values).map((k) => [k, k])) };
  }
  const out: ConfigFileValues = { values: {}, written: {} };
  for (const [node, body] of nodes) {
    const params = isMap(body.ros__parameters) ? body.ros__parameters : {};
    const prefix = ROS_NODE_KEY_PREFIX[nodeBaseName(node)] ?? '';
    for (const [k, v] of Object.entries(flatten(params))) {
      out.values[`${prefix}${k}`] = v;
      out.written[`${prefix}${k}`] = prefix ? `${node}.${k}` : k;
    }
  }
  return out;
}

/** What a server built on the core reads from the environment besides MEDKIT_<KEY> (the robot's ROS variables). */
export interface EnvironmentProfile {
  /** Settings from other variables (ROS_DOMAIN_ID, ...), read first so MEDKIT_* ones override them. */
  read?(env: NodeJS.ProcessEnv): FlatConfig;
  /** Short variable names for keys, e.g. MEDKIT_DOMAIN → ros.domain_id. */
  aliases?: Readonly<Record<string, string>>;
}

/** MEDKIT_<KEY> with dots as underscores, upper case, e.g. MEDKIT_SERVER_PORT; plus a few short aliases. */
export function readEnvConfig(env: NodeJS.ProcessEnv, knownKeys: readonly string[], profile: EnvironmentProfile = {}): FlatConfig {
  const out: FlatConfig = { ...(profile.read?.(env) ?? {}) };
  const aliases: Record<string, string> = {
    MEDKIT_HOST: 'server.host',
    MEDKIT_PORT: 'server.port',
    MEDKIT_DATA_DIR: 'data_dir',
    MEDKIT_LOG_LEVEL: 'logging.level',
    // [ours] docs/security.md: secrets come from the environment (MEDKIT_AUTH_CLIENTS maps by name).
    MEDKIT_JWT_SECRET: 'auth.jwt_secret',
    ...profile.aliases,
  };
  const byEnvName = new Map(knownKeys.map((k) => [`MEDKIT_${k.replace(/\./g, '_').toUpperCase()}`, k]));
  for (const [name, value] of Object.entries(env)) {
    if (!name.startsWith('MEDKIT_') || value === undefined) continue;
    const key = aliases[name] ?? byEnvName.get(name);
    if (key) out[key] = value;
  }
  return out;
}
