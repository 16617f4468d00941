// Configuration of the graph provider (docs/graph.md): `plugins.graph_provider.*`, validated field by field.
// An invalid value is a warning and keeps the default (globally) or what the function had resolved (override).

/** The thresholds one Function's graph is judged by. */
export interface GraphThresholds {
  expectedFrequencyHz: number;
  degradedFrequencyRatio: number;
  dropRatePercentThreshold: number;
  freshnessFloorSec: number;
  freshnessHeadroomFactor: number;
  staleGraceSec: number;
  multiPublisherRate: 'annotate' | 'suppress';
}

export interface GraphProviderConfig {
  global: GraphThresholds;
  /** Function id → its resolved thresholds (only functions with overrides). */
  overrides: Map<string, GraphThresholds>;
}

export const GRAPH_DEFAULTS: GraphThresholds = {
  expectedFrequencyHz: 30,
  degradedFrequencyRatio: 0.5,
  dropRatePercentThreshold: 5,
  freshnessFloorSec: 5,
  freshnessHeadroomFactor: 3,
  staleGraceSec: 2,
  multiPublisherRate: 'annotate',
};

type Rule = (v: unknown) => unknown;
const positive: Rule = (v) => (typeof v === 'number' || (typeof v === 'string' && v.trim() !== '') ? (Number(v) > 0 && Number.isFinite(Number(v)) ? Number(v) : undefined) : undefined);
const nonNegative: Rule = (v) => (typeof v === 'number' || (typeof v === 'string' && v.trim() !== '') ? (Number(v) >= 0 && Number.isFinite(Number(v)) ? Number(v) : undefined) : undefined);
const rateMode: Rule = (v) => (v === 'annotate' || v === 'suppress' ? v : undefined);

/** Config key (global form) → field and rule. The override form names the expected frequency `expected_frequency_hz`. */
const FIELDS: [key: string, overrideKey: string, field: keyof GraphThresholds, rule: Rule][] = [
  ['expected_frequency_hz_default', 'expected_frequency_hz', 'expectedFrequencyHz', positive],
  ['degraded_frequency_ratio', 'degraded_frequency_ratio', 'degradedFrequencyRatio', positive],
  ['drop_rate_percent_threshold', 'drop_rate_percent_threshold', 'dropRatePercentThreshold', nonNegative],
  ['freshness_floor_sec', 'freshness_floor_sec', 'freshnessFloorSec', positive],
  ['freshness_headroom_factor', 'freshness_headroom_factor', 'freshnessHeadroomFactor', positive],
  ['stale_grace_sec', 'stale_grace_sec', 'staleGraceSec', nonNegative],
  ['multi_publisher_rate', 'multi_publisher_rate', 'multiPublisherRate', rateMode],
];

function apply(base: GraphThresholds, raw: Record<string, unknown>, form: 'global' | 'override', where: string, warn: (m: string) => void): GraphThresholds {
  const out = { ...base };
  const known = new Set<string>();
  for (const [gKey, oKey, field, rule] of FIELDS) {
    const key = form === 'global' ? gKey : oKey;
    known.add(key);
    if (!(key in raw)) continue;
    const v = rule(raw[key]);
    if (v === undefined) warn(`${where}${key}: invalid value '${String(raw[key])}', keeping ${String(base[field])}`);
    else (out as Record<string, unknown>)[field] = v;
  }
  for (const k of Object.keys(raw)) if (!known.has(k) && !(form === 'global' && k === 'function_overrides')) warn(`${where}${k}: unknown key, ignored`);
  return out;
}

/** The plugin's configuration keys (PluginModule.configKeys): the thresholds and the per-function overrides. */
export const GRAPH_PROVIDER_KEYS: readonly string[] = [...FIELDS.map(([key]) => key), 'function_overrides.*'];

/** Reads the plugin's JSON config; every problem is passed to `warn` and replaced by the default. */
export function readGraphProviderConfig(raw: Record<string, unknown>, warn: (m: string) => void): GraphProviderConfig {
  const global = apply(GRAPH_DEFAULTS, raw, 'global', 'plugins.graph_provider.', warn);
  const overrides = new Map<string, GraphThresholds>();
  const fo = raw.function_overrides;
  if (fo !== undefined && (fo === null || typeof fo !== 'object' || Array.isArray(fo))) warn('plugins.graph_provider.function_overrides: must be a map of function id → fields, ignored');
  else if (fo) {
    for (const [fid, fields] of Object.entries(fo as Record<string, unknown>)) {
      if (fields === null || typeof fields !== 'object' || Array.isArray(fields)) {
        warn(`plugins.graph_provider.function_overrides.${fid}: must be a map of fields, ignored`);
        continue;
      }
      overrides.set(fid, apply(global, fields as Record<string, unknown>, 'override', `plugins.graph_provider.function_overrides.${fid}.`, warn));
    }
  }
  return { global, overrides };
}

/** The thresholds of one function: its override, else the global values. */
export function thresholdsFor(cfg: GraphProviderConfig, functionId: string): GraphThresholds {
  return cfg.overrides.get(functionId) ?? cfg.global;
}
