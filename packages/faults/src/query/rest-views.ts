// REST projection of faults (docs/faults.md, decision Q1): list items, detail,
// freeze-frame shapes, rosbag entries and SSE event payloads. Pure functions; the HTTP layer serialises them.
import type { FaultEvent, MutedFaultChange } from '../events.js';
import type { FaultRecord } from '../model.js';
import { restSeverityLabel, sovdStatus } from '../model.js';
import type { SovdFaultStatus } from '../model.js';
import { primaryValue } from '../snapshots/json-values.js';
import type { FaultListResult } from './list.js';
import type { EnvironmentData, SnapshotEntry } from './environment.js';
import { isoFromNs, secondsFromNs } from './time.js';
import type { EntityFrame } from '../entity-frames.js';
import { hasSignalHistory, signalWindowFrame } from './signal-frame.js';
import type { Acknowledgement, HistoryEntry } from '../history/model.js';
import { FAULT_MUTED_EVENT, type FaultEventData, type FaultEventOrigin, type FaultMutedData } from '@medkit/sovd';
import type {
  FaultAcknowledgementBody, FaultDetailBody, FaultItemFields, FaultListBody, FaultListItemBody, FaultSnapshotBody, FaultStatusChangeBody,
} from './rest-schemas.js';

/** One stored status change as REST shows it (`x-medkit.status_history`, docs/faults.md "Status history"). */
export function historyEntryView(h: HistoryEntry): FaultStatusChangeBody {
  return {
    change: h.change, status: h.status, timestamp: isoFromNs(h.at_ns), occurrence: h.occurrence, source: h.source,
    ...(h.note ? { note: h.note } : {}),
  };
}

/** An acknowledgement as REST shows it (`x-medkit.acknowledgement`, docs/faults.md "Acknowledge"). */
export function acknowledgementView(a: Acknowledgement): FaultAcknowledgementBody {
  return { acknowledged_by: a.by, acknowledged_at: isoFromNs(a.at_ns), occurrence: a.occurrence, ...(a.note ? { note: a.note } : {}) };
}

/** Where a fault belongs in the entity tree (resolved by the gateway from its first reporting source). */
export interface EntityRef {
  /** Route segment: `apps`, `components`, `areas`, `functions`. */
  entity_type: string;
  entity_id: string;
}

/** One REST environment-data entry (the shape of `FaultSnapshotSchema`). */
export type RestSnapshot = FaultSnapshotBody;

/**
 * Fault list item (decision Q1 shape, with `status` as the raw string of docs/faults.md: the reference's clients call string
 * methods on it; the SOVD status object moves to `x-medkit.sovd_status`). `snapshots` (optional) are summarised:
 * no message bodies.
 */
export function faultListItem(f: FaultRecord, entity?: EntityRef, snapshots?: RestSnapshot[], ack?: Acknowledgement): FaultListItemBody {
  const item: FaultListItemBody = {
    ...itemFields(f, entity, f.status),
    'x-medkit': { status: f.status, sovd_status: sovdStatus(f.status), ...(ack ? { acknowledgement: acknowledgementView(ack) } : {}) },
  };
  if (snapshots) item.environment_data = { snapshots: snapshots.map(summariseSnapshot) };
  return item;
}

/** The fields a list item and a detail's `item` share, in their served order; `status` differs between the two. */
function itemFields<S>(f: FaultRecord, entity: EntityRef | undefined, status: S): FaultItemFields<S> {
  return {
    fault_code: f.fault_code,
    ...(f.description ? { fault_name: f.description } : {}),
    description: f.description,
    severity: f.severity,
    severity_label: restSeverityLabel(f.severity),
    status,
    reporting_sources: [...f.reporting_sources],
    ...(entity ? { entity_id: entity.entity_id } : {}),
    first_occurred: secondsFromNs(f.first_occurred_ns),
    last_occurred: secondsFromNs(f.last_occurred_ns),
    ...(f.last_passed_ns > 0n ? { last_passed: secondsFromNs(f.last_passed_ns) } : {}),
    occurrence_count: f.occurrence_count,
  };
}

/** A list-sized snapshot entry: type, name, where to get it, when — without data. */
function summariseSnapshot(s: RestSnapshot): RestSnapshot {
  const { data: _data, ...rest } = s;
  // `x-medkit` is an open object in the schema: its keys are the view's own (freezeFrame, signalWindowFrame).
  const xm: Record<string, unknown> = rest['x-medkit'] ?? {};
  const { full_data: _full, history: _history, ...xmRest } = xm;
  return Object.keys(xmRest).length > 0 ? { ...rest, 'x-medkit': xmRest } : rest;
}

function parseJson(text: string): { ok: true; value: unknown } | { ok: false; error: string } {
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch (err) {
    return { ok: false, error: (err as Error).message };
  }
}

/** The topic frames of `env` grouped by capture set, newest capture first (rows come newest first). */
function captureSets(env: EnvironmentData): SnapshotEntry[][] {
  const sets = new Map<number, SnapshotEntry[]>();
  for (const s of env.snapshots) {
    if (s.type !== 'freeze_frame' || !s.topic) continue;
    const set = sets.get(s.capture_id);
    if (set) set.push(s);
    else sets.set(s.capture_id, [s]);
  }
  return [...sets.values()];
}

/**
 * REST snapshot entries (docs/resources.md), every one stamped with `x-medkit.captured_at`: per capture set (newest
 * first) one signal-window frame (d) when its topics kept a history, else its topic frames (a); the
 * compact frame (b) when it is shown; then the recordings, newest first, whose `bulk_data_uri` is the path
 * `<entityPath>/bulk-data/rosbags/<recording_id>` under the API base, as the reference gateway writes it (its web
 * UI, Foxglove extension and MCP server join it to their base URL). `latest` keeps only the newest capture set
 * and the newest recording (list items).
 */
export function restSnapshots(env: EnvironmentData, entityPath?: string, opts: { latest?: boolean } = {}): RestSnapshot[] {
  const out: RestSnapshot[] = [];
  const sets = captureSets(env);
  for (const rows of opts.latest ? sets.slice(0, 1) : sets) {
    if (hasSignalHistory(rows)) out.push(signalWindowFrame(rows));
    else out.push(...rows.map(freezeFrame));
  }
  for (const s of env.snapshots) if (s.type === 'freeze_frame' && !s.topic && !(opts.latest && sets.length > 0)) out.push(freezeFrame(s));
  const bags = env.snapshots.filter((s) => s.type === 'rosbag' && s.bulk_data_id);
  for (const s of opts.latest ? bags.slice(0, 1) : bags) out.push(rosbagEntry(s, entityPath));
  return out;
}

function freezeFrame(s: SnapshotEntry): RestSnapshot {
  const parsed = parseJson(s.data);
  const captured_at = isoFromNs(s.captured_at_ns);
  // The occurrence that took the capture, when stored (rows of an older store have none: placed by time).
  const occurrence = s.occurrence > 0 ? { occurrence: s.occurrence } : {};
  if (!parsed.ok) {
    return { type: 'freeze_frame', name: s.name, data: s.data, 'x-medkit': { topic: s.topic, message_type: s.message_type, parse_error: parsed.error, captured_at, ...occurrence } };
  }
  if (!s.topic) {
    return { type: 'freeze_frame', name: s.name, data: parsed.value, 'x-medkit': { full_data: parsed.value, captured_at } };
  }
  return {
    type: 'freeze_frame', name: s.name, data: primaryValue(s.message_type, parsed.value),
    'x-medkit': { topic: s.topic, message_type: s.message_type, full_data: parsed.value, captured_at, ...occurrence },
  };
}

function rosbagEntry(s: SnapshotEntry, entityPath?: string): RestSnapshot {
  const base = entityPath ? entityPath.replace(/\/+$/, '') : '';
  return {
    type: 'rosbag', name: s.name, bulk_data_uri: `${base}/bulk-data/rosbags/${s.bulk_data_id}`,
    size_bytes: s.size_bytes, duration_sec: s.duration_sec, format: s.format,
    'x-medkit': { captured_at: isoFromNs(s.captured_at_ns) },
  };
}

/** The REST entry of an entity freeze frame (docs/faults.md (c)): `name` = the entity, `data` = its values. */
export function entityFrameSnapshot(f: EntityFrame): RestSnapshot {
  return {
    type: 'freeze_frame',
    name: f.entity_id,
    data: f.data,
    'x-medkit': {
      captured_at: isoFromNs(f.captured_at_ns),
      ...(f.capture_origin ? { capture_origin: f.capture_origin } : {}),
      ...(f.connected !== undefined ? { connected: f.connected } : {}),
      ...(f.source_timestamp !== undefined ? { source_timestamp: f.source_timestamp } : {}),
    },
  };
}

/** Fault detail (docs/faults.md with the decision Q1 fields added to `item`; `item.status` is the SOVD object here, as SOVD wants). */
export function faultDetail(
  f: FaultRecord,
  env: EnvironmentData,
  opts: { entity?: EntityRef; entityPath?: string; extraFrames?: RestSnapshot[]; history?: readonly HistoryEntry[]; acknowledgement?: Acknowledgement } = {},
): FaultDetailBody {
  const status: SovdFaultStatus = sovdStatus(f.status);
  return {
    item: { code: f.fault_code, ...itemFields(f, opts.entity, status) },
    environment_data: {
      extended_data_records: {
        first_occurrence: isoFromNs(env.extended_data_records.first_occurrence_ns),
        last_occurrence: isoFromNs(env.extended_data_records.last_occurrence_ns),
      },
      snapshots: [...(opts.extraFrames ?? []), ...restSnapshots(env, opts.entityPath)],
    },
    'x-medkit': {
      occurrence_count: f.occurrence_count,
      reporting_sources: [...f.reporting_sources],
      severity_label: restSeverityLabel(f.severity),
      status: f.status,
      status_raw: f.status,
      status_history: (opts.history ?? []).map(historyEntryView),
      ...(opts.acknowledgement ? { acknowledgement: acknowledgementView(opts.acknowledgement) } : {}),
    },
  };
}

/** Global list envelope `x-medkit` (docs/faults.md). */
export function faultListEnvelope(
  result: FaultListResult, items: FaultListItemBody[], opts: { includeMuted?: boolean; includeClusters?: boolean } = {},
): FaultListBody {
  const xm: FaultListBody['x-medkit'] = { count: items.length, muted_count: result.muted_count, cluster_count: result.cluster_count };
  if (opts.includeMuted) xm.muted_faults = result.muted_faults;
  if (opts.includeClusters) {
    xm.clusters = result.clusters.map(({ first_at_ns, last_at_ns, ...c }) => ({ ...c, first_at: secondsFromNs(first_at_ns), last_at: secondsFromNs(last_at_ns) }));
  }
  return { items, 'x-medkit': xm };
}

/** One SSE message of `/faults/stream` (docs/faults.md): `id`, `event` and the JSON `data` line. */
export function faultSseMessage(e: FaultEvent, entity?: EntityRef): { id: string; event: string; data: string } {
  const data: FaultEventData<FaultListItemBody> = {
    event_type: e.event_type,
    fault: faultListItem(e.fault, entity, undefined, e.acknowledgement),
    timestamp: secondsFromNs(e.timestamp_ns),
  };
  if (e.auto_cleared_codes.length > 0) data.auto_cleared_codes = e.auto_cleared_codes;
  if (entity) data['x-medkit'] = entityRefView(entity);
  return { id: String(e.id), event: e.event_type, data: JSON.stringify(data) };
}

/** The SSE event name of a muted symptom's change on `/faults/stream` (docs/faults.md "Muted symptoms on the stream"). */
export { FAULT_MUTED_EVENT };

/**
 * The `data` of a `fault_muted` event. The fault is under `muted_fault`, not `fault`: a client that reads `fault` of
 * any message whatever its name still sees no muted symptom, as before the event existed.
 */
export function faultMutedSseData(c: MutedFaultChange, entity?: EntityRef): string {
  const data: FaultMutedData<FaultListItemBody> = {
    event_type: FAULT_MUTED_EVENT,
    muted_event_type: c.event_type,
    muted_fault: faultListItem(c.fault, entity, undefined, c.acknowledgement),
    timestamp: secondsFromNs(c.timestamp_ns),
  };
  if (c.root_cause_code) data.root_cause_code = c.root_cause_code;
  if (entity) data['x-medkit'] = entityRefView(entity);
  return JSON.stringify(data);
}

function entityRefView(entity: EntityRef): FaultEventOrigin {
  return { entity_type: entity.entity_type, entity_id: entity.entity_id };
}
