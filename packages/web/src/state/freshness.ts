// When a page showing one fault reads it again: at every event of that fault, and whenever the fault list (read before the
// stream, after each event and every 10 s) shows the fault otherwise than the page's last read did: a change the page's
// own read came too early for (the heal that happened between the page's read and the stream going live). The list
// telling what the read already showed is no change: before, a page read the detail a second time as it opened
// whenever the list's first answer came after its read (one more request to the gateways while the page loads).
import type { FaultView } from '../model/faults';
import type { FaultStore } from './fault-store';

/**
 * What a page's last read of the fault showed, in the list's terms, or that it failed; `page` names the page's fault
 * (entity and code).
 */
export type ShownFault = { page: string; failed: true } | { page: string; failed?: false; rawStatus: string; occurrences?: number; lastMs?: number; acknowledgedBy?: string };

/** Times of one instant from two sources (epoch seconds with decimals, ISO strings) agree within a millisecond. */
const sameMs = (a: number | undefined, b: number | undefined) => (a === undefined || b === undefined ? a === b : Math.abs(a - b) < 1);

function showsSame(f: FaultView, s: Extract<ShownFault, { rawStatus: string }>): boolean {
  return f.rawStatus === s.rawStatus && f.occurrences === s.occurrences && sameMs(f.lastMs, s.lastMs) && (f.acknowledgedBy ?? '') === (s.acknowledgedBy ?? '');
}

/**
 * A value that changes whenever `code` may have changed: an event of this fault (seen live), or the list showing it
 * otherwise than `shown`, the page's last read of the page `page`. No answer yet: the list is not compared (the read is
 * on its way). A failed read: whatever the list says of the fault is news (signed in since, the fault stored since),
 * so the page tries again. Other faults' events leave it alone, so a page about one fault does not read it again for
 * every event of a busy robot.
 */
export function freshnessKey(faults: Pick<FaultStore, 'faults' | 'liveHistory'>, code: string, page: string, shown: ShownFault | undefined): string {
  const read = shown?.page === page ? shown : undefined;
  const news = (f: FaultView) => read !== undefined && (read.failed === true || !showsSame(f, read));
  const listed = faults.faults.filter((f) => f.code === code && news(f)).map((f) => `${f.rawStatus}/${f.occurrences}/${f.lastMs}/${f.acknowledgedBy ?? ''}`);
  const live = faults.liveHistory.get(code) ?? [];
  const last = live[live.length - 1];
  return `${live.length}:${last?.atMs ?? ''}:${last?.status ?? ''}|${listed.join(',')}`;
}

/** What a fault detail (normalizeFaultDetail's view) shows, for freshnessKey. */
export function shownFault(page: string, d: { rawStatus: string; occurrences?: number; lastMs?: number; acknowledgement?: { by: string } }): ShownFault {
  return { page, rawStatus: d.rawStatus, occurrences: d.occurrences, lastMs: d.lastMs, acknowledgedBy: d.acknowledgement?.by };
}

/**
 * Reads the detail with `load` and notes in `shown` what it showed, or that it failed (an aborted read notes nothing:
 * the read that replaced it will).
 */
export async function readNotingShown<T>(load: () => Promise<T>, shown: { current: ShownFault | undefined }, page: string, view: (body: T) => Parameters<typeof shownFault>[1], signal: AbortSignal): Promise<T> {
  try {
    const body = await load();
    shown.current = shownFault(page, view(body));
    return body;
  } catch (err) {
    if (!signal.aborted) shown.current = { page, failed: true };
    throw err;
  }
}
