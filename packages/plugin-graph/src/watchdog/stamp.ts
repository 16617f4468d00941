// Message stamps and ages for the topic detectors (docs/graph.md). A `builtin_interfaces/Time` is two
// integers; as nanoseconds since the epoch it needs 61 bits, past a double's exact range, so stamps and clocks
// are BigInt nanoseconds and only the (small, clamped) difference becomes a Number.

/** Nanoseconds since the epoch. */
export type EpochNanos = bigint;

const NS_PER_S = 1_000_000_000n;
/** Ages are clamped to about 31 years, so the Number they become stays an exact integer of microseconds. */
const MAX_AGE_US = 1_000_000_000_000_000n;

/** An integer field of the JSON form: a safe number or a decimal string (64-bit values), else undefined. */
function integer(v: unknown): bigint | undefined {
  if (typeof v === 'number') return Number.isSafeInteger(v) ? BigInt(v) : undefined;
  if (typeof v === 'string' && /^-?\d{1,20}$/.test(v)) return BigInt(v);
  return undefined;
}

/** `{sec, nanosec}` as epoch nanoseconds; undefined when it is not a valid Time (nanosec must be < 1e9). */
export function stampNanos(stamp: unknown): EpochNanos | undefined {
  if (stamp === null || typeof stamp !== 'object') return undefined;
  const s = integer((stamp as { sec?: unknown }).sec);
  const ns = integer((stamp as { nanosec?: unknown }).nanosec);
  if (s === undefined || ns === undefined || ns < 0n || ns >= NS_PER_S) return undefined;
  return s * NS_PER_S + ns;
}

/** Stamps before 2001-01-01: an unset header (zero) or simulation time, not the wall clock ages are taken against. */
const MIN_WALL_STAMP = 978_307_200n * NS_PER_S;
/** A stamp this far ahead of our clock is not a clock skew between two machines of one robot (ns). */
const MAX_AHEAD = 2n * NS_PER_S;

/** Why a stamp cannot give an age (docs/graph.md "latency_budget"). */
export type InvalidStamp = 'missing' | 'zero' | 'not_wall_clock' | 'future';

/**
 * A message's age in microseconds against `now`, or why it has none: no valid Time, zero, before 2001 (simulation
 * time), or more than 2 s ahead. A stamp up to 2 s ahead (clock skew) is age 0, never a negative age that would
 * pull the percentiles down.
 */
export function stampAge(stamp: unknown, now: EpochNanos): number | InvalidStamp {
  const t = stampNanos(stamp);
  if (t === undefined) return 'missing';
  if (t === 0n) return 'zero';
  if (t < MIN_WALL_STAMP) return 'not_wall_clock';
  if (t - now > MAX_AHEAD) return 'future';
  return Math.max(0, ageMicros(now, t));
}

/** The wall clock as epoch nanoseconds (Date.now() is an exact integer of milliseconds). */
export function wallNanos(): EpochNanos {
  return BigInt(Date.now()) * 1_000_000n;
}

/**
 * `now - then` in whole microseconds, clamped to ±31 years (a stamp of year 0 or 2200 from a hostile or
 * broken peer stays a finite, exact number). Negative: the stamp is ahead of our clock.
 */
export function ageMicros(now: EpochNanos, then: EpochNanos): number {
  let d = (now - then) / 1000n;
  if (d > MAX_AGE_US) d = MAX_AGE_US;
  else if (d < -MAX_AGE_US) d = -MAX_AGE_US;
  return Number(d);
}

/** Microseconds as milliseconds for a description: `182.4 ms` (one decimal, integer arithmetic). */
export function formatMs(us: number): string {
  const neg = us < 0;
  const a = Math.abs(Math.trunc(us));
  const s = `${Math.trunc(a / 1000)}.${Math.trunc((a % 1000) / 100)} ms`;
  return neg ? `-${s}` : s;
}
