// Configuration of the parameter beacon (docs/beacons.md): defaults, clamps and the configure-time
// auto-corrections, each reported so the plugin can log it.
import type { PluginConfig } from '@medkit/plugin-api';
import { num, text } from '../common/config.js';
import { readStoreConfig, type BeaconStoreConfig } from '../common/beacon-plugin.js';

export interface ParameterBeaconConfig extends BeaconStoreConfig {
  parameterPrefix: string;
  pollIntervalSec: number;
  pollBudgetSec: number;
  paramTimeoutSec: number;
  /** [OURS] nodes polled at once within the budget (docs/beacons.md: up to 4). */
  concurrency: number;
}

/** [OURS] at most this many nodes are polled at the same time. */
const MAX_CONCURRENT_POLLS = 4;

interface ParsedParameterBeaconConfig {
  config: ParameterBeaconConfig;
  /** What was changed or is suspicious, one sentence each (logged at configure). */
  corrections: string[];
}

export function readParameterBeaconConfig(raw: PluginConfig): ParsedParameterBeaconConfig {
  const corrections: string[] = [];
  const clamp = (key: string, v: number, min: number) => {
    if (v >= min) return v;
    corrections.push(`${key} ${v} is below ${min}: using ${min}`);
    return min;
  };
  const store = readStoreConfig(raw, 15);
  const pollIntervalSec = clamp('poll_interval_sec', num(raw, 'poll_interval_sec', 5), 0.1);
  const pollBudgetSec = clamp('poll_budget_sec', num(raw, 'poll_budget_sec', 10), 0.1);
  const paramTimeoutSec = clamp('param_timeout_sec', num(raw, 'param_timeout_sec', 2), 0.1);
  let ttlSec = clamp('beacon_ttl_sec', store.ttlSec, 0.1);
  let expirySec = clamp('beacon_expiry_sec', store.expirySec, 1);
  const maxHints = clamp('max_hints', Math.trunc(store.maxHints), 1);
  if (ttlSec <= pollIntervalSec) {
    corrections.push(`beacon_ttl_sec ${ttlSec} <= poll_interval_sec ${pollIntervalSec}: using ${3 * pollIntervalSec} (3 × poll interval), else every hint would read stale between polls`);
    ttlSec = 3 * pollIntervalSec;
  }
  if (expirySec <= ttlSec) {
    corrections.push(`beacon_expiry_sec ${expirySec} <= beacon_ttl_sec ${ttlSec}: using ${10 * ttlSec} (10 × ttl)`);
    expirySec = 10 * ttlSec;
  }
  if (pollBudgetSec <= paramTimeoutSec) corrections.push(`poll_budget_sec ${pollBudgetSec} <= param_timeout_sec ${paramTimeoutSec}: a single unresponsive node can use a whole cycle`);
  const prefix = text(raw, 'parameter_prefix', 'ros2_medkit.discovery').replace(/\.+$/, '');
  if (!prefix) throw new Error('parameter_prefix must not be empty');
  return {
    config: { ...store, ttlSec, expirySec, maxHints, parameterPrefix: prefix, pollIntervalSec, pollBudgetSec, paramTimeoutSec, concurrency: MAX_CONCURRENT_POLLS },
    corrections,
  };
}
