// The fault events' outbox of otlp_export (docs/logs-export.md, "Fault events kept on disk"): with outbox.enabled,
// each fault event is written to a SQLite file, one row per endpoint, and deleted only once that endpoint's collector
// answered the request that carried it with success. A lane per endpoint sends the oldest rows in order, one request
// at a time, and waits with backoff while the collector is away, so a robot offline for an hour (or restarted
// meanwhile) delivers them afterwards, in the order they happened. Bounded per endpoint in rows and bytes: past a
// bound the oldest rows are dropped and counted. Delivery is at least once: a request whose answer is lost is sent
// again.
import type BetterSqlite3 from 'better-sqlite3';
import type { ExportResult } from '@opentelemetry/core';
import type { LogRecordExporter, LogRecordProcessor, ReadableLogRecord, SdkLogRecord } from '@opentelemetry/sdk-logs';
import { Backoff } from '@medkit/plugin-api';

type Db = BetterSqlite3.Database;

export interface OutboxRow {
  seq: number;
  payload: string;
}

export interface OutboxLaneStatus {
  pending_records: number;
  pending_bytes: number;
  delivered_records: number;
  /** Rows dropped past max_records or max_bytes, oldest first. */
  dropped_oldest: number;
  failing: boolean;
  last_error?: { at: string; message: string };
}

/** The SQLite side: rows per endpoint, their count and bytes kept in memory, the bounds enforced on add. */
export class OutboxStore {
  private readonly sums = new Map<string, { rows: number; bytes: number; dropped: number }>();
  private readonly insert;
  private readonly oldest;
  private readonly head;
  private readonly upTo;

  private constructor(private readonly db: Db, private readonly maxRecords: number, private readonly maxBytes: number) {
    db.exec(`CREATE TABLE IF NOT EXISTS otlp_outbox (
      seq INTEGER PRIMARY KEY AUTOINCREMENT,
      endpoint TEXT NOT NULL,
      payload TEXT NOT NULL
    );
    CREATE INDEX IF NOT EXISTS otlp_outbox_endpoint ON otlp_outbox(endpoint, seq);`);
    this.insert = db.prepare('INSERT INTO otlp_outbox (endpoint, payload) VALUES (?, ?)');
    this.oldest = db.prepare('DELETE FROM otlp_outbox WHERE seq = (SELECT seq FROM otlp_outbox WHERE endpoint = ? ORDER BY seq LIMIT 1) RETURNING length(payload) AS bytes');
    this.head = db.prepare('SELECT seq, payload FROM otlp_outbox WHERE endpoint = ? ORDER BY seq LIMIT ?');
    this.upTo = db.prepare('DELETE FROM otlp_outbox WHERE endpoint = ? AND seq <= ? RETURNING length(payload) AS bytes');
  }

  /**
   * Opens (or creates) the file; rows of endpoints no longer configured are deleted (returned count), the others'
   * count and bytes are read back. Throws when the file cannot be opened: the plugin then stops at start-up.
   */
  static async open(file: string, endpoints: readonly string[], maxRecords: number, maxBytes: number): Promise<{ store: OutboxStore; orphaned: number }> {
    const { default: Database } = await import('better-sqlite3');
    const db = new Database(file);
    try {
      db.pragma('journal_mode = WAL');
      // NORMAL in WAL mode: a committed row survives a crash of the process; only an OS crash can lose the last ones.
      db.pragma('synchronous = NORMAL');
      const store = new OutboxStore(db, maxRecords, maxBytes);
      const marks = endpoints.map(() => '?').join(', ');
      const orphaned = db.prepare(`DELETE FROM otlp_outbox WHERE endpoint NOT IN (${marks || "''"})`).run(...endpoints).changes;
      const count = db.prepare('SELECT count(*) AS rows, coalesce(sum(length(payload)), 0) AS bytes FROM otlp_outbox WHERE endpoint = ?');
      for (const e of endpoints) store.sums.set(e, { ...(count.get(e) as { rows: number; bytes: number }), dropped: 0 });
      return { store, orphaned };
    } catch (err) {
      db.close();
      throw err;
    }
  }

  /** Stores one event for each endpoint, dropping an endpoint's oldest rows first while it is at a bound. */
  add(payload: string): void {
    const bytes = Buffer.byteLength(payload);
    this.db.transaction(() => {
      for (const [endpoint, s] of this.sums) {
        while (s.rows > 0 && (s.rows + 1 > this.maxRecords || s.bytes + bytes > this.maxBytes)) {
          const gone = this.oldest.get(endpoint) as { bytes: number } | undefined;
          if (!gone) break;
          s.rows--;
          s.bytes -= gone.bytes;
          s.dropped++;
        }
        this.insert.run(endpoint, payload);
        s.rows++;
        s.bytes += bytes;
      }
    })();
  }

  /** The endpoint's oldest `limit` rows, in the order they were added. */
  peek(endpoint: string, limit: number): OutboxRow[] {
    return this.head.all(endpoint, limit) as OutboxRow[];
  }

  /** Deletes the endpoint's rows up to `seq` (acknowledged by its collector). */
  ack(endpoint: string, seq: number): number {
    const s = this.sums.get(endpoint)!;
    const gone = this.upTo.all(endpoint, seq) as { bytes: number }[];
    for (const g of gone) s.bytes -= g.bytes;
    s.rows -= gone.length;
    return gone.length;
  }

  counts(endpoint: string): { rows: number; bytes: number; dropped: number } {
    return { ...this.sums.get(endpoint)! };
  }

  close(): void {
    this.db.close();
  }
}

export interface OutboxLaneOptions {
  endpoint: string;
  store: OutboxStore;
  exporter: LogRecordExporter;
  /** Turns a stored payload into the record to send (the SDK's own record, with the resource and scope). */
  recordOf: (payload: string) => ReadableLogRecord;
  batchRecords: number;
  /** How long a new event waits for others to share its request (`batch.delay_ms`). */
  delayMs: number;
  /** The exporter's deadline; a call that never answers is given up 5 s later. */
  exportTimeoutMs: number;
  /** Backoff between rounds while the collector fails: from `minBackoffMs`, doubling, up to `maxBackoffMs`. */
  minBackoffMs?: number;
  maxBackoffMs?: number;
}

/** Sends one endpoint's rows, oldest first, one request at a time; never runs on the caller's path. */
export class OutboxLane {
  private busy = false;
  private closed = false;
  private timer?: NodeJS.Timeout;
  private readonly backoff: Backoff;
  private delivered = 0;
  private lastError?: { at: number; message: string };
  private inFlight?: Promise<void>;

  constructor(private readonly o: OutboxLaneOptions) {
    this.backoff = new Backoff({ initialMs: o.minBackoffMs ?? 1000, maxMs: o.maxBackoffMs ?? 60_000 });
  }

  /**
   * Something was added: send after `delayMs` (events of that time share a request), unless a round or a wait is on
   * already. `now`: at start, and after a backoff wait.
   */
  kick(now = false): void {
    if (this.busy || this.timer || this.closed) return;
    if (!now) {
      this.timer = setTimeout(() => {
        this.timer = undefined;
        this.kick(true);
      }, this.o.delayMs);
      this.timer.unref();
      return;
    }
    this.busy = true;
    this.inFlight = this.round().finally(() => {
      this.busy = false;
      // An event added while the round was ending (it saw no rows, but had not yet said it was done) is not left.
      if (!this.closed && !this.timer && this.o.store.counts(this.o.endpoint).rows > 0) this.kick();
    });
  }

  private async round(): Promise<void> {
    while (!this.closed) {
      const rows = this.o.store.peek(this.o.endpoint, this.o.batchRecords);
      if (rows.length === 0) return;
      const result = await this.send(rows.map((r) => this.o.recordOf(r.payload)));
      if (result.code === 0) {
        if (this.closed) return;
        this.delivered += this.o.store.ack(this.o.endpoint, rows[rows.length - 1].seq);
        this.lastError = undefined;
        this.backoff.reset();
        continue;
      }
      this.lastError = { at: Date.now(), message: String((result.error as Error | undefined)?.message ?? 'export failed') };
      if (this.closed) return;
      this.timer = setTimeout(() => {
        this.timer = undefined;
        this.kick(true);
      }, this.backoff.next());
      this.timer.unref();
      return;
    }
  }

  private send(records: ReadableLogRecord[]): Promise<ExportResult> {
    return new Promise((resolve) => {
      const guard = setTimeout(() => resolve({ code: 1, error: new Error('export did not answer') }), this.o.exportTimeoutMs + 5000);
      guard.unref();
      this.o.exporter.export(records, (r) => {
        clearTimeout(guard);
        resolve(r);
      });
    });
  }

  status(): OutboxLaneStatus {
    const c = this.o.store.counts(this.o.endpoint);
    return {
      pending_records: c.rows,
      pending_bytes: c.bytes,
      delivered_records: this.delivered,
      dropped_oldest: c.dropped,
      failing: this.lastError !== undefined,
      ...(this.lastError ? { last_error: { at: new Date(this.lastError.at).toISOString(), message: this.lastError.message } } : {}),
    };
  }

  /** Stops sending; a request in flight gets `graceMs` to finish. What is not acknowledged stays on disk. */
  async close(graceMs = 2000): Promise<void> {
    this.closed = true;
    clearTimeout(this.timer);
    this.timer = undefined;
    let t: NodeJS.Timeout | undefined;
    await Promise.race([this.inFlight, new Promise<void>((resolve) => (t = setTimeout(resolve, graceMs)))]);
    clearTimeout(t);
    // Not awaited: the exporter's shutdown waits for a request still in flight, without a bound of its own.
    void this.o.exporter.shutdown().catch(() => {});
  }
}

/** A processor that hands back the record just emitted: the outbox builds its records through the SDK's logger. */
export class CaptureProcessor implements LogRecordProcessor {
  private last?: SdkLogRecord;

  onEmit(record: SdkLogRecord): void {
    this.last = record;
  }

  take(): SdkLogRecord {
    const r = this.last;
    this.last = undefined;
    if (!r) throw new Error('no record was emitted');
    return r;
  }

  forceFlush(): Promise<void> {
    return Promise.resolve();
  }

  shutdown(): Promise<void> {
    return Promise.resolve();
  }
}
