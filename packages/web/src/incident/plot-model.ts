// Pure helpers of the incident plots: which fields a topic shows by default, and how many samples lie before
// and after the fault (the page says so, and tests read it).
import type { FieldSeries, TopicSeries } from './recording-types';

export { clockTime } from '../model/time';

/** Shown by default: up to three fields that change, summaries and scalars first; else the first two. */
export function defaultFields(t: TopicSeries): string[] {
  const rank = (f: FieldSeries) => (f.kind === 'min' ? 0 : f.kind === 'mean' ? 1 : f.kind === 'scalar' ? 2 : 3);
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
