// Reader history of a keyed topic: KEEP_LAST `depth` samples per instance (DDS history QoS is
// per instance), at most `maxSamples` in all (the oldest of any instance goes first), read back in
// arrival order. Every operation is O(1) per sample, whatever peers send.

interface Entry<T> {
  instance: string;
  value: T;
}

export class InstanceHistoryCache<T> {
  private readonly entries = new Map<number, Entry<T>>();
  private readonly byInstance = new Map<string, number[]>();
  private nextId = 0;

  /** `depth`: per instance (Infinity for KEEP_ALL); `maxSamples`: over all instances. */
  constructor(
    private readonly depth: number,
    private readonly maxSamples: number,
  ) {}

  get size(): number {
    return this.entries.size;
  }

  /** Adds a sample of `instance`; drops that instance's oldest beyond depth, then the oldest overall beyond maxSamples. */
  push(instance: string, value: T): void {
    const id = this.nextId++;
    this.entries.set(id, { instance, value });
    let ids = this.byInstance.get(instance);
    if (!ids) {
      ids = [];
      this.byInstance.set(instance, ids);
    }
    ids.push(id);
    if (ids.length > Math.max(1, this.depth)) this.entries.delete(ids.shift()!);
    if (this.entries.size > Math.max(1, this.maxSamples)) {
      const [oldestId, oldest] = this.entries.entries().next().value as [number, Entry<T>];
      this.entries.delete(oldestId);
      // The oldest sample overall is also the oldest of its instance.
      const list = this.byInstance.get(oldest.instance)!;
      list.shift();
      if (list.length === 0) this.byInstance.delete(oldest.instance);
    }
  }

  /** Returns and removes every held sample, oldest first. */
  take(): T[] {
    const out = this.read();
    this.entries.clear();
    this.byInstance.clear();
    return out;
  }

  /** Returns every held sample without removing them, oldest first. */
  read(): T[] {
    return [...this.entries.values()].map((e) => e.value);
  }
}
