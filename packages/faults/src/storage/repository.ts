// The fault store behind one small interface (docs/faults.md): SQLite by default, memory for tests and
// `storage_type: memory`, PostgreSQL as a write-behind mirror. Backends come from the registry (registry.ts).
import type { SqliteDatabase } from '@medkit/kit';
import type { NearMiss } from '../engine.js';
import type { FaultRecord, FaultStatus } from '../model.js';
import type { FaultStoreBackend } from './store-status.js';
import type { HistoryEntry } from '../history/model.js';

/** One per-topic snapshot row (docs/faults.md `snapshots`). */
export interface SnapshotRow {
  id?: number;
  fault_code: string;
  topic: string;
  message_type: string;
  /** Message JSON text. */
  data: string;
  captured_at_ns: bigint;
  capture_id: number;
  /**
   * The fault's occurrence number (occurrence_count) whose confirmation took this capture; 0 or absent for rows
   * stored before it was recorded (readers then place the capture by its time: docs/faults.md "Freeze frames").
   */
  occurrence?: number;
  /** [EXTENSION] JSON text of `[[timestamp_ns, value], ...]` of the topic's primary value around the capture; '' = none. */
  history: string;
}

/** The compact freeze frame of a code (docs/faults.md `freeze_frames`). */
export interface FreezeFrameRow {
  fault_code: string;
  /** JSON object text `{topic: message}`. */
  data: string;
  captured_at_ns: bigint;
}

/** One (fault, recording) link (docs/faults.md `rosbag_files`). */
export interface RosbagLink {
  id?: number;
  fault_code: string;
  recording_id: string;
  file_path: string;
  format: 'mcap' | 'sqlite3';
  duration_sec: number;
  size_bytes: number;
  created_at_ns: bigint;
}

/** One (status, severity) pair of the stored records and how many have it. */
export interface StatusSeverityCount {
  status: FaultStatus;
  severity: number;
  count: number;
}

/** Counts `records` by (status, severity); both stores call it on their in-memory records. */
export function countByStatusSeverity(records: Iterable<FaultRecord>): StatusSeverityCount[] {
  const out = new Map<string, StatusSeverityCount>();
  for (const r of records) {
    const key = `${r.status}/${r.severity}`;
    const c = out.get(key);
    if (c) c.count++;
    else out.set(key, { status: r.status, severity: r.severity, count: 1 });
  }
  return [...out.values()];
}

/**
 * Storage of fault state. Every method is synchronous and atomic; multi-row writes run in one transaction.
 * Every implementation behaves identically (the shared contract test runs against each). A method the store
 * cannot serve throws FaultStoreUnavailable (through the guard, guarded-repository.ts).
 */
export interface FaultRepository {
  readonly kind: FaultStoreBackend;
  /** Runs `fn` once reads and writes can be served (PostgreSQL: after the first load; others: now). */
  whenReady?(fn: () => void): void;
  /** Resolves once every accepted write is durable, or after `deadlineMs` (write-behind stores). */
  drain?(deadlineMs: number): Promise<void>;
  /** The SQLite database the store writes to (undefined in memory): writers that share it can join {@link atomically}. */
  readonly database?: SqliteDatabase;
  /**
   * Runs `fn` as one write transaction of this store: the store's own writes inside it, and any other writes
   * to {@link database}, commit together or not at all (a throw rolls all of them back). Memory: just runs `fn`.
   */
  atomically<T>(fn: () => T): T;
  getFault(code: string): FaultRecord | undefined;
  /** All records, any order. */
  allFaults(): FaultRecord[];
  faultCount(): number;
  /** How many records have each (status, severity), without copying them (monitoring reads it per scrape). */
  statusSeverityCounts(): StatusSeverityCount[];
  /** Writes `rec`, and appends `nearMiss` in the same transaction, trimming the series to `maxNearMisses` (0 = unlimited). */
  putFault(rec: FaultRecord, nearMiss?: NearMiss, maxNearMisses?: number): void;
  /** Writes several records in one transaction (timer auto-confirm, cascades). */
  putFaults(recs: readonly FaultRecord[]): void;
  /** Removes a record and everything attached (its history included) except rosbag links (docs/faults.md decision Q7 eviction only; faults are otherwise never deleted). */
  deleteFault(code: string): void;

  nearMisses(code: string): NearMiss[];
  /** Appends one status-history entry, keeping the code's newest `maxPerFault` (0 = unlimited). */
  appendHistory(entry: HistoryEntry, maxPerFault: number): void;
  /** The code's status history, oldest first. */
  history(code: string): HistoryEntry[];
  /** Applies a (smaller) bound to every code's series; returns how many rows were dropped. */
  trimNearMisses(maxPerFault: number): number;

  /** Stores one capture set atomically, then evicts whole oldest sets beyond `maxRows` (0 = unlimited), never the newest. */
  insertCaptureSet(rows: readonly SnapshotRow[], maxRows: number): void;
  /** Rows of `code`, newest capture first (capture_id desc, captured_at desc). */
  snapshotRows(code: string): SnapshotRow[];
  deleteSnapshots(code: string): void;
  /** Applies `maxRows` to every code (start-up); returns dropped row count. */
  applySnapshotCap(maxRows: number): number;
  maxCaptureId(): number;

  freezeFrame(code: string): FreezeFrameRow | undefined;
  putFreezeFrame(frame: FreezeFrameRow): void;

  /** Stores links all-or-nothing; a re-stored (fault, path) link updates in place. */
  addRosbagLinks(links: readonly RosbagLink[]): void;
  /** Links of `code`, newest first (created_at desc, then id desc). */
  rosbagLinksForFault(code: string): RosbagLink[];
  linksForRecording(recordingId: string): RosbagLink[];
  /** Every link, newest first. */
  allRosbagLinks(): RosbagLink[];
  /** Removes one (fault, recording) link. */
  deleteRosbagLink(code: string, recordingId: string): void;
  /** Removes every link of a recording. */
  deleteRecording(recordingId: string): void;

  close(): void;
}

