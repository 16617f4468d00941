// The SQL a write of the memory copy becomes in PostgreSQL: each write method's mirror, in the same order,
// so the database holds what the memory copy holds once the queue is flushed.
import type { NearMiss } from '../../engine.js';
import type { FaultRecord } from '../../model.js';
import type { FreezeFrameRow, RosbagLink, SnapshotRow } from '../repository.js';
import type { HistoryEntry } from '../../history/model.js';

export interface PgStatement {
  text: string;
  values: unknown[];
}

const s = (text: string, ...values: unknown[]): PgStatement => ({ text, values });
const n = (v: bigint): string => v.toString();

export function upsertFault(r: FaultRecord): PgStatement {
  return s(`INSERT INTO fault_records (fault_code, severity, description, first_occurred_ns, last_occurred_ns, occurrence_count,
      status, reporting_sources, debounce_counter, last_failed_ns, last_passed_ns, confirmed_at_ns)
    VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)
    ON CONFLICT (fault_code) DO UPDATE SET severity = excluded.severity, description = excluded.description,
      first_occurred_ns = excluded.first_occurred_ns, last_occurred_ns = excluded.last_occurred_ns, occurrence_count = excluded.occurrence_count,
      status = excluded.status, reporting_sources = excluded.reporting_sources, debounce_counter = excluded.debounce_counter,
      last_failed_ns = excluded.last_failed_ns, last_passed_ns = excluded.last_passed_ns, confirmed_at_ns = excluded.confirmed_at_ns`,
  r.fault_code, r.severity, r.description, n(r.first_occurred_ns), n(r.last_occurred_ns), r.occurrence_count, r.status,
  JSON.stringify(r.reporting_sources), r.debounce_counter, n(r.last_failed_ns), n(r.last_passed_ns), n(r.confirmed_at_ns));
}

export function insertNearMiss(m: NearMiss): PgStatement {
  return s(`INSERT INTO fault_near_misses (fault_code, occurred_at_ns, debounce_counter, confirmation_threshold, severity, source_id, resulting_status)
    VALUES ($1, $2, $3, $4, $5, $6, $7)`, m.fault_code, n(m.occurred_at_ns), m.debounce_counter, m.confirmation_threshold, m.severity, m.source_id, m.resulting_status);
}

/** Keeps the newest `max` near misses of one code. */
export function keepNewestNearMisses(code: string, max: number): PgStatement {
  return s('DELETE FROM fault_near_misses WHERE id IN (SELECT id FROM fault_near_misses WHERE fault_code = $1 ORDER BY id DESC OFFSET $2)', code, max);
}

/** Keeps the newest `max` near misses of every code. */
export function keepNewestNearMissesAll(max: number): PgStatement {
  return s(`DELETE FROM fault_near_misses WHERE id IN (SELECT id FROM (SELECT id, row_number() OVER (PARTITION BY fault_code ORDER BY id DESC) AS rn
    FROM fault_near_misses) ranked WHERE rn > $1)`, max);
}

export function deleteFaultRows(code: string): PgStatement[] {
  return ['fault_records', 'fault_near_misses', 'fault_snapshots', 'fault_freeze_frames', 'fault_history'].map((t) => s(`DELETE FROM ${t} WHERE fault_code = $1`, code));
}

/** One history row with the id the memory copy gave it, so both hold the same ids. */
export function insertHistory(h: HistoryEntry): PgStatement {
  return s(`INSERT INTO fault_history (id, fault_code, at_ns, change, status, occurrence, source, note) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
    ON CONFLICT (id) DO NOTHING`, h.id, h.fault_code, n(h.at_ns), h.change, h.status, h.occurrence, h.source, h.note);
}

/** Keeps the newest `max` history rows of one code. */
export function keepNewestHistory(code: string, max: number): PgStatement {
  return s('DELETE FROM fault_history WHERE id IN (SELECT id FROM fault_history WHERE fault_code = $1 ORDER BY id DESC OFFSET $2)', code, max);
}

export function insertSnapshot(r: SnapshotRow): PgStatement {
  return s(`INSERT INTO fault_snapshots (fault_code, topic, message_type, data, captured_at_ns, capture_id, history, occurrence) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
    r.fault_code, r.topic, r.message_type, r.data, n(r.captured_at_ns), r.capture_id, r.history, r.occurrence ?? 0);
}

export function deleteCaptureSets(code: string, captureIds: readonly number[]): PgStatement {
  return s('DELETE FROM fault_snapshots WHERE fault_code = $1 AND capture_id = ANY($2::int[])', code, captureIds);
}

export function deleteSnapshots(code: string): PgStatement {
  return s('DELETE FROM fault_snapshots WHERE fault_code = $1', code);
}

export function upsertFreezeFrame(f: FreezeFrameRow): PgStatement {
  return s(`INSERT INTO fault_freeze_frames (fault_code, data, captured_at_ns) VALUES ($1, $2, $3)
    ON CONFLICT (fault_code) DO UPDATE SET data = excluded.data, captured_at_ns = excluded.captured_at_ns`, f.fault_code, f.data, n(f.captured_at_ns));
}

export function upsertLink(l: RosbagLink): PgStatement {
  return s(`INSERT INTO fault_rosbag_files (fault_code, recording_id, file_path, format, duration_sec, size_bytes, created_at_ns)
    VALUES ($1, $2, $3, $4, $5, $6, $7)
    ON CONFLICT (fault_code, file_path) DO UPDATE SET recording_id = excluded.recording_id, format = excluded.format,
      duration_sec = excluded.duration_sec, size_bytes = excluded.size_bytes, created_at_ns = excluded.created_at_ns`,
  l.fault_code, l.recording_id, l.file_path, l.format, l.duration_sec, Math.trunc(l.size_bytes), n(l.created_at_ns));
}

export function deleteLink(code: string, recordingId: string): PgStatement {
  return s('DELETE FROM fault_rosbag_files WHERE fault_code = $1 AND recording_id = $2', code, recordingId);
}

export function deleteRecording(recordingId: string): PgStatement {
  return s('DELETE FROM fault_rosbag_files WHERE recording_id = $1', recordingId);
}
