// Configuration of the graph watchdog (docs/graph.md): `plugins.graph_watchdog.*`. An invalid value is a
// warning and keeps its default, except the keys read with `limit` (they bound when a fault raises or heals, so
// a silent default would change what the robot reports): those throw, naming the key, and the plugin does not
// start. Unknown keys and unknown detector ids are warnings.

export type DetectorMode = 'raise' | 'advisory' | 'off';
export const DETECTOR_IDS = ['qos_mismatch', 'orphan', 'param_drift', 'lifecycle_expectation', 'node_death'] as const;
export type DetectorId = (typeof DETECTOR_IDS)[number];

export interface WatchdogConfig {
  tickIntervalMs: number;
  warmupCycles: number;
  pruneGrace: number;
  /** [ours] Bounds of one tick's topology. */
  maxTopics: number;
  maxEndpointsPerTopic: number;
  maxNodes: number;
  detectors: {
    qos_mismatch: { mode: DetectorMode; grace: number; allowlist: string[] };
    orphan: { mode: DetectorMode; grace: number; maxEditDistance: number; namespaceEditDistance: number; allowlist: string[] };
    param_drift: { mode: DetectorMode; baseline: boolean; expect: Record<string, unknown>; ignore: string[]; maxReadsPerTick: number; pruneGrace: number };
    lifecycle_expectation: { mode: DetectorMode; requireActive: string[]; grace: number; pruneGrace: number; trackedNodeCap: number; maxReadsPerTick: number };
    node_death: { mode: DetectorMode; missGrace: number; pruneGrace: number };
  };
}

type Warn = (m: string) => void;
const P = 'plugins.graph_watchdog.';

/** Reads an integer in [min, max]; numbers or digit strings (environment overrides). */
function int(raw: Record<string, unknown>, key: string, def: number, min: number, max: number, where: string, warn: Warn): number {
  if (!(key in raw)) return def;
  const v = raw[key];
  const n = typeof v === 'number' || (typeof v === 'string' && /^-?\d+$/.test(v.trim())) ? Number(v) : NaN;
  if (Number.isInteger(n) && n >= min && n <= max) return n;
  warn(`${where}${key}: '${String(v)}' is not an integer ${min}–${max}, using ${def}`);
  return def;
}

/** Like {@link int}, but an invalid value refuses the configuration instead of falling back. */
function limit(raw: Record<string, unknown>, key: string, def: number, min: number, max: number, where: string): number {
  return int(raw, key, def, min, max, where, (m) => {
    throw new Error(m.replace(/, using .*$/, ''));
  });
}

function bool(raw: Record<string, unknown>, key: string, def: boolean, where: string, warn: Warn): boolean {
  if (!(key in raw)) return def;
  const v = raw[key];
  if (v === true || v === 'true' || v === 'yes') return true;
  if (v === false || v === 'false' || v === 'no') return false;
  warn(`${where}${key}: '${String(v)}' is not a boolean, using ${def}`);
  return def;
}

/** A list of strings: a YAML list, or comma-separated text (environment overrides). */
function strings(raw: Record<string, unknown>, key: string, where: string, warn: Warn): string[] {
  if (!(key in raw)) return [];
  const v = raw[key];
  if (Array.isArray(v)) return v.map(String).slice(0, 1024);
  if (typeof v === 'string') return v.split(',').map((s) => s.trim()).filter(Boolean).slice(0, 1024);
  warn(`${where}${key}: must be a list of strings, ignored`);
  return [];
}

function mode(raw: Record<string, unknown>, where: string, warn: Warn): DetectorMode {
  const v = raw.mode;
  if (v === undefined || v === 'raise' || v === true || v === 'true' || v === 'yes') return 'raise';
  if (v === 'advisory') return 'advisory';
  if (v === 'off' || v === false || v === 'false' || v === 'no') return 'off';
  warn(`${where}mode: '${String(v)}' is not raise, advisory or off, using raise`);
  return 'raise';
}

function obj(v: unknown): Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
}

/** `expect` nests dotted parameter names (`a.b: 1` → `{a: {b: 1}}`); flatten back to `a.b`. */
function flatten(o: Record<string, unknown>, prefix = '', out: Record<string, unknown> = {}, depth = 0): Record<string, unknown> {
  for (const [k, v] of Object.entries(o)) {
    const name = prefix ? `${prefix}.${k}` : k;
    if (depth < 16 && v !== null && typeof v === 'object' && !Array.isArray(v)) flatten(v as Record<string, unknown>, name, out, depth + 1);
    else out[name] = v;
  }
  return out;
}

function unknownKeys(raw: Record<string, unknown>, known: string[], where: string, warn: Warn): void {
  for (const k of Object.keys(raw)) if (!known.includes(k)) warn(`${where}${k}: unknown key, ignored`);
}

const TOP_KEYS = ['tick_interval_ms', 'warmup_cycles', 'prune_grace', 'max_topics', 'max_endpoints_per_topic', 'max_nodes'];
/** The plugin's configuration keys (PluginModule.configKeys); each detector's own keys are checked here. */
export const WATCHDOG_KEYS: readonly string[] = [...TOP_KEYS, 'detectors.*'];

export function readWatchdogConfig(raw: Record<string, unknown>, warn: Warn): WatchdogConfig {
  unknownKeys(raw, [...TOP_KEYS, 'detectors'], P, warn);
  const pruneGrace = int(raw, 'prune_grace', 60, 0, 3600, P, warn);
  const dets = obj(raw.detectors);
  for (const id of Object.keys(dets)) if (!(DETECTOR_IDS as readonly string[]).includes(id)) warn(`${P}detectors.${id}: unknown detector, ignored`);
  const d = (id: DetectorId) => {
    const v = dets[id];
    // `detectors.orphan: false` is a mode by itself.
    return typeof v === 'boolean' || typeof v === 'string' ? { mode: v } : obj(v);
  };
  const q = d('qos_mismatch');
  const o = d('orphan');
  const p = d('param_drift');
  const l = d('lifecycle_expectation');
  const nd = d('node_death');
  const w = (id: string) => `${P}detectors.${id}.`;
  unknownKeys(q, ['mode', 'grace', 'allowlist'], w('qos_mismatch'), warn);
  unknownKeys(o, ['mode', 'grace', 'max_edit_distance', 'namespace_edit_distance', 'allowlist'], w('orphan'), warn);
  unknownKeys(p, ['mode', 'baseline', 'expect', 'ignore', 'max_reads_per_tick', 'prune_grace'], w('param_drift'), warn);
  unknownKeys(l, ['mode', 'require_active', 'grace', 'prune_grace', 'tracked_node_cap', 'max_reads_per_tick'], w('lifecycle_expectation'), warn);
  unknownKeys(nd, ['mode', 'miss_grace', 'prune_grace'], w('node_death'), warn);
  return {
    tickIntervalMs: int(raw, 'tick_interval_ms', 1000, 10, 3_600_000, P, warn),
    warmupCycles: int(raw, 'warmup_cycles', 5, 0, 10_000, P, warn),
    pruneGrace,
    maxTopics: int(raw, 'max_topics', 2048, 1, 100_000, P, warn),
    maxEndpointsPerTopic: int(raw, 'max_endpoints_per_topic', 64, 1, 10_000, P, warn),
    maxNodes: int(raw, 'max_nodes', 2048, 1, 100_000, P, warn),
    detectors: {
      qos_mismatch: { mode: mode(q, w('qos_mismatch'), warn), grace: int(q, 'grace', 3, 0, 10_000, w('qos_mismatch'), warn), allowlist: strings(q, 'allowlist', w('qos_mismatch'), warn) },
      orphan: {
        mode: mode(o, w('orphan'), warn),
        grace: int(o, 'grace', 10, 0, 10_000, w('orphan'), warn),
        maxEditDistance: int(o, 'max_edit_distance', 1, 1, 8, w('orphan'), warn),
        namespaceEditDistance: int(o, 'namespace_edit_distance', 0, 0, 8, w('orphan'), warn),
        allowlist: strings(o, 'allowlist', w('orphan'), warn),
      },
      param_drift: {
        mode: mode(p, w('param_drift'), warn),
        baseline: bool(p, 'baseline', true, w('param_drift'), warn),
        expect: flatten(obj(p.expect)),
        ignore: strings(p, 'ignore', w('param_drift'), warn),
        maxReadsPerTick: int(p, 'max_reads_per_tick', 8, 1, 100_000, w('param_drift'), warn),
        pruneGrace: int(p, 'prune_grace', pruneGrace, 0, 3600, w('param_drift'), warn),
      },
      lifecycle_expectation: {
        mode: mode(l, w('lifecycle_expectation'), warn),
        requireActive: strings(l, 'require_active', w('lifecycle_expectation'), warn),
        grace: int(l, 'grace', 5, 0, 300, w('lifecycle_expectation'), warn),
        pruneGrace: int(l, 'prune_grace', pruneGrace, 0, 3600, w('lifecycle_expectation'), warn),
        trackedNodeCap: int(l, 'tracked_node_cap', 512, 1, 16384, w('lifecycle_expectation'), warn),
        maxReadsPerTick: int(l, 'max_reads_per_tick', 16, 1, 16384, w('lifecycle_expectation'), warn),
      },
      node_death: {
        mode: mode(nd, w('node_death'), warn),
        missGrace: limit(nd, 'miss_grace', 2, 0, 3600, w('node_death')),
        pruneGrace: limit(nd, 'prune_grace', pruneGrace, 0, 3600, w('node_death')),
      },
    },
  };
}
