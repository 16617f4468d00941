// Polling data path (docs/opcua.md "Data path"): every `intervalMs` one cycle reads the
// Value of every node, in chunks, each read with the request deadline. A cycle never overlaps the next:
// the next one is scheduled when the current one ends, so a slow server stretches the period (the ticks
// missed meanwhile are skipped and counted) instead of piling reads up. A failed read ends its cycle.
// Timing runs on an injected Clock (issue 58), so the tests move time by hand.
import { systemClock, type Clock, type TimerHandle } from '@medkit/plugin-api';

/** Counters shared across connections (what `x-plc-status` shows). */
export interface PollStats {
  /** Completed cycles (every chunk answered). */
  poll_count: number;
  /** Cycles that ended with a failed or timed-out read. */
  error_count: number;
  /** Ticks skipped because a cycle took longer than the interval. */
  skipped_count: number;
  last_error?: string;
}

export interface PollerOptions<T> {
  intervalMs: number;
  /** Nodes per read request. */
  chunk: number;
  /** Reads one chunk (with its deadline); resolves one result per item, in order. */
  read(items: readonly T[]): Promise<readonly unknown[]>;
  deliver(item: T, result: unknown): void;
  stats: PollStats;
  /** Time source of the cycle's duration (tests); the clock's monotonic time when unset. */
  now?: () => number;
  /** Timers and time (tests hand a ManualClock); the real clock when unset. */
  clock?: Clock;
}

export class Poller<T> {
  private timer?: TimerHandle;
  private running = false;
  private stopped = false;
  private readonly now: () => number;
  private readonly clock: Clock;

  constructor(
    private readonly items: readonly T[],
    private readonly opts: PollerOptions<T>,
  ) {
    this.clock = opts.clock ?? systemClock();
    this.now = opts.now ?? (() => this.clock.monoMs());
  }

  /** True while a cycle is in flight. */
  get busy(): boolean {
    return this.running;
  }

  /** Runs one cycle now (the caller awaits the first snapshot), then keeps polling. */
  async start(): Promise<void> {
    await this.cycleAndSchedule();
  }

  stop(): void {
    this.clock.clear(this.timer);
    this.timer = undefined;
    this.stopped = true;
  }

  /** One cycle: all chunks in order; false when a read failed. */
  async cycle(): Promise<boolean> {
    const { opts } = this;
    for (let i = 0; i < this.items.length && !this.stopped; i += opts.chunk) {
      const chunk = this.items.slice(i, i + opts.chunk);
      let results: readonly unknown[];
      try {
        results = await opts.read(chunk);
      } catch (err) {
        opts.stats.error_count++;
        opts.stats.last_error = (err as Error)?.message ?? String(err);
        return false;
      }
      if (this.stopped) return false;
      chunk.forEach((item, k) => opts.deliver(item, results[k]));
    }
    if (this.stopped) return false;
    opts.stats.poll_count++;
    return true;
  }

  private async cycleAndSchedule(): Promise<void> {
    if (this.stopped || this.running) return;
    this.running = true;
    const started = this.now();
    try {
      await this.cycle();
    } finally {
      this.running = false;
    }
    if (this.stopped) return;
    const took = this.now() - started;
    const interval = this.opts.intervalMs;
    if (took > interval) this.opts.stats.skipped_count += Math.floor(took / interval);
    // The real clock's timers are unref'd: a pending tick never keeps the process alive.
    this.timer = this.clock.setTimeout(() => void this.cycleAndSchedule(), Math.max(0, interval - (took % interval)));
  }
}
