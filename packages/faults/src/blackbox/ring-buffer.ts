// The black box's pre-fault ring buffer (docs/faults.md): serialized messages in arrival order, pruned on
// arrival by age (`duration_sec`) and by bytes (`max_buffer_mb`, shared with what the last recording still has
// waiting for the disk), always keeping at least one message.

/** One recorded message: raw CDR bytes plus what a rosbag2 MCAP file needs to describe it. */
export interface TapMessage {
  topic: string;
  /** ROS type, e.g. `sensor_msgs/msg/Temperature`. */
  typeName: string;
  /** Full concatenated `.msg` definition text (rosbag2 `ros2msg` schema). */
  definition: string;
  data: Uint8Array;
  /** Wall-clock receive time, ns since the Unix epoch. */
  timestampNs: bigint;
  /** Monotonic receive time in ms (for pruning and durations). */
  monoMs: number;
  /** When it was received, if earlier than `timestampNs` (a state written at a window's start). */
  publishTimeNs?: bigint;
}

/** A topic's last message pruned by age is kept (as its state before the window) up to this size. */
export const MAX_HELD_STATE_BYTES = 64 * 1024;
/** All such held states together (a peer making many topics cannot grow them past it); the oldest go first. */
export const MAX_HELD_STATES_BYTES = 1024 * 1024;

export class RingBuffer {
  private items: TapMessage[] = [];
  private head = 0;
  private bytes = 0;
  /** Per topic, its newest message pruned by age (a topic published on change keeps its value in force). */
  private readonly before = new Map<string, TapMessage>();
  private beforeBytes = 0;

  /** Messages pruned so far to keep within the age and byte limits (the pre-fault window as configured or shorter). */
  evicted = 0;

  /**
   * @param heldElsewhere bytes of messages held outside the buffer that count against `maxBytes` too (a
   *   recording's write queue after a confirmation)
   */
  constructor(private readonly maxAgeMs: number, private readonly maxBytes: number, private readonly heldElsewhere: () => number = () => 0) {}

  push(m: TapMessage): void {
    this.items.push(m);
    this.bytes += m.data.byteLength;
    while (this.size > 1 && m.monoMs - this.items[this.head].monoMs > this.maxAgeMs) {
      this.hold(this.items[this.head]);
      this.dropFront();
    }
    while (this.size > 1 && this.bytes + this.heldElsewhere() > this.maxBytes) this.dropFront();
    // Compact now and then so the array does not grow without bound.
    if (this.head > 1024 && this.head * 2 > this.items.length) {
      this.items = this.items.slice(this.head);
      this.head = 0;
    }
  }

  /** Keeps `m` as its topic's state before the window, within both bounds (oldest held states dropped first). */
  private hold(m: TapMessage): void {
    const prev = this.before.get(m.topic);
    if (prev) {
      this.before.delete(m.topic);
      this.beforeBytes -= prev.data.byteLength;
    }
    if (m.data.byteLength > MAX_HELD_STATE_BYTES) return;
    this.before.set(m.topic, m);
    this.beforeBytes += m.data.byteLength;
    for (const [topic, old] of this.before) {
      if (this.beforeBytes <= MAX_HELD_STATES_BYTES) break;
      this.before.delete(topic);
      this.beforeBytes -= old.data.byteLength;
    }
  }

  /** Bytes of the held states (counted apart from the window's own). */
  get heldStateBytes(): number {
    return this.beforeBytes;
  }

  private dropFront(): void {
    this.bytes -= this.items[this.head].data.byteLength;
    // Released now, not at the next compaction: a buffer of 2 MB messages must not hold on to evicted ones.
    this.items[this.head] = undefined as unknown as TapMessage;
    this.head++;
    this.evicted++;
  }

  get size(): number {
    return this.items.length - this.head;
  }

  get byteSize(): number {
    return this.bytes;
  }

  /**
   * Each topic's value in force when the window starts: its newest message older than the window (a Bool published
   * on change: the recording then still says false before the stop). Oldest first.
   */
  statesBefore(): TapMessage[] {
    return [...this.before.values()].sort((a, b) => a.monoMs - b.monoMs);
  }

  /** Everything, oldest first, left in place (a later recording may need the same pre-fault window). */
  snapshot(): TapMessage[] {
    return this.items.slice(this.head);
  }

  /** Removes and returns everything, oldest first. */
  drain(): TapMessage[] {
    const out = this.items.slice(this.head);
    this.items = [];
    this.head = 0;
    this.bytes = 0;
    return out;
  }
}
