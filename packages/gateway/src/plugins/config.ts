// Plugin configuration (docs/plugins.md): `plugins: [name, ...]`, `plugins.<name>.path`, and every other
// `plugins.<name>.<key>` as that plugin's JSON config, dotted sub-keys nested.
import type { GatewayConfig } from '../config/index.js';
import { ConfigError } from '@medkit/kit';
import { nearestKey } from '@medkit/server';
import type { PluginConfig } from '@medkit/plugin-api';

/** One configured plugin. */
export interface PluginSettings {
  name: string;
  /** Module location (resolved against the working directory); absent for a built-in enabled by name. */
  path?: string;
  /** [ours] Deadline of one plugin call in ms (`plugins.<name>.call_timeout_ms`, default 5000, docs/plugins.md). */
  callTimeoutMs: number;
  config: PluginConfig;
  /** The plugin's own keys as set (`reconnect.initial_delay_ms`), for the check against what it declares. */
  keys: string[];
}

const NAME = /^[A-Za-z0-9_-]{1,256}$/;
export const DEFAULT_CALL_TIMEOUT_MS = 5000;

function listOf(raw: unknown): string[] {
  if (raw === undefined || raw === null || raw === '') return [];
  if (Array.isArray(raw)) return raw.map(String);
  return String(raw).split(',').map((s) => s.trim()).filter(Boolean);
}

/** Sets `value` at the dotted `key` of `into`, creating objects on the way. */
function setNested(into: Record<string, unknown>, key: string, value: unknown): void {
  const parts = key.split('.');
  let node = into;
  for (const p of parts.slice(0, -1)) {
    const next = node[p];
    if (next === null || typeof next !== 'object' || Array.isArray(next)) node[p] = {};
    node = node[p] as Record<string, unknown>;
  }
  node[parts[parts.length - 1]] = value;
}

/**
/**
 * The configured plugins in list order; throws ConfigError for a bad name, a duplicate or a missing path.
 * A name in `builtins` needs no path (the gateway ships its module, docs/plugins.md); a path given anyway wins.
 */
export function readPluginSettings(config: Pick<GatewayConfig, 'section'>, builtinNames: Iterable<string> = []): PluginSettings[] {
  const builtins = new Set(builtinNames);
  const raw = config.section('plugins');
  const names = listOf(raw.plugins);
  const seen = new Set<string>();
  return names.map((name) => {
    if (!NAME.test(name)) throw new ConfigError(`plugins: invalid plugin name '${name}' (1–256 characters of A-Z a-z 0-9 _ -)`);
    if (seen.has(name)) throw new ConfigError(`plugins: '${name}' is listed twice`);
    seen.add(name);
    const prefix = `plugins.${name}.`;
    const config: PluginConfig = {};
    const keys: string[] = [];
    let path: string | undefined;
    let callTimeoutMs = DEFAULT_CALL_TIMEOUT_MS;
    for (const [k, v] of Object.entries(raw)) {
      if (!k.startsWith(prefix)) continue;
      const key = k.slice(prefix.length);
      if (key === 'path') path = String(v);
      else if (key === 'call_timeout_ms') {
        // A number, or digits from an environment variable or flag; never a boolean (Number(true) is 1).
        const n = typeof v === 'number' || (typeof v === 'string' && /^\d+$/.test(v)) ? Number(v) : NaN;
        if (!Number.isInteger(n) || n < 1 || n > 600_000) throw new ConfigError(`plugins.${name}.call_timeout_ms must be an integer 1–600000, got '${String(v)}'`);
        callTimeoutMs = n;
      } else {
        setNested(config, key, v);
        keys.push(key);
      }
    }
    if (!path && !builtins.has(name)) throw new ConfigError(`plugins.${name}.path is required (the plugin's ES module)${builtins.size ? `; built-in plugins: ${[...builtins].join(', ')}` : ''}`);
    return { name, path, callTimeoutMs, config, keys };
  });
}

/** True when `key` is one of `declared`: named, or below a declared `prefix.*`. */
export function isDeclared(key: string, declared: readonly string[]): boolean {
  return declared.some((d) => (d.endsWith('.*') ? key === d.slice(0, -2) || key.startsWith(d.slice(0, -1)) : key === d));
}

/**
 * Checks a plugin's keys against the ones it declares (PluginModule.configKeys), as the loader checks the
 * gateway's own (config/unknown-keys.ts): throws ConfigError naming every undeclared key, with the declared
 * one it is spelt like. Answers a warning when the plugin declares nothing and keys are set.
 */
export function checkPluginKeys(s: PluginSettings, declared: readonly string[] | undefined): string | undefined {
  if (declared === undefined) {
    return s.keys.length > 0 ? `plugin '${s.name}' does not declare its configuration keys (PluginModule.configKeys): plugins.${s.name}.* are not checked, a misspelt one is ignored` : undefined;
  }
  const unknown = s.keys.filter((k) => !isDeclared(k, declared));
  if (unknown.length === 0) return undefined;
  const names = declared.map((d) => d.replace(/\.\*$/, ''));
  const described = unknown.map((k) => {
    const near = nearestKey(k, names);
    return `'plugins.${s.name}.${k}'${near ? ` (did you mean 'plugins.${s.name}.${near}'?)` : ''}`;
  });
  throw new ConfigError(`unknown configuration key ${described.join(', ')}: plugin '${s.name}' reads only ${declared.join(', ')}; refusing to start`);
}
