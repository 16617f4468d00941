// Quiet re-reports (docs/faults.md "Events", issue 67): a confirmed fault re-reported with nothing new (only its
// last-seen times and debounce counter moved) is no news to the stream, exports, webhooks, triggers or the fleet,
// so the manager publishes no event for it, except a refresh at most once a minute that moves `last_occurred` on
// clients that only follow events. Everything a subscriber shows (status, severity, description, sources,
// occurrence, muting) is compared with what subscribers were last told of the code.
import type { FaultRecord } from './model.js';

/** A steady fault still reported is told again after this long, so event-only clients see `last_occurred` move. */
export const STEADY_REFRESH_MS = 60_000;

/** How a change was told: as a fault event (`shown`) or, for a muted symptom, as a muted change under what hides it. */
export type ToldAs = { shown: true } | { shown: false; under?: string };

interface Told {
  key: string;
  atMs: number;
}

/** Codes remembered at most; forgetting one only costs its next re-report an event. */
const DEFAULT_MAX_CODES = 10_000;

/** What subscribers were last told of each code, and when (monotonic ms). */
export class SteadyFaults {
  private readonly told = new Map<string, Told>();
  private readonly maxCodes: number;

  constructor(maxCodes = 0) {
    this.maxCodes = Math.max(maxCodes, DEFAULT_MAX_CODES);
  }

  /** Notes that subscribers were told `rec` (as `as`) at `nowMs`. */
  tell(rec: FaultRecord, as: ToldAs, nowMs: number): void {
    // Re-inserted so the map's order is the order told: the least recently told code is forgotten first.
    this.told.delete(rec.fault_code);
    this.told.set(rec.fault_code, { key: keyOf(rec, as), atMs: nowMs });
    if (this.told.size > this.maxCodes) this.told.delete(this.told.keys().next().value!);
  }

  /** True when telling `rec` (as `as`) now says nothing subscribers were not told less than a refresh ago. */
  isQuiet(rec: FaultRecord, as: ToldAs, nowMs: number): boolean {
    const last = this.told.get(rec.fault_code);
    return last !== undefined && last.key === keyOf(rec, as) && nowMs - last.atMs < STEADY_REFRESH_MS;
  }

  /** The fault is gone from the store (evicted). */
  forget(code: string): void {
    this.told.delete(code);
  }
}

/** What a subscriber shows of a fault; the times and the debounce counter are left out on purpose. */
function keyOf(r: FaultRecord, as: ToldAs): string {
  return JSON.stringify([r.status, r.severity, r.description, r.reporting_sources, r.occurrence_count, as.shown ? '' : `muted:${as.under ?? ''}`]);
}
