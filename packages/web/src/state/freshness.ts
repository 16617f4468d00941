// When a page showing one fault reads it again: at every fault event, and whenever the fault list (read before the
// stream, after each event and every 10 s) shows the fault otherwise than before: a change the page's own read
// came too early for (the heal that happened between the page's read and the stream going live).
import type { FaultStore } from './fault-store';

/** A value that changes whenever `code` may have changed. */
export function freshnessKey(faults: Pick<FaultStore, 'version' | 'faults'>, code: string): string {
  const listed = faults.faults.filter((f) => f.code === code).map((f) => `${f.rawStatus}/${f.occurrences}/${f.lastMs}/${f.acknowledgedBy ?? ''}`);
  return `${faults.version}|${listed.join(',')}`;
}
