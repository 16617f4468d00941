// The fleet's half of the fast path (docs/fleet.md "The fast path"): robots also publish every event once on core
// NATS (`medkit-fast.<fleet>.<robot>.<kind>`, stored by no stream). The replicas share the subscription as one queue
// group, so each event goes to one of them, which writes it at once through the same idempotent writer as the
// JetStream ingest: while JetStream elects a leader after a node's death (4–9 s) the event is visible anyway.
// JetStream stays the durable path: its copy arrives later and only completes the row (stream sequence, store
// time). Nothing here is acknowledged or retried; what is dropped (counted) JetStream brings.
//
// The subscription is open to whatever may publish on those subjects, so what it may cost is bounded: messages
// over FAST_PATH_MAX_BYTES, past a robot's rate, or past the queue's bounds (count and bytes) are dropped and
// counted before they are even parsed, so a robot flooding the subject cannot grow a replica's memory.
import type { NatsConnection, Subscription } from '@nats-io/transport-node';
import type { Pool } from 'pg';
import { FAST_PATH_MAX_BYTES, fastSubjects, parseEnvelopeOn, WakeableSleep, type FleetEnvelope } from '@medkit/fleet-protocol';
import { writeBatch } from './ingest-writer.js';
import { INGEST_CONSUMER } from './ingest.js';

/** Bytes of fast-path messages a replica holds received and not yet written. */
export const FAST_PATH_MAX_QUEUE_BYTES = 8 * 1024 * 1024;
/** Robots whose rate is tracked at once; a new robot past it is let in only once idle ones are forgotten. */
const MAX_TRACKED_ROBOTS = 10_000;
/** After the server refused the subscription (permissions), how long until it is asked again. */
const RESUBSCRIBE_AFTER_MS = 60_000;

/**
 * A token bucket per robot (`perSecond` sustained, the same as burst), keyed by the subject's robot token before
 * anything is parsed. Bounded: idle robots (a full bucket is the same as none) are forgotten when the map is full,
 * at most once a second so a flood of invented robot ids cannot turn every message into a scan.
 */
export class RobotRateLimit {
  private readonly buckets = new Map<string, { tokens: number; at: number }>();
  private prunedAt = 0;

  constructor(private readonly perSecond: number, private readonly maxRobots = MAX_TRACKED_ROBOTS) {}

  take(robot: string, now = Date.now()): boolean {
    let b = this.buckets.get(robot);
    if (b) {
      b.tokens = Math.min(this.perSecond, b.tokens + ((now - b.at) * this.perSecond) / 1000);
      b.at = now;
    } else {
      if (this.buckets.size >= this.maxRobots && !this.prune(now)) return false;
      b = { tokens: this.perSecond, at: now };
      this.buckets.set(robot, b);
    }
    if (b.tokens < 1) return false;
    b.tokens -= 1;
    return true;
  }

  /** Forgets robots whose bucket has refilled; true when there is room now. */
  private prune(now: number): boolean {
    if (now - this.prunedAt >= 1000) {
      this.prunedAt = now;
      for (const [k, b] of this.buckets) if (b.tokens + ((now - b.at) * this.perSecond) / 1000 >= this.perSecond) this.buckets.delete(k);
    }
    return this.buckets.size < this.maxRobots;
  }
}

/** The robot token of `<prefix>.<fleet>.<robot>.<kind>` without splitting the whole subject. */
export function robotToken(subject: string): string {
  const a = subject.indexOf('.', subject.indexOf('.') + 1);
  const b = subject.indexOf('.', a + 1);
  return a < 0 || b < 0 ? '' : subject.slice(a + 1, b);
}

/**
 * A core NATS subscription that the server may refuse (its permissions): then it is asked for again every
 * RESUBSCRIBE_AFTER_MS (permissions change by a configuration reload) until stopped. Delivers by callback: the async
 * iterator would buffer without bound, the callback lets the caller drop.
 */
export class RetryingSubscription {
  private sub?: Subscription;
  private retry?: NodeJS.Timeout;
  private stopped = false;
  /** Why the server refused it last, null while it is in place. */
  error: string | null = null;

  constructor(
    private readonly nc: NatsConnection,
    private readonly subject: string,
    private readonly queue: string | undefined,
    private readonly onMessage: (subject: string, data: Uint8Array) => void,
    private readonly onRefused: (reason: string) => void,
  ) {}

  start(): void {
    if (this.stopped) return;
    this.error = null;
    this.sub = this.nc.subscribe(this.subject, {
      ...(this.queue ? { queue: this.queue } : {}),
      callback: (err, m) => {
        if (!err) return this.onMessage(m.subject, m.data);
        this.error = err.message.slice(0, 200);
        this.onRefused(this.error);
        clearTimeout(this.retry);
        this.retry = setTimeout(() => this.start(), RESUBSCRIBE_AFTER_MS);
        this.retry.unref();
      },
    });
  }

  get subscribed(): boolean {
    return this.sub !== undefined && !this.sub.isClosed() && this.error === null;
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.retry);
    this.sub?.unsubscribe();
  }
}

interface FastPathOptions {
  fleet: string;
  /** Events written per PostgreSQL transaction at most. */
  batch: number;
  /** Events received and not yet written at most (fleet.fast_path.max_queue). */
  maxQueue: number;
  /** Events per second (and burst) taken from one robot (fleet.fast_path.robot_rate). */
  robotRate: number;
  log: { warn(o: object, m: string): void; debug(o: object, m: string): void };
}

export interface FastPathStats {
  enabled: true;
  /** The queue-group subscription is in place (false before start, and while the server refuses it). */
  subscribed: boolean;
  /** Why it is not, e.g. the server's permissions violation; null when subscribed. */
  error: string | null;
  received: number;
  /** Events this replica stored first, from the fast path. */
  ingested: number;
  /** Fast-path events the fleet already held (JetStream was first, or a robot sent it again after reconnecting). */
  duplicates: number;
  /** Not an envelope, or not the subject's robot or kind. */
  rejected: number;
  /** Dropped unread (JetStream brings them): over FAST_PATH_MAX_BYTES, past the robot's rate, the queue full, PostgreSQL failing. */
  dropped: { too_large: number; rate_limited: number; queue_full: number; database: number };
  /** Received and not yet written, now. */
  queued: number;
}

interface Queued {
  envelope: FleetEnvelope;
  receivedAt: string;
  bytes: number;
}

export class FastPathIngest {
  private readonly sub: RetryingSubscription;
  private stopped = false;
  private running?: Promise<void>;
  private readonly pause = new WakeableSleep();
  /** Received and not yet taken into a write. */
  private queue: Queued[] = [];
  /** Events of the write in progress: held too, so they count against the bounds. */
  private writing = 0;
  /** Bytes of both. */
  private heldBytes = 0;
  private readonly limit: RobotRateLimit;
  private readonly s = { received: 0, ingested: 0, duplicates: 0, rejected: 0, dropped: { too_large: 0, rate_limited: 0, queue_full: 0, database: 0 } };

  constructor(nc: NatsConnection, private readonly pool: Pool, private readonly o: FastPathOptions) {
    this.limit = new RobotRateLimit(o.robotRate);
    // One queue group across the replicas (named like the durable consumer they share): each event to one of them.
    this.sub = new RetryingSubscription(nc, fastSubjects(o.fleet), INGEST_CONSUMER, (subject, data) => this.offer(subject, data), (reason) => {
      o.log.warn({ err: reason }, 'fleet fast path: the NATS server refuses its subscription; ingesting by JetStream only, asking again in 60 s');
    });
  }

  start(): void {
    this.sub.start();
    this.running ??= this.loop();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.sub.stop();
    this.pause.wake();
    await this.running;
  }

  stats(): FastPathStats {
    return { enabled: true, subscribed: this.sub.subscribed, error: this.sub.error, ...this.s, dropped: { ...this.s.dropped }, queued: this.queue.length + this.writing };
  }

  /** One message: dropped (counted) past any bound, else parsed and queued. */
  private offer(subject: string, data: Uint8Array, now = Date.now()): void {
    this.s.received++;
    const d = this.s.dropped;
    if (data.byteLength > FAST_PATH_MAX_BYTES) return void d.too_large++;
    if (!this.limit.take(robotToken(subject), now)) return void d.rate_limited++;
    if (this.queue.length + this.writing >= this.o.maxQueue || this.heldBytes + data.byteLength > FAST_PATH_MAX_QUEUE_BYTES) return void d.queue_full++;
    const p = parseEnvelopeOn(subject, data);
    if (!p.ok) {
      this.s.rejected++;
      // Debug only: a hostile publisher must not be able to flood the log either; /health counts it.
      this.o.log.debug({ subject: subject.slice(0, 200), reason: p.reason }, 'fleet fast path: message refused');
      return;
    }
    this.queue.push({ envelope: p.envelope, receivedAt: new Date(now).toISOString(), bytes: data.byteLength });
    this.heldBytes += data.byteLength;
    this.pause.wake();
  }

  private async loop(): Promise<void> {
    while (!this.stopped) {
      if (this.queue.length === 0) {
        await this.pause.sleep(1000);
        continue;
      }
      const batch = this.queue.splice(0, this.o.batch);
      this.writing = batch.length;
      let failed = false;
      try {
        const { fresh } = await writeBatch(this.pool, batch.map((q) => ({ envelope: q.envelope, receivedAt: q.receivedAt })));
        this.s.ingested += fresh;
        this.s.duplicates += batch.length - fresh;
      } catch (err) {
        // Not held or retried: the JetStream ingest holds its own copy of each until PostgreSQL takes it.
        this.s.dropped.database += batch.length;
        this.o.log.debug({ err: (err as Error).message }, 'fleet fast path: PostgreSQL write failed; dropping the batch (JetStream brings it)');
        failed = true;
      } finally {
        this.writing = 0;
        for (const q of batch) this.heldBytes -= q.bytes;
      }
      if (failed) await this.pause.sleep(1000);
    }
  }
}
