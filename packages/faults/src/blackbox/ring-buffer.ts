// The black box's pre-fault ring buffer (docs/faults.md): serialized messages in arrival order, pruned on
// arrival by age (`duration_sec`) and by bytes (`max_buffer_mb`), always keeping at least one message.

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
}

export class RingBuffer {
  private items: TapMessage[] = [];
  private head = 0;
  private bytes = 0;

  constructor(private readonly maxAgeMs: number, private readonly maxBytes: number) {}

  push(m: TapMessage): void {
    this.items.push(m);
    this.bytes += m.data.byteLength;
    while (this.size > 1 && m.monoMs - this.items[this.head].monoMs > this.maxAgeMs) this.dropFront();
    while (this.size > 1 && this.bytes > this.maxBytes) this.dropFront();
    // Compact now and then so the array does not grow without bound.
    if (this.head > 1024 && this.head * 2 > this.items.length) {
      this.items = this.items.slice(this.head);
      this.head = 0;
    }
  }

  private dropFront(): void {
    this.bytes -= this.items[this.head].data.byteLength;
    this.head++;
  }

  get size(): number {
    return this.items.length - this.head;
  }

  get byteSize(): number {
    return this.bytes;
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
