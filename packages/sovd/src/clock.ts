// Time sources, injected (issue 58: tests on a clock you control). Time-driven logic (debounce, healing, expiry,
// heartbeats, windows, retries, deadline messages) takes a Clock, and its tests hand it a ManualClock that moves
// only when told to, so they never sleep on real time. The fault manager's clock (docs/faults.md) is this one:
// @medkit/faults re-exports it and names it FaultClock.
//
// No Node.js API here (this package runs in browsers too): the real clock reaches the host's timers through
// globalThis, which every JavaScript host has.

export type TimerHandle = { readonly id: number };

export interface Clock {
  /** Wall clock, milliseconds since the Unix epoch (what Date.now() returns). */
  now(): number;
  /** Wall clock, nanoseconds since the Unix epoch. */
  wallNs(): bigint;
  /** Monotonic milliseconds (arbitrary origin), for windows, cooldowns and durations. */
  monoMs(): number;
  /** One-shot timer after `ms` monotonic milliseconds. */
  setTimeout(fn: () => void, ms: number): TimerHandle;
  /** Repeating timer every `ms`. */
  setInterval(fn: () => void, ms: number): TimerHandle;
  /** Cancels a timer of either kind; undefined and spent handles are ignored. */
  clear(handle: TimerHandle | undefined): void;
}

/** The host's timers, as every JavaScript runtime has them (declared here: the package has no DOM or Node types). */
type HostTimer = { unref?: () => void };
interface Host {
  setTimeout(fn: () => void, ms: number): HostTimer | number;
  clearTimeout(t: HostTimer | number): void;
  setInterval(fn: () => void, ms: number): HostTimer | number;
  clearInterval(t: HostTimer | number): void;
  performance?: { now(): number };
}
const host = globalThis as unknown as Host;

/**
 * The real clocks. Wall time has sub-millisecond resolution: Date.now() anchored once, advanced by the monotonic
 * clock. Timers are unref'd where the host can (Node.js), so a pending one never keeps a process alive.
 */
export function systemClock(): Clock {
  const mono = host.performance ? () => host.performance!.now() : () => Date.now();
  const anchorNs = BigInt(Date.now()) * 1_000_000n - monoNs(mono());
  const timers = new Map<number, { t: HostTimer | number; repeat: boolean }>();
  let next = 1;
  const add = (t: HostTimer | number, repeat: boolean, id: number): TimerHandle => {
    if (typeof t === 'object') t.unref?.();
    timers.set(id, { t, repeat });
    return { id };
  };
  return {
    now: () => Date.now(),
    wallNs: () => anchorNs + monoNs(mono()),
    monoMs: mono,
    setTimeout: (fn, ms) => {
      const id = next++;
      return add(host.setTimeout(() => { timers.delete(id); fn(); }, ms), false, id);
    },
    setInterval: (fn, ms) => {
      const id = next++;
      return add(host.setInterval(fn, ms), true, id);
    },
    clear: (h) => {
      if (!h) return;
      const entry = timers.get(h.id);
      if (!entry) return;
      if (entry.repeat) host.clearInterval(entry.t);
      else host.clearTimeout(entry.t);
      timers.delete(h.id);
    },
  };
}

/**
 * A clock that moves only when told to (tests, simulations). `advance(ms)` moves the wall and monotonic clocks
 * together and runs the timers that fall due, in time order (ties in the order they were set); a timer set by a
 * firing timer runs in the same advance if it falls due within it. `advanceAsync(ms)` does the same but lets
 * promises settle before each timer and after the last, for logic that awaits between ticks.
 */
export class ManualClock implements Clock {
  private wall: bigint;
  private mono = 0;
  private next = 1;
  private readonly timers = new Map<number, { at: number; every: number; fn: () => void }>();

  constructor(startWallNs = 1_700_000_000_000_000_000n) {
    this.wall = startWallNs;
  }
  now(): number { return Number(this.wall / 1_000_000n); }
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
    for (let t = this.take(end); t; t = this.take(end)) t();
    this.moveTo(end);
  }

  /** As advance(ms), but lets pending promises settle (a host turn) before each due timer and at the end. */
  async advanceAsync(ms: number): Promise<void> {
    const end = this.mono + ms;
    await settle();
    for (let t = this.take(end); t; t = this.take(end)) {
      t();
      await settle();
    }
    this.moveTo(end);
    await settle();
  }

  /** Moves the clocks to the earliest timer due by `end` and returns its callback (re-arming an interval). */
  private take(end: number): (() => void) | undefined {
    let dueId = -1;
    let dueAt = Infinity;
    for (const [id, t] of this.timers) if (t.at <= end && t.at < dueAt) { dueAt = t.at; dueId = id; }
    if (dueId < 0) return undefined;
    const t = this.timers.get(dueId)!;
    this.moveTo(dueAt);
    if (t.every > 0) t.at += t.every;
    else this.timers.delete(dueId);
    return t.fn;
  }

  private moveTo(at: number): void {
    this.wall += BigInt(Math.round((at - this.mono) * 1e6));
    this.mono = at;
  }
}

/**
 * Monotonic milliseconds as integer nanoseconds, whole milliseconds and the fraction apart: `ms * 1e6` as one float
 * passes 2^53 after about 104 days of uptime and would lose nanoseconds.
 */
function monoNs(ms: number): bigint {
  const whole = Math.floor(ms);
  return BigInt(whole) * 1_000_000n + BigInt(Math.round((ms - whole) * 1e6));
}

/** One turn of the host's event loop: promises chained on settled I/O and on each other get to run. */
function settle(): Promise<void> {
  return new Promise<void>((resolve) => { host.setTimeout(resolve, 0); });
}
