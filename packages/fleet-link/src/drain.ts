// Drains the outbox into JetStream in seq order (docs/fleet.md): each event is deleted only after its publish
// acknowledgement and retried while the broker is away. The `Nats-Msg-Id` is the event id, so an event whose ack
// was lost and is sent again is stored once: that is what makes every retry below safe.
//
// How a retry is paced depends on why the publish failed (docs/fleet.md "Delivery"):
// - the connection to our NATS server dropped: the publishes in flight on it are given up at once (their answer
//   can no longer come) and sent again as soon as the client is connected to another server, not after their
//   deadline and a backoff;
// - no answer within the deadline while connected: the server is asked for a PONG; a server that does not give
//   one is left for another (a node that died without closing the connection), otherwise the event is sent again;
// - JetStream has no leader for the stream (no responders: an election after a node died, 4–9 s in
//   nats-server's RAFT): retried every few hundred ms, jittered, so the first publish after the election lands
//   within that; past 20 s it is treated like any other failure;
// - anything else: backoff doubling from minBackoffMs to maxBackoffMs, jittered.
//
// With `fastPath`, every event is also published once on core NATS as soon as it is committed (fast-path.ts); only
// the JetStream acknowledgement here removes it from the outbox.
import type { JetStreamClient } from '@nats-io/jetstream';
import { subjectFor, WakeableSleep } from '@medkit/fleet-protocol';
import { Backoff } from '@medkit/sovd';
import type { Outbox } from './outbox.js';
import type { NatsErrorClasses } from './nats-errors.js';
import { FastPublisher, type FastPathSink } from './fast-path.js';

/** What the drain needs of the NATS connection (a NatsConnection), to follow its state and probe it. */
export interface DrainConnection {
  status(): AsyncIterable<{ type: string; error?: unknown }>;
  /** One PING/PONG round trip to the connected server. */
  rtt(): Promise<number>;
  /** Drops the connection and connects again (to another server when the client knows one). */
  reconnect(): Promise<void>;
  isClosed(): boolean;
}

export interface DrainOptions {
  /** The NATS client's error classes (loadNatsErrors), to tell a timeout from a leaderless stream. */
  errors: NatsErrorClasses;
  fleet: string;
  robot: string;
  /** Deadline of one publish acknowledgement. */
  ackTimeoutMs: number;
  /** Backoff bounds after a failed publish. */
  minBackoffMs: number;
  maxBackoffMs: number;
  /** Most events in flight at once (default 64). */
  maxWindow?: number;
  /** The connection `js` publishes on: lets the drain react to its loss at once instead of at the deadline. */
  connection?: DrainConnection;
  /** Called on a failed publish (rate-limited by the backoff). */
  onError?(err: Error): void;
  /**
   * Also publish every event once on the fast path (fast-path.ts), through this sink (the same NATS connection as
   * `connection`, which must be given): undefined = JetStream only.
   */
  fastPath?: FastPathSink;
  /** The server refused the fast path's subject (NATS permissions); it pauses, JetStream goes on. Once per pause. */
  onFastPathDenied?(subject: string): void;
}

const DEFAULT_WINDOW = 64;
/** The backoff bounds a robot gateway uses (bench/fleet's simulated robots use the same). */
export const ROBOT_DRAIN_BACKOFF = { minBackoffMs: 100, maxBackoffMs: 5000 } as const;
/** Retry pace while JetStream answers "no responders" (no stream leader): at most this long between tries. */
const LEADERLESS_RETRY_MS = 250;
/** How long "no responders" is taken for an election (nats-server: 4–9 s, a second round, the answer) before normal backoff. */
const LEADERLESS_WINDOW_MS = 20_000;
/** Deadline of the PONG that tells a live server from a dead one after a publish deadline passed. */
const PROBE_TIMEOUT_MS = 1000;

export interface DrainStats {
  published: number;
  failures: number;
  /** Publishes given up because their connection dropped, and sent again on the next one. */
  resent_after_disconnect: number;
  /** Connections left because the server did not answer a PING after a publish deadline passed. */
  dead_server_reconnects: number;
  /** True while the last publish failed, or the connection is down, and the outbox is waiting for the broker. */
  stalled: boolean;
  last_error?: string;
  /** The fast path (fast-path.ts): events published on it, left to JetStream alone (too old, too large), refusals. */
  fast_published: number;
  fast_skipped: number;
  fast_denied: number;
}

type FailureKind = 'disconnected' | 'timeout' | 'leaderless' | 'other';

class ConnectionLost extends Error {
  readonly code: string = 'nats-connection-lost';

  constructor() {
    super('the connection to the NATS server dropped; sending again on the next one');
    this.name = 'ConnectionLost';
  }
}

function classify(err: unknown, natsErrors: NatsErrorClasses): FailureKind {
  if (err instanceof ConnectionLost) return 'disconnected';
  if (err instanceof natsErrors.timeout) return 'timeout';
  // The JetStream client reports "no responders" to a publish as JetStreamNotEnabled (cause NoResponders, or a
  // RequestError wrapping it); the library's own classes tell them apart (one copy of it in the process).
  const cause = err instanceof Error ? err.cause : undefined;
  if (err instanceof natsErrors.noResponders || cause instanceof natsErrors.noResponders) return 'leaderless';
  if (err instanceof natsErrors.jetStreamNotEnabled && cause instanceof natsErrors.request) return 'leaderless';
  return 'other';
}

export class OutboxDrain {
  private readonly pause = new WakeableSleep();
  private stopped = false;
  private running?: Promise<void>;
  private readonly s: Omit<DrainStats, 'fast_published' | 'fast_skipped' | 'fast_denied'> = { published: 0, failures: 0, resent_after_disconnect: 0, dead_server_reconnects: 0, stalled: false };
  /** False between the client's `disconnect` and `reconnect`. */
  private connected = true;
  /** Rejects (ConnectionLost) when the connection drops; renewed after each drop. */
  private lost!: Promise<never>;
  private loseConnection!: () => void;
  private statusIter?: AsyncIterator<{ type: string; error?: unknown }>;
  private readonly fast?: FastPublisher;

  constructor(private readonly outbox: Outbox, private readonly js: JetStreamClient, private readonly o: DrainOptions) {
    this.renewLoss();
    // The fast path follows the connection's state through `follow` below, so it needs the connection too.
    if (o.fastPath && o.connection) this.fast = new FastPublisher(outbox, o.fastPath, { fleet: o.fleet, robot: o.robot });
  }

  start(): void {
    this.running ??= this.loop();
    if (this.o.connection && !this.statusIter) void this.follow(this.o.connection);
    this.fast?.schedule();
  }

  /** Wakes the loop after an enqueue, and sends the new event on the fast path (when on and connected). */
  notify(): void {
    if (this.connected && !this.stopped) this.fast?.schedule();
    this.pause.wake();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.pause.wake();
    void this.statusIter?.return?.();
    await this.running;
  }

  stats(): DrainStats {
    const f = this.fast?.stats();
    return { ...this.s, fast_published: f?.published ?? 0, fast_skipped: f?.skipped ?? 0, fast_denied: f?.denied ?? 0 };
  }

  private renewLoss(): void {
    this.lost = new Promise<never>((_resolve, reject) => {
      this.loseConnection = () => reject(new ConnectionLost());
    });
    // Nobody may be waiting on it when the connection drops.
    this.lost.catch(() => undefined);
  }

  /** Follows the connection: a drop gives up what is in flight on it, a reconnection ends any wait. */
  private async follow(conn: DrainConnection): Promise<void> {
    const iter = conn.status()[Symbol.asyncIterator]();
    this.statusIter = iter;
    try {
      for (let r = await iter.next(); !r.done && !this.stopped; r = await iter.next()) {
        if (r.value.type === 'disconnect') {
          this.connected = false;
          // Nothing is published until the client is connected again: the outbox waits for the broker.
          this.s.stalled = true;
          const lose = this.loseConnection;
          this.renewLoss();
          lose();
        } else if (r.value.type === 'reconnect') {
          this.connected = true;
          // With events waiting, the next acknowledged publish says the broker is back.
          if (this.outbox.pending === 0) this.s.stalled = false;
          this.fast?.resend();
          this.pause.wake();
        } else if (r.value.type === 'error' && this.fast) {
          // A publish the server's permissions refuse does not close the connection; it comes back as this status.
          const e = r.value.error;
          if (e instanceof this.o.errors.permission && e.operation === 'publish' && e.subject && this.fast.refused(e.subject)) this.o.onFastPathDenied?.(e.subject);
        }
      }
    } catch {
      // the connection closed
    } finally {
      // Closed for good: publishes fail fast from now on instead of waiting for a reconnection.
      this.connected = true;
      this.pause.wake();
    }
  }

  private async loop(): Promise<void> {
    // Each delay drawn from its upper half, so robots that lost the broker together do not return in step.
    const backoff = new Backoff({ initialMs: this.o.minBackoffMs, maxMs: this.o.maxBackoffMs, jitter: { min: 0.5, max: 1 } });
    // Events in flight at once: 1 after any failure (strict order while the broker comes back), doubling up
    // to `maxWindow` while publishes succeed. Publishes leave in seq order on one connection, so the stream
    // stores them in order; only a failure inside a window can let a later event land before a retried one.
    let window = 1;
    let leaderlessSince: number | undefined;
    while (!this.stopped) {
      if (!this.connected) {
        // Until the client reports its reconnection (or stop, or a new event to note).
        await this.pause.sleep(this.o.maxBackoffMs);
        continue;
      }
      const batch = this.outbox.peek(window);
      if (batch.length === 0) {
        await this.pause.sleep(60_000);
        continue;
      }
      const robot = this.o.robot;
      const lost = this.lost;
      const results = await Promise.allSettled(
        batch.map((row) => Promise.race([
          this.js.publish(subjectFor(this.o.fleet, robot, row.kind), row.payload, { msgID: `${robot}:${row.seq}`, timeout: this.o.ackTimeoutMs }),
          lost,
        ])),
      );
      let failure: unknown;
      results.forEach((r, i) => {
        if (r.status === 'fulfilled') {
          this.outbox.ack(batch[i].seq);
          this.s.published++;
        } else {
          failure ??= r.reason;
          if (r.reason instanceof ConnectionLost) this.s.resent_after_disconnect++;
        }
      });
      if (failure === undefined) {
        this.s.stalled = false;
        backoff.reset();
        leaderlessSince = undefined;
        window = Math.min(this.o.maxWindow ?? DEFAULT_WINDOW, window * 2);
        continue;
      }
      const err = failure instanceof Error ? failure : new Error(String(failure));
      this.s.failures++;
      this.s.stalled = true;
      this.s.last_error = err.message;
      this.o.onError?.(err);
      window = 1;
      if (this.stopped) return;
      const kind = classify(failure, this.o.errors);
      if (kind !== 'leaderless') leaderlessSince = undefined;
      if (kind === 'disconnected') {
        // Sent again once connected (the loop waits above until the client reports it).
        backoff.reset();
        continue;
      }
      if (kind === 'timeout' && this.o.connection) {
        // The deadline was the wait: send again now, from another server if this one no longer answers.
        await this.leaveDeadServer(this.o.connection);
        continue;
      }
      if (kind === 'leaderless') {
        const now = Date.now();
        leaderlessSince ??= now;
        if (now - leaderlessSince < LEADERLESS_WINDOW_MS) {
          await this.pause.sleep(backoff.next({ atMost: LEADERLESS_RETRY_MS }));
          continue;
        }
      }
      await this.pause.sleep(backoff.next());
    }
  }

  /** Asks the server for a PONG; when none comes within PROBE_TIMEOUT_MS, moves the client to another server. */
  private async leaveDeadServer(conn: DrainConnection): Promise<void> {
    if (conn.isClosed() || !this.connected) return;
    let timer: NodeJS.Timeout | undefined;
    const answered = await Promise.race([
      conn.rtt().then(() => true, () => false),
      new Promise<boolean>((r) => { timer = setTimeout(() => r(false), PROBE_TIMEOUT_MS); }),
    ]);
    clearTimeout(timer);
    if (answered || this.stopped || conn.isClosed() || !this.connected) return;
    this.s.dead_server_reconnects++;
    // The `disconnect` status that follows gives up what is in flight; the `reconnect` one resumes.
    await conn.reconnect().catch(() => undefined);
  }
}
