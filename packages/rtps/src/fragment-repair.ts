// Which missing fragments a reliable reader asks a writer for, and when (NACK_FRAG). A sliding window: fragments of
// the oldest sample being reassembled (the next to deliver, and the first a KEEP_LAST writer overwrites), at most
// REPAIR_WINDOW asked and not arrived, topped up as they arrive, asked again from the first missing one after
// REPAIR_TIMEOUT_MS without progress. Issue 40: asking on every HEARTBEAT / HEARTBEAT_FRAG for everything missing (a
// writer sends more of them while it repairs) multiplied the retransmissions into a collapse of the link (70% of a
// 50 MB/s KEEP_LAST stream lost), and asking once per interval repaired far slower than such a stream.

import type { FragmentReassembly } from './fragment-reassembly.js';

/**
 * Fragments asked for and not arrived yet, per writer, at most: Cyclone DDS queues at most 200 retransmitted
 * messages, a fragment each, and drops the rest of a request, so asking for more at once (several samples'
 * fragments) only loses the excess until a timeout.
 */
export const REPAIR_WINDOW = 128;
/** Fragments asked for that made no progress for this long (ms) are asked again: the writer dropped them, or they were lost. */
export const REPAIR_TIMEOUT_MS = 50;

/** The repair under way with one writer: the one sample being repaired, the last fragment asked for, when we last asked (ms). */
export interface FragmentRepair {
  sn: number;
  upTo: number;
  at: number;
}

/** What the policy reads of a writer proxy (and `repair`, which it updates). */
export interface RepairSubject {
  frags?: FragmentReassembly;
  repair?: FragmentRepair;
  synced: boolean;
  nextExpected: number;
  /** The sample of the writer's latest HEARTBEAT_FRAG and its fragments sent so far (0: none heard). */
  liveSn: number;
  liveLastFrag: number;
}

/** Whether the repair has waited for an answer long enough to be asked again. */
export function repairOverdue(r: FragmentRepair, now: number): boolean {
  return now - r.at >= REPAIR_TIMEOUT_MS;
}

/**
 * The NACK_FRAG to send now (sample and fragments), recorded in `p.repair`, or undefined. Samples after the one the
 * writer is sending (its latest HEARTBEAT_FRAG) may still be on their way: they are asked for only on a HEARTBEAT
 * (`fromHeartbeat`), or when the writer sends no HEARTBEAT_FRAGs; the one it is sending, up to its last fragment sent.
 */
export function nextFragmentRequest(p: RepairSubject, now: number, fromHeartbeat: boolean): { sn: number; base: number; set: number[] } | undefined {
  const frags = p.frags;
  if (!frags || frags.size === 0) return undefined;
  const live = p.liveSn;
  const bound = (sn: number): number | undefined => (sn === live ? p.liveLastFrag : live === 0 || sn < live || fromHeartbeat ? Infinity : undefined);
  const r = p.repair;
  const first = r && frags.firstMissing(r.sn);
  if (r && first !== undefined && first <= r.upTo && !repairOverdue(r, now)) {
    // Asked and not arrived yet (or arrived past a hole): top the window up once half of it is in.
    const inFlight = r.upTo - first + 1;
    if (inFlight > REPAIR_WINDOW / 2) return undefined;
    const upTo = bound(r.sn);
    const m = upTo === undefined ? undefined : frags.missing(r.sn, upTo === Infinity ? undefined : upTo, REPAIR_WINDOW - inFlight, r.upTo + 1);
    if (!m) return undefined;
    r.upTo = m.set[m.set.length - 1];
    r.at = now;
    return { sn: r.sn, ...m };
  }
  // Nothing under way, all of it arrived, or no progress for too long: from the first missing fragment of the oldest.
  p.repair = undefined;
  const m = frags.oldestMissing(p.synced ? p.nextExpected : 1, REPAIR_WINDOW, bound);
  if (m) p.repair = { sn: m.sn, upTo: m.set[m.set.length - 1], at: now };
  return m;
}
