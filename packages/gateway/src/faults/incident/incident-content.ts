// What an incident file carries (docs/faults.md "Incident export"): the fault, the faults recorded with it and its
// correlated symptoms, each with its detail (status history, freeze frames), its root cause, the log lines of the
// recording's window from the faults' nodes, and the gateway's identity. Pure assembly; the route writes the file.
import { hostname } from 'node:os';
import { isoFromNs, mcapFiles, type FaultRecord, type IncidentAttachment, type IncidentContent, type RosbagLink } from '@medkit/faults';
import type { LogManager } from '../../logs/manager.js';
import { entryBody, type LogEntryBody } from '../../logs/model.js';
import { GATEWAY_VERSION, PRODUCT_NAME } from '../../version.js';
import type { FaultsService } from '../gateway/service.js';
import type { PeerFaultResult } from '../gateway/peer-lookup.js';

/** Log lines an incident file carries at most (the newest of the window). */
export const MAX_INCIDENT_LOG_LINES = 5000;
/** Faults an incident file describes at most (the recording links at most 33, correlation adds its symptoms). */
const MAX_INCIDENT_FAULTS = 64;
/** Window around the faults when there is no recording (s). */
const NO_RECORDING_WINDOW_SEC = 10;

export interface Incident {
  content: IncidentContent;
  /** The download's file name: `incident_<CODE>_<unix ms>.mcap`. */
  filename: string;
}

/**
 * Reads a peer's fault detail by code (the aggregation peer fault lookup: the online peers in parallel, each within
 * aggregation.timeout_ms and a response size cap; never rejects).
 */
export type PeerFaultReader = (code: string) => Promise<PeerFaultResult<Record<string, unknown>>>;

/** What the file says of a root cause a peer gateway holds: its detail (status history included), or why not. */
type PeerRootCause = { detail: Record<string, unknown>; peer: string } | { unavailable: string };

async function peerRootCause(code: string, read: PeerFaultReader | undefined): Promise<PeerRootCause> {
  if (!read) return { unavailable: 'no aggregation peers to ask' };
  const r = await read(code);
  if (r.found) return { detail: r.value, peer: r.peer };
  return { unavailable: r.failedPeers.length > 0 ? `peers that could not say: ${r.failedPeers.join(', ')}` : 'no peer holds it' };
}

/** The REST views are JSON already (no bigint: times are ISO strings or seconds). */
const json = (v: unknown): Uint8Array => new TextEncoder().encode(JSON.stringify(v, null, 2));

/** The root cause `f` confirmed under in its current occurrence (its history's newest `muted` entry), if any. */
function rootCauseOf(svc: FaultsService, f: FaultRecord): string | undefined {
  const muted = svc.manager.history(f.fault_code).filter((h) => h.change === 'muted' && h.occurrence === f.occurrence_count).at(-1);
  return muted?.source || undefined;
}

/** The local faults of the incident: `f`, the faults its recording covers, its correlated symptoms (bounded). */
function incidentFaults(svc: FaultsService, f: FaultRecord, link: RosbagLink | undefined): FaultRecord[] {
  const codes = new Set<string>([f.fault_code]);
  if (link) for (const l of svc.manager.repository.linksForRecording(link.recording_id)) codes.add(l.fault_code);
  for (const s of svc.manager.correlation?.symptomsOf(f.fault_code) ?? []) codes.add(s);
  return [...codes].slice(0, MAX_INCIDENT_FAULTS).map((c) => svc.manager.getFault(c)).filter((r): r is FaultRecord => r !== undefined);
}

/** The log lines of [fromNs, toNs] written by the faults' nodes, oldest first, at most MAX_INCIDENT_LOG_LINES. */
async function windowLogs(logs: LogManager | undefined, faults: readonly FaultRecord[], fromNs: bigint, toNs: bigint): Promise<LogEntryBody[]> {
  if (!logs) return [];
  const exact = [...new Set(faults.flatMap((r) => r.reporting_sources))];
  const lines = await logs.query({ exact, prefixes: [] }, { sinceNs: fromNs });
  return lines.filter((e) => e.stampNs <= toNs).slice(-MAX_INCIDENT_LOG_LINES).map(entryBody);
}

/**
 * Assembles the incident of `f` (a local fault). When its root cause is a peer gateway's fault (the island's
 * PROTECTIVE_STOP), `readPeerFault` brings that fault's detail and status history into faults.json; a peer that
 * cannot say is named in the metadata (`root_cause_unavailable`) rather than failing the export.
 */
export async function incidentOf(svc: FaultsService, f: FaultRecord, logs: LogManager | undefined, nowNs: bigint, readPeerFault?: PeerFaultReader): Promise<Incident> {
  const link = svc.manager.repository.rosbagLinksForFault(f.fault_code)[0];
  const faults = incidentFaults(svc, f, link);
  const rosbag = svc.manager.config.snapshots.rosbag;
  const first = faults.reduce((a, r) => (r.last_occurred_ns < a ? r.last_occurred_ns : a), f.last_occurred_ns);
  const last = faults.reduce((a, r) => (r.last_occurred_ns > a ? r.last_occurred_ns : a), f.last_occurred_ns);
  const before = BigInt(Math.round((link ? rosbag.duration_sec : NO_RECORDING_WINDOW_SEC) * 1e3)) * 1_000_000n;
  const after = BigInt(Math.round((link ? rosbag.duration_after_sec : NO_RECORDING_WINDOW_SEC) * 1e3)) * 1_000_000n;
  const [fromNs, toNs] = [first - before, last + after];
  const local = faults.map((r) => svc.views.detail(r)).filter((d) => d !== undefined);
  const frames = Object.fromEntries(local.map((d) => [d.item.code, (d.environment_data.snapshots ?? []).filter((s) => s.type === 'freeze_frame')]));
  // A peer's detail is its JSON as read, not checked against the schema: it joins faults.json as it came.
  const details: object[] = [...local];
  const rootCause = rootCauseOf(svc, f);
  const peerRoot = rootCause !== undefined && !faults.some((r) => r.fault_code === rootCause) && !svc.manager.getFault(rootCause)
    ? await peerRootCause(rootCause, readPeerFault)
    : undefined;
  if (peerRoot && 'detail' in peerRoot) details.push(peerRoot.detail);
  const identity = { product: PRODUCT_NAME, medkit_version: GATEWAY_VERSION, host_name: hostname(), exported_at: isoFromNs(nowNs) };
  const attachments: IncidentAttachment[] = [
    { name: 'faults.json', mediaType: 'application/json', data: json(details), logTimeNs: f.last_occurred_ns },
    { name: 'freeze_frames.json', mediaType: 'application/json', data: json(frames), logTimeNs: f.last_occurred_ns },
    { name: 'logs.json', mediaType: 'application/json', data: json({ from: isoFromNs(fromNs), to: isoFromNs(toNs), items: await windowLogs(logs, faults, fromNs, toNs) }), logTimeNs: fromNs },
    { name: 'gateway.json', mediaType: 'application/json', data: json(identity), logTimeNs: nowNs },
  ];
  const metadata: Record<string, string> = {
    fault_code: f.fault_code,
    ...(rootCause ? { root_cause: rootCause } : {}),
    ...(peerRoot && 'peer' in peerRoot ? { root_cause_gateway: peerRoot.peer } : {}),
    ...(peerRoot && 'unavailable' in peerRoot ? { root_cause_unavailable: peerRoot.unavailable } : {}),
    fault_codes: JSON.stringify(faults.map((r) => r.fault_code)),
    recording_id: link?.recording_id ?? '',
    window_start: isoFromNs(fromNs),
    window_end: isoFromNs(toNs),
    ...identity,
  };
  return {
    content: { recordingFiles: link ? mcapFiles(link) : [], metadata, attachments },
    filename: `incident_${f.fault_code.slice(0, 120)}_${nowNs / 1_000_000n}.mcap`,
  };
}
