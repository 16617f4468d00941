// Samples of recorded topics that never reached the black box (the DDS reader's lost samples: a KEEP_LAST publisher
// overwrote them before a repair got them to us), kept long enough to be charged to the recording whose pre-fault
// window they fall in. Bounded: at most MAX_ENTRIES entries, merged per topic when full.

/** Entries kept at most (each a topic's losses reported at one instant). */
const MAX_ENTRIES = 1024;

interface Loss {
  topic: string;
  count: number;
  monoMs: number;
}

/** Losses reported while the recorder only buffers, until a recording takes them (or they age out of its window). */
export class TransportLosses {
  private entries: Loss[] = [];

  /** @param windowMs how long a loss stays chargeable (the pre-fault window, `duration_sec`) */
  constructor(private readonly windowMs: number) {}

  /** `count` samples of `topic` lost at `monoMs`. */
  note(topic: string, count: number, monoMs: number): void {
    const from = monoMs - this.windowMs;
    let drop = 0;
    while (drop < this.entries.length && this.entries[drop].monoMs < from) drop++;
    if (drop > 0) this.entries.splice(0, drop);
    const last = this.entries[this.entries.length - 1];
    if (last && last.topic === topic && last.monoMs === monoMs) {
      last.count += count;
      return;
    }
    if (this.entries.length >= MAX_ENTRIES) this.compact();
    this.entries.push({ topic, count, monoMs });
  }

  /**
   * One entry per topic, at its latest instant: counts are kept, instants get later, so a recording may be charged
   * losses from just before its window (rather than miss some). With more topics than MAX_ENTRIES, the oldest go.
   */
  private compact(): void {
    const byTopic = new Map<string, Loss>();
    for (const e of this.entries) {
      const had = byTopic.get(e.topic);
      byTopic.delete(e.topic); // re-inserted last: the map stays in order of latest instant
      byTopic.set(e.topic, { topic: e.topic, count: e.count + (had?.count ?? 0), monoMs: e.monoMs });
    }
    this.entries = [...byTopic.values()].slice(-(MAX_ENTRIES - 1));
  }

  /** Losses per topic from `sinceMono` on, for a recording that starts there; forgets everything. */
  take(sinceMono: number): Map<string, number> {
    const out = new Map<string, number>();
    for (const e of this.entries) if (e.monoMs >= sinceMono) out.set(e.topic, (out.get(e.topic) ?? 0) + e.count);
    this.entries = [];
    return out;
  }
}
