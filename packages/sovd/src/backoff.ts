// The one retry schedule of medkit's reconnect and redelivery loops (fleet ingest and outbox drain, the fault
// store's PostgreSQL writer, webhooks, the aggregation event stream, the OPC-UA connection): each loop keeps its
// own way of waiting (a wakeable pause, an abort signal, a timer) and asks this for how long. It lives in the
// SOVD core because that is the lowest package all of them may import (.dependency-cruiser.cjs); the plugin
// contract re-exports it for a plugin retrying its own device.

/** A spread applied to every delay: it is multiplied by a factor drawn uniformly from [min, max], then rounded. */
export interface BackoffJitter {
  min: number;
  max: number;
}

/** A retry schedule: `initialMs`, then each delay `factor` times the last, never above `maxMs`. */
export interface BackoffOptions {
  /** The first delay, ms (also the delay after reset). */
  initialMs: number;
  /** Ceiling of every delay, ms (jitter is applied below it, never past it when `jitter.max` ≤ 1). */
  maxMs: number;
  /** Growth per failure (default 2; 1 retries at a fixed pace). */
  factor?: number;
  /** Spread each delay so that many clients do not retry in step (default: none, delays are exact). */
  jitter?: BackoffJitter;
  /** Source of the jitter, in [0, 1) (default Math.random; tests pass their own). */
  random?: () => number;
}

/** Per-call bounds of one delay, inside the schedule's ceiling; the schedule itself still grows as usual. */
export interface BackoffBounds {
  /** No shorter than this (e.g. a server's `retry:` advice). */
  atLeast?: number;
  /** No longer than this (e.g. a quick retry while a leader is being elected). */
  atMost?: number;
}

/**
 * Exponential backoff: call `next()` after each failure for the delay to wait, `reset()` after a success.
 * It only computes delays; the caller sleeps however suits it (so stop() can cut the wait short).
 */
export class Backoff {
  private delay: number;
  private readonly factor: number;
  private readonly random: () => number;

  constructor(private readonly o: BackoffOptions) {
    this.delay = o.initialMs;
    this.factor = o.factor ?? 2;
    this.random = o.random ?? Math.random;
  }

  /** The delay the next failure starts from, before bounds and jitter. */
  get current(): number {
    return Math.min(this.delay, this.o.maxMs);
  }

  /** The delay to wait after this failure (bounded, then jittered); the following one is `factor` times longer. */
  next(bounds: BackoffBounds = {}): number {
    const bounded = Math.min(this.o.maxMs, bounds.atMost ?? Infinity, Math.max(this.delay, bounds.atLeast ?? 0));
    this.delay = Math.min(this.o.maxMs, this.delay * this.factor);
    const j = this.o.jitter;
    return j ? Math.round(bounded * (j.min + this.random() * (j.max - j.min))) : bounded;
  }

  /** After a success: the next failure waits `initialMs` again. */
  reset(): void {
    this.delay = this.o.initialMs;
  }
}
