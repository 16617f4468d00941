// The eviction order of docs/faults.md decision Q7: when the store is full, the record to give up.

import type { FaultRecord, FaultStatus } from '../model.js';

const ORDER: readonly FaultStatus[] = ['CLEARED', 'HEALED', 'PREPASSED', 'PREFAILED'];

/** A CLEARED, then HEALED, then PREPASSED, then PREFAILED record, oldest `last_occurred` first; never a CONFIRMED one. */
export function evictionVictim(records: Iterable<FaultRecord>): FaultRecord | undefined {
  let victim: FaultRecord | undefined;
  let victimRank = ORDER.length;
  for (const r of records) {
    const rank = ORDER.indexOf(r.status);
    if (rank < 0) continue;
    if (!victim || rank < victimRank || (rank === victimRank && r.last_occurred_ns < victim.last_occurred_ns)) {
      victim = r;
      victimRank = rank;
    }
  }
  return victim;
}
