// Debounce (docs/faults.md): config sanitisation, per-entity thresholds by longest prefix, the clamp and
// the single status function shared by both storage backends.
import { parse as parseYaml } from 'yaml';
import type { FaultStatus } from './model.js';
import type { FaultLogger } from './log.js';
import { silentLogger } from './log.js';

/** Resolved thresholds for one report (docs/faults.md). Invariant after sanitising: confirmation < 0 <= healing. */
export interface DebounceConfig {
  confirmation_threshold: number;
  healing_enabled: boolean;
  healing_threshold: number;
}

/** Per-entity override: any subset of the thresholds (docs/faults.md). */
export type DebounceOverride = Partial<DebounceConfig>;

/** Applies the load-time normalisation of docs/faults.md; every change is logged as a warning. */
export function sanitizeDebounce(cfg: DebounceConfig, log: FaultLogger = silentLogger, where = 'global'): DebounceConfig {
  let c = Math.trunc(Number(cfg.confirmation_threshold));
  let h = Math.trunc(Number(cfg.healing_threshold));
  if (!Number.isFinite(c)) { log.warn(`${where}: confirmation_threshold is not a number; using -1`); c = -1; }
  if (!Number.isFinite(h)) { log.warn(`${where}: healing_threshold is not a number; using 3`); h = 3; }
  if (c > 0) { log.warn(`${where}: confirmation_threshold ${c} > 0 is negated to ${-c}`); c = -c; }
  if (h < 0) { log.warn(`${where}: healing_threshold ${h} < 0 is negated to ${-h}`); h = -h; }
  if (c >= 0) { log.warn(`${where}: confirmation_threshold 0 behaves as -1 (confirm on first FAILED)`); c = -1; }
  if (h < 0) h = 3;
  return { confirmation_threshold: c, healing_enabled: Boolean(cfg.healing_enabled), healing_threshold: h };
}

/** Keeps a counter inside `[confirmation_threshold, healing_threshold]` (docs/faults.md). */
export function clampCounter(counter: number, cfg: DebounceConfig): number {
  return Math.min(Math.max(counter, cfg.confirmation_threshold), cfg.healing_threshold);
}

/** The status function (docs/faults.md) — the only place statuses are derived from counters. */
export function statusFn(counter: number, current: FaultStatus | '', cfg: DebounceConfig): FaultStatus {
  if (counter <= cfg.confirmation_threshold) return 'CONFIRMED';
  if (cfg.healing_enabled && counter >= cfg.healing_threshold) return 'HEALED';
  if (current === 'CONFIRMED' || current === 'HEALED') return current;
  if (counter < 0) return 'PREFAILED';
  if (counter > 0) return 'PREPASSED';
  // counter == 0 keeps the status; a fresh record at 0 cannot happen (new records start at −1).
  return current === '' ? 'PREFAILED' : current;
}

/**
 * Resolves thresholds per reporting source by longest path-boundary prefix (docs/faults.md). Overrides are merged
 * with the global config and sanitised once at construction.
 */
export class ThresholdResolver {
  private readonly entries: { prefix: string; cfg: DebounceConfig }[];
  readonly global: DebounceConfig;

  constructor(global: DebounceConfig, overrides: Record<string, DebounceOverride> = {}, log: FaultLogger = silentLogger) {
    this.global = sanitizeDebounce(global, log);
    this.entries = Object.entries(overrides)
      .map(([prefix, o]) => ({ prefix, cfg: sanitizeDebounce({ ...this.global, ...o }, log, `entity_thresholds[${prefix}]`) }))
      // Longest prefix first, so the first match is the winner.
      .sort((a, b) => b.prefix.length - a.prefix.length);
  }

  /** The config for a report from `sourceId`; always sanitised. */
  resolve(sourceId: string): DebounceConfig {
    for (const e of this.entries) {
      if (sourceId === e.prefix || sourceId.startsWith(e.prefix.endsWith('/') ? e.prefix : `${e.prefix}/`)) return e.cfg;
    }
    return this.global;
  }

  get overrideCount(): number {
    return this.entries.length;
  }
}

/**
 * Parses the entity-thresholds YAML (docs/faults.md): a map of entity prefix → {confirmation_threshold?,
 * healing_enabled?, healing_threshold?}. Non-map values are skipped with a warning; unparsable text yields
 * no overrides (error logged).
 */
export function parseEntityThresholds(text: string, log: FaultLogger = silentLogger): Record<string, DebounceOverride> {
  let doc: unknown;
  try {
    doc = parseYaml(text);
  } catch (err) {
    log.error(`entity thresholds: cannot parse YAML: ${(err as Error).message}`);
    return {};
  }
  if (doc === null || doc === undefined) return {};
  if (typeof doc !== 'object' || Array.isArray(doc)) {
    log.error('entity thresholds: top level is not a map');
    return {};
  }
  const out: Record<string, DebounceOverride> = {};
  for (const [prefix, value] of Object.entries(doc as Record<string, unknown>)) {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      log.warn(`entity thresholds: entry '${prefix}' is not a map; skipped`);
      continue;
    }
    const v = value as Record<string, unknown>;
    const o: DebounceOverride = {};
    if (typeof v.confirmation_threshold === 'number') o.confirmation_threshold = v.confirmation_threshold;
    if (typeof v.healing_threshold === 'number') o.healing_threshold = v.healing_threshold;
    if (typeof v.healing_enabled === 'boolean') o.healing_enabled = v.healing_enabled;
    out[prefix] = o;
  }
  return out;
}
