// SQLite fault store (default): write-through to the WAL database, with the fault table also held in
// memory so lists and report processing never wait on a SELECT (docs/faults.md).
import { basename, dirname } from 'node:path';
import type { SqliteDatabase } from '@medkit/kit';
import type { NearMiss } from '../engine.js';
import type { FaultRecord, FaultStatus } from '../model.js';
import { cloneRecord } from '../model.js';
import { countByStatusSeverity, type FaultRepository, type FreezeFrameRow, type RosbagLink, type SnapshotRow, type StatusSeverityCount } from './repository.js';
import { setsToEvict } from './ordering.js';
import type { HistoryChange, HistoryEntry } from '../history/model.js';

type Row = Record<string, unknown>;
const big = (v: unknown): bigint => (typeof v === 'bigint' ? v : BigInt(Math.trunc(Number(v ?? 0))));
const num = (v: unknown): number => Number(v ?? 0);

function toRecord(r: Row): FaultRecord {
  let sources: string[] = [];
  try {
    const parsed: unknown = JSON.parse(String(r.reporting_sources));
    if (Array.isArray(parsed)) sources = [...new Set(parsed.map(String))].sort();
  } catch {
    sources = [];
  }
  return {
    fault_code: String(r.fault_code),
    severity: num(r.severity),
    description: String(r.description ?? ''),
    first_occurred_ns: big(r.first_occurred_ns),
    last_occurred_ns: big(r.last_occurred_ns),
    last_passed_ns: big(r.last_passed_ns),
    occurrence_count: num(r.occurrence_count),
    status: String(r.status) as FaultStatus,
    reporting_sources: sources,
    debounce_counter: num(r.debounce_counter),
    last_failed_ns: big(r.last_failed_ns),
    confirmed_at_ns: big(r.confirmed_at_ns),
  };
}

const toSnapshot = (r: Row): SnapshotRow => ({
  id: num(r.id), fault_code: String(r.fault_code), topic: String(r.topic), message_type: String(r.message_type),
  data: String(r.data), captured_at_ns: big(r.captured_at_ns), capture_id: num(r.capture_id), history: String(r.history ?? ''),
  ...(num(r.occurrence) > 0 ? { occurrence: num(r.occurrence) } : {}),
});
const toLink = (r: Row): RosbagLink => ({
  id: num(r.id), fault_code: String(r.fault_code), recording_id: String(r.recording_id), file_path: String(r.file_path),
  format: r.format === 'sqlite3' ? 'sqlite3' : 'mcap', duration_sec: Number(r.duration_sec), size_bytes: num(r.size_bytes),
  created_at_ns: big(r.created_at_ns),
});
const toNearMiss = (r: Row): NearMiss => ({
  fault_code: String(r.fault_code), occurred_at_ns: big(r.occurred_at_ns), debounce_counter: num(r.debounce_counter),
  confirmation_threshold: num(r.confirmation_threshold), severity: num(r.severity), source_id: String(r.source_id),
  resulting_status: String(r.resulting_status) as FaultStatus,
});

const toHistory = (r: Row): HistoryEntry => ({
  id: num(r.id), fault_code: String(r.fault_code), at_ns: big(r.at_ns), change: String(r.change) as HistoryChange,
  status: String(r.status) as FaultStatus, occurrence: num(r.occurrence), source: String(r.source), note: String(r.note),
});

/** SQLite-backed repository over a database that already ran `faultMigrations`. */
export class SqliteFaultRepository implements FaultRepository {
  readonly kind = 'sqlite' as const;

  get database(): SqliteDatabase {
    return this.db;
  }

  atomically<T>(fn: () => T): T {
    // better-sqlite3 nests: the store's own transactions inside become savepoints of this one.
    return this.tx(fn);
  }
  private readonly cache = new Map<string, FaultRecord>();
  private readonly missCount = new Map<string, number>();
  private readonly st;
  /**
   * Cache changes of the open outermost transaction. A nested write's savepoint can succeed and the outer
   * COMMIT still fail (SQLITE_FULL as the WAL grows): the cache may follow only what the outermost commit
   * made durable, or a fault that was never stored is shown and is gone after a restart.
   */
  private staged: (() => void)[] | undefined;

  /** Runs `fn` in a transaction (a savepoint when nested); cache changes apply when the outermost one commits. */
  private tx<T>(fn: () => T): T {
    if (this.staged) return this.db.transaction(fn)();
    const staged: (() => void)[] = [];
    this.staged = staged;
    let out: T;
    try {
      out = this.db.transaction(fn)();
    } catch (err) {
      this.recountMisses();
      throw err;
    } finally {
      this.staged = undefined;
    }
    for (const apply of staged) apply();
    return out;
  }

  /** The near-miss counts after a rollback; left empty (bounds applied late) when the database cannot say. */
  private recountMisses(): void {
    this.missCount.clear();
    try {
      for (const r of this.st.missCounts.all() as Row[]) this.missCount.set(String(r.fault_code), num(r.n));
    } catch {
      // The store is failing; the next start-up trim applies the bound.
    }
  }

  /** Applies a cache change now, or when the open transaction commits (dropped when it rolls back). */
  private afterCommit(apply: () => void): void {
    if (this.staged) this.staged.push(apply);
    else apply();
  }

  constructor(private readonly db: SqliteDatabase) {
    const p = (sql: string) => db.prepare(sql);
    const q = (sql: string) => db.prepare(sql).safeIntegers(true);
    this.st = {
      upsert: p(`INSERT INTO faults (fault_code, severity, description, first_occurred_ns, last_occurred_ns, occurrence_count,
          status, reporting_sources, debounce_counter, last_failed_ns, last_passed_ns, confirmed_at_ns)
        VALUES (@fault_code, @severity, @description, @first_occurred_ns, @last_occurred_ns, @occurrence_count,
          @status, @reporting_sources, @debounce_counter, @last_failed_ns, @last_passed_ns, @confirmed_at_ns)
        ON CONFLICT (fault_code) DO UPDATE SET severity = excluded.severity, description = excluded.description,
          first_occurred_ns = excluded.first_occurred_ns, last_occurred_ns = excluded.last_occurred_ns,
          occurrence_count = excluded.occurrence_count, status = excluded.status, reporting_sources = excluded.reporting_sources,
          debounce_counter = excluded.debounce_counter, last_failed_ns = excluded.last_failed_ns,
          last_passed_ns = excluded.last_passed_ns, confirmed_at_ns = excluded.confirmed_at_ns`),
      allFaults: q('SELECT * FROM faults'),
      deleteFault: p('DELETE FROM faults WHERE fault_code = ?'),
      insertMiss: p(`INSERT INTO near_misses (fault_code, occurred_at_ns, debounce_counter, confirmation_threshold, severity,
          source_id, resulting_status) VALUES (?, ?, ?, ?, ?, ?, ?)`),
      trimMiss: p('DELETE FROM near_misses WHERE id IN (SELECT id FROM near_misses WHERE fault_code = ? ORDER BY id LIMIT ?)'),
      missCounts: q('SELECT fault_code, COUNT(*) AS n FROM near_misses GROUP BY fault_code'),
      misses: q('SELECT * FROM near_misses WHERE fault_code = ? ORDER BY id'),
      deleteMisses: p('DELETE FROM near_misses WHERE fault_code = ?'),
      insertSnap: p(`INSERT INTO snapshots (fault_code, topic, message_type, data, captured_at_ns, capture_id, history, occurrence)
          VALUES (?, ?, ?, ?, ?, ?, ?, ?)`),
      snapIds: p('SELECT capture_id FROM snapshots WHERE fault_code = ?').pluck(),
      snapCodes: p('SELECT DISTINCT fault_code FROM snapshots').pluck(),
      deleteSet: p('DELETE FROM snapshots WHERE fault_code = ? AND capture_id = ?'),
      snaps: q('SELECT * FROM snapshots WHERE fault_code = ? ORDER BY capture_id DESC, captured_at_ns DESC, id DESC'),
      deleteSnaps: p('DELETE FROM snapshots WHERE fault_code = ?'),
      maxCapture: p('SELECT COALESCE(MAX(capture_id), 0) FROM snapshots').pluck(),
      frame: q('SELECT * FROM freeze_frames WHERE fault_code = ?'),
      putFrame: p(`INSERT INTO freeze_frames (fault_code, data, captured_at_ns) VALUES (?, ?, ?)
          ON CONFLICT (fault_code) DO UPDATE SET data = excluded.data, captured_at_ns = excluded.captured_at_ns`),
      deleteFrame: p('DELETE FROM freeze_frames WHERE fault_code = ?'),
      putLink: p(`INSERT INTO rosbag_files (fault_code, recording_id, file_path, format, duration_sec, size_bytes, created_at_ns)
          VALUES (@fault_code, @recording_id, @file_path, @format, @duration_sec, @size_bytes, @created_at_ns)
          ON CONFLICT (fault_code, file_path) DO UPDATE SET recording_id = excluded.recording_id, format = excluded.format,
          duration_sec = excluded.duration_sec, size_bytes = excluded.size_bytes, created_at_ns = excluded.created_at_ns`),
      linksByFault: q('SELECT * FROM rosbag_files WHERE fault_code = ? ORDER BY created_at_ns DESC, id DESC'),
      linksByRec: q('SELECT * FROM rosbag_files WHERE recording_id = ? ORDER BY created_at_ns DESC, id DESC'),
      allLinks: q('SELECT * FROM rosbag_files ORDER BY created_at_ns DESC, id DESC'),
      deleteLink: p('DELETE FROM rosbag_files WHERE fault_code = ? AND recording_id = ?'),
      deleteRec: p('DELETE FROM rosbag_files WHERE recording_id = ?'),
      putHistory: p('INSERT INTO fault_history (fault_code, at_ns, change, status, occurrence, source, note) VALUES (?, ?, ?, ?, ?, ?, ?)'),
      // Everything of the code up to the newest row that falls outside the bound.
      trimHistory: p(`DELETE FROM fault_history WHERE fault_code = ? AND id <= (SELECT id FROM fault_history WHERE fault_code = ?
          ORDER BY id DESC LIMIT 1 OFFSET ?)`),
      history: q('SELECT * FROM fault_history WHERE fault_code = ? ORDER BY id'),
      deleteHistory: p('DELETE FROM fault_history WHERE fault_code = ?'),
    };
    this.repairOnOpen();
    for (const r of this.st.allFaults.all() as Row[]) {
      const rec = toRecord(r);
      this.cache.set(rec.fault_code, rec);
    }
    this.recountMisses();
  }

  /** docs/faults.md repair: last_occurred never after last_failed; recording ids back-filled from the bag path. */
  private repairOnOpen(): void {
    this.db.exec('UPDATE faults SET last_occurred_ns = last_failed_ns WHERE last_failed_ns > 0 AND last_occurred_ns > last_failed_ns');
    const missing = this.db.prepare("SELECT id, file_path FROM rosbag_files WHERE recording_id = ''").all() as { id: number; file_path: string }[];
    const set = this.db.prepare('UPDATE rosbag_files SET recording_id = ? WHERE id = ?');
    for (const m of missing) {
      // A link's path is the bag file or its directory; the recording id is the directory name.
      const id = /\.(mcap|db3)$/.test(m.file_path) ? basename(dirname(m.file_path)) : basename(m.file_path);
      set.run(id, m.id);
    }
  }

  private writeFault(rec: FaultRecord): void {
    this.st.upsert.run({ ...rec, reporting_sources: JSON.stringify(rec.reporting_sources) });
  }

  getFault(code: string): FaultRecord | undefined {
    const r = this.cache.get(code);
    return r && cloneRecord(r);
  }
  allFaults(): FaultRecord[] {
    return [...this.cache.values()].map(cloneRecord);
  }
  faultCount(): number {
    return this.cache.size;
  }
  statusSeverityCounts(): StatusSeverityCount[] {
    return countByStatusSeverity(this.cache.values());
  }
  putFault(rec: FaultRecord, nearMiss?: NearMiss, maxNearMisses = 0): void {
    const copy = cloneRecord(rec);
    this.tx(() => {
      this.writeFault(rec);
      if (nearMiss) {
        const m = nearMiss;
        this.st.insertMiss.run(m.fault_code, m.occurred_at_ns, m.debounce_counter, m.confirmation_threshold, m.severity, m.source_id, m.resulting_status);
        let n = (this.missCount.get(m.fault_code) ?? 0) + 1;
        if (maxNearMisses > 0 && n > maxNearMisses) {
          this.st.trimMiss.run(m.fault_code, n - maxNearMisses);
          n = maxNearMisses;
        }
        // Counted eagerly (later writes in the transaction need it); a rollback recounts from the database.
        this.missCount.set(m.fault_code, n);
      }
      // The cache follows only a committed write.
      this.afterCommit(() => this.cache.set(copy.fault_code, copy));
    });
  }
  putFaults(recs: readonly FaultRecord[]): void {
    const copies = recs.map(cloneRecord);
    this.tx(() => {
      for (const r of recs) this.writeFault(r);
      this.afterCommit(() => { for (const r of copies) this.cache.set(r.fault_code, r); });
    });
  }
  deleteFault(code: string): void {
    this.tx(() => {
      this.st.deleteFault.run(code);
      this.st.deleteMisses.run(code);
      this.st.deleteSnaps.run(code);
      this.st.deleteFrame.run(code);
      this.st.deleteHistory.run(code);
      this.missCount.delete(code);
      this.afterCommit(() => this.cache.delete(code));
    });
  }
  nearMisses(code: string): NearMiss[] {
    return (this.st.misses.all(code) as Row[]).map(toNearMiss);
  }
  appendHistory(h: HistoryEntry, maxPerFault: number): void {
    this.tx(() => {
      this.st.putHistory.run(h.fault_code, h.at_ns, h.change, h.status, h.occurrence, h.source, h.note);
      if (maxPerFault > 0) this.st.trimHistory.run(h.fault_code, h.fault_code, maxPerFault);
    });
  }
  history(code: string): HistoryEntry[] {
    return (this.st.history.all(code) as Row[]).map(toHistory);
  }
  trimNearMisses(maxPerFault: number): number {
    if (maxPerFault <= 0) return 0;
    let dropped = 0;
    this.tx(() => {
      for (const [code, n] of this.missCount) {
        if (n <= maxPerFault) continue;
        this.st.trimMiss.run(code, n - maxPerFault);
        dropped += n - maxPerFault;
        this.missCount.set(code, maxPerFault);
      }
    });
    return dropped;
  }
  private capCode(code: string, maxRows: number): number {
    const ids = this.st.snapIds.all(code) as number[];
    let dropped = 0;
    for (const id of setsToEvict(ids, maxRows)) dropped += this.st.deleteSet.run(code, id).changes;
    return dropped;
  }
  insertCaptureSet(rows: readonly SnapshotRow[], maxRows: number): void {
    if (rows.length === 0) return;
    this.tx(() => {
      for (const r of rows) this.st.insertSnap.run(r.fault_code, r.topic, r.message_type, r.data, r.captured_at_ns, r.capture_id, r.history, r.occurrence ?? 0);
      this.capCode(rows[0].fault_code, maxRows);
    });
  }
  snapshotRows(code: string): SnapshotRow[] {
    return (this.st.snaps.all(code) as Row[]).map(toSnapshot);
  }
  deleteSnapshots(code: string): void {
    this.st.deleteSnaps.run(code);
  }
  applySnapshotCap(maxRows: number): number {
    let dropped = 0;
    this.tx(() => {
      for (const code of this.st.snapCodes.all() as string[]) dropped += this.capCode(code, maxRows);
    });
    return dropped;
  }
  maxCaptureId(): number {
    return Number(this.st.maxCapture.get());
  }
  freezeFrame(code: string): FreezeFrameRow | undefined {
    const r = this.st.frame.get(code) as Row | undefined;
    return r && { fault_code: String(r.fault_code), data: String(r.data), captured_at_ns: big(r.captured_at_ns) };
  }
  putFreezeFrame(f: FreezeFrameRow): void {
    this.st.putFrame.run(f.fault_code, f.data, f.captured_at_ns);
  }
  addRosbagLinks(links: readonly RosbagLink[]): void {
    this.tx(() => {
      for (const { id: _id, ...rest } of links) this.st.putLink.run(rest);
    });
  }
  rosbagLinksForFault(code: string): RosbagLink[] {
    return (this.st.linksByFault.all(code) as Row[]).map(toLink);
  }
  linksForRecording(recordingId: string): RosbagLink[] {
    return (this.st.linksByRec.all(recordingId) as Row[]).map(toLink);
  }
  allRosbagLinks(): RosbagLink[] {
    return (this.st.allLinks.all() as Row[]).map(toLink);
  }
  deleteRosbagLink(code: string, recordingId: string): void {
    this.st.deleteLink.run(code, recordingId);
  }
  deleteRecording(recordingId: string): void {
    this.st.deleteRec.run(recordingId);
  }
  close(): void {
    // The database belongs to the gateway's store; closing it is the owner's job.
  }
}
