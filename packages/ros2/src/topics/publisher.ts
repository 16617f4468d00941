/** A ROS publisher: JSON values (or raw CDR) in, samples on `rt/<topic>` out. */
import type { Guid, QoS, Writer } from '@medkit/rtps';
import type { TypeRegistry } from '../types/index.js';

/** Publishes messages of one type on one topic. */
export class Publisher {
  /** Fully qualified ROS topic name. */
  readonly topic: string;
  /** ROS message type (`std_msgs/msg/String`). */
  readonly type: string;

  /** @internal */
  constructor(
    /** The underlying DDS writer (matches, acknowledgments). */
    readonly writer: Writer,
    topic: string,
    type: string,
    private readonly types: TypeRegistry,
    private readonly onClose: () => void,
  ) {
    this.topic = topic;
    this.type = type;
  }

  get guid(): Guid {
    return this.writer.guid;
  }

  get qos(): QoS {
    return this.writer.qos;
  }

  /** Serializes a JSON-form message (missing fields take defaults) and publishes it. Throws ValidationError on a bad value. */
  publish(message: unknown): void {
    this.writer.write(this.types.serialize(this.type, message));
  }

  /** Publishes an already serialized payload (encapsulation header included). */
  publishRaw(payload: Uint8Array): void {
    this.writer.write(payload);
  }

  /** Number of matched subscriptions. */
  get subscriptionCount(): number {
    return this.writer.matches.size;
  }

  /** Resolves true once `count` subscriptions matched, false after the timeout. */
  waitForSubscribers(count = 1, timeoutMs = 5000): Promise<boolean> {
    return this.writer.waitForMatch(count, timeoutMs);
  }

  /** Removes the publisher (peers get an SEDP dispose). */
  close(): void {
    this.writer.close();
    this.onClose();
  }
}
