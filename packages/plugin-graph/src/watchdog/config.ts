// Configuration of the graph watchdog (docs/graph.md): `plugins.graph_watchdog.*`. An invalid value is a
// warning and keeps its default, except the keys read with `limit` (they bound when a fault raises or heals, so
// a silent default would change what the robot reports): those throw, naming the key, and the plugin does not
// start. Unknown keys and unknown detector ids are warnings.

import { bool, int, limit, mode, obj, P, strings, unknownKeys, type DetectorMode, type Warn } from './config-fields.js';
import { readLatency, readTfStale, readValue, type LatencyConfig, type TfStaleConfig, type ValueConfig } from './config-topics.js';

export type { DetectorMode } from './config-fields.js';
const DETECTOR_IDS = ['qos_mismatch', 'orphan', 'param_drift', 'lifecycle_expectation', 'node_death', 'tf_stale', 'latency_budget', 'value'] as const;
type DetectorId = (typeof DETECTOR_IDS)[number];

export interface WatchdogConfig {
  tickIntervalMs: number;
  warmupCycles: number;
  pruneGrace: number;
  /** [ours] Bounds of one tick's topology. */
  maxTopics: number;
  maxEndpointsPerTopic: number;
  maxNodes: number;
  /** [ours] Topic subscriptions of the topic detectors at most, and the largest message they read. */
  maxSubscriptions: number;
  maxMessageBytes: number;
  detectors: {
    qos_mismatch: { mode: DetectorMode; grace: number; allowlist: string[] };
    orphan: { mode: DetectorMode; grace: number; maxEditDistance: number; namespaceEditDistance: number; allowlist: string[] };
    param_drift: { mode: DetectorMode; baseline: boolean; expect: Record<string, unknown>; ignore: string[]; maxReadsPerTick: number; pruneGrace: number };
    lifecycle_expectation: { mode: DetectorMode; requireActive: string[]; grace: number; pruneGrace: number; trackedNodeCap: number; maxReadsPerTick: number };
    node_death: { mode: DetectorMode; missGrace: number; pruneGrace: number };
    tf_stale: TfStaleConfig;
    latency_budget: LatencyConfig;
    value: ValueConfig;
  };
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


const TOP_KEYS = ['tick_interval_ms', 'warmup_cycles', 'prune_grace', 'max_topics', 'max_endpoints_per_topic', 'max_nodes', 'max_subscriptions', 'max_message_bytes'];
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
    maxSubscriptions: limit(raw, 'max_subscriptions', 64, 1, 4096, P),
    maxMessageBytes: limit(raw, 'max_message_bytes', 1 << 20, 1024, 64 << 20, P),
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
      tf_stale: readTfStale(d('tf_stale'), w('tf_stale'), warn),
      latency_budget: readLatency(d('latency_budget'), w('latency_budget'), warn),
      value: readValue(d('value'), w('value'), warn),
    },
  };
}
