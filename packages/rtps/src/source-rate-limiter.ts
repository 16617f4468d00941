// Per-source-address token buckets for admitting new remote participants. SPDP is unauthenticated,
// so one host can announce thousands of made-up participants; a bucket per source address bounds
// how fast one address can push newcomers into the participant table, while a normal launch
// (dozens of nodes on one host within a second) fits in the burst.

interface SourceRateLimits {
  /** Sustained new participants per second per source address. */
  perSec: number;
  /** Bucket size: new participants one source may announce at once. */
  burst: number;
  /** Source addresses tracked at once; past it the oldest-tracked is forgotten (memory bound). */
  maxSources: number;
}

interface Bucket {
  tokens: number;
  at: number;
}

export class SourceRateLimiter {
  private readonly buckets = new Map<string, Bucket>();
  private readonly limits: SourceRateLimits;

  constructor(limits: SourceRateLimits) {
    this.limits = limits;
  }

  /** Number of source addresses currently tracked. */
  get size(): number {
    return this.buckets.size;
  }

  /** Takes one token from `source`'s bucket; false when the source is over its rate. */
  take(source: string, now: number): boolean {
    const { perSec, burst, maxSources } = this.limits;
    let b = this.buckets.get(source);
    if (!b) {
      // Forgetting a source only hands it a fresh bucket: memory stays bounded, and the table's
      // eviction order still protects proven participants from whatever gets through.
      while (this.buckets.size >= maxSources) {
        const oldest = this.buckets.keys().next();
        if (oldest.done) break;
        this.buckets.delete(oldest.value);
      }
      b = { tokens: burst, at: now };
      this.buckets.set(source, b);
    } else {
      const elapsed = Math.max(0, now - b.at);
      b.tokens = Math.min(burst, b.tokens + (elapsed * perSec) / 1000);
      b.at = now;
    }
    if (b.tokens < 1) return false;
    b.tokens -= 1;
    return true;
  }
}
