// Environment data of one fault (docs/faults.md GetFault): per-topic freeze frames newest first, the compact
// frame, then rosbag recordings newest first — as Snapshot.msg entries the ROS service and REST both use.
import type { FaultRepository } from '../storage/repository.js';
import { downloadSize } from '../blackbox/recordings.js';

/** Snapshot.msg, plus the stored history text (REST extension). */
export interface SnapshotEntry {
  type: 'freeze_frame' | 'rosbag';
  name: string;
  data: string;
  topic: string;
  message_type: string;
  bulk_data_id: string;
  size_bytes: number;
  duration_sec: number;
  format: string;
  captured_at_ns: bigint;
  /** Capture set of a topic frame (docs/faults.md); 0 for the compact frame and recordings. */
  capture_id: number;
  /** The occurrence that took a topic frame's capture set (docs/faults.md); 0 when not recorded. */
  occurrence: number;
  /** JSON text `[[ts, value], ...]` or ''. */
  history: string;
}

export interface EnvironmentData {
  extended_data_records: { first_occurrence_ns: bigint; last_occurrence_ns: bigint };
  snapshots: SnapshotEntry[];
}

const blank = { data: '', topic: '', message_type: '', bulk_data_id: '', size_bytes: 0, duration_sec: 0, format: '', history: '', capture_id: 0, occurrence: 0 };

/** Builds the environment data of `code`; undefined if the fault does not exist. */
export function environmentData(repo: FaultRepository, code: string, retainOnClear: boolean): EnvironmentData | undefined {
  const f = repo.getFault(code);
  if (!f) return undefined;
  const snapshots: SnapshotEntry[] = [];
  const rows = repo.snapshotRows(code);
  for (const r of rows) {
    const name = r.topic.split('/').filter((s) => s !== '').at(-1) ?? r.topic;
    snapshots.push({ ...blank, type: 'freeze_frame', name, data: r.data, topic: r.topic, message_type: r.message_type, captured_at_ns: r.captured_at_ns, capture_id: r.capture_id, occurrence: r.occurrence ?? 0, history: r.history });
  }
  if (rows.length === 0 || retainOnClear) {
    const frame = repo.freezeFrame(code);
    if (frame) snapshots.push({ ...blank, type: 'freeze_frame', name: 'freeze_frame', data: frame.data, captured_at_ns: frame.captured_at_ns });
  }
  for (const l of repo.rosbagLinksForFault(code)) {
    if (!l.recording_id) continue;
    snapshots.push({
      ...blank, type: 'rosbag', name: `rosbag_${l.recording_id}`, bulk_data_id: l.recording_id, size_bytes: downloadSize(l),
      duration_sec: l.duration_sec, format: l.format, captured_at_ns: l.created_at_ns,
    });
  }
  return { extended_data_records: { first_occurrence_ns: f.first_occurred_ns, last_occurrence_ns: f.last_occurred_ns }, snapshots };
}
