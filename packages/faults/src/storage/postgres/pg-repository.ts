// The PostgreSQL fault store (docs/faults.md "PostgreSQL"): the whole store is held in memory, loaded once
// at start-up, and every write is applied there first and then sent to PostgreSQL by the write-behind queue,
// so no report waits on a network round trip. Until the first load has finished the store is `connecting`
// (reads and writes refused); while PostgreSQL cannot be reached new writes are refused and the writes
// already accepted stay queued and are sent, in order, once it answers again.
import { createRequire } from 'node:module';
import type pg from 'pg';
import type { NearMiss } from '../../engine.js';
import type { FaultLogger } from '../../log.js';
import type { FaultRecord } from '../../model.js';
import { MemoryFaultRepository } from '../memory-repository.js';
import type { FaultRepository, FreezeFrameRow, RosbagLink, SnapshotRow, StatusSeverityCount } from '../repository.js';
import { storeProblemOf } from '../store-errors.js';
import type { FaultStoreStatus } from '../store-status.js';
import { loadPgFaultStore, migratePgFaultStore } from './pg-schema.js';
import * as sql from './pg-statements.js';
import { PgJournal } from './pg-journal.js';
import { PgWriteQueue } from './pg-writer.js';
import { withPgTransaction } from '@medkit/kit';
import { Backoff } from '@medkit/sovd';
import type { HistoryEntry } from '../../history/model.js';

/** The PostgreSQL driver, loaded when a PostgreSQL store is opened: a gateway on SQLite never loads it. */
function loadPg(): typeof pg {
  return createRequire(import.meta.url)('pg') as typeof pg;
}

export interface PgStoreOptions {
  /** Connection string (`postgres://user@host:port/db`). */
  url: string;
  poolSize: number;
  /** Deadline of one query and of one connection attempt. */
  queryTimeoutMs: number;
  /** Ceiling of the reconnect backoff (it starts at 250 ms and doubles). */
  reconnectMaxMs: number;
  /** Statements accepted and not yet written past which new writes are refused. */
  maxPendingWrites: number;
  /** Where the write-ahead journal lives (the data dir; `:memory:`: not across a crash, for tests). */
  journalDir?: string | ':memory:';
}

const BACKOFF_MIN_MS = 250;

export class PostgresFaultRepository implements FaultRepository {
  readonly kind = 'postgresql' as const;
  private mem = new MemoryFaultRepository();
  private readonly pool: pg.Pool;
  private readonly queue: PgWriteQueue;
  private readonly journal: PgJournal;
  private batch: sql.PgStatement[] | undefined;
  private ready = false;
  private readonly waiting: (() => void)[] = [];
  private closed = false;

  constructor(private readonly o: PgStoreOptions, private readonly status: FaultStoreStatus, private readonly log: FaultLogger) {
    this.pool = new (loadPg().Pool)({
      connectionString: o.url, max: o.poolSize, connectionTimeoutMillis: o.queryTimeoutMs, query_timeout: o.queryTimeoutMs,
      statement_timeout: o.queryTimeoutMs, application_name: 'medkit-faults',
    });
    // An idle client losing its server must not crash the gateway; the next write finds out and retries.
    this.pool.on('error', (err) => { this.status.connected = false; log.warn(`fault store (postgresql): idle connection lost: ${err.message}`); });
    this.journal = PgJournal.open(o.journalDir ?? ':memory:');
    this.queue = new PgWriteQueue({ pool: this.pool, status, log, backoffMinMs: BACKOFF_MIN_MS, backoffMaxMs: o.reconnectMaxMs, journal: this.journal });
    void this.connect();
  }

  /** Creates the tables and loads every row, retrying with backoff until PostgreSQL answers. */
  private async connect(): Promise<void> {
    const backoff = new Backoff({ initialMs: BACKOFF_MIN_MS, maxMs: this.o.reconnectMaxMs });
    while (!this.closed) {
      try {
        await migratePgFaultStore(this.pool);
        await this.replayJournal();
        this.mem = MemoryFaultRepository.fromRows(await loadPgFaultStore(this.pool));
        this.ready = true;
        this.status.recover();
        this.log.info(`fault store (postgresql): ${this.mem.faultCount()} faults loaded`);
        for (const fn of this.waiting.splice(0)) fn();
        return;
      } catch (err) {
        this.status.connected = false;
        this.status.fail(storeProblemOf(err, true) ?? 'error', (err as Error).message, false);
        const delay = backoff.next();
        this.log.warn(`fault store (postgresql): cannot load (${(err as Error).message}); retrying in ${delay} ms`);
        await new Promise((resolve) => setTimeout(resolve, delay).unref());
      }
    }
  }

  /**
   * Sends what the journal kept from before the last stop (acknowledged, never committed), in order and before the
   * store loads, so the memory copy holds it too. Upserts come out the same if some were committed after all.
   */
  private async replayJournal(): Promise<void> {
    let replayed = 0;
    for (;;) {
      const entries = this.journal.oldest(100);
      if (entries.length === 0) break;
      await withPgTransaction(() => this.pool.connect(), async (client) => {
        for (const e of entries) for (const st of e.statements) await client.query(st.text, st.values);
      });
      this.journal.removeThrough(entries[entries.length - 1].id);
      replayed += entries.length;
    }
    if (replayed > 0) this.log.info(`fault store (postgresql): ${replayed} journalled write batches from before the last stop sent to PostgreSQL`);
  }

  /** Write batches acknowledged and not yet committed to PostgreSQL, as the journal holds them. */
  get journalled(): number {
    return this.journal.size;
  }

  whenReady(fn: () => void): void {
    if (this.ready) fn();
    else this.waiting.push(fn);
  }

  drain(deadlineMs: number): Promise<void> {
    return this.queue.drain(deadlineMs);
  }

  /** Queues `statements` with the open `atomically` batch, or as a batch of their own. */
  private send(...statements: sql.PgStatement[]): void {
    if (this.batch) this.batch.push(...statements);
    else this.queue.push(statements);
  }

  /** Refuses a write once the backlog is full (the guard refuses writes while connecting or unreachable). */
  private admit(): void {
    if (this.status.pending < this.o.maxPendingWrites) return;
    this.status.fail('backlog-full', `${this.status.pending} writes wait for PostgreSQL (faults.postgresql.max_pending_writes)`);
    throw this.status.error();
  }

  atomically<T>(fn: () => T): T {
    if (this.batch) return fn();
    this.admit();
    const batch: sql.PgStatement[] = [];
    this.batch = batch;
    try {
      return fn();
    } finally {
      // Whatever reached the memory copy is sent, a throw included: the database mirrors the memory copy.
      this.batch = undefined;
      this.queue.push(batch);
    }
  }

  getFault(code: string): FaultRecord | undefined { return this.mem.getFault(code); }
  allFaults(): FaultRecord[] { return this.mem.allFaults(); }
  faultCount(): number { return this.mem.faultCount(); }
  statusSeverityCounts(): StatusSeverityCount[] { return this.mem.statusSeverityCounts(); }
  nearMisses(code: string): NearMiss[] { return this.mem.nearMisses(code); }
  history(code: string): HistoryEntry[] { return this.mem.history(code); }
  snapshotRows(code: string): SnapshotRow[] { return this.mem.snapshotRows(code); }
  maxCaptureId(): number { return this.mem.maxCaptureId(); }
  freezeFrame(code: string): FreezeFrameRow | undefined { return this.mem.freezeFrame(code); }
  rosbagLinksForFault(code: string): RosbagLink[] { return this.mem.rosbagLinksForFault(code); }
  linksForRecording(recordingId: string): RosbagLink[] { return this.mem.linksForRecording(recordingId); }
  allRosbagLinks(): RosbagLink[] { return this.mem.allRosbagLinks(); }

  putFault(rec: FaultRecord, nearMiss?: NearMiss, maxNearMisses = 0): void {
    this.admit();
    this.mem.putFault(rec, nearMiss, maxNearMisses);
    const out = [sql.upsertFault(rec)];
    if (nearMiss) out.push(sql.insertNearMiss(nearMiss));
    if (nearMiss && maxNearMisses > 0) out.push(sql.keepNewestNearMisses(rec.fault_code, maxNearMisses));
    this.send(...out);
  }
  putFaults(recs: readonly FaultRecord[]): void {
    this.admit();
    this.mem.putFaults(recs);
    this.send(...recs.map(sql.upsertFault));
  }
  deleteFault(code: string): void {
    this.admit();
    this.mem.deleteFault(code);
    this.send(...sql.deleteFaultRows(code));
  }
  appendHistory(entry: HistoryEntry, maxPerFault: number): void {
    this.admit();
    this.mem.appendHistory(entry, maxPerFault);
    // The memory copy assigned the id; the row goes to PostgreSQL with it.
    const stored = this.mem.history(entry.fault_code).at(-1)!;
    this.send(sql.insertHistory(stored), ...(maxPerFault > 0 ? [sql.keepNewestHistory(entry.fault_code, maxPerFault)] : []));
  }
  trimNearMisses(maxPerFault: number): number {
    const dropped = this.mem.trimNearMisses(maxPerFault);
    if (dropped > 0) this.send(sql.keepNewestNearMissesAll(maxPerFault));
    return dropped;
  }
  /** The capture ids of `code` that `change` removed from the memory copy. */
  private evicted(code: string, change: () => void, added: readonly number[] = []): number[] {
    const before = new Set([...this.mem.snapshotRows(code).map((r) => r.capture_id), ...added]);
    change();
    const after = new Set(this.mem.snapshotRows(code).map((r) => r.capture_id));
    return [...before].filter((id) => !after.has(id));
  }
  insertCaptureSet(rows: readonly SnapshotRow[], maxRows: number): void {
    if (rows.length === 0) return;
    this.admit();
    const code = rows[0].fault_code;
    const gone = this.evicted(code, () => this.mem.insertCaptureSet(rows, maxRows), rows.map((r) => r.capture_id));
    const out = rows.map(sql.insertSnapshot);
    if (gone.length > 0) out.push(sql.deleteCaptureSets(code, gone));
    this.send(...out);
  }
  deleteSnapshots(code: string): void {
    this.admit();
    this.mem.deleteSnapshots(code);
    this.send(sql.deleteSnapshots(code));
  }
  applySnapshotCap(maxRows: number): number {
    const codes = this.mem.snapshotCodes();
    const before = new Map(codes.map((c) => [c, new Set(this.mem.snapshotRows(c).map((r) => r.capture_id))]));
    const dropped = this.mem.applySnapshotCap(maxRows);
    for (const [code, ids] of before) {
      const after = new Set(this.mem.snapshotRows(code).map((r) => r.capture_id));
      const gone = [...ids].filter((id) => !after.has(id));
      if (gone.length > 0) this.send(sql.deleteCaptureSets(code, gone));
    }
    return dropped;
  }
  putFreezeFrame(frame: FreezeFrameRow): void {
    this.admit();
    this.mem.putFreezeFrame(frame);
    this.send(sql.upsertFreezeFrame(frame));
  }
  addRosbagLinks(links: readonly RosbagLink[]): void {
    this.admit();
    this.mem.addRosbagLinks(links);
    this.send(...links.map(sql.upsertLink));
  }
  deleteRosbagLink(code: string, recordingId: string): void {
    this.admit();
    this.mem.deleteRosbagLink(code, recordingId);
    this.send(sql.deleteLink(code, recordingId));
  }
  deleteRecording(recordingId: string): void {
    this.admit();
    this.mem.deleteRecording(recordingId);
    this.send(sql.deleteRecording(recordingId));
  }

  close(): void {
    this.closed = true;
    this.queue.close();
    this.journal.close();
    void this.pool.end().catch(() => undefined);
  }
}
