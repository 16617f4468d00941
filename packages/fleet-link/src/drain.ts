// Drains the outbox into JetStream in seq order (fleet.md §4): each event is deleted only after its publish
// acknowledgement and retried with backoff while the broker is away. The `Nats-Msg-Id` is the
// event id, so an event whose ack was lost and is sent again is stored once.
import type { JetStreamClient } from '@nats-io/jetstream';
import { subjectFor, WakeableSleep } from '@medkit/fleet-protocol';
import type { Outbox } from './outbox.js';

export interface DrainOptions {
  fleet: string;
  robot: string;
  /** Deadline of one publish acknowledgement. */
  ackTimeoutMs: number;
  /** Backoff bounds after a failed publish. */
  minBackoffMs: number;
  maxBackoffMs: number;
  /** Most events in flight at once (default 64). */
  maxWindow?: number;
  /** Called on a failed publish (rate-limited by the backoff). */
  onError?(err: Error): void;
}

const DEFAULT_WINDOW = 64;

export interface DrainStats {
  published: number;
  failures: number;
  /** True while the last publish failed and the outbox is waiting for the broker. */
  stalled: boolean;
  last_error?: string;
}

export class OutboxDrain {
  private readonly pause = new WakeableSleep();
  private stopped = false;
  private running?: Promise<void>;
  private readonly s: DrainStats = { published: 0, failures: 0, stalled: false };

  constructor(private readonly outbox: Outbox, private readonly js: JetStreamClient, private readonly o: DrainOptions) {}

  start(): void {
    this.running ??= this.loop();
  }

  /** Wakes the loop after an enqueue. */
  notify(): void {
    this.pause.wake();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.pause.wake();
    await this.running;
  }

  stats(): DrainStats {
    return { ...this.s };
  }

  private async loop(): Promise<void> {
    let backoff = this.o.minBackoffMs;
    // Events in flight at once: 1 after any failure (strict order while the broker comes back), doubling up
    // to `maxWindow` while publishes succeed. Publishes leave in seq order on one connection, so the stream
    // stores them in order; only a failure inside a window can let a later event land before a retried one.
    let window = 1;
    while (!this.stopped) {
      const batch = this.outbox.peek(window);
      if (batch.length === 0) {
        await this.pause.sleep(60_000);
        continue;
      }
      const robot = this.o.robot;
      const results = await Promise.allSettled(
        batch.map((row) => this.js.publish(subjectFor(this.o.fleet, robot, row.kind), row.payload, { msgID: `${robot}:${row.seq}`, timeout: this.o.ackTimeoutMs })),
      );
      let failure: Error | undefined;
      results.forEach((r, i) => {
        if (r.status === 'fulfilled') {
          this.outbox.ack(batch[i].seq);
          this.s.published++;
        } else {
          failure ??= r.reason as Error;
        }
      });
      if (!failure) {
        this.s.stalled = false;
        backoff = this.o.minBackoffMs;
        window = Math.min(this.o.maxWindow ?? DEFAULT_WINDOW, window * 2);
        continue;
      }
      this.s.failures++;
      this.s.stalled = true;
      this.s.last_error = failure.message;
      this.o.onError?.(failure);
      window = 1;
      if (this.stopped) return;
      await this.pause.sleep(backoff);
      backoff = Math.min(this.o.maxBackoffMs, backoff * 2);
    }
  }
}
