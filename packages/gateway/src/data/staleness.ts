// How old a sampled message is and whether it is stale (docs/resources.md, "Stale data"): a topic whose
// publisher stopped keeps its last message in the pool, so a read says how old it is.
import type { TopicSample } from './topic-pool.js';

/** Automatic bound: this many of the topic's observed periods without a message … */
const MISSED_PERIODS = 3;
/** … but never less than this, so a fast topic is not called stale for one late message. */
const MIN_AUTO_BOUND_MS = 1000;

export interface Freshness {
  age_sec: number;
  stale: boolean;
}

/**
 * `staleAfterMs` > 0 is a fixed bound; 0 derives it from the topic: `MISSED_PERIODS` × its observed
 * period, at least `MIN_AUTO_BOUND_MS`. A topic that sent a single message has no period and is only
 * judged by a fixed bound.
 */
export function freshness(sample: TopicSample, nowMs: number, staleAfterMs: number): Freshness {
  const ageMs = Math.max(0, nowMs - Number(sample.timestampNs / 1_000_000n));
  const bound = staleAfterMs > 0 ? staleAfterMs : sample.periodMs !== undefined ? Math.max(MIN_AUTO_BOUND_MS, MISSED_PERIODS * sample.periodMs) : Infinity;
  return { age_sec: Math.round(ageMs) / 1000, stale: ageMs > bound };
}

/**
 * The topic's measured rate (Hz) as the pool's live subscription sees every message (1 / the moving average of the
 * arrival gaps), or undefined: until two messages came, and while the topic is stale (its publisher stopped, so a
 * rate from before would mislead).
 */
export function measuredRateHz(sample: TopicSample, fresh: Freshness): number | undefined {
  if (fresh.stale || sample.periodMs === undefined || sample.periodMs <= 0) return undefined;
  return Math.round((1000 / sample.periodMs) * 100) / 100;
}

/** `freshness` and, when known, `rate_hz` (x-medkit of a data read). */
export function readStats(sample: TopicSample, nowMs: number, staleAfterMs: number): Freshness & { rate_hz?: number } {
  const f = freshness(sample, nowMs, staleAfterMs);
  const hz = measuredRateHz(sample, f);
  return hz === undefined ? f : { ...f, rate_hz: hz };
}
