// The participant must not be a reflector. SPDP is unauthenticated, so a participant's announced locators are
// whatever the announcement says: forged participants naming a victim's address (another host, another process)
// made the gateway send that victim our SPDP, heartbeats and repairs for as long as the fakes' leases ran
// (317 MB at 0.8 MB/s to a flood's locators; 1.8 MB to each of 20 off-machine addresses from 200 KB sent), and
// forged ACKNACKs drew 3.6 times their bytes in SEDP repairs. So what goes to a locator of a participant that has
// proved nothing (proxy-participants.ts) is paid for by what that participant sent us, plus a one-off allowance:
// discovery is lopsided by nature (a 64-byte ACKNACK asks for our endpoints' data), and two participants that had
// proved nothing to each other starved each other at exactly 1. Each admission gets the allowance once; how often a
// source address may get a participant admitted is the table's rate limit (proxy-participants.ts). Locators of proven
// participants, and those no participant announced (multicast, the configured peers' sweep), are not limited.
// Lookups happen only while an unproven participant is tracked: none in a settled graph.

import type { Locator } from './locator.js';
import type { RemoteParticipant } from './remote-entities.js';

/** What the guard refused (Participant.reflectionStats()). */
export interface ReflectionStats {
  /** Sends to a locator of unproven participants whose bytes did not cover them. */
  refusedDatagrams: number;
  refusedBytes: number;
  /** Unproven participants tracked now. */
  unproven: number;
}

/** Bytes an unproven participant may be sent beyond what it sent, once: our announcement and a greeting. */
export const PLAIN_ALLOWANCE = 512;
/**
 * Under DDS-Security an unauthenticated participant is owed our handshake (our certificate and permissions, a few KB,
 * more than its request): the allowance is this much instead.
 */
export const SECURE_HANDSHAKE_ALLOWANCE = 16 * 1024;

/** `address:port` without the locator kind (a participant's locators are all UDPv4 here). */
const keyOf = (l: Locator): string => `${l.address}:${l.port}`;

export class ReflectionGuard {
  /** Locators announced by unproven participants, and who announced each. */
  private readonly unproven = new Map<string, Set<RemoteParticipant>>();
  /** Locators announced by proven participants (how many announce each). */
  private readonly proven = new Map<string, number>();
  /** The keys each tracked participant holds, and whether it holds them as proven. */
  private readonly held = new Map<RemoteParticipant, { keys: string[]; proven: boolean }>();
  private readonly counters = { refusedDatagrams: 0, refusedBytes: 0 };

  /** `allowance`: bytes each participant may be sent beyond what it sent (SECURE_HANDSHAKE_ALLOWANCE under security). */
  constructor(private readonly allowance = PLAIN_ALLOWANCE) {}

  /** Bytes a participant may still be sent: what it sent us (and the allowance), less what we sent it. */
  private credit(r: RemoteParticipant): number {
    return r.bytesIn + this.allowance - r.bytesOut;
  }

  /** A participant was admitted or moved: (re)indexes its locators. */
  track(r: RemoteParticipant): void {
    this.untrack(r);
    const keys = [...new Set([...r.metaLocators, ...r.userLocators].map(keyOf))];
    const proven = r.proof !== 0;
    this.held.set(r, { keys, proven });
    for (const k of keys) {
      if (proven) this.proven.set(k, (this.proven.get(k) ?? 0) + 1);
      else {
        let set = this.unproven.get(k);
        if (!set) this.unproven.set(k, (set = new Set()));
        set.add(r);
      }
    }
  }

  /** A participant proved itself: its locators are no longer limited. O(1) when it already was. */
  onProven(r: RemoteParticipant | undefined): void {
    const h = r && this.held.get(r);
    if (r && h && !h.proven) this.track(r);
  }

  /** A participant is gone. */
  untrack(r: RemoteParticipant): void {
    const h = this.held.get(r);
    if (!h) return;
    this.held.delete(r);
    for (const k of h.keys) {
      if (h.proven) {
        const n = (this.proven.get(k) ?? 1) - 1;
        if (n > 0) this.proven.set(k, n);
        else this.proven.delete(k);
      } else {
        const set = this.unproven.get(k);
        set?.delete(r);
        if (set?.size === 0) this.unproven.delete(k);
      }
    }
  }

  /** `n` bytes came from `r` (the datagram's source participant). */
  received(r: RemoteParticipant | undefined, n: number): void {
    if (r) r.bytesIn += n;
  }

  /** Whether `n` bytes may go to `l` now; charged to the unproven participant that can best afford them. */
  allow(l: Locator, n: number): boolean {
    if (this.unproven.size === 0) return true;
    const k = keyOf(l);
    const owners = this.unproven.get(k);
    if (!owners || this.proven.has(k)) return true;
    let best: RemoteParticipant | undefined;
    for (const r of owners) if (!best || this.credit(r) > this.credit(best)) best = r;
    if (best && this.credit(best) >= n) {
      best.bytesOut += n;
      return true;
    }
    this.counters.refusedDatagrams++;
    this.counters.refusedBytes += n;
    return false;
  }

  stats(): ReflectionStats {
    let unproven = 0;
    for (const h of this.held.values()) if (!h.proven) unproven++;
    return { ...this.counters, unproven };
  }
}
