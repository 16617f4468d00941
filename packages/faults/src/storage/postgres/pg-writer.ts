// The PostgreSQL store's write-behind queue (docs/faults.md "PostgreSQL"): batches (one per write or per
// `atomically`) are sent in order, each inside one transaction (never split), one transaction at a time,
// asynchronously (no report waits for it). Every query has the pool's deadline; a batch that fails is kept at the head and retried with exponential
// backoff, so nothing accepted is dropped and the order is kept. The status shows connected, pending and the
// last error.
import type { Pool } from 'pg';
import { withPgTransaction } from '@medkit/kit';
import { Backoff } from '@medkit/sovd';
import type { FaultLogger } from '../../log.js';
import { storeProblemOf } from '../store-errors.js';
import type { FaultStoreStatus } from '../store-status.js';
import type { PgJournal } from './pg-journal.js';
import type { PgStatement } from './pg-statements.js';

const MAX_STATEMENTS_PER_TX = 500;

interface PgWriterOptions {
  pool: Pool;
  status: FaultStoreStatus;
  log: FaultLogger;
  /** First retry delay and its ceiling. */
  backoffMinMs: number;
  backoffMaxMs: number;
  /** The write-ahead journal: each batch is in it before push returns, and leaves it once committed. */
  journal?: PgJournal;
}

interface QueuedBatch {
  statements: PgStatement[];
  /** Its journal entry. */
  journalId?: number;
}

export class PgWriteQueue {
  private readonly batches: QueuedBatch[] = [];
  private running: Promise<void> | undefined;
  private closed = false;
  private readonly backoff: Backoff;
  private wake: (() => void) | undefined;
  private readonly emptied = new Set<() => void>();

  constructor(private readonly o: PgWriterOptions) {
    this.backoff = new Backoff({ initialMs: o.backoffMinMs, maxMs: o.backoffMaxMs });
  }

  /** Statements waiting to be written. */
  get pending(): number {
    return this.o.status.pending;
  }

  /** Queues a batch; with a journal, it is on disk when this returns (throws when it cannot be: not acknowledged). */
  push(batch: PgStatement[]): void {
    if (batch.length === 0) return;
    const journalId = this.o.journal?.append(batch);
    this.batches.push({ statements: batch, journalId });
    this.o.status.pending += batch.length;
    this.running ??= this.run().finally(() => { this.running = undefined; });
  }

  /** Resolves when the queue is empty or after `deadlineMs`. */
  async drain(deadlineMs: number): Promise<void> {
    if (this.batches.length === 0) return;
    let done!: () => void;
    const empty = new Promise<void>((resolve) => { done = resolve; });
    this.emptied.add(done);
    const timer = setTimeout(done, deadlineMs);
    await empty;
    clearTimeout(timer);
    this.emptied.delete(done);
  }

  /** Stops retrying (whatever is queued stays unwritten; the caller drained first). */
  close(): void {
    this.closed = true;
    this.wake?.();
  }

  private async run(): Promise<void> {
    while (!this.closed && this.batches.length > 0) {
      // Batches queued behind each other go in one transaction (fewer round trips under a burst of reports).
      let take = 1;
      let size = this.batches[0].statements.length;
      while (take < this.batches.length && size + this.batches[take].statements.length <= MAX_STATEMENTS_PER_TX) size += this.batches[take++].statements.length;
      const taken = this.batches.slice(0, take);
      const batch = taken.flatMap((b) => b.statements);
      try {
        await this.send(batch);
        this.batches.splice(0, take);
        const lastJournalled = taken[taken.length - 1].journalId;
        if (lastJournalled !== undefined) this.forget(lastJournalled);
        this.o.status.pending -= batch.length;
        this.backoff.reset();
        this.o.status.connected = true;
        if (this.o.status.current === 'unavailable') this.o.status.recover();
      } catch (err) {
        const problem = storeProblemOf(err, true) ?? 'error';
        this.o.status.connected = problem !== 'unreachable' && problem !== 'timeout';
        this.o.status.fail(problem, (err as Error).message, false);
        const wait = this.backoff.next();
        this.o.log.warn(`fault store (postgresql): ${this.batches.length} write batches pending, retrying in ${wait} ms: ${(err as Error).message}`);
        await this.sleep(wait);
      }
    }
    if (this.batches.length === 0) for (const done of this.emptied) done();
  }

  /** Committed: out of the journal (a failure here only means it is sent again after a restart: upserts). */
  private forget(journalId: number): void {
    try {
      this.o.journal?.removeThrough(journalId);
    } catch (err) {
      this.o.log.warn(`fault store (postgresql): journal entries up to ${journalId} committed but not removed (${(err as Error).message}); they are sent again at the next start`);
    }
  }

  private async send(batch: PgStatement[]): Promise<void> {
    await withPgTransaction(() => this.o.pool.connect(), async (client) => {
      for (const st of batch) await client.query(st.text, st.values);
    });
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const t = setTimeout(() => { this.wake = undefined; resolve(); }, ms);
      t.unref?.();
      this.wake = () => { clearTimeout(t); this.wake = undefined; resolve(); };
    });
  }
}
