// What freeze-frame capture needs from the ROS layer (docs/faults.md), as small interfaces so the capture
// logic is tested with fakes and the ROS wiring plugs in later.

/** One decoded message. `value` is the message as JSON (field names as in the ROS definition). */
export interface SampledMessage {
  /** ROS type, e.g. `sensor_msgs/msg/Temperature`. */
  type: string;
  value: unknown;
  /** Wall-clock receive time, ns since the Unix epoch. */
  timestamp_ns: bigint;
  /** Serialized (CDR) size; messages over `max_message_size` are skipped, never truncated. */
  size_bytes: number;
}

/** One point of a topic's history. */
export interface HistoryPoint {
  timestamp_ns: bigint;
  value: unknown;
}

/**
 * Samples topics for freeze frames. The ROS layer implements it on its graph and subscriptions:
 * - `sample`: resolve the type (unknown → null), no publishers → null, subscribe with a QoS compatible with the
 *   first publisher, resolve with the first message or null after `timeoutMs` / when `signal` aborts;
 * - `latest`: background mode, the cached newest message (null if never seen);
 * - `history`: the topic's primary values (docs/faults.md a, JSON-safe) received in the last `windowMs`, oldest first
 *   (empty when not kept).
 */
export interface TopicSampler {
  sample(topic: string, timeoutMs: number, signal?: AbortSignal): Promise<SampledMessage | null>;
  latest?(topic: string): SampledMessage | null;
  history?(topic: string, windowMs: number): HistoryPoint[];
}

/** What topic resolution needs from the ROS graph (docs/faults.md step 4). */
export interface TopicGraph {
  /** Topics the node `fqn` publishes. */
  publishedTopics(fqn: string): string[];
  /** Topics the node `fqn` subscribes to. */
  subscribedTopics?(fqn: string): string[];
  /** Every topic name on the graph. */
  allTopics?(): string[];
}

/**
 * A bounded per-topic history (by age, count and bytes) the ROS layer keeps for `TopicSampler.history`.
 * Arrival-ordered; pruning happens on push.
 */
export class TopicHistoryRing {
  private readonly rings = new Map<string, { entries: { at: number; bytes: number; point: HistoryPoint }[]; bytes: number }>();

  /**
   * `windowMs`: age of the oldest point kept; `maxPerTopic`: points per topic; `maxBytesPerTopic`: sum of the
   * sizes given to `push` per topic (the newest point is always kept).
   */
  constructor(
    private readonly windowMs: number,
    private readonly maxPerTopic = 256,
    private readonly now: () => number = () => performance.now(),
    private readonly maxBytesPerTopic = Number.POSITIVE_INFINITY,
  ) {}

  push(topic: string, point: HistoryPoint, bytes = 0): void {
    let ring = this.rings.get(topic);
    if (!ring) this.rings.set(topic, (ring = { entries: [], bytes: 0 }));
    const t = this.now();
    ring.entries.push({ at: t, bytes, point });
    ring.bytes += bytes;
    const e = ring.entries;
    while (e.length > 1 && (e.length > this.maxPerTopic || t - e[0].at > this.windowMs || ring.bytes > this.maxBytesPerTopic)) {
      ring.bytes -= e.shift()!.bytes;
    }
  }

  /** Points younger than `windowMs` (capped by the ring's own window), oldest first. */
  get(topic: string, windowMs = this.windowMs): HistoryPoint[] {
    const t = this.now();
    return (this.rings.get(topic)?.entries ?? []).filter((e) => t - e.at <= windowMs).map((e) => e.point);
  }
}
