// A time window of numeric samples for the topic detectors (docs/graph.md): a fixed-capacity ring, so a peer
// publishing at any rate costs at most `capacity` samples; when full the oldest sample makes room (counted).

export interface Sample {
  /** Monotonic milliseconds when it was taken. */
  at: number;
  value: number;
}

export class SampleWindow {
  private readonly ring: Sample[] = [];
  private head = 0;
  private count = 0;
  /** Samples pushed out by newer ones before they left the window by age. */
  overflowed = 0;

  constructor(readonly capacity: number) {}

  get size(): number {
    return this.count;
  }

  push(at: number, value: number): void {
    const s = { at, value };
    if (this.count < this.capacity) {
      this.ring[(this.head + this.count) % this.capacity] = s;
      this.count++;
      return;
    }
    this.ring[this.head] = s;
    this.head = (this.head + 1) % this.capacity;
    this.overflowed++;
  }

  /** Drops samples taken before `since`. */
  dropBefore(since: number): void {
    while (this.count > 0 && this.ring[this.head].at < since) {
      this.head = (this.head + 1) % this.capacity;
      this.count--;
    }
  }

  clear(): void {
    this.head = 0;
    this.count = 0;
  }

  /** Oldest first. */
  samples(): Sample[] {
    const out: Sample[] = [];
    for (let i = 0; i < this.count; i++) out.push(this.ring[(this.head + i) % this.capacity]);
    return out;
  }
}

/** Nearest-rank percentile (p in 0..100) of unsorted values; undefined for none. */
export function percentile(values: readonly number[], p: number): number | undefined {
  if (values.length === 0) return undefined;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.min(sorted.length, Math.max(1, Math.ceil((p / 100) * sorted.length)));
  return sorted[rank - 1];
}
