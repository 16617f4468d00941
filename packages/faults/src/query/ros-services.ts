// Response builders for the fault manager's remaining ROS services (docs/faults.md): GetFault, GetSnapshots
// (legacy JSON) and ListRosbags. The ROS wiring maps requests to these and serialises the results.
import { API_BASE } from '@medkit/sovd';
import type { FaultManager } from '../manager.js';
import type { FaultRecord } from '../model.js';
import { downloadSize, firstBagFile } from '../blackbox/recordings.js';
import { validateFaultCode } from '@medkit/sovd';
import type { EnvironmentData } from './environment.js';
import { environmentData } from './environment.js';
import type { FaultSnapshotsBody } from './rest-schemas.js';

export function getFaultService(mgr: FaultManager, code: string): { success: boolean; error_message: string; fault?: FaultRecord; environment_data?: EnvironmentData } {
  const bad = validateFaultCode(code);
  if (bad) return { success: false, error_message: bad };
  const fault = mgr.getFault(code);
  if (!fault) return { success: false, error_message: `Fault not found: ${code}` };
  return { success: true, error_message: '', fault, environment_data: environmentData(mgr.repository, code, mgr.config.snapshots.retain_on_clear) };
}

/** Entity path (`/apps/battery_monitor`, relative to the API base) a fault's bulk data is served under. */
export type FaultEntityPath = (f: FaultRecord) => string | undefined;

/** The reference's snapshot document of one fault (GetSnapshots.srv JSON, REST `GET …/faults/{code}/snapshots`). */
export type FaultSnapshots = FaultSnapshotsBody;

/**
 * The newest capture set (newest row per topic, only `topic` when given) and the newest recording of `fault`.
 * `download_url` is the recording's bulk-data download (docs/faults.md) under the entity `entityPathOf` gives
 * the fault; it is left out when the fault belongs to no entity (no route could serve the bag).
 */
export function faultSnapshots(mgr: FaultManager, fault: FaultRecord, topic = '', entityPathOf?: FaultEntityPath): FaultSnapshots {
  const code = fault.fault_code;
  const rows = mgr.repository.snapshotRows(code);
  const newestSet = rows.length > 0 ? rows[0].capture_id : undefined;
  const topics: FaultSnapshots['topics'] = {};
  let capturedAt: bigint | undefined;
  for (const r of rows) {
    if (r.capture_id !== newestSet || (topic && r.topic !== topic) || r.topic in topics) continue;
    let data: unknown = r.data;
    try { data = JSON.parse(r.data); } catch { /* raw string */ }
    topics[r.topic] = { message_type: r.message_type, data };
    if (capturedAt === undefined || r.captured_at_ns > capturedAt) capturedAt = r.captured_at_ns;
  }
  const bag = mgr.repository.rosbagLinksForFault(code)[0];
  const entityPath = bag ? entityPathOf?.(fault) : undefined;
  return {
    fault_code: code,
    ...(capturedAt !== undefined ? { captured_at: Number(capturedAt / 1000n) / 1e6 } : {}),
    topics,
    rosbag: bag
      ? {
        available: true, duration_sec: bag.duration_sec, size_bytes: downloadSize(bag), format: bag.format,
        ...(entityPath ? { download_url: `${API_BASE}${entityPath}/bulk-data/rosbags/${encodeURIComponent(bag.recording_id)}` } : {}),
      }
      : { available: false },
  };
}

/** GetSnapshots.srv: {@link faultSnapshots} as JSON text. */
export function getSnapshotsService(mgr: FaultManager, code: string, topic = '', entityPathOf?: FaultEntityPath): { success: boolean; data: string; error_message: string } {
  const bad = validateFaultCode(code);
  if (bad) return { success: false, data: '', error_message: bad };
  const fault = mgr.getFault(code);
  if (!fault) return { success: false, data: '', error_message: `Fault not found: ${code}` };
  return { success: true, data: JSON.stringify(faultSnapshots(mgr, fault, topic, entityPathOf)), error_message: '' };
}

/** ListRosbags.srv: one row per (fault, recording) link of faults whose sources contain `entityFqn` exactly. */
export function listRosbagsService(mgr: FaultManager, entityFqn: string) {
  if (!entityFqn) return { success: false, error_message: 'entity_fqn is empty', rows: [] };
  const repo = mgr.repository;
  const stale = new Set<string>();
  const rows = [];
  for (const l of repo.allRosbagLinks()) {
    if (stale.has(l.recording_id)) continue;
    const f = repo.getFault(l.fault_code);
    if (!f || !f.reporting_sources.includes(entityFqn)) continue;
    const file = firstBagFile(l);
    if (!file) {
      stale.add(l.recording_id);
      repo.deleteRecording(l.recording_id);
      continue;
    }
    rows.push({ fault_code: l.fault_code, recording_id: l.recording_id, file_path: file, format: l.format, duration_sec: l.duration_sec, size_bytes: l.size_bytes, created_at_ns: l.created_at_ns });
  }
  return { success: true, error_message: '', rows };
}
