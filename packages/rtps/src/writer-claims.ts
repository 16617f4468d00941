// How far a remote writer's own word moves one of our readers. HEARTBEAT and GAP are claims ("I no longer have SNs
// below X", "SNs up to Y are not for you") that anyone who read the writer's GUID from discovery can forge. Taken at
// face value, one GAP up to 2^40 or one HEARTBEAT with first = 2^40 made every later real sample look old: the stream
// stopped for good. So a claim is believed only when it stays within what the writer could have written by now: its
// highest DATA or DATA_FRAG that reached us, plus CLAIM_RATE_PER_MS samples a millisecond since then (and one ACKNACK
// window). One reaching further is set aside whole, not clamped: clamping still skipped the samples we were
// repairing. A real writer's claims stay within that bound: a KEEP_LAST writer that overwrote what we missed, or
// one whose samples go to other readers (directed service replies, writer-side content filters: GAPs for SNs we
// never see as data) writes far less than 100,000 samples a second.
//
// The data itself is believed only within the same bound, so a forged DATA at 2^40 in the same datagram as the
// claim confirms nothing. What unsecured RTPS cannot stop, a forged claim within that bound (it can cost the samples
// in flight or being repaired, as it would on any DDS reader), SROS2 does (docs/security.md).

import { MAX_SET_BITS } from './sequence-number.js';

/** At most this many samples a millisecond (100,000 a second): far above any real writer, far below 2^40. */
export const CLAIM_RATE_PER_MS = 100;

/** What a writer has shown it wrote, kept on the reader's proxy of it. */
export interface WrittenEvidence {
  /** Highest SN of the writer's own data (or of its first contact's claim) that reached us; 0 before any. */
  seenHigh: number;
  /** When seenHigh last rose (ms); -1 before the first reference point, when anything is believed. */
  seenAt: number;
}

export function noEvidence(): WrittenEvidence {
  return { seenHigh: 0, seenAt: -1 };
}

/** The highest SN the writer may plausibly have written by `now`. */
export function credibleLimit(e: WrittenEvidence, now: number): number {
  if (e.seenAt < 0) return Number.MAX_SAFE_INTEGER;
  const elapsed = now > e.seenAt ? now - e.seenAt : 0;
  return e.seenHigh + MAX_SET_BITS + Math.floor(Math.min(elapsed, 2 ** 32) * CLAIM_RATE_PER_MS);
}

/**
 * Notes a DATA or DATA_FRAG at `sn`: true when it is believable (and then it is evidence), false when it lies past
 * what the writer could have written (drop it).
 */
export function noteWritten(e: WrittenEvidence, sn: number, now: number): boolean {
  if (sn <= e.seenHigh) return true;
  if (sn > credibleLimit(e, now)) return false;
  e.seenHigh = sn;
  e.seenAt = now;
  return true;
}

/** A first contact (the HEARTBEAT or GAP the reader starts from) is the reference point: believed as it is. */
export function trustFirstContact(e: WrittenEvidence, high: number, now: number): void {
  if (high > e.seenHigh) e.seenHigh = high;
  e.seenAt = now;
}

/** Whether a HEARTBEAT's `first - 1` or a GAP's highest SN is one the writer could have written by `now`. */
export function claimBelievable(e: WrittenEvidence, high: number, now: number): boolean {
  return high <= credibleLimit(e, now);
}
