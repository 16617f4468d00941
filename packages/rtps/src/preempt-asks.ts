// The pre-emptive ACKNACKs a reader sends a matched writer until that writer's first HEARTBEAT (ReliableReader.tick):
// when the next one goes, and what it asks for.
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
/**
 * After this many unanswered asks, a reader that keeps history (transient-local) asks for SNs 1..256 outright. A
 * writer that kept an old proxy of our reader with everything acknowledged answers a plain ask with nothing (Fast DDS
 * woken from a stall past our lease, 6 of 10 times beside two busy loops: its SEDP never came back, issue 66); asked
 * for a range it resends what it still has and GAPs the rest, and its HEARTBEAT follows. Bounded like the plain asks.
 */
const PREEMPT_NACK_AFTER = 3;
const NACK_FROM_START: readonly number[] = Array.from({ length: 256 }, (_, i) => i + 1);
const NOTHING: readonly number[] = [];

/** The schedule of a writer proxy made at `now`: its first ask again after 1 s. */
export function preemptStart(now: number): Pick<WriterProxy, 'preemptAt' | 'preemptDelay' | 'preemptQuickLeft'> {
  return { preemptAt: now + PREEMPT_FIRST_MS, preemptDelay: PREEMPT_FIRST_MS, preemptQuickLeft: PREEMPT_QUICK };
}

/** The SNs the ask due now names (none: a plain ask), with the next ask planned on `p`. */
export function nextPreempt(p: WriterProxy, transientLocal: boolean, now: number): readonly number[] {
  const unanswered = PREEMPT_QUICK - p.preemptQuickLeft;
  if (p.preemptQuickLeft > 0) p.preemptQuickLeft--;
  if (p.preemptQuickLeft === 0) p.preemptDelay = Math.min(p.preemptDelay * 2, PREEMPT_MAX_MS);
  p.preemptAt = now + p.preemptDelay;
  return transientLocal && unanswered >= PREEMPT_NACK_AFTER ? NACK_FROM_START : NOTHING;
}
