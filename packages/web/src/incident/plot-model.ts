// Pure helpers of the incident plots: which fields a topic shows by default, and how many samples lie before
// and after the fault (the page says so, and tests read it).
import type { FieldSeries, TopicSeries } from './recording-types';

export { clockTime } from '../model/time';

/** Shown by default: up to three fields that change, summaries and scalars first; else the first two. */
export function defaultFields(t: TopicSeries): string[] {
  const rank = (f: FieldSeries) => (f.kind === 'min' ? 0 : f.kind === 'mean' ? 1 : f.kind === 'scalar' || f.kind === 'state' ? 2 : 3);
  const varying = t.fields.filter((f) => f.varies && !/\bheader\b/.test(f.key)).sort((a, b) => rank(a) - rank(b));
  const picked = (varying.length > 0 ? varying : t.fields.filter((f) => !/\bheader\b/.test(f.key))).slice(0, varying.length > 0 ? 3 : 2);
  return picked.map((f) => f.key);
}

/** Samples of the topic before and at-or-after `atSec`. */
export function pointsAround(times: number[], atSec: number | undefined): { before: number; after: number } {
  if (atSec === undefined) return { before: times.length, after: 0 };
  let before = 0;
  for (const t of times) if (t < atSec) before++;
  return { before, after: times.length - before };
}

/** Drawn as a state band (stepped, the value holding until the next sample): booleans, and integer fields with few values (enums). */
export function isStateField(f: FieldSeries): boolean {
  if (f.kind === 'state') return true;
  if (f.kind !== 'scalar') return false;
  const distinct = new Set<number>();
  for (const v of f.values) {
    if (v === null) continue;
    if (!Number.isInteger(v) || distinct.add(v).size > 6) return false;
  }
  return distinct.size > 0;
}

/** Index of the last of the ascending `times` at or before `t`; -1 when none. */
export function lastAtOrBefore(times: ArrayLike<number>, t: number): number {
  let lo = 0;
  let hi = times.length - 1;
  let at = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (times[mid] <= t) {
      at = mid;
      lo = mid + 1;
    } else hi = mid - 1;
  }
  return at;
}

/** Index of the last sample at or before `t` whose value is not null, else undefined (nothing in force yet). */
export function inForceAt(times: ArrayLike<number>, values: ArrayLike<number | null | undefined>, t: number): number | undefined {
  let at = lastAtOrBefore(times, t);
  while (at >= 0 && values[at] == null) at--;
  return at >= 0 ? at : undefined;
}

/** The sample an arrow key moves the cursor to from time `now`: the previous or the next one, or the first or last. */
export function stepSample(times: number[], now: number, key: 'ArrowLeft' | 'ArrowRight' | 'Home' | 'End'): number {
  if (key === 'Home') return 0;
  if (key === 'End') return times.length - 1;
  const k = lastAtOrBefore(times, now + 1e-9);
  if (key === 'ArrowRight') return Math.min(k + 1, times.length - 1);
  if (k < 0) return 0;
  return Math.abs(times[k] - now) < 1e-6 ? Math.max(0, k - 1) : k;
}

/**
 * The plot's data: the topic's times, and for state fields one more point at the end of the range carrying the
 * last value, so a value stays drawn while it is in force (one Bool message is a band, not a dot).
 */
export function plotData(times: number[], fields: FieldSeries[], rangeEnd: number): { xs: number[]; ys: (number | null)[][] } {
  const last = times.at(-1);
  const extend = last !== undefined && last < rangeEnd && fields.some(isStateField);
  if (!extend) return { xs: times, ys: fields.map((f) => f.values) };
  return {
    xs: [...times, rangeEnd],
    ys: fields.map((f) => [...f.values, isStateField(f) ? f.values.findLast((v) => v !== null) ?? null : null]),
  };
}

/**
 * Drawn as steps (the value holds until the next sample, never a ramp between two): every value an integer —
 * booleans (0/1), enums and counts.
 */
export function isStepped(values: readonly (number | null)[]): boolean {
  let any = false;
  for (const v of values) {
    if (v === null) continue;
    if (!Number.isInteger(v)) return false;
    any = true;
  }
  return any;
}

/**
 * The sample a plot's legend shows at cursor time `x` (s): the one in force, as the read-out has it (the last at or
 * before `x`, never a later one), null before the first. Series 0 is the time.
 */
export function legendIndex(data: readonly ArrayLike<number | null | undefined>[], seriesIdx: number, x: number): number | null {
  const xs = data[0] as ArrayLike<number>;
  if (seriesIdx === 0) {
    const i = lastAtOrBefore(xs, x);
    return i >= 0 ? i : null;
  }
  return inForceAt(xs, data[seriesIdx], x) ?? null;
}

/** A time axis that spans the data: its first to its last sample; one sample (or one instant) gets a second each side. */
export function dataSpan(xs: readonly number[]): [number, number] | undefined {
  if (xs.length === 0) return undefined;
  const [a, b] = [xs[0], xs[xs.length - 1]];
  return b > a ? [a, b] : [a - 1, a + 1];
}
