// The fault data model (docs/faults.md): severities, statuses, the record and its SOVD projection.

/** Fault severity, 0..3 (docs/faults.md). Stored severity only escalates. */
export const Severity = { INFO: 0, WARN: 1, ERROR: 2, CRITICAL: 3 } as const;
/** The five fault-manager statuses (docs/faults.md). PASSED is an event type, not a status. */
export type FaultStatus = 'PREFAILED' | 'PREPASSED' | 'CONFIRMED' | 'HEALED' | 'CLEARED';
export const FAULT_STATUSES: readonly FaultStatus[] = ['PREFAILED', 'PREPASSED', 'CONFIRMED', 'HEALED', 'CLEARED'];

/** ReportFault event types (docs/faults.md). */
export const EventType = { FAILED: 0, PASSED: 1 } as const;
/** One fault record, keyed globally by `fault_code` (docs/faults.md). Times are wall-clock ns since the Unix epoch. */
export interface FaultRecord {
  fault_code: string;
  severity: number;
  description: string;
  first_occurred_ns: bigint;
  last_occurred_ns: bigint;
  /** 0n = never passed. */
  last_passed_ns: bigint;
  occurrence_count: number;
  status: FaultStatus;
  /** Distinct source ids, sorted ascending. */
  reporting_sources: string[];
  /** Internal: signed debounce counter (FAILED −1, PASSED +1, clamped). */
  debounce_counter: number;
  /** Internal: time of the last FAILED report (drives auto-confirm). */
  last_failed_ns: bigint;
  /** Internal: instant of the latest transition into CONFIRMED; 0n = unknown. */
  confirmed_at_ns: bigint;
}

export const MAX_OCCURRENCE_COUNT = 0xffff_ffff;

/** Deep copy, so events and query results never alias the stored record. */
export function cloneRecord(r: FaultRecord): FaultRecord {
  return { ...r, reporting_sources: [...r.reporting_sources] };
}

/** Upper-case label as in ListFaults/the reference (docs/faults.md). */
export function severityLabel(sev: number): 'INFO' | 'WARN' | 'ERROR' | 'CRITICAL' | 'UNKNOWN' {
  switch (sev) {
    case 0: return 'INFO';
    case 1: return 'WARN';
    case 2: return 'ERROR';
    case 3: return 'CRITICAL';
    default: return 'UNKNOWN';
  }
}

/** Lower-case REST label (docs/faults.md decision Q1): `info`, `warning`, `error`, `critical`, `unknown`. */
export function restSeverityLabel(sev: number): string {
  switch (sev) {
    case 0: return 'info';
    case 1: return 'warning';
    case 2: return 'error';
    case 3: return 'critical';
    default: return 'unknown';
  }
}

/** Correlation ranking accepts numeric strings and both `WARN`/`WARNING` (docs/faults.md). Unknown ranks 0. */
export function severityRank(label: string | number): number {
  if (typeof label === 'number') return label >= 0 && label <= 3 ? label : 0;
  const up = label.trim().toUpperCase();
  const named: Record<string, number> = { INFO: 0, WARN: 1, WARNING: 1, ERROR: 2, CRITICAL: 3 };
  if (up in named) return named[up];
  if (/^[0-3]$/.test(up)) return Number(up);
  return 0;
}

/** Correlation label of a severity (docs/faults.md, last column). */
export function correlationSeverityLabel(sev: number): string {
  return sev === 1 ? 'WARNING' : severityLabel(sev);
}

/** SOVD status object (docs/faults.md). Bits are the strings "0"/"1". */
export interface SovdFaultStatus {
  aggregatedStatus: 'active' | 'passive' | 'cleared';
  testFailed: '0' | '1';
  confirmedDTC: '0' | '1';
  pendingDTC: '0' | '1';
}

export function sovdStatus(status: string): SovdFaultStatus {
  switch (status) {
    case 'CONFIRMED': return { aggregatedStatus: 'active', testFailed: '1', confirmedDTC: '1', pendingDTC: '0' };
    case 'PREFAILED': return { aggregatedStatus: 'passive', testFailed: '1', confirmedDTC: '0', pendingDTC: '1' };
    case 'PREPASSED': return { aggregatedStatus: 'passive', testFailed: '0', confirmedDTC: '0', pendingDTC: '1' };
    default: return { aggregatedStatus: 'cleared', testFailed: '0', confirmedDTC: '0', pendingDTC: '0' };
  }
}

/** Allowed values of the REST `?status=` filter (docs/faults.md). */
export const STATUS_FILTER_VALUES = ['pending', 'confirmed', 'cleared', 'healed', 'all'] as const;
export type StatusFilter = (typeof STATUS_FILTER_VALUES)[number];

/**
 * Maps the REST `?status=` value to raw statuses (docs/api.md). `undefined` (absent) → PREFAILED + CONFIRMED.
 * Returns `null` for an unknown value: the route answers 400 invalid-parameter with
 * `allowed_values: STATUS_FILTER_VALUES.join(', ')`.
 */
export function statusesForFilter(value: string | undefined): FaultStatus[] | null {
  switch (value) {
    case undefined: return ['PREFAILED', 'CONFIRMED'];
    case 'pending': return ['PREFAILED'];
    case 'confirmed': return ['CONFIRMED'];
    case 'cleared': return ['CLEARED', 'HEALED', 'PREPASSED'];
    case 'healed': return ['HEALED', 'PREPASSED'];
    case 'all': return [...FAULT_STATUSES];
    default: return null;
  }
}

/**
 * Parses the REST `?severity=` minimum filter (docs/faults.md [ours]): `0`–`3` or a case-insensitive label
 * (`info`, `warn`, `warning`, `error`, `critical`). Returns `null` when invalid.
 */
export function parseSeverityFilter(value: string): number | null {
  const v = value.trim().toLowerCase();
  if (/^[0-3]$/.test(v)) return Number(v);
  const named: Record<string, number> = { info: 0, warn: 1, warning: 1, error: 2, critical: 3 };
  return v in named ? named[v] : null;
}
