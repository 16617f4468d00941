// Drains the outbox into JetStream strictly in seq order (fleet.md §4): one event in flight, deleted only
// after its publish acknowledgement, retried with backoff while the broker is away. The `Nats-Msg-Id` is the
// event id, so an event whose ack was lost and is sent again is stored once.
import type { JetStreamClient } from '@nats-io/jetstream';
import { subjectFor } from '../fleet-protocol/envelope.js';
import type { Outbox } from './outbox.js';
import { WakeableSleep } from '../fleet-protocol/wake-sleep.js';

export interface DrainOptions {
  fleet: string;
  robot: string;
  /** Deadline of one publish acknowledgement. */
  ackTimeoutMs: number;
  /** Backoff bounds after a failed publish. */
  minBackoffMs: number;
  maxBackoffMs: number;
  /** Called on a failed publish (rate-limited by the backoff). */
  onError?(err: Error): void;
}

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
    while (!this.stopped) {
      const batch = this.outbox.peek(64);
      if (batch.length === 0) {
        await this.pause.sleep(60_000);
        continue;
      }
      for (const row of batch) {
        if (this.stopped) return;
        const [robot, seq] = [this.o.robot, row.seq];
        try {
          await this.js.publish(subjectFor(this.o.fleet, robot, row.kind), row.payload, { msgID: `${robot}:${seq}`, timeout: this.o.ackTimeoutMs });
          this.outbox.ack(seq);
          this.s.published++;
          this.s.stalled = false;
          backoff = this.o.minBackoffMs;
        } catch (err) {
          this.s.failures++;
          this.s.stalled = true;
          this.s.last_error = (err as Error).message;
          this.o.onError?.(err as Error);
          await this.pause.sleep(backoff);
          backoff = Math.min(this.o.maxBackoffMs, backoff * 2);
          break; // re-read the head: keeps seq order and sees drops made meanwhile
        }
      }
    }
  }
}
