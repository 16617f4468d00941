// The participant's side of the socket: every datagram in (counted, filtered, handed to the receive path with its
// source) and every datagram out (protected under DDS-Security, filtered, and held to the send budget that keeps us
// from being a reflector: send-budget.ts).

import type { Locator } from './locator.js';
import { incomingPasses, type PacketFilter } from './participant-options.js';
import type { ParticipantSecurity } from './participant-security.js';
import type { SendBudget } from './send-budget.js';
import type { ReceiveCounters } from './traffic-stats.js';
import type { PacketSource } from './transport-udp.js';

interface PathHost {
  /** The socket's send. */
  send(data: Buffer, address: string, port: number): void;
  /** The receive path. */
  handle(data: Buffer, now: number, placed?: number): void;
  security?: ParticipantSecurity;
  filter?: PacketFilter;
  /** Without DDS-Security and discovery servers: what an unproven participant may cost us (send-budget.ts). */
  budget?: SendBudget;
}

export class DatagramPath {
  /** Receive-side traffic: bumped per datagram, read by trafficStats(). */
  readonly received: ReceiveCounters = { datagrams: 0, bytes: 0, filtered: 0, placed: 0 };
  /** The datagram being received (the receive path runs synchronously): SPDP admission reads its source address. */
  source: PacketSource | undefined;
  /** Its size, until a known participant is credited with it (earn()): once per datagram. */
  private unearned = 0;
  /** Nothing goes out once closed, but while closing (our disposes). */
  open = true;
  closing = false;
  /** Protect even what normally goes clear (SPDP): our dispose, so authenticated peers can trust it. */
  protectAll = false;

  constructor(private readonly host: PathHost) {}

  onPacket(data: Buffer, from: PacketSource, placed?: number): void {
    this.received.datagrams++;
    this.received.bytes += data.length;
    if (placed !== undefined && placed > 0) {
      this.received.bytes += placed; // its payload went straight into a sample
      this.received.placed++;
    }
    this.source = from;
    if (!incomingPasses(this.host.filter?.incoming, data, from)) {
      this.received.filtered++;
      return;
    }
    this.unearned = data.length + (placed !== undefined && placed > 0 ? placed : 0);
    this.host.handle(data, Date.now(), placed);
  }

  /** The current datagram came from this participant: it may cost us as much in sends to it (once per datagram). */
  earn(prefixHex: string): void {
    if (this.unearned === 0 || !this.host.budget) return;
    this.host.budget.earn(prefixHex, this.unearned);
    this.unearned = 0;
  }

  send(data: Buffer, locators: readonly Locator[]): boolean {
    if (!this.open && !this.closing) return false;
    const h = this.host;
    if (h.security) data = h.security.cryptography.protectMessage(data, this.protectAll) ?? data;
    const f = h.filter?.outgoing;
    let all = true;
    for (const l of locators) {
      if (f && !f(data, l)) continue;
      if (h.budget && !h.budget.spend(l, data.length)) {
        all = false;
        continue;
      }
      h.send(data, l.address, l.port);
    }
    return all;
  }
}
