// Token-bucket rate limiting (docs/hardening.md): a per-client bucket keyed by remote IP and
// matched endpoint pattern, then a global bucket. Buckets refill continuously at rpm/60 per second.
import type { HttpApp } from './app-types.js';
import { SovdError } from '@medkit/sovd';

export interface RateLimitOptions {
  enabled: boolean;
  /** The bucket all clients share; absent = none (a scoped per-client limit such as /auth/*'s). */
  globalRpm?: number;
  clientRpm: number;
  /** "<pattern>:<rpm>" with `*` matching exactly one path segment. */
  endpointLimits: string[];
  cleanupIntervalSec: number;
  maxIdleSec: number;
  now?: () => number;
}

interface Bucket {
  tokens: number;
  updated: number;
}

interface EndpointLimit {
  pattern: string;
  regex: RegExp;
  rpm: number;
}

/** Parses "pattern:rpm" entries; malformed ones are returned in `invalid`. */
function parseEndpointLimits(entries: string[]): { limits: EndpointLimit[]; invalid: string[] } {
  const limits: EndpointLimit[] = [];
  const invalid: string[] = [];
  for (const e of entries) {
    const i = e.lastIndexOf(':');
    const rpm = Number(e.slice(i + 1));
    const pattern = e.slice(0, i);
    if (i <= 0 || !Number.isInteger(rpm) || rpm <= 0) {
      invalid.push(e);
      continue;
    }
    const re = pattern
      .split('/')
      .map((seg) => (seg === '*' ? '[^/]+' : seg.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')))
      .join('/');
    limits.push({ pattern, regex: new RegExp(`^${re}/?$`), rpm });
  }
  return { limits, invalid };
}

class RateLimiter {
  private readonly clients = new Map<string, Bucket>();
  private readonly global?: Bucket;
  private readonly now: () => number;
  private readonly limits: EndpointLimit[];

  constructor(private readonly opts: RateLimitOptions) {
    this.now = opts.now ?? (() => Date.now());
    if (opts.globalRpm !== undefined) this.global = { tokens: opts.globalRpm, updated: this.now() };
    this.limits = parseEndpointLimits(opts.endpointLimits).limits;
  }

  private take(bucket: Bucket, rpm: number, t: number): boolean {
    bucket.tokens = Math.min(rpm, bucket.tokens + ((t - bucket.updated) / 60000) * rpm);
    bucket.updated = t;
    if (bucket.tokens < 1) return false;
    bucket.tokens -= 1;
    return true;
  }

  /** Decides one request; returns the header values and, when refused, the seconds to wait. */
  check(ip: string, path: string): { allowed: boolean; limit: number; remaining: number; reset: number; retryAfter: number } {
    const t = this.now();
    const endpoint = this.limits.find((l) => l.regex.test(path));
    const rpm = endpoint?.rpm ?? this.opts.clientRpm;
    const key = `${ip}|${endpoint?.pattern ?? '*'}`;
    let bucket = this.clients.get(key);
    if (!bucket) {
      bucket = { tokens: rpm, updated: t };
      this.clients.set(key, bucket);
    }
    const global = this.global && this.opts.globalRpm !== undefined ? { bucket: this.global, rpm: this.opts.globalRpm } : undefined;
    const clientOk = this.take(bucket, rpm, t);
    const globalOk = clientOk && (!global || this.take(global.bucket, global.rpm, t));
    const limiting = clientOk && global ? global.bucket : bucket;
    const limitRpm = clientOk && global ? global.rpm : rpm;
    const remaining = Math.max(0, Math.floor(clientOk && globalOk ? Math.min(bucket.tokens, global?.bucket.tokens ?? Infinity) : limiting.tokens));
    const secondsToToken = Math.max(1, Math.ceil(((1 - limiting.tokens) * 60) / limitRpm));
    const reset = Math.ceil(t / 1000 + ((rpm - bucket.tokens) * 60) / rpm);
    return { allowed: clientOk && globalOk, limit: rpm, remaining, reset, retryAfter: secondsToToken };
  }

  /** Drops client buckets idle for longer than maxIdleSec. */
  sweep(): void {
    const cutoff = this.now() - this.opts.maxIdleSec * 1000;
    for (const [k, b] of this.clients) if (b.updated < cutoff) this.clients.delete(k);
  }

  get clientCount(): number {
    return this.clients.size;
  }
}

/** Installs the limit as an onRequest hook of `app`, which may be a scoped plugin instance (its routes only). */
export function installRateLimit(app: HttpApp, opts: RateLimitOptions): void {
  if (!opts.enabled) return;
  const limiter = new RateLimiter(opts);
  const timer = setInterval(() => limiter.sweep(), opts.cleanupIntervalSec * 1000);
  timer.unref();
  app.addHook('onClose', async () => clearInterval(timer));
  app.addHook('onRequest', (request, reply, done) => {
    if (request.method === 'OPTIONS') return done();
    const path = request.url.split('?')[0];
    const r = limiter.check(request.ip, path);
    reply.header('X-RateLimit-Limit', String(r.limit));
    reply.header('X-RateLimit-Remaining', String(r.remaining));
    reply.header('X-RateLimit-Reset', String(r.reset));
    if (!r.allowed) {
      return done(new SovdError(
        'rate-limit-exceeded',
        `rate limit hit, retry in ${r.retryAfter} s`,
        { retry_after: r.retryAfter, limit: r.limit, reset: r.reset },
        { headers: { 'Retry-After': String(r.retryAfter) } },
      ));
    }
    done();
  });
}
