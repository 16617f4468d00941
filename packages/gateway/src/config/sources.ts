// Reads configuration sources into flat maps of dotted keys. Later sources win:
// defaults < YAML file < MEDKIT_* environment < command-line flags.
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';

export type FlatConfig = Record<string, unknown>;

/** Thrown when a source cannot be read at all (missing file, YAML syntax error). */
export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}

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
 * Reads a YAML config file: a plain map, or a ROS parameter file
 * (`<node>: { ros__parameters: {...} }`, as the reference gateway's `ros2_medkit_gateway` file).
 */
export function readYamlConfig(file: string): FlatConfig {
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
  if (doc === null || doc === undefined) return {};
  if (typeof doc !== 'object' || Array.isArray(doc)) throw new ConfigError(`config file '${file}' must be a YAML map`);
  const map = doc as Record<string, unknown>;
  // A ROS parameter file has one top-level node name whose value holds `ros__parameters`.
  const rosNode = Object.values(map).find(
    (v): v is Record<string, unknown> => v !== null && typeof v === 'object' && 'ros__parameters' in (v as object),
  );
  const params = rosNode ? (rosNode.ros__parameters as Record<string, unknown>) : map;
  return flatten(params ?? {});
}

/** MEDKIT_<KEY> with dots as underscores, upper case, e.g. MEDKIT_SERVER_PORT; plus a few short aliases. */
export function readEnvConfig(env: NodeJS.ProcessEnv, knownKeys: readonly string[]): FlatConfig {
  const out: FlatConfig = {};
  // ROS's own variables first, so the medkit-specific ones below can override them.
  if (env.ROS_DOMAIN_ID !== undefined && env.ROS_DOMAIN_ID !== '') out['ros.domain_id'] = env.ROS_DOMAIN_ID;
  if (env.ROS_LOCALHOST_ONLY === '1' || env.ROS_AUTOMATIC_DISCOVERY_RANGE === 'LOCALHOST') out['ros.localhost_only'] = true;
  if (env.ROS_STATIC_PEERS) out['ros.initial_peers'] = env.ROS_STATIC_PEERS;
  const aliases: Record<string, string> = {
    MEDKIT_HOST: 'server.host',
    MEDKIT_PORT: 'server.port',
    MEDKIT_DATA_DIR: 'data_dir',
    MEDKIT_MANIFEST: 'discovery.manifest_path',
    MEDKIT_DOMAIN: 'ros.domain_id',
    MEDKIT_LOG_LEVEL: 'logging.level',
  };
  const byEnvName = new Map(knownKeys.map((k) => [`MEDKIT_${k.replace(/\./g, '_').toUpperCase()}`, k]));
  for (const [name, value] of Object.entries(env)) {
    if (!name.startsWith('MEDKIT_') || value === undefined) continue;
    const key = aliases[name] ?? byEnvName.get(name);
    if (key) out[key] = value;
  }
  return out;
}
