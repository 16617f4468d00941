// The shared durable consumer (docs/fleet.md): every replica consumes `fleet-ingest`, writes what it received to
// PostgreSQL in batches and acks only after the commit. A replica that dies mid-batch leaves its messages unacked
// and JetStream redelivers them (after ack_wait) to a replica that is alive; the idempotent writer makes that safe.
//
// Why a long-lived `consume()` and not a loop of short `fetch()`es: a fetch the client gives up on (its expiry or
// its heartbeat timer firing on a busy event loop) abandons the messages the server had already sent to it; they
// sat unacked until ack_wait and reached PostgreSQL ~10 s late. A consume session keeps one inbox for its whole
// life, so nothing the server hands us is dropped; we batch whatever has arrived while the previous batch was
// being written. The buffer is bounded by the consumer's max_ack_pending (the server sends no more unacked).
import type { NatsConnection } from '@nats-io/transport-node';
import { AckPolicy, DeliverPolicy, JetStreamApiCodes, JetStreamApiError, jetstream, jetstreamManager, type ConsumerMessages, type JsMsg } from '@nats-io/jetstream';
import type { Pool } from 'pg';
import { parseEnvelopeOn, WakeableSleep } from '@medkit/fleet-protocol';
import { Backoff } from '@medkit/sovd';
import { writeBatch, type BatchOutcome, type IngestItem } from './ingest-writer.js';
import { ConsumerWatch, type ConsumerState, type ReplicaState } from './consumer-watch.js';

export const INGEST_CONSUMER = 'fleet-ingest';

interface IngestOptions {
  stream: string;
  batch: number;
  maxAckPending: number;
  ackWaitSec: number;
  /** fleet.stream.replicas, for the intended replica count /health compares the stream's with. */
  configuredReplicas?: number;
  log: { warn(o: object, m: string): void; debug(o: object, m: string): void };
  /** Told, per message written, how long it waited from JetStream storing it to our commit (s); set when metrics are on. */
  observeLag?: (seconds: number) => void;
}

export interface IngestStats extends Omit<ConsumerState, 'consumer_checked_at' | 'consumer_progress_at'> {
  /** When the consumer last answered (ISO 8601), null before its first answer. */
  consumer_checked_at: string | null;
  ingested: number;
  /** Copies of events the fleet already held from JetStream (a redelivery, a republish): what should stay rare. */
  duplicates: number;
  /** JetStream copies of events the fast path had brought first: expected, one per fast-path event. */
  confirmed: number;
  rejected: number;
  unknown_version: number;
  db_failures: number;
  /** Messages this replica received that JetStream had delivered before (to it or to a replica that died). */
  redelivered: number;
  /** Consume sessions this replica ended because their consumer stopped answering (its leader died with a node). */
  session_restarts: number;
  /** Events per second over the last completed 10 s window. */
  rate: number;
  db_ok: boolean;
  /** When this replica last committed a batch (ISO 8601), null before the first. */
  last_commit: string | null;
}

/** Deadline of the requests that start a consume session, and the longest wait between two tries. */
const SESSION_DEADLINE_MS = 1000;

/** Ingest that has had work for this long without committing any is reported as stalled on /health. */
export const STALL_AFTER_MS = 15_000;

export class FleetIngest {
  private stopped = false;
  private running?: Promise<void>;
  private readonly pause = new WakeableSleep();
  private session?: ConsumerMessages;
  /** Received and not yet taken into a batch. */
  private queue: JsMsg[] = [];
  private readonly watch: ConsumerWatch;
  private readonly s = { ingested: 0, duplicates: 0, confirmed: 0, rejected: 0, unknown_version: 0, db_failures: 0, redelivered: 0, session_restarts: 0, rate: 0, db_ok: true };
  private lastCommit = 0;
  private readonly startedAt = Date.now();
  private windowStart = Date.now();
  private windowCount = 0;

  constructor(private readonly nc: NatsConnection, private readonly pool: Pool, private readonly o: IngestOptions) {
    this.watch = new ConsumerWatch(nc, o.stream, INGEST_CONSUMER, o.configuredReplicas);
  }

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
    this.watch.start();
    this.running ??= this.loop();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.watch.stop();
    this.session?.stop();
    this.pause.wake();
    await this.running;
    // Hand what we received but did not write straight back, instead of after ack_wait.
    for (const m of this.queue.splice(0)) m.nak();
  }

  stats(): IngestStats {
    const w = this.watch.state();
    const iso = (ms: number | undefined) => (ms ? new Date(ms).toISOString() : null);
    const { consumer_progress_at: _p, ...consumer } = w;
    return { ...this.s, ...consumer, consumer_checked_at: iso(w.consumer_checked_at), last_commit: iso(this.lastCommit) };
  }

  /** The stream's replicas against the intended count, as of the last consumer check. */
  streamReplicas(): ReplicaState | undefined {
    return this.watch.replicas();
  }

  /**
   * Since when the fleet cannot hear robots through JetStream: the last time the ingest consumer answered, while its
   * last check got no answer (a lost quorum, an election, no broker). Undefined while it answers.
   */
  unheardSince(): number | undefined {
    const w = this.watch.state();
    return w.consumer_error === undefined ? undefined : (w.consumer_checked_at ?? this.startedAt);
  }

  /**
   * Why ingest cannot progress, or undefined while it can: the consumer has not answered for STALL_AFTER_MS
   * (JetStream lost its quorum, or this replica its broker), or there is work and no replica wrote anything for as
   * long (neither this one committed nor the consumer's ack floor moved).
   */
  stalled(now = Date.now()): string | undefined {
    const w = this.watch.state();
    const silent = now - (w.consumer_checked_at ?? this.startedAt);
    if (silent > STALL_AFTER_MS) return `the ingest consumer has not answered for ${Math.round(silent / 1000)} s${w.consumer_error ? ` (${w.consumer_error})` : ''}`;
    const since = Math.max(this.startedAt, this.lastCommit, w.consumer_progress_at ?? 0);
    const work = w.pending + w.ack_pending + this.queue.length;
    if (work > 0 && now - since > STALL_AFTER_MS) return `${work} events wait and nothing was written for ${Math.round((now - since) / 1000)} s`;
    return undefined;
  }

  private async loop(): Promise<void> {
    // From 100 ms, doubling, to the session deadline: a lost leader is asked for again well within it.
    const backoff = new Backoff({ initialMs: 100, maxMs: SESSION_DEADLINE_MS });
    // Short deadlines while JetStream elects a new leader for the consumer: asked again every ≤ 1 s, not every 5.
    const js = jetstream(this.nc, { timeout: SESSION_DEADLINE_MS });
    while (!this.stopped) {
      try {
        const consumer = await js.consumers.get(this.o.stream, INGEST_CONSUMER).catch(async (err: unknown) => {
          if (!(err instanceof JetStreamApiError && err.code === JetStreamApiCodes.ConsumerNotFound)) throw err;
          await this.ensureConsumer();
          return js.consumers.get(this.o.stream, INGEST_CONSUMER);
        });
        const session = await consumer.consume({
          max_messages: this.o.batch,
          expires: 5000,
          // The server's heartbeat on an idle pull: two missed ones (2 s) mean the consumer's leader is gone.
          idle_heartbeat: 1000,
          callback: (m) => {
            this.queue.push(m);
            this.pause.wake();
          },
        });
        this.session = session;
        let ended = false;
        void session.closed().then(() => {
          ended = true;
          this.pause.wake();
        });
        // A pull the dead leader held is never answered, and the client's own re-pull waits for more missed
        // heartbeats each round (the bench saw 12–17 s): end the session, and a new one finds the new leader.
        void (async () => {
          for await (const st of session.status()) {
            if (st.type === 'heartbeats_missed' || st.type === 'consumer_not_found' || st.type === 'consumer_deleted' || st.type === 'stream_not_found') {
              this.o.log.debug({ status: st.type }, 'fleet ingest: consumer lost; starting a new session');
              this.s.session_restarts++;
              session.stop();
              return;
            }
          }
        })().catch(() => undefined);
        if (this.stopped) session.stop();
        backoff.reset();
        while (!this.stopped && !(ended && this.queue.length === 0)) {
          if (this.queue.length === 0) {
            await this.pause.sleep(1000);
            continue;
          }
          await this.handle(this.queue.splice(0, this.o.batch));
        }
      } catch (err) {
        this.o.log.debug({ err: (err as Error).message }, 'fleet ingest: consumer error; retrying');
        await this.pause.sleep(backoff.next());
      } finally {
        this.session?.stop();
        this.session = undefined;
      }
    }
  }

  /** Stops receiving and hands back what is queued, so other messages are not held (and redelivered to us) meanwhile. */
  private releaseQueue(): void {
    this.session?.stop();
    for (const m of this.queue.splice(0)) m.nak();
  }

  private async handle(batch: JsMsg[]): Promise<void> {
    const items: IngestItem[] = [];
    const good: JsMsg[] = [];
    for (const m of batch) {
      if (m.info.redelivered) this.s.redelivered++;
      const p = parseEnvelopeOn(m.subject, m.data);
      if (!p.ok) {
        // Never retried: a message we cannot read (or may not take from this subject) now we cannot later either.
        if (p.unknownVersion) this.s.unknown_version++;
        else this.s.rejected++;
        this.o.log.warn({ subject: m.subject, reason: p.reason }, 'fleet ingest: message refused (term)');
        m.term(p.reason);
        continue;
      }
      items.push({ envelope: p.envelope, streamSeq: m.seq, storedAt: new Date(m.info.timestampNanos / 1e6).toISOString() });
      good.push(m);
    }
    for (;;) {
      try {
        const { fresh, confirmed } = await this.write(items, good);
        this.s.db_ok = true;
        this.s.ingested += fresh;
        this.s.confirmed += confirmed;
        this.s.duplicates += items.length - fresh - confirmed;
        this.lastCommit = Date.now();
        this.count(fresh);
        this.observeLag(good);
        break;
      } catch (err) {
        this.s.db_ok = false;
        this.s.db_failures++;
        this.o.log.warn({ err: (err as Error).message }, 'fleet ingest: PostgreSQL write failed; holding the batch (no ack)');
        this.releaseQueue();
        if (this.stopped) {
          for (const m of good) m.nak();
          return;
        }
        // Keep the batch ours while we wait, so it is not redelivered mid-retry.
        for (const m of good) m.working();
        await this.pause.sleep(1000);
      }
    }
    for (const m of good) m.ack();
  }

  /**
   * Writes the batch; when PostgreSQL refuses its data (SQLSTATE class 22 or 23: a value our checks let
   * through), writes item by item and terms the ones it refuses, so one bad event never blocks the stream.
   */
  private async write(items: IngestItem[], msgs: JsMsg[]): Promise<BatchOutcome> {
    try {
      return await writeBatch(this.pool, items);
    } catch (err) {
      const code = String((err as { code?: unknown }).code ?? '');
      if (!code.startsWith('22') && !code.startsWith('23')) throw err;
      const total: BatchOutcome = { fresh: 0, confirmed: 0 };
      for (let i = items.length - 1; i >= 0; i--) {
        try {
          const one = await writeBatch(this.pool, [items[i]]);
          total.fresh += one.fresh;
          total.confirmed += one.confirmed;
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
      return total;
    }
  }

  /** Ingest lag on JetStream's clock (stored at), not the robot's, so a robot's clock skew does not show as lag. */
  private observeLag(written: readonly JsMsg[]): void {
    const observe = this.o.observeLag;
    if (!observe) return;
    // Nanoseconds as a float: sub-microsecond precision is lost, which a lag in ms does not need.
    for (const m of written) observe(Math.max(0, (this.lastCommit - m.info.timestampNanos / 1e6) / 1000));
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
