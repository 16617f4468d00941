// When a page showing one fault reads it again: at every event of that fault, and whenever the fault list (read before the
// stream, after each event and every 10 s) shows the fault otherwise than before: a change the page's own read
// came too early for (the heal that happened between the page's read and the stream going live).
import type { FaultStore } from './fault-store';

/**
 * A value that changes whenever `code` may have changed: an event of this fault (seen live) or the list showing it
 * otherwise. Other faults' events leave it alone, so a page about one fault does not read it again for every event
 * of a busy robot.
 */
export function freshnessKey(faults: Pick<FaultStore, 'faults' | 'liveHistory'>, code: string): string {
  const listed = faults.faults.filter((f) => f.code === code).map((f) => `${f.rawStatus}/${f.occurrences}/${f.lastMs}/${f.acknowledgedBy ?? ''}`);
  const live = faults.liveHistory.get(code) ?? [];
  const last = live[live.length - 1];
  return `${live.length}:${last?.atMs ?? ''}:${last?.status ?? ''}|${listed.join(',')}`;
}
