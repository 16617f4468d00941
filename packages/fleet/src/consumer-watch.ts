// Periodic look at the shared ingest consumer from JetStream's side: stream lag, messages handed out and not yet
// acked, redeliveries, and whether the consumer answers at all. A consumer that stops answering (the stream lost
// its quorum, this replica its broker) is how /health learns that ingest cannot progress even when no message
// arrives to fail on. The same look reads the stream's replicas, which /health compares with the intended count.
import type { NatsConnection } from '@nats-io/transport-node';
import { jetstreamManager } from '@nats-io/jetstream';
import { streamReplicas, type StreamReplicas } from '@medkit/fleet-protocol';

/** The stream's replicas as last read, when, and why the last read failed (then no leader is known, so none current). */
export interface ReplicaState extends StreamReplicas {
  /** When the stream last answered (ISO 8601). */
  as_of: string;
  /** Why the last read got no answer; the counts then say what is known: no leader, no replica current. */
  error?: string;
}

export interface ConsumerState {
  /** Messages the consumer has not delivered yet (stream lag), as of the last check. */
  pending: number;
  /** Messages delivered to some replica and not acked yet. */
  ack_pending: number;
  /** Messages JetStream is redelivering (ack_wait ran out), across all replicas, as of the last check. */
  consumer_redelivered: number;
  /** When the consumer last answered (epoch ms), undefined before the first answer. */
  consumer_checked_at?: number;
  /** Why the last check failed, undefined when it succeeded. */
  consumer_error?: string;
  /** When the consumer's ack floor last moved (epoch ms): some replica wrote something. */
  consumer_progress_at?: number;
}

const CHECK_EVERY_MS = 5000;
const CHECK_DEADLINE_MS = 3000;

export class ConsumerWatch {
  private timer?: NodeJS.Timeout;
  private inFlight = false;
  private readonly s: ConsumerState = { pending: 0, ack_pending: 0, consumer_redelivered: 0 };
  private ackFloor = -1;
  private replicaState?: ReplicaState;

  /** `configuredReplicas`: fleet.stream.replicas (0 = min(3, cluster size)). */
  constructor(private readonly nc: NatsConnection, private readonly stream: string, private readonly consumer: string, private readonly configuredReplicas = 0) {}

  start(): void {
    if (this.timer) return;
    void this.check();
    this.timer = setInterval(() => void this.check(), CHECK_EVERY_MS);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
  }

  state(): ConsumerState {
    return { ...this.s };
  }

  /** The stream's replicas as of the last check (undefined before the stream first answered). */
  replicas(): ReplicaState | undefined {
    return this.replicaState;
  }

  private async check(): Promise<void> {
    if (this.inFlight || this.nc.isClosed()) return;
    this.inFlight = true;
    // Read apart from the consumer, with its own deadline, so a lost quorum shows on both at the same check.
    const replicas = this.readReplicas();
    try {
      const jsm = await jetstreamManager(this.nc, { timeout: CHECK_DEADLINE_MS, checkAPI: false });
      const info = await jsm.consumers.info(this.stream, this.consumer);
      this.s.pending = info.num_pending;
      this.s.ack_pending = info.num_ack_pending;
      this.s.consumer_redelivered = info.num_redelivered;
      this.s.consumer_checked_at = Date.now();
      if (info.ack_floor.stream_seq !== this.ackFloor) {
        this.ackFloor = info.ack_floor.stream_seq;
        this.s.consumer_progress_at = this.s.consumer_checked_at;
      }
      this.s.consumer_error = undefined;
    } catch (err) {
      this.s.consumer_error = (err as Error).message.slice(0, 200);
    } finally {
      await replicas;
      this.inFlight = false;
    }
  }

  private async readReplicas(): Promise<void> {
    try {
      this.replicaState = { ...(await streamReplicas(this.nc, this.stream, this.configuredReplicas, CHECK_DEADLINE_MS)), as_of: new Date().toISOString() };
    } catch (err) {
      // No answer: whatever the last reading said, no leader can be confirmed now, and without one no replica is current.
      if (this.replicaState) this.replicaState = { ...this.replicaState, current: 0, leader: null, error: (err as Error).message.slice(0, 200) };
    }
  }
}
