// The robot's on-disk outbox (docs/fleet.md): every fleet event is written here first, in the gateway's
// SQLite store, and deleted only after JetStream acknowledged it. Sequence numbers live in their own row so
// they are never reused, even after the outbox empties and the gateway restarts.
import type { Migration, SqliteDatabase } from '@medkit/kit';
import { eventId, type EventKind, type FleetEnvelope } from '@medkit/fleet-protocol';

export const OUTBOX_MIGRATIONS: Migration[] = [
  {
    id: 'fleet-link-001-outbox',
    up(db) {
      db.exec(`CREATE TABLE fleet_outbox (
        seq INTEGER PRIMARY KEY,
        kind TEXT NOT NULL,
        payload TEXT NOT NULL
      );
      CREATE INDEX fleet_outbox_kind ON fleet_outbox(kind, seq);
      CREATE TABLE fleet_sequence (
        robot_id TEXT PRIMARY KEY,
        last_seq INTEGER NOT NULL
      );`);
    },
  },
  {
    // The last seq of each kind, for prev_seq (docs/fleet.md): a row that survives restarts like fleet_sequence.
    id: 'fleet-link-002-kind-sequence',
    up(db) {
      db.exec(`CREATE TABLE fleet_kind_sequence (
        robot_id TEXT NOT NULL,
        kind TEXT NOT NULL,
        last_seq INTEGER NOT NULL,
        PRIMARY KEY (robot_id, kind)
      );`);
    },
  },
];

/** Drop order past the bound: the least valuable kinds first, fault events last. */
const DROP_ORDER: EventKind[] = ['health', 'logs', 'entities', 'faults'];

export interface OutboxRow {
  seq: number;
  kind: EventKind;
  payload: string;
}

export interface OutboxStats {
  pending: number;
  max_events: number;
  /** Events dropped past the bound since start, by kind. */
  dropped: Record<string, number>;
  dropped_total: number;
}

export class Outbox {
  private readonly insert;
  private readonly bump;
  private readonly lastOfKind;
  private readonly setLastOfKind;
  private readonly head;
  private readonly after;
  private readonly remove;
  private readonly countAll;
  private readonly oldestOf;
  private count: number;
  private readonly dropped: Record<string, number> = {};
  private droppedTotal = 0;

  /** `maxEvents`: the bound (`fleet.outbox.max_events`). */
  /** Set when the count may include rows of a transaction that was rolled back (see enqueue). */
  private stale = false;

  constructor(private readonly db: SqliteDatabase, private readonly robotId: string, readonly maxEvents: number) {
    this.insert = db.prepare('INSERT INTO fleet_outbox (seq, kind, payload) VALUES (?, ?, ?)');
    this.bump = db.prepare(`INSERT INTO fleet_sequence (robot_id, last_seq) VALUES (?, 1)
      ON CONFLICT(robot_id) DO UPDATE SET last_seq = last_seq + 1 RETURNING last_seq`);
    this.lastOfKind = db.prepare('SELECT last_seq FROM fleet_kind_sequence WHERE robot_id = ? AND kind = ?');
    this.setLastOfKind = db.prepare(`INSERT INTO fleet_kind_sequence (robot_id, kind, last_seq) VALUES (?, ?, ?)
      ON CONFLICT(robot_id, kind) DO UPDATE SET last_seq = excluded.last_seq`);
    this.head = db.prepare('SELECT seq, kind, payload FROM fleet_outbox ORDER BY seq LIMIT ?');
    this.after = db.prepare('SELECT seq, kind, payload FROM fleet_outbox WHERE seq > ? ORDER BY seq LIMIT ?');
    this.remove = db.prepare('DELETE FROM fleet_outbox WHERE seq = ?');
    this.countAll = db.prepare('SELECT COUNT(*) AS n FROM fleet_outbox');
    this.oldestOf = db.prepare('SELECT seq FROM fleet_outbox WHERE kind = ? ORDER BY seq LIMIT 1');
    this.count = (this.countAll.get() as { n: number }).n;
  }

  /**
   * Assigns the next seq and stores the event, in one transaction; makes room first when the outbox is at its
   * bound. Synchronous, so it can run inside the caller's own transaction (a fault and its event commit together).
   */
  readonly enqueue = (kind: EventKind, body: unknown, now: Date = new Date()): FleetEnvelope => {
    // Inside a caller's transaction our insert may still be rolled back with it, and the in-memory count
    // with it would drift one high for good; such counts are re-read once the outer transaction has ended.
    const nested = this.db.inTransaction;
    if (!nested) this.resync();
    else this.stale = true;
    return this.db.transaction(() => {
      while (this.count >= this.maxEvents) if (!this.dropOne()) break;
      const seq = (this.bump.get(this.robotId) as { last_seq: number }).last_seq;
      const prev = (this.lastOfKind.get(this.robotId, kind) as { last_seq: number } | undefined)?.last_seq;
      this.setLastOfKind.run(this.robotId, kind, seq);
      const env: FleetEnvelope = { v: 1, robot_id: this.robotId, seq, event_id: eventId(this.robotId, seq), time: now.toISOString(), kind, ...(prev === undefined ? {} : { prev_seq: prev }), body };
      this.insert.run(seq, kind, JSON.stringify(env));
      this.count++;
      return env;
    })();
  };

  private dropOne(): boolean {
    for (const kind of DROP_ORDER) {
      const row = this.oldestOf.get(kind) as { seq: number } | undefined;
      if (!row) continue;
      this.remove.run(row.seq);
      this.count--;
      this.dropped[kind] = (this.dropped[kind] ?? 0) + 1;
      this.droppedTotal++;
      return true;
    }
    return false;
  }

  /** The oldest `limit` events, in seq order. */
  peek(limit: number): OutboxRow[] {
    return this.head.all(limit) as OutboxRow[];
  }

  /** The oldest `limit` events after seq `seq`, in seq order. */
  peekAfter(seq: number, limit: number): OutboxRow[] {
    return this.after.all(seq, limit) as OutboxRow[];
  }

  /** Removes an acknowledged event. */
  ack(seq: number): void {
    if (this.remove.run(seq).changes > 0) this.count--;
  }

  /**
   * True inside a write transaction on the gateway's database: rows read now may still be rolled back, and their
   * seq reused, so nothing read now may leave the robot.
   */
  get inTransaction(): boolean {
    return this.db.inTransaction;
  }

  get pending(): number {
    this.resync();
    return this.count;
  }

  /** Re-reads the row count after an enqueue inside a caller's transaction, once that transaction is over. */
  private resync(): void {
    if (!this.stale || this.db.inTransaction) return;
    this.count = (this.countAll.get() as { n: number }).n;
    this.stale = false;
  }

  stats(): OutboxStats {
    this.resync();
    return { pending: this.count, max_events: this.maxEvents, dropped: { ...this.dropped }, dropped_total: this.droppedTotal };
  }
}
