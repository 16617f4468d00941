// Time sources of the fault manager (docs/faults.md): wall clock for what is stored and shown, monotonic
// clock for windows and cooldowns, and timers. Injected, so tests are deterministic.

export type TimerHandle = { readonly id: number };

export interface FaultClock {
  /** Wall clock, nanoseconds since the Unix epoch. */
  wallNs(): bigint;
  /** Monotonic milliseconds (arbitrary origin). */
  monoMs(): number;
  /** One-shot timer after `ms` monotonic milliseconds. */
  setTimeout(fn: () => void, ms: number): TimerHandle;
  /** Repeating timer every `ms`. */
  setInterval(fn: () => void, ms: number): TimerHandle;
  clear(handle: TimerHandle | undefined): void;
}

/** The real clocks. Wall time has ns resolution: Date.now() anchored once, advanced by hrtime. */
export function systemClock(): FaultClock {
  const anchor = BigInt(Date.now()) * 1_000_000n - process.hrtime.bigint();
  const timers = new Map<number, NodeJS.Timeout>();
  let next = 1;
  const add = (t: NodeJS.Timeout): TimerHandle => {
    t.unref?.();
    const id = next++;
    timers.set(id, t);
    return { id };
  };
  return {
    wallNs: () => anchor + process.hrtime.bigint(),
    monoMs: () => performance.now(),
    setTimeout: (fn, ms) => {
      const h = add(setTimeout(() => { timers.delete(h.id); fn(); }, ms));
      return h;
    },
    setInterval: (fn, ms) => add(setInterval(fn, ms)),
    clear: (h) => {
      if (!h) return;
      const t = timers.get(h.id);
      if (t) { clearTimeout(t); clearInterval(t); timers.delete(h.id); }
    },
  };
}

/**
 * A clock that moves only when told to (tests, simulations). `advance(ms)` moves both clocks and runs the
 * timers that fall due, in time order.
 */
export class ManualClock implements FaultClock {
  private wall: bigint;
  private mono = 0;
  private next = 1;
  private readonly timers = new Map<number, { at: number; every: number; fn: () => void }>();

  constructor(startWallNs = 1_700_000_000_000_000_000n) {
    this.wall = startWallNs;
  }
  wallNs(): bigint { return this.wall; }
  monoMs(): number { return this.mono; }
  setTimeout(fn: () => void, ms: number): TimerHandle {
    const id = this.next++;
    this.timers.set(id, { at: this.mono + Math.max(0, ms), every: 0, fn });
    return { id };
  }
  setInterval(fn: () => void, ms: number): TimerHandle {
    const id = this.next++;
    this.timers.set(id, { at: this.mono + ms, every: Math.max(1, ms), fn });
    return { id };
  }
  clear(h: TimerHandle | undefined): void {
    if (h) this.timers.delete(h.id);
  }
  /** Sets the wall clock without moving monotonic time (e.g. to pin exact nanosecond values). */
  setWallNs(ns: bigint): void { this.wall = ns; }
  /** Pending timer count. */
  get pendingTimers(): number { return this.timers.size; }
  /** Advances both clocks by `ms`, firing due timers in order. */
  advance(ms: number): void {
    const end = this.mono + ms;
    for (;;) {
      let dueId = -1;
      let dueAt = Infinity;
      for (const [id, t] of this.timers) if (t.at <= end && t.at < dueAt) { dueAt = t.at; dueId = id; }
      if (dueId < 0) break;
      const t = this.timers.get(dueId)!;
      this.wall += BigInt(Math.round((dueAt - this.mono) * 1e6));
      this.mono = dueAt;
      if (t.every > 0) t.at += t.every;
      else this.timers.delete(dueId);
      t.fn();
    }
    this.wall += BigInt(Math.round((end - this.mono) * 1e6));
    this.mono = end;
  }
}
