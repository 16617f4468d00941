// The pre-emptive ACKNACKs a reader sends a matched writer until that writer's first HEARTBEAT (ReliableReader.tick):
// when the next one goes, and the SN set's base it carries; and where a volatile reader starts once that HEARTBEAT came.
import { VendorId } from './vendor.js';
import type { WriterProxy } from './writer-proxy.js';

/**
 * A writer that has not heartbeated us is asked again every 1 s for its first PREEMPT_QUICK asks, then twice as long
 * each time up to 30 s: our first asks may have been lost, or reached a writer that still held an old proxy of us or
 * had not yet learnt of our reader (a peer waking from a stall re-learns us while we ask; a doubling wait from the
 * start left 4–8 s holes there, issue 66). Bounded either way: 8 small datagrams, then one per 30 s.
 */
const PREEMPT_FIRST_MS = 1000;
const PREEMPT_QUICK = 8;
const PREEMPT_MAX_MS = 30_000;

/** The schedule of a writer proxy made at `now`: its first ask again after 1 s. */
export function preemptStart(now: number): Pick<WriterProxy, 'preemptAt' | 'preemptDelay' | 'preemptQuickLeft'> {
  return { preemptAt: now + PREEMPT_FIRST_MS, preemptDelay: PREEMPT_FIRST_MS, preemptQuickLeft: PREEMPT_QUICK };
}

/** Plans the ask after the one going now. */
export function planNextPreempt(p: WriterProxy, now: number): void {
  if (p.preemptQuickLeft > 0) p.preemptQuickLeft--;
  if (p.preemptQuickLeft === 0) p.preemptDelay = Math.min(p.preemptDelay * 2, PREEMPT_MAX_MS);
  p.preemptAt = now + p.preemptDelay;
}

/**
 * The base of an empty pre-emptive ACKNACK to a writer of `vendorId`. Fast DDS writers read only base 0 as "this
 * reader has nothing": they then mark their whole history unacknowledged for it and heartbeat it. To base 1 a writer
 * that kept an old proxy of our reader with everything acknowledged (its node woken from a stall past our lease,
 * issue 66) answers nothing, and an ask for SNs past its last one is dropped whole: its SEDP never reached our new
 * proxies (5 of 17 stalled Fast DDS nodes beside two busy loops; 0 of 12 with base 0). Fast DDS's own readers send
 * base 0; RTPS (8.3.5.5) wants a base of at least 1, which every other writer gets (Cyclone DDS reads a base-0 empty
 * set as 1 anyway).
 */
export function preemptBase(vendorId: number, writerEntityId: number): number {
  return vendorId === VendorId.FAST_DDS && !securedBuiltin(writerEntityId) ? 0 : 1;
}

/**
 * DDS-Security's built-in writers (entity ids 0xff……): asked with base 1 as before. With base 0 a secured Humble Fast
 * DDS node sometimes did not read a restarted gateway's graph within 30 s (3 of 11 runs against 0 of 4; cause not
 * found, 2026-11-29); their secured SEDP is re-sent after the handshake anyway.
 */
function securedBuiltin(entityId: number): boolean {
  return entityId >>> 24 === 0xff;
}

/**
 * Whether a volatile reader may ask a writer for everything its first HEARTBEAT announces.
 * The writer owes us every sample written since it matched us, and the first HEARTBEAT does
 * not say when that was. Asking from `first` is right when the writer answers the samples it
 * does not owe us with a GAP: medkit (per-reader first SN, GAP below it) and Fast DDS (GAP of
 * its history when it matches a volatile reader) do; a VOLATILE writer of any vendor keeps
 * only what its matched readers still need. Cyclone's TRANSIENT_LOCAL writers GAP already
 * acknowledged samples only to Cyclone readers and would send anyone else their history, so
 * with those (and unknown vendors' TRANSIENT_LOCAL writers) we start after `last` as Cyclone's
 * own volatile readers do with non-Cyclone writers.
 */
export function asksFromFirst(vendorId: number, writerTransientLocal: boolean): boolean {
  return !writerTransientLocal || vendorId === VendorId.MEDKIT || vendorId === VendorId.FAST_DDS;
}
