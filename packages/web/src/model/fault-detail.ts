// GET /{entity}/faults/{code} (docs/faults.md) normalised for the detail view.
import { faultSeverity, type Severity } from './severity';
import { rawStatusOf } from './faults';
import { isObj, num, obj, str, strList, toEpochMs, xm } from './json';
import { normalizeSnapshots, type FrameView, type RecordingView } from './freeze-frame';

export interface StatusChange {
  status: string;
  atMs?: number;
  /** Where the entry came from: the gateway's record, or an SSE event seen in this session. */
  origin: 'gateway' | 'live';
  /** The stored change (occurred, confirmed, healed, cleared, muted, unmuted, acknowledged), its source and note. */
  change?: string;
  source?: string;
  note?: string;
  occurrence?: number;
}

/** Who acknowledged the fault's current occurrence (x-medkit.acknowledgement). */
export interface AcknowledgementView {
  by: string;
  atMs?: number;
  note?: string;
  occurrence?: number;
}

/** The acknowledgement of a fault detail or list item, if it carries one. */
export function acknowledgementOf(xmedkit: Record<string, unknown>): AcknowledgementView | undefined {
  const a = obj(xmedkit.acknowledgement);
  const by = str(a.acknowledged_by);
  return by ? { by, atMs: toEpochMs(a.acknowledged_at), note: str(a.note), occurrence: num(a.occurrence) } : undefined;
}

export interface FaultDetailView {
  code: string;
  title: string;
  severity: Severity;
  rawStatus: string;
  /** SOVD status object flags as given (aggregatedStatus, testFailed, confirmedDTC, pendingDTC, ...). */
  statusFlags: Record<string, string>;
  occurrences?: number;
  reportingSources: string[];
  firstMs?: number;
  lastMs?: number;
  /** Status changes the gateway reports (x-medkit.status_history), oldest first. */
  history: StatusChange[];
  acknowledgement?: AcknowledgementView;
  frames: FrameView[];
  recordings: RecordingView[];
}

export function normalizeFaultDetail(body: unknown, fallbackCode: string): FaultDetailView {
  const b = obj(body);
  const item = obj(b.item);
  const x = xm(b);
  const ix = xm(item);
  const env = obj(b.environment_data ?? item.environment_data);
  const records = obj(env.extended_data_records);
  const flags: Record<string, string> = {};
  if (isObj(item.status)) for (const [k, v] of Object.entries(item.status)) if (typeof v === 'string' || typeof v === 'number') flags[k] = String(v);
  const { frames, recordings } = normalizeSnapshots(env.snapshots);
  const historySrc = Array.isArray(x.status_history) ? x.status_history : Array.isArray(ix.status_history) ? ix.status_history : [];
  const history: StatusChange[] = historySrc.filter(isObj).map((h) => ({
    status: (str(h.status) ?? 'UNKNOWN').toUpperCase(),
    atMs: toEpochMs(h.timestamp ?? h.at ?? h.time),
    origin: 'gateway' as const,
    change: str(h.change),
    source: str(h.source),
    note: str(h.note),
    occurrence: num(h.occurrence),
  }));
  return {
    code: str(item.code) ?? str(item.fault_code) ?? fallbackCode,
    title: str(item.fault_name) || str(item.description) || fallbackCode,
    severity: faultSeverity(item.severity, x.severity_label ?? item.severity_label),
    rawStatus: rawStatusOf(item.status, x.status_raw ?? x.status ?? ix.status),
    statusFlags: flags,
    occurrences: num(x.occurrence_count) ?? num(item.occurrence_count),
    reportingSources: strList(x.reporting_sources).length ? strList(x.reporting_sources) : strList(item.reporting_sources),
    firstMs: toEpochMs(records.first_occurrence ?? item.first_occurred),
    lastMs: toEpochMs(records.last_occurrence ?? item.last_occurred),
    history,
    acknowledgement: acknowledgementOf(x),
    frames,
    recordings,
  };
}

/** What acknowledging the fault now means, in the dialog's words: its occurrence is active, or already healed. */
export function acknowledgeScope(rawStatus: string, occurrence: number | undefined): string {
  const n = occurrence !== undefined ? `occurrence ${occurrence}` : 'this occurrence';
  if (rawStatus === 'HEALED')
    return `${n[0].toUpperCase()}${n.slice(1)} has already healed: the acknowledgement stays on it until the fault comes back (a new occurrence) or is cleared. Kept in the fault's history.`;
  return `Tells everyone who opens this fault that you are on it, until this occurrence ends (${n}, active now). Kept in the fault's history.`;
}

/** What the gateway will record for a name given without signing in (docs/faults.md "Acknowledge"). */
export const unauthenticatedName = (name: string) => `${name.trim()} (unauthenticated)`;
