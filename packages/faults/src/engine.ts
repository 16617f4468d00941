// One accepted report applied to one record (docs/faults.md), pure: storage and events live in the manager.
import type { DebounceConfig } from './debounce.js';
import { clampCounter, statusFn } from './debounce.js';
import type { FaultRecord, FaultStatus } from './model.js';
import { MAX_OCCURRENCE_COUNT, Severity } from './model.js';
import type { FaultEventType } from '@medkit/sovd';

/** One near-miss entry (docs/faults.md). */
export interface NearMiss {
  fault_code: string;
  occurred_at_ns: bigint;
  debounce_counter: number;
  confirmation_threshold: number;
  severity: number;
  source_id: string;
  resulting_status: FaultStatus;
}

interface ReportInput {
  code: string;
  failed: boolean;
  severity: number;
  description: string;
  source: string;
  nowNs: bigint;
}

export interface ApplyResult {
  /** The record after the report; `undefined` when nothing was created (PASSED on an unknown code). */
  record: FaultRecord | undefined;
  /** Whether the record must be written. False for ignored reports. */
  changed: boolean;
  /** Created or reactivated from CLEARED (a new occurrence). */
  isNew: boolean;
  /** Status before the report ('' for a new record). */
  prev: FaultStatus | '';
  nearMiss?: NearMiss;
}

function addSource(sources: string[], source: string): string[] {
  if (sources.includes(source)) return sources;
  return [...sources, source].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

function nearMissOf(r: FaultRecord, input: ReportInput, cfg: DebounceConfig): NearMiss {
  return {
    fault_code: r.fault_code,
    occurred_at_ns: input.nowNs,
    debounce_counter: r.debounce_counter,
    confirmation_threshold: cfg.confirmation_threshold,
    severity: input.severity,
    source_id: input.source,
    resulting_status: r.status,
  };
}

/** Applies one validated report to `existing` (not mutated) with the thresholds of the report's source. */
export function applyReport(existing: FaultRecord | undefined, input: ReportInput, cfg: DebounceConfig): ApplyResult {
  const { failed, severity, nowNs } = input;
  const critical = failed && severity === Severity.CRITICAL;
  if (!existing) {
    if (!failed) return { record: undefined, changed: false, isNew: false, prev: '' };
    const r: FaultRecord = {
      fault_code: input.code,
      severity,
      description: input.description,
      first_occurred_ns: nowNs,
      last_occurred_ns: nowNs,
      last_passed_ns: 0n,
      occurrence_count: 1,
      status: 'PREFAILED',
      reporting_sources: [input.source],
      debounce_counter: -1,
      last_failed_ns: nowNs,
      confirmed_at_ns: 0n,
    };
    r.status = critical ? 'CONFIRMED' : statusFn(-1, '', cfg);
    if (r.status === 'CONFIRMED') r.confirmed_at_ns = nowNs;
    return { record: r, changed: true, isNew: true, prev: '', nearMiss: r.status !== 'CONFIRMED' ? nearMissOf(r, input, cfg) : undefined };
  }

  const r: FaultRecord = { ...existing, reporting_sources: [...existing.reporting_sources] };
  if (r.status === 'CLEARED') {
    if (!failed) return { record: r, changed: false, isNew: false, prev: 'CLEARED' };
    // Reactivation: a new occurrence.
    r.debounce_counter = -1;
    r.first_occurred_ns = r.last_occurred_ns = r.last_failed_ns = nowNs;
    r.occurrence_count = Math.min(r.occurrence_count + 1, MAX_OCCURRENCE_COUNT);
    r.reporting_sources = addSource(r.reporting_sources, input.source);
    r.severity = Math.max(r.severity, severity);
    if (input.description !== '') r.description = input.description;
    r.status = critical ? 'CONFIRMED' : statusFn(-1, 'CLEARED', cfg);
    if (r.status === 'CONFIRMED') r.confirmed_at_ns = nowNs;
    return { record: r, changed: true, isNew: true, prev: 'CLEARED', nearMiss: r.status !== 'CONFIRMED' ? nearMissOf(r, input, cfg) : undefined };
  }

  // Re-band a counter stored under another source's band (or by an older config).
  r.debounce_counter = clampCounter(r.debounce_counter, cfg);
  const prev = r.status;
  if (failed) {
    r.last_occurred_ns = r.last_failed_ns = nowNs;
    r.debounce_counter = clampCounter(r.debounce_counter - 1, cfg);
    r.reporting_sources = addSource(r.reporting_sources, input.source);
    r.severity = Math.max(r.severity, severity);
    if (input.description !== '') r.description = input.description;
    r.status = critical ? 'CONFIRMED' : statusFn(r.debounce_counter, prev, cfg);
  } else {
    r.last_passed_ns = nowNs;
    r.debounce_counter = clampCounter(r.debounce_counter + 1, cfg);
    r.status = statusFn(r.debounce_counter, prev, cfg);
  }
  if (r.status === 'CONFIRMED' && prev !== 'CONFIRMED') r.confirmed_at_ns = nowNs;
  // [DEVIATION D3, docs/faults.md] A healed fault that confirms again is a new occurrence (the reference counts only
  // reactivations from CLEARED, so a fault that stops and heals over and over would stay at 1).
  if (r.status === 'CONFIRMED' && prev === 'HEALED') r.occurrence_count = Math.min(r.occurrence_count + 1, MAX_OCCURRENCE_COUNT);
  const nearMiss = failed && r.status !== 'CONFIRMED' ? nearMissOf(r, input, cfg) : undefined;
  return { record: r, changed: true, isNew: false, prev, nearMiss };
}

/** The three fault events (defined with the stream's bodies in the SOVD core). */
export type { FaultEventType } from '@medkit/sovd';

/** The event an accepted report produces (docs/faults.md), before muting; `null` = none. */
export function eventForReport(res: ApplyResult): FaultEventType | null {
  const after = res.record?.status;
  if (!res.changed || !after) return null;
  if (res.isNew) return after === 'CONFIRMED' ? 'fault_confirmed' : null;
  if (after === 'CONFIRMED') return res.prev === 'CONFIRMED' ? 'fault_updated' : 'fault_confirmed';
  if (after === 'HEALED' && res.prev !== 'HEALED') return 'fault_cleared';
  return null;
}
