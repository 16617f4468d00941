// The newest N items of an id-numbered sequence, kept for "everything after id X" replays (SSE
// `Last-Event-ID`, docs/faults.md). Used by the /faults/stream timeline.

/** Items after the requested id, or `too_old` (with whatever is still kept) when some were already evicted. */
export type ReplayResult<T> = { ok: true; events: T[] } | { ok: false; reason: 'too_old'; events: T[] };

export class ReplayRing<T extends { id: number }> {
  private readonly items: T[] = [];

  constructor(private readonly capacity: number) {}

  /** Appends the newest item (ids must increase), evicting the oldest beyond the capacity. */
  push(item: T): void {
    this.items.push(item);
    if (this.items.length > this.capacity) this.items.shift();
  }

  /** Every kept item, oldest first. */
  all(): T[] {
    return [...this.items];
  }

  /**
   * Items with id > `lastId`, oldest first; `newestId` is the id of the newest item ever pushed (0 before the
   * first). An id that is not a non-negative integer or is newer than `newestId` (e.g. from an earlier run)
   * is `too_old` with every kept item, as is one whose successors were already evicted.
   */
  since(lastId: number, newestId: number): ReplayResult<T> {
    if (!Number.isInteger(lastId) || lastId < 0 || lastId > newestId) return { ok: false, reason: 'too_old', events: this.all() };
    const events = this.items.filter((e) => e.id > lastId);
    const oldestKept = this.items.length > 0 ? this.items[0].id : newestId + 1;
    if (lastId + 1 < oldestKept) return { ok: false, reason: 'too_old', events };
    return { ok: true, events };
  }
}
