// The robot's half of the fast path (docs/fleet.md "The fast path"): every outbox event is also published once, as
// soon as it is committed, on a core NATS subject that no stream stores (`medkit-fast.<fleet>.<robot>.<kind>`).
// Core NATS routes without a RAFT leader, so while JetStream elects one (4–9 s after the node leading the stream
// died) the fleet still sees the event at once. At most once: nothing here waits for an answer or retries, and the
// outbox keeps every event until JetStream acknowledges it, which stays the durable path and the source of truth.
import { FAST_PATH_MAX_BYTES, FAST_PATH_PREFIX, fastSubjectFor } from '@medkit/fleet-protocol';
import type { Outbox } from './outbox.js';

/** Where fast-path events go: a NATS connection's fire-and-forget publish. */
export interface FastPathSink {
  publish(subject: string, payload: string): void;
}

export interface FastPathStats {
  /** Events handed to the connection on the fast path (sent again after a reconnection counts again). */
  published: number;
  /** Events left to JetStream alone: older than FAST_PATH_MAX_AGE_MS when their turn came, or too large. */
  skipped: number;
  /** Times the server refused the fast subject (NATS permissions): the fast path pauses, JetStream goes on. */
  denied: number;
}

/**
 * Events older than this (robot clock, the envelope's `time`) are not sent on the fast path: it is for what happens
 * now. This is what keeps a backlog (after a long broker outage, or at start-up) from bursting onto it.
 */
export const FAST_PATH_MAX_AGE_MS = 10_000;
/** How long the fast path pauses after the server refused its subject (permissions may be changed by a reload). */
const DENIED_PAUSE_MS = 5 * 60_000;
const ROWS_PER_READ = 256;

export class FastPublisher {
  /** Highest seq this publisher has dealt with; rows after it are new. */
  private handledThrough = 0;
  private deniedUntil = 0;
  private scheduled = false;
  private readonly s: FastPathStats = { published: 0, skipped: 0, denied: 0 };

  constructor(private readonly outbox: Outbox, private readonly sink: FastPathSink, private readonly o: { fleet: string; robot: string; now?: () => number }) {}

  stats(): FastPathStats {
    return { ...this.s };
  }

  /** Publishes the events committed since the last call, soon (never inside the caller's transaction). */
  schedule(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    // A microtask runs after the caller's synchronous SQLite transaction has committed (better-sqlite3 transactions
    // cannot span an await): a row read inside one could still be rolled back and its seq reused.
    queueMicrotask(() => {
      this.scheduled = false;
      this.publishNew();
    });
  }

  /**
   * After a reconnection: what is still in the outbox (unacknowledged) and recent is sent again, since what was in
   * the old connection's socket when it dropped, or went to a server that hung, may never have arrived.
   */
  resend(): void {
    this.handledThrough = 0;
    this.schedule();
  }

  /**
   * The server refused a publish on `subject` (a PermissionViolationError's). When it is a fast subject the fast path
   * pauses; true when this refusal started the pause (the publishes already sent are refused one by one after it).
   */
  refused(subject: string): boolean {
    if (!subject.startsWith(`${FAST_PATH_PREFIX}.`)) return false;
    this.s.denied++;
    const now = this.now();
    const started = now >= this.deniedUntil;
    this.deniedUntil = now + DENIED_PAUSE_MS;
    return started;
  }

  private now(): number {
    return this.o.now?.() ?? Date.now();
  }

  private publishNew(): void {
    if (this.outbox.inTransaction) {
      // Called from inside someone's transaction after all (a nested enqueue): try again once it is over.
      setImmediate(() => this.schedule());
      return;
    }
    const now = this.now();
    if (now < this.deniedUntil) return;
    for (;;) {
      const rows = this.outbox.peekAfter(this.handledThrough, ROWS_PER_READ);
      for (const row of rows) {
        this.handledThrough = row.seq;
        if (Buffer.byteLength(row.payload) > FAST_PATH_MAX_BYTES || !(now - reportedAt(row.payload) <= FAST_PATH_MAX_AGE_MS)) {
          this.s.skipped++;
          continue;
        }
        try {
          this.sink.publish(fastSubjectFor(this.o.fleet, this.o.robot, row.kind), row.payload);
          this.s.published++;
        } catch {
          // Closed connection or a payload past the server's max_payload: JetStream still carries it.
          this.s.skipped++;
        }
      }
      if (rows.length < ROWS_PER_READ) return;
    }
  }
}

const TIME_KEY = '"time":"';

/**
 * The envelope's `time` in ms (NaN when unreadable: then the event is treated as too old). Outbox.enqueue writes
 * the envelope's keys in a fixed order, `time` before the body, so it is read from the first few hundred
 * characters instead of parsing the whole payload: a reconnection scans every row the outbox still holds (up to
 * fleet.outbox.max_events after an outage) for the recent ones.
 */
function reportedAt(payload: string): number {
  const at = payload.indexOf(TIME_KEY);
  if (at >= 0 && at < 256) {
    const end = payload.indexOf('"', at + TIME_KEY.length);
    if (end > 0) return Date.parse(payload.slice(at + TIME_KEY.length, end));
  }
  try {
    return Date.parse((JSON.parse(payload) as { time?: string }).time ?? '');
  } catch {
    return Number.NaN;
  }
}
