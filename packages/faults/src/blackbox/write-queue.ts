// The hand-off between the black box's tap and one recording's bag (docs/faults.md, "Heavy topics"): messages wait
// here in arrival order and one pump writes them to the bag with asynchronous file writes, so the event loop keeps
// receiving (a 2 MB point cloud at 10 Hz is not stalled behind a disk write). What waits is bounded: the pre-fault
// buffer handed over at the confirmation always enters (the ring buffer already bounded it), a message of the
// post-fault window enters while everything waiting stays within the budget, and is otherwise dropped and counted
// per topic (the recording's metadata and /metrics report the count).
import type { McapBagWriter } from './mcap-bag.js';
import type { TapMessage } from './ring-buffer.js';

export class BagWriteQueue {
  private items: TapMessage[] = [];
  private head = 0;
  private bytes = 0;
  private pumping: Promise<void> | undefined;
  private failure: Error | undefined;
  /** Post-fault messages refused because the queue was full, by topic. */
  readonly dropped = new Map<string, number>();
  /** Messages written to the bag. */
  written = 0;

  /**
   * @param writer the bag, once open (a rejection fails the queue: nothing is written)
   * @param maxBytes what may wait at most for a post-fault message to enter
   */
  constructor(
    private readonly writer: Promise<McapBagWriter>,
    private readonly maxBytes: number,
  ) {
    // The rejection is reported by drained(); this keeps it from counting as unhandled meanwhile.
    writer.catch(() => undefined);
  }

  /** Bytes of message data waiting for the disk. */
  get queuedBytes(): number {
    return this.bytes;
  }

  /** The messages waiting for the disk, oldest first. */
  *pending(): Iterable<TapMessage> {
    for (let i = this.head; i < this.items.length; i++) yield this.items[i];
  }

  /** Messages refused so far. */
  get droppedCount(): number {
    let n = 0;
    for (const c of this.dropped.values()) n += c;
    return n;
  }

  /** True once a write failed: the recording is abandoned and nothing more is queued. */
  get failed(): boolean {
    return this.failure !== undefined;
  }

  /** The pre-fault buffer, oldest first: always taken (the ring buffer bounded it). */
  backlog(messages: readonly TapMessage[]): void {
    if (this.failure) return;
    for (const m of messages) this.enqueue(m);
    this.pump();
  }

  /** A message of the post-fault window: queued when it fits the budget, else dropped and counted. */
  offer(m: TapMessage): boolean {
    if (this.failure) return false;
    if (this.bytes + m.data.byteLength > this.maxBytes && this.size > 0) {
      this.dropped.set(m.topic, (this.dropped.get(m.topic) ?? 0) + 1);
      return false;
    }
    this.enqueue(m);
    this.pump();
    return true;
  }

  /** Resolves once everything queued so far is written; rejects with the first write failure. */
  async drained(): Promise<void> {
    while (this.pumping) await this.pumping;
    if (this.failure) throw this.failure;
  }

  private get size(): number {
    return this.items.length - this.head;
  }

  private enqueue(m: TapMessage): void {
    this.items.push(m);
    this.bytes += m.data.byteLength;
  }

  private pump(): void {
    if (this.pumping || this.failure) return;
    this.pumping = this.run().finally(() => {
      this.pumping = undefined;
    });
  }

  private async run(): Promise<void> {
    try {
      const writer = await this.writer;
      while (this.size > 0) {
        const m = this.items[this.head];
        await writer.write(m);
        // Released only once written, so `bytes` counts everything still held for this bag.
        this.items[this.head++] = undefined as unknown as TapMessage;
        this.bytes -= m.data.byteLength;
        this.written++;
        if (this.head > 1024 && this.head * 2 > this.items.length) {
          this.items = this.items.slice(this.head);
          this.head = 0;
        }
      }
    } catch (err) {
      this.failure = err as Error;
      this.items = [];
      this.head = 0;
      this.bytes = 0;
    }
  }
}
