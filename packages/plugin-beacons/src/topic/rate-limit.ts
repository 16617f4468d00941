// Token-bucket rate limiting of beacon messages (docs/beacons.md): continuous refill, excess dropped.
// [OURS] one bucket per publisher (writer GUID) at `max_messages_per_second`, so one chatty or hostile
// node cannot starve the others, plus a global bucket at 10× that rate bounding the total work; the
// per-publisher table is bounded (least recently seen publisher forgotten first).

export class TokenBucket {
  #tokens: number;
  #last: number;

  constructor(
    private readonly ratePerSec: number,
    private readonly burst: number,
    now: number,
  ) {
    this.#tokens = burst;
    this.#last = now;
  }

  /** Takes one token if there is one. */
  take(now: number): boolean {
    const elapsed = Math.max(0, now - this.#last) / 1000;
    this.#last = now;
    this.#tokens = Math.min(this.burst, this.#tokens + elapsed * this.ratePerSec);
    if (this.#tokens < 1) return false;
    this.#tokens -= 1;
    return true;
  }
}

interface RateLimiterOptions {
  /** Per publisher, clamped ≥ 1. */
  perPublisherPerSec: number;
  /** Publishers tracked at once (default 1024). */
  maxPublishers?: number;
  /** Monotonic ms. */
  now?: () => number;
}

/** Global rate as a multiple of the per-publisher rate. */
const GLOBAL_FACTOR = 10;

export class PublisherRateLimiter {
  readonly rate: number;
  readonly #buckets = new Map<string, TokenBucket>();
  readonly #global: TokenBucket;
  readonly #max: number;
  readonly #now: () => number;
  /** Messages dropped by the limit. */
  dropped = 0;

  constructor(o: RateLimiterOptions) {
    this.rate = Math.max(1, o.perPublisherPerSec);
    this.#max = Math.max(1, o.maxPublishers ?? 1024);
    this.#now = o.now ?? (() => performance.now());
    this.#global = new TokenBucket(this.rate * GLOBAL_FACTOR, this.rate * GLOBAL_FACTOR, this.#now());
  }

  get publishers(): number {
    return this.#buckets.size;
  }

  /** True when a message of `publisher` may be processed now. */
  allow(publisher: string): boolean {
    const now = this.#now();
    let b = this.#buckets.get(publisher);
    if (b) this.#buckets.delete(publisher); // re-inserted below: Map order = least recently seen first
    else {
      if (this.#buckets.size >= this.#max) this.#buckets.delete(this.#buckets.keys().next().value!);
      b = new TokenBucket(this.rate, this.rate, now);
    }
    this.#buckets.set(publisher, b);
    const ok = b.take(now) && this.#global.take(now);
    if (!ok) this.dropped++;
    return ok;
  }
}
