// Fault items (docs/faults.md and the binding shape: status object, raw status in
// x-medkit.status, fault_name, entity_id, severity_label), the view of the client's typed stream events, and the
// dashboard's filtering, sorting and per-entity counting.
import { FAULT_MUTED_EVENT, type FaultStreamEvent, type MutedFaultEvent } from '@medkit/client';
import { faultSeverity, type Severity } from './severity';
import { isObj, num, obj, str, strList, toEpochMs, xm } from './json';

export interface FaultView {
  /** Stable key in the dashboard: entity (if known) and code. */
  key: string;
  code: string;
  /** fault_name, else description. */
  title: string;
  description?: string;
  severity: Severity;
  /** PREFAILED, PREPASSED, CONFIRMED, HEALED, CLEARED (derived from the SOVD object when needed). */
  rawStatus: string;
  entityId?: string;
  /** Route segment (apps, components, ...) when known (SSE events carry it). */
  entityType?: string;
  reportingSources: string[];
  firstMs?: number;
  lastMs?: number;
  occurrences?: number;
  /** Who acknowledged the current occurrence (x-medkit.acknowledgement), if anyone. */
  acknowledgedBy?: string;
}

const RAW = ['PREFAILED', 'PREPASSED', 'CONFIRMED', 'HEALED', 'CLEARED'];

/** Raw status from a string, or from the SOVD status object (docs/faults.md table read backwards). */
export function rawStatusOf(status: unknown, xmStatus?: unknown): string {
  if (typeof xmStatus === 'string' && xmStatus !== '') return xmStatus.toUpperCase();
  if (typeof status === 'string' && status !== '') return status.toUpperCase();
  if (isObj(status)) {
    const agg = str(status.aggregatedStatus)?.toLowerCase();
    const failed = String(status.testFailed ?? '') === '1';
    if (agg === 'active') return 'CONFIRMED';
    if (agg === 'passive') return failed ? 'PREFAILED' : 'PREPASSED';
    if (agg === 'cleared') return 'CLEARED';
    if (String(status.confirmedDTC ?? '') === '1') return 'CONFIRMED';
  }
  return 'UNKNOWN';
}

export function faultKey(code: string, entityId?: string): string {
  return `${entityId ?? ''}\u0000${code}`;
}

/** Normalises a list item (native, binding or pass-through shape); null without a code. */
export function normalizeFault(item: unknown, eventXm?: unknown): FaultView | null {
  if (!isObj(item)) return null;
  const code = str(item.fault_code) ?? str(item.code);
  if (!code) return null;
  const x = xm(item);
  const ex = obj(eventXm);
  const entityId = str(item.entity_id) ?? str(x.entity_id) ?? str(ex.entity_id);
  const description = str(item.description) || undefined;
  return {
    key: faultKey(code, entityId),
    code,
    title: str(item.fault_name) || description || code,
    description,
    severity: faultSeverity(item.severity, item.severity_label ?? x.severity_label),
    rawStatus: rawStatusOf(item.status, x.status ?? x.status_raw),
    entityId,
    entityType: str(item.entity_type) ?? str(x.entity_type) ?? str(ex.entity_type),
    reportingSources: strList(item.reporting_sources).length ? strList(item.reporting_sources) : strList(x.reporting_sources),
    firstMs: toEpochMs(item.first_occurred ?? item.first_occurrence),
    lastMs: toEpochMs(item.last_occurred ?? item.last_occurrence),
    occurrences: num(item.occurrence_count) ?? num(x.occurrence_count),
    acknowledgedBy: str(obj(x.acknowledgement).acknowledged_by),
  };
}

export function normalizeFaultList(body: unknown): FaultView[] {
  const list = obj(body).items;
  return Array.isArray(list) ? list.map((i) => normalizeFault(i)).filter((f): f is FaultView => f !== null) : [];
}

/** Status filter values of docs/faults.md, plus `active` for the default selection. */
export type StatusFilter = 'active' | 'pending' | 'confirmed' | 'cleared' | 'healed' | 'all';
const SELECTS: Record<StatusFilter, string[] | null> = {
  active: ['PREFAILED', 'CONFIRMED'],
  pending: ['PREFAILED'],
  confirmed: ['CONFIRMED'],
  cleared: ['CLEARED', 'HEALED', 'PREPASSED'],
  healed: ['HEALED', 'PREPASSED'],
  all: null,
};

export function matchesStatus(raw: string, filter: StatusFilter): boolean {
  const sel = SELECTS[filter];
  return sel === null || sel.includes(raw);
}

export function isActive(f: FaultView): boolean {
  return f.rawStatus === 'PREFAILED' || f.rawStatus === 'CONFIRMED';
}

/** Human status text for a raw status. */
export function statusLabel(raw: string): string {
  switch (raw) {
    case 'CONFIRMED':
      return 'confirmed';
    case 'PREFAILED':
      return 'pending';
    case 'PREPASSED':
      return 'passing';
    case 'HEALED':
      return 'healed';
    case 'CLEARED':
      return 'cleared';
    default:
      return RAW.includes(raw) ? raw.toLowerCase() : 'unknown';
  }
}

/** A stream event as the dashboard applies it (from the typed client's events, docs/faults.md). */
export interface FaultEvent {
  id?: string;
  /** The fault event's type; for a muted symptom's change, the event it would have been. */
  type: 'fault_confirmed' | 'fault_updated' | 'fault_cleared' | string;
  fault: FaultView;
  timestampMs?: number;
  autoClearedCodes: string[];
  /** A muted symptom's change (`fault_muted`): the root cause it is muted under, when the gateway names one. */
  muted?: { rootCause?: string };
}

/** The dashboard's view of a typed stream event; null when its fault has no code the UI can key on. */
export function faultEventView(ev: FaultStreamEvent | MutedFaultEvent): FaultEvent | null {
  const mutedEvent = ev.event_type === FAULT_MUTED_EVENT;
  const fault = normalizeFault(mutedEvent ? ev.muted_fault : ev.fault, ev['x-medkit']);
  if (!fault) return null;
  return {
    id: ev.id || undefined,
    type: mutedEvent ? ev.muted_event_type : ev.event_type,
    fault,
    timestampMs: toEpochMs(ev.timestamp),
    autoClearedCodes: mutedEvent ? [] : strList(ev.auto_cleared_codes),
    ...(mutedEvent ? { muted: { rootCause: ev.root_cause_code } } : {}),
  };
}

/**
 * Applies an event to the dashboard's faults (by key). An event whose fault names no entity
 * updates an existing fault with the same code. Auto-cleared symptom codes become CLEARED.
 */
export function applyFaultEvent(faults: Map<string, FaultView>, ev: FaultEvent): Map<string, FaultView> {
  const next = new Map(faults);
  let key = ev.fault.key;
  if (!next.has(key)) {
    const sameCode = [...next.values()].find((f) => f.code === ev.fault.code && (!ev.fault.entityId || !f.entityId));
    if (sameCode) key = sameCode.key;
  }
  const prev = next.get(key);
  const merged: FaultView = prev
    ? { ...prev, ...definedOnly(ev.fault), key, entityId: ev.fault.entityId ?? prev.entityId, entityType: ev.fault.entityType ?? prev.entityType }
    : ev.fault;
  if (ev.type === 'fault_cleared' && isActive(merged)) merged.rawStatus = 'CLEARED';
  next.set(key, merged);
  for (const code of ev.autoClearedCodes) {
    for (const [k, f] of next) if (f.code === code && isActive(f)) next.set(k, { ...f, rawStatus: 'CLEARED' });
  }
  return next;
}

function definedOnly(f: FaultView): Partial<FaultView> {
  const out: Partial<FaultView> = {};
  for (const [k, v] of Object.entries(f)) {
    if (v === undefined) continue;
    if (Array.isArray(v) && v.length === 0) continue;
    if (k === 'rawStatus' && v === 'UNKNOWN') continue;
    if (k === 'severity' && (v as Severity).level === -1) continue;
    (out as Record<string, unknown>)[k] = v;
  }
  return out;
}

export interface FaultFilter {
  status: StatusFilter;
  /** Minimum severity level (0–3), or -1 for every severity. */
  minSeverity: number;
  /** Substring of the entity id or a reporting source. */
  entity: string;
  /** Substring of the code or title. */
  text: string;
}

export const DEFAULT_FILTER: FaultFilter = { status: 'active', minSeverity: -1, entity: '', text: '' };

export function filterFaults(list: FaultView[], f: FaultFilter): FaultView[] {
  const ent = f.entity.trim().toLowerCase();
  const text = f.text.trim().toLowerCase();
  return list.filter(
    (x) =>
      matchesStatus(x.rawStatus, f.status) &&
      x.severity.level >= f.minSeverity &&
      (!ent || [x.entityId ?? '', ...x.reportingSources].some((s) => s.toLowerCase().includes(ent))) &&
      (!text || x.code.toLowerCase().includes(text) || x.title.toLowerCase().includes(text)),
  );
}

export type FaultSortKey = 'severity' | 'code' | 'status' | 'entity' | 'last' | 'count';

/** Sorts a copy; ties fall back to newest first, then code. */
export function sortFaults(list: FaultView[], key: FaultSortKey, dir: 'asc' | 'desc'): FaultView[] {
  const sign = dir === 'asc' ? 1 : -1;
  const statusRank = (s: string) => ['CONFIRMED', 'PREFAILED', 'PREPASSED', 'HEALED', 'CLEARED'].indexOf(s);
  const cmp = (a: FaultView, b: FaultView): number => {
    switch (key) {
      case 'severity':
        return a.severity.level - b.severity.level;
      case 'code':
        return a.code.localeCompare(b.code);
      case 'status':
        return statusRank(b.rawStatus) - statusRank(a.rawStatus);
      case 'entity':
        return (a.entityId ?? a.reportingSources[0] ?? '').localeCompare(b.entityId ?? b.reportingSources[0] ?? '');
      case 'count':
        return (a.occurrences ?? 0) - (b.occurrences ?? 0);
      case 'last':
        return (a.lastMs ?? 0) - (b.lastMs ?? 0);
    }
  };
  return [...list].sort((a, b) => sign * cmp(a, b) || (b.lastMs ?? 0) - (a.lastMs ?? 0) || a.code.localeCompare(b.code));
}
