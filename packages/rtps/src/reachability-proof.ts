// How a participant proves it is real without DDS-Security (issue 66, docs/ros2.md "Discovery under flood"). A seat
// in the participant table that no newcomer can take, and our built-in writers' full attention, go to participants
// that proved themselves. Anyone can announce a participant; what used to count as proof (any ACKNACK to one of our
// writers, an SEDP announcement, a liveliness assertion) could all be sent blind, so 1,100 forged participants with
// one blind ACKNACK each filled the table with "proven" fakes and real nodes were turned away.
//
// Now the proof is an echo: our plain built-in writers' sequence numbers start at a random SN, which only a reader
// that received one of our HEARTBEATs or samples knows. An ACKNACK to one of them whose base lies within what that
// writer wrote (first SN .. last SN + 1), or a NACK_FRAG of one of its SNs, proves its sender. Base 1 or below (a
// pre-emptive ACKNACK: no knowledge yet) proves nothing; any other base is a guess, and a participant that guessed
// wrong once can never prove itself by echo (one blind try each: about 1 in 2,000 succeeds). Our HEARTBEATs go to
// the locators a participant announced, so the echo also shows it receives there. A participant on probation (under
// flood pressure our writers do not heartbeat newcomers) gets one probe datagram with a HEARTBEAT of each built-in
// writer at most once a second, only in answer to an announcement of its own (which is larger than the probe: no
// amplification). The start SN is at most 2^16: Fast DDS 2.9 fell silent (no ACKNACK, no SEDP) towards a writer
// starting near 2^20 or beyond. Under DDS-Security the handshake is the proof and the writers start at SN 1.

import { randomInt } from 'node:crypto';

/** The random first SN of our plain built-in writers. */
export const FIRST_SN_MIN = 2 ** 12;
export const FIRST_SN_MAX = 2 ** 16;
/** A participant on probation is probed at most this often (ms). */
export const PROBE_INTERVAL_MS = 1000;
/** Participants remembered at most, per kind (one per participant in the table; the oldest forgotten first). */
const MAX_REMEMBERED = 4096;

/** A random first SN for our plain built-in writers. */
export function randomFirstSn(): number {
  return randomInt(FIRST_SN_MIN, FIRST_SN_MAX);
}

/** A bounded insertion-ordered map: the oldest entry goes first. */
function remember<V>(m: Map<string, V>, key: string, value: V): void {
  m.delete(key);
  if (m.size >= MAX_REMEMBERED) m.delete(m.keys().next().value!);
  m.set(key, value);
}

export class ReachabilityProof {
  private readonly probedAt = new Map<string, number>();
  /** Participants that named an SN we never wrote: a guess, so no echo of theirs proves anything any more. */
  private readonly guessed = new Map<string, true>();

  /**
   * @param firstSn the first SN of our plain built-in writers (1 under DDS-Security: then any answer counts, as the
   *   handshake proved the participant already).
   * @param lastSn the last SN written by our plain built-in writer `entityId`, or undefined for any other writer.
   */
  constructor(
    readonly firstSn: number,
    private readonly lastSn: (entityId: number) => number | undefined,
  ) {}

  /** Whether the secured handshake, not the echo, is the proof. */
  get byHandshake(): boolean {
    return this.firstSn <= 1;
  }

  /** Echoes that named an SN our writer never wrote, since start (forged, or a confused peer). */
  wrongEchoes = 0;

  /**
   * Whether an ACKNACK (its base) or NACK_FRAG (its SN) `echoedSn` from `prefixHex` to our writer `entityId` proves it.
   * A wrong echo in the name of a participant that has not proved itself yet bars it from proving by echo; one in the
   * name of a participant that has (`proven`) is only counted: else one forged datagram would keep a live node from
   * confirming it is still there (participant-liveness.ts).
   */
  proves(prefixHex: string, entityId: number, echoedSn: number | undefined, proven = false): boolean {
    if (this.byHandshake) return true;
    const last = this.lastSn(entityId);
    if (last === undefined || echoedSn === undefined || echoedSn <= 1) return false;
    if (!proven && this.guessed.has(prefixHex)) return false;
    if (echoedSn >= this.firstSn && echoedSn <= last + 1) return true;
    this.wrongEchoes++;
    if (!proven) remember(this.guessed, prefixHex, true);
    return false;
  }

  /** Whether to probe a participant on probation now (at most once a PROBE_INTERVAL_MS); notes it. */
  probeDue(prefixHex: string, now: number): boolean {
    if (this.byHandshake) return false;
    const last = this.probedAt.get(prefixHex);
    if (last !== undefined && now - last < PROBE_INTERVAL_MS) return false;
    remember(this.probedAt, prefixHex, now);
    return true;
  }

  /** The participant left the table. */
  forget(prefixHex: string): void {
    this.probedAt.delete(prefixHex);
    this.guessed.delete(prefixHex);
  }
}
