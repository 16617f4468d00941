// The stored status history of a fault (docs/faults.md "Status history"): one row per change a person or a
// monitor cares about, not per report: an occurrence starting, confirmation, healing, clearing, a symptom muted
// or shown again by correlation, an acknowledgement. Bounded per fault; the store keeps it with the fault.
import type { FaultStatus } from '../model.js';

/** What changed. `occurred` starts an occurrence (a new fault, or one reactivated after a clear). */
export type HistoryChange = 'occurred' | 'confirmed' | 'healed' | 'cleared' | 'muted' | 'unmuted' | 'acknowledged';

export interface HistoryEntry {
  /** Store row id (assigned on append; increasing per store). */
  id?: number;
  fault_code: string;
  /** Wall clock, ns since the Unix epoch. */
  at_ns: bigint;
  change: HistoryChange;
  /** The fault's status after the change. */
  status: FaultStatus;
  /** The fault's occurrence number the change belongs to (occurrence_count then). */
  occurrence: number;
  /** Who or what made the change: a reporting source, `auto_confirm`, `clear_service`, a client id, a root cause. */
  source: string;
  /** Free text: an acknowledgement's note, the root cause a symptom was muted under; '' when none. */
  note: string;
}

/** Longest note kept (an acknowledgement's text is cut there). */
export const MAX_HISTORY_NOTE = 500;
/** Longest source kept: a reporting node's id is at most 512 (validation), a client's X-Client-Id is cut there. */
export const MAX_HISTORY_SOURCE = 512;

/** The acknowledgement in force for a fault: the newest `acknowledged` entry of its current occurrence. */
export interface Acknowledgement {
  by: string;
  at_ns: bigint;
  note: string;
  occurrence: number;
}

/** The acknowledgement of `occurrence` in `history` (oldest first), if any: an acknowledgement ends with its occurrence. */
export function acknowledgementOf(history: readonly HistoryEntry[], occurrence: number): Acknowledgement | undefined {
  for (let i = history.length - 1; i >= 0; i--) {
    const h = history[i];
    if (h.change === 'acknowledged' && h.occurrence === occurrence) return { by: h.source, at_ns: h.at_ns, note: h.note, occurrence };
  }
  return undefined;
}
