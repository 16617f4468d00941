// The shared durable consumer (fleet.md §5): every replica pulls batches from `fleet-ingest`, writes them to
// PostgreSQL and acks only after the commit. A replica that dies mid-batch leaves its messages unacked and
// JetStream redelivers them (after ack_wait) to a replica that is alive; the idempotent writer makes that safe.
// While PostgreSQL is down nothing is acked and the loop backs off.
import type { NatsConnection } from '@nats-io/transport-node';
import { AckPolicy, DeliverPolicy, jetstream, jetstreamManager, type JsMsg } from '@nats-io/jetstream';
import type { Pool } from 'pg';
import { parseEnvelope } from '../fleet-protocol/envelope.js';
import { writeBatch, type IngestItem } from './ingest-writer.js';
import { WakeableSleep } from '../fleet-protocol/wake-sleep.js';

export const INGEST_CONSUMER = 'fleet-ingest';

export interface IngestOptions {
  stream: string;
  batch: number;
  maxAckPending: number;
  ackWaitSec: number;
  log: { warn(o: object, m: string): void; debug(o: object, m: string): void };
}

export interface IngestStats {
  ingested: number;
  duplicates: number;
  rejected: number;
  unknown_version: number;
  db_failures: number;
  /** Messages the consumer has not delivered yet (stream lag), as of the last fetch. */
  pending: number;
  /** Events per second over the last completed 10 s window. */
  rate: number;
  db_ok: boolean;
}

export class FleetIngest {
  private stopped = false;
  private running?: Promise<void>;
  private readonly pause = new WakeableSleep();
  private readonly s: IngestStats = { ingested: 0, duplicates: 0, rejected: 0, unknown_version: 0, db_failures: 0, pending: 0, rate: 0, db_ok: true };
  private windowStart = Date.now();
  private windowCount = 0;

  constructor(private readonly nc: NatsConnection, private readonly pool: Pool, private readonly o: IngestOptions) {}

  /** Creates the durable consumer when absent (idempotent across replicas). */
  async ensureConsumer(): Promise<void> {
    const jsm = await jetstreamManager(this.nc, { timeout: 5000 });
    try {
      await jsm.consumers.info(this.o.stream, INGEST_CONSUMER);
    } catch {
      await jsm.consumers.add(this.o.stream, {
        durable_name: INGEST_CONSUMER,
        ack_policy: AckPolicy.Explicit,
        deliver_policy: DeliverPolicy.All,
        max_ack_pending: this.o.maxAckPending,
        ack_wait: this.o.ackWaitSec * 1_000_000_000,
        max_deliver: -1,
      }).catch(async (err) => {
        // Another replica created it at the same moment.
        await jsm.consumers.info(this.o.stream, INGEST_CONSUMER).catch(() => { throw err; });
      });
    }
  }

  start(): void {
    this.running ??= this.loop();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.pause.wake();
    await this.running;
  }

  stats(): IngestStats {
    return { ...this.s };
  }

  private async loop(): Promise<void> {
    let backoff = 100;
    while (!this.stopped) {
      try {
        const consumer = await jetstream(this.nc).consumers.get(this.o.stream, INGEST_CONSUMER);
        while (!this.stopped) {
          const msgs = await consumer.fetch({ max_messages: this.o.batch, expires: 1000 });
          const batch: JsMsg[] = [];
          for await (const m of msgs) {
            batch.push(m);
            this.s.pending = m.info.pending;
          }
          if (batch.length === 0) {
            this.s.pending = 0;
            continue;
          }
          await this.handle(batch);
          backoff = 100;
        }
      } catch (err) {
        this.o.log.debug({ err: (err as Error).message }, 'fleet ingest: consumer error; retrying');
        await this.pause.sleep(backoff);
        backoff = Math.min(5000, backoff * 2);
      }
    }
  }

  private async handle(batch: JsMsg[]): Promise<void> {
    const items: IngestItem[] = [];
    const good: JsMsg[] = [];
    for (const m of batch) {
      const p = parseEnvelope(m.data);
      if (!p.ok) {
        // Never retried: a message we cannot read now we cannot read later either.
        if (p.unknownVersion) this.s.unknown_version++;
        else this.s.rejected++;
        this.o.log.warn({ subject: m.subject, reason: p.reason }, 'fleet ingest: message refused (term)');
        m.term(p.reason);
        continue;
      }
      items.push({ envelope: p.envelope, streamSeq: m.seq });
      good.push(m);
    }
    for (;;) {
      try {
        const fresh = await this.write(items, good);
        this.s.db_ok = true;
        this.s.ingested += fresh;
        this.s.duplicates += items.length - fresh;
        this.count(fresh);
        break;
      } catch (err) {
        this.s.db_ok = false;
        this.s.db_failures++;
        this.o.log.warn({ err: (err as Error).message }, 'fleet ingest: PostgreSQL write failed; holding the batch (no ack)');
        if (this.stopped) return;
        // Keep the messages ours while we wait, so they are not redelivered mid-retry.
        for (const m of good) m.working();
        await this.pause.sleep(1000);
        if (this.stopped) return;
      }
    }
    for (const m of good) m.ack();
  }

  /**
   * Writes the batch; when PostgreSQL refuses its data (SQLSTATE class 22 or 23: a value our checks let
   * through), writes item by item and terms the ones it refuses, so one bad event never blocks the stream.
   */
  private async write(items: IngestItem[], msgs: JsMsg[]): Promise<number> {
    try {
      return await writeBatch(this.pool, items);
    } catch (err) {
      const code = String((err as { code?: unknown }).code ?? '');
      if (!code.startsWith('22') && !code.startsWith('23')) throw err;
      let fresh = 0;
      for (let i = items.length - 1; i >= 0; i--) {
        try {
          fresh += await writeBatch(this.pool, [items[i]]);
        } catch (one) {
          const c = String((one as { code?: unknown }).code ?? '');
          if (!c.startsWith('22') && !c.startsWith('23')) throw one;
          this.s.rejected++;
          this.o.log.warn({ subject: msgs[i].subject, err: (one as Error).message }, 'fleet ingest: PostgreSQL refused an event (term)');
          msgs[i].term('refused by the database');
          msgs.splice(i, 1);
          items.splice(i, 1);
        }
      }
      return fresh;
    }
  }

  private count(n: number): void {
    this.windowCount += n;
    const now = Date.now();
    if (now - this.windowStart >= 10_000) {
      this.s.rate = Math.round((this.windowCount * 1000) / (now - this.windowStart));
      this.windowStart = now;
      this.windowCount = 0;
    }
  }
}
