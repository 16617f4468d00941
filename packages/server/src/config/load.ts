// Builds the effective configuration from all sources and reports every adjusted key.
import type { ConfigReader, KeySpec, ValueOf } from '@medkit/kit';
import { SERVER_CORE_KEYS, type ServerKeyName, type ServerValues } from './keys.js';
import { readConfigFile, readEnvConfig, type EnvironmentProfile, type FlatConfig } from './sources.js';
import { ConfigError, shownConfigValue } from '@medkit/kit';
import { judgeUnknownKey, type UnknownKeyVerdict } from './unknown-keys.js';
import { coerce, type Adjustment } from './validate.js';

export interface LoadOptions {
  /** YAML file (plain map or ROS parameter file). */
  configFile?: string;
  /** More YAML files after `configFile`, later ones win (e.g. the gateway's file, then the fault manager's). */
  configFiles?: string[];
  env?: NodeJS.ProcessEnv;
  /** Command-line overrides, already mapped to dotted keys. */
  flags?: FlatConfig;
  /** Extra key tables contributed by features (faults, triggers, ...). */
  extraKeys?: Record<string, KeySpec>;
}

/** What a server built on the core adds to loading: its own core keys and rules (the robot gateway's ROS keys). */
export interface ConfigProfile {
  /** Key tables beside the server core's (SERVER_CORE_KEYS). */
  coreKeys?: Record<string, KeySpec>;
  /** Keys read as a whole by their feature rather than declared one by one (not reported as unknown). */
  structured?: (key: string) => boolean;
  /** Variables besides MEDKIT_<KEY> (the robot's ROS variables) and short aliases. */
  environment?: EnvironmentProfile;
  /** Derived defaults and cross-key checks after coercion; `merged` holds every key a source set. */
  finish?: (values: Record<string, unknown>, merged: FlatConfig) => void;
}

/** Where an explicitly set key came from. */
export type ConfigOrigin =
  | { source: 'file'; file: string; /** The key as the file wrote it (`fault_manager.confirmation_threshold`). */ written: string }
  | { source: 'environment' }
  | { source: 'command line' };

/** The effective configuration: typed values of known keys plus every raw key any source set. */
export class ServerConfig implements ConfigReader {
  constructor(
    private readonly values: Record<string, unknown>,
    /** Every key any source set (after flattening), for structured settings such as peer lists. */
    readonly raw: FlatConfig,
    /** Unknown keys that were ignored; printed at start-up (a refused value stops loading instead). */
    readonly adjustments: Adjustment[],
    /** Which keys were set explicitly (not defaults). */
    readonly explicit: ReadonlySet<string>,
    /** Where each explicitly set key came from (the last source that set it). */
    readonly origins: ReadonlyMap<string, ConfigOrigin> = new Map(),
  ) {}

  /** A server core key (server.*, auth.*, cors.*, ...). */
  get<K extends ServerKeyName>(key: K): ServerValues[K] {
    return this.values[key] as ServerValues[K];
  }

  /**
   * The value of `key` as its table declares it: the key must be in `table` and the result has the type of
   * its spec, so a misspelt key or a wrong type does not compile.
   */
  read<T extends Record<string, KeySpec>, K extends keyof T & string>(table: T, key: K): ValueOf<T[K]> {
    return this.values[key] as ValueOf<T[K]>;
  }

  /** The effective value of any key, untyped: for code that walks key tables (tests, dumps); features use `read`. */
  effective(key: string): unknown {
    return this.values[key];
  }

  /** Raw values under `prefix.` (e.g. `aggregation.peers`), for settings that are not scalar keys. */
  section(prefix: string): FlatConfig {
    const out: FlatConfig = {};
    for (const [k, v] of Object.entries(this.raw)) if (k === prefix || k.startsWith(`${prefix}.`)) out[k] = v;
    return out;
  }
}

/** Loads the configuration; throws ConfigError when a value is invalid, a key is refused or a source is unreadable. */
export function loadServerConfig(opts: LoadOptions = {}, profile: ConfigProfile = {}): ServerConfig {
  const keys: Record<string, KeySpec> = { ...SERVER_CORE_KEYS, ...(profile.coreKeys ?? {}), ...(opts.extraKeys ?? {}) };
  const isStructured = (key: string) => profile.structured?.(key) ?? false;
  const origins = new Map<string, ConfigOrigin>();
  const merged: FlatConfig = {};
  const values: Record<string, unknown> = {};
  const adjustments: Adjustment[] = [];
  for (const [key, spec] of Object.entries(keys)) values[key] = spec.default;
  // Every source's values are checked, not only the one that wins: a bad value in a file is an error even
  // when a flag overrides it, so the file does not go on carrying it to the next start.
  const take = (source: FlatConfig, origin: (key: string) => ConfigOrigin) => {
    for (const [key, raw] of Object.entries(source)) {
      merged[key] = raw;
      origins.set(key, origin(key));
      const spec = keys[key];
      if (!spec) continue;
      if ((raw === null || raw === undefined || raw === '') && spec.type !== 'string') {
        values[key] = spec.default; // a key present with no value means "not set"
        continue;
      }
      const { value, adjustment } = coerce(key, spec, raw, sourceSuffix(origins.get(key)));
      values[key] = value;
      if (adjustment) adjustments.push(adjustment);
    }
  };
  for (const file of [...(opts.configFile ? [opts.configFile] : []), ...(opts.configFiles ?? [])]) {
    const { values: fromFile, written } = readConfigFile(file, opts.env ?? process.env);
    take(fromFile, (k) => ({ source: 'file', file, written: written[k] ?? k }));
  }
  take(readEnvConfig(opts.env ?? process.env, Object.keys(keys), profile.environment), () => ({ source: 'environment' }));
  take(opts.flags ?? {}, () => ({ source: 'command line' }));
  for (const [key, raw] of Object.entries(merged)) {
    // Structured settings (lists of maps, per-layer policies, plugins) are read and checked by their reader.
    if (keys[key] || isStructured(key)) continue;
    const verdict = judgeUnknownKey(key, keys);
    adjustments.push({ key, value: raw, action: verdict.refuse ? 'refused' : 'unknown', message: unknownKeyMessage(key, origins.get(key), verdict) });
  }
  const refused = adjustments.filter((a) => a.action === 'refused');
  if (refused.length > 0) throw new ConfigError(refused.map((a) => a.message).join('\n'));
  profile.finish?.(values, merged);
  // The built-in origins (any port on localhost) would let every local web page act with a user's token:
  // once auth is on, CORS is off until origins are listed explicitly.
  if (values['auth.enabled'] && !('cors.allowed_origins' in merged)) values['cors.allowed_origins'] = [];
  // An entry that is not an origin never matches a browser's Origin header: refuse it rather than let the UI fail silently.
  const notOrigins = (values['cors.allowed_origins'] as string[]).filter((o) => o !== '*' && !/^[a-z][a-z0-9+.-]*:\/\/[^/\s?#]+$/i.test(o));
  if (notOrigins.length > 0) {
    throw new ConfigError(`cors.allowed_origins entries must be origins (scheme://host[:port], port may be *), without a path: ${notOrigins.map((o) => `'${o}'`).join(', ')}`);
  }
  if (values['cors.allow_credentials'] && (values['cors.allowed_origins'] as string[]).includes('*')) {
    throw new ConfigError("cors.allowed_origins contains '*' while cors.allow_credentials is true; list explicit origins instead");
  }
  return new ServerConfig(values, merged, adjustments, new Set(Object.keys(merged)), origins);
}

/** Names an unsupported key as its source wrote it, so a migrating user finds it in their file. */
function unknownKeyMessage(key: string, origin: ConfigOrigin | undefined, verdict: UnknownKeyVerdict): string {
  const near = verdict.near ? ` (did you mean '${verdict.near}'?)` : '';
  if (verdict.refuse) {
    const as = origin?.source === 'file' && origin.written !== key ? ` (written '${origin.written}')` : '';
    return `unknown configuration key '${key}'${as}${sourceSuffix(origin)}${near}: ${verdict.why}; refusing to start`;
  }
  if (origin?.source === 'file') {
    const as = origin.written !== key ? ` (medkit key '${key}')` : '';
    return `configuration key '${origin.written}'${as} in ${origin.file} is not supported by medkit; ignored${near}`;
  }
  return `unknown configuration key '${key}'${origin ? ` (${origin.source})` : ''} ignored${near}`;
}

function sourceSuffix(origin: ConfigOrigin | undefined): string {
  if (!origin) return '';
  return origin.source === 'file' ? ` in ${origin.file}` : ` (${origin.source})`;
}

/** Start-up lines naming where each explicitly set key came from, grouped by source in load order. */
export function describeConfigOrigins(config: ServerConfig): string[] {
  const groups = new Map<string, string[]>();
  for (const [key, origin] of config.origins) {
    const title = origin.source === 'file' ? origin.file : origin.source;
    const shown = shownConfigValue(key, config.raw[key]);
    const line = origin.source === 'file' && origin.written !== key ? `${key} = ${shown}  (as ${origin.written})` : `${key} = ${shown}`;
    groups.set(title, [...(groups.get(title) ?? []), line]);
  }
  return [...groups].flatMap(([title, lines]) => [`settings from ${title}:`, ...lines.map((l) => `  ${l}`)]);
}
