// Not a reflector (issue 66, docs/ros2.md "Not a reflector"). Anyone can announce a participant whose locators name a
// victim's socket; every datagram our participant then sends there (SPDP replies, HEARTBEATs, repair answers to blind
// ACKNACKs, probes) is traffic an attacker made us send. 20 forged participants once drew 10 times their own bytes to
// the victim. So until a participant proved it receives where it says (reachability-proof.ts), what we send to its
// locators is paid from what it sent us: each datagram of it earns its size, each datagram to its locators costs its
// size, and one that would overdraw is not sent. Proven participants' locators, and the ones we were configured with
// (multicast, the initial-peer sweep, discovery servers), are free. A locator no known participant announced is not
// sent to at all: nothing goes to a participant once it left the table (its lease, clamped, ran out).
//
// A proven participant's locators stay free for a while after it left (PROVEN_MEMORY_MS): a node stalled past its lease
// that comes back where it was is re-learned at full speed. A fake naming such a locator reaches that node's old port,
// never a victim of the attacker's choosing.
//
// The check is at the socket: one place every send passes, so no path (a new submessage, a repair) can be forgotten.
// A locator is keyed "address:port"; a participant registers at most MAX_KEYS of them (real nodes use one or two).

import { locatorKey, type Locator } from './locator.js';

/** Locators one participant may register; the ones past it are never sent to (a real node announces one or two). */
export const MAX_KEYS = 8;
/** Credit a participant can bank (bytes): what it sent beyond this is not carried over. */
export const MAX_CREDIT = 64 * 1024;
/**
 * A locator where a proven participant received stays free this long after it left (ms), for that many locators at
 * most: a node stalled past its lease (SIGSTOP, a partition) that comes back at the same locators is sent to at once,
 * as before it left, not held to the few bytes of its first announcement while it re-learns our endpoints.
 */
export const PROVEN_MEMORY_MS = 10 * 60_000;
const PROVEN_MEMORY_MAX = 4096;

/** One remote participant's account. */
interface Account {
  credit: number;
  proven: boolean;
  keys: string[];
}

/** Who may be sent to at a locator: proven participants there (free), or unproven ones paying from their credit. */
interface LocatorUse {
  proven: number;
  unproven: Account[];
}

/** Counters for monitoring. */
export interface SendBudgetStats {
  /** Datagrams (per destination) not sent: an unproven participant's credit did not cover them. */
  withheld: number;
  withheldBytes: number;
  /** Datagrams not sent to a locator no known participant announced (it left, or registered too many). */
  unknown: number;
}

export class SendBudget {
  private readonly accounts = new Map<string, Account>();
  private readonly uses = new Map<string, LocatorUse>();
  private readonly free = new Set<string>();
  /** Locators of proven participants that left, and when they were last proven there (PROVEN_MEMORY_MS). */
  private readonly provenBefore = new Map<string, number>();
  readonly stats: SendBudgetStats = { withheld: 0, withheldBytes: 0, unknown: 0 };

  /** @param now the clock of PROVEN_MEMORY_MS (injected by tests). */
  constructor(private readonly now: () => number = Date.now) {}

  /** Locators we may always send to: configured ones (multicast, the peer sweep, discovery servers). */
  allow(locators: Iterable<Locator>): void {
    for (const l of locators) this.free.add(locatorKey(l));
  }

  /** A participant is known (admitted, or moved); `locators` are where we may send for it. Earns the datagram that announced it. */
  register(prefixHex: string, proven: boolean, locators: Iterable<Locator>): void {
    let a = this.accounts.get(prefixHex);
    if (!a) {
      a = { credit: 0, proven: false, keys: [] };
      this.accounts.set(prefixHex, a);
    }
    if (proven && !a.proven) this.prove(prefixHex);
    for (const l of locators) {
      const k = locatorKey(l);
      if (a.keys.includes(k) || a.keys.length >= MAX_KEYS) continue;
      a.keys.push(k);
      let u = this.uses.get(k);
      if (!u) {
        u = { proven: 0, unproven: [] };
        this.uses.set(k, u);
      }
      if (a.proven) u.proven++;
      else u.unproven.push(a);
    }
  }

  /** A datagram of `bytes` came from the participant: it may cost us as much. */
  earn(prefixHex: string, bytes: number): void {
    const a = this.accounts.get(prefixHex);
    if (a && !a.proven) a.credit = Math.min(MAX_CREDIT, a.credit + bytes);
  }

  /** The participant proved itself: its locators are free from now on. */
  prove(prefixHex: string): void {
    const a = this.accounts.get(prefixHex);
    if (!a || a.proven) return;
    a.proven = true;
    for (const k of a.keys) {
      const u = this.uses.get(k)!;
      u.proven++;
      u.unproven.splice(u.unproven.indexOf(a), 1);
    }
  }

  /** The participant left: nothing more is sent for it. */
  forget(prefixHex: string): void {
    const a = this.accounts.get(prefixHex);
    if (!a) return;
    this.accounts.delete(prefixHex);
    for (const k of a.keys) {
      const u = this.uses.get(k)!;
      if (a.proven) {
        u.proven--;
        this.remember(k);
      } else u.unproven.splice(u.unproven.indexOf(a), 1);
      if (u.proven === 0 && u.unproven.length === 0) this.uses.delete(k);
    }
  }

  /** Whether `bytes` may go to `l` now; charges an unproven participant there when it may. */
  spend(l: Locator, bytes: number): boolean {
    const k = locatorKey(l);
    const u = this.uses.get(k);
    if (!u) {
      if (this.free.has(k)) return true;
      this.stats.unknown++;
      return false;
    }
    if (u.proven > 0 || this.free.has(k) || this.provenRecently(k)) return true;
    for (const a of u.unproven) {
      if (a.credit >= bytes) {
        a.credit -= bytes;
        return true;
      }
    }
    this.stats.withheld++;
    this.stats.withheldBytes += bytes;
    return false;
  }

  private remember(k: string): void {
    this.provenBefore.delete(k);
    if (this.provenBefore.size >= PROVEN_MEMORY_MAX) this.provenBefore.delete(this.provenBefore.keys().next().value!);
    this.provenBefore.set(k, this.now());
  }

  private provenRecently(k: string): boolean {
    const at = this.provenBefore.get(k);
    if (at === undefined) return false;
    if (this.now() - at <= PROVEN_MEMORY_MS) return true;
    this.provenBefore.delete(k);
    return false;
  }

}
