// Reader history cache: the samples a reader keeps for take()/read(), bounded by its history
// QoS (KEEP_LAST depth) or a resource limit (KEEP_ALL). A ring buffer: O(1) per sample.

export class ReaderHistoryCache<T> {
  private readonly ring: (T | undefined)[];
  private head = 0;
  private count = 0;

  constructor(capacity: number) {
    this.ring = new Array<T | undefined>(Math.max(1, capacity));
  }

  get size(): number {
    return this.count;
  }

  get capacity(): number {
    return this.ring.length;
  }

  /** Adds a sample; the oldest is dropped when full. */
  push(v: T): void {
    const cap = this.ring.length;
    this.ring[(this.head + this.count) % cap] = v;
    if (this.count < cap) this.count++;
    else this.head = (this.head + 1) % cap;
  }

  /** Returns and removes every held sample, oldest first. */
  take(): T[] {
    const out = this.read();
    for (let i = 0; i < this.ring.length; i++) this.ring[i] = undefined;
    this.head = 0;
    this.count = 0;
    return out;
  }

  /** Returns every held sample without removing them. */
  read(): T[] {
    const out: T[] = [];
    const cap = this.ring.length;
    for (let i = 0; i < this.count; i++) out.push(this.ring[(this.head + i) % cap] as T);
    return out;
  }
}
