// A remote endpoint disposed through SEDP, and why a forged dispose costs only a moment. Without DDS-Security anyone
// who reads a node's announcements knows its SEDP writer's next sequence number (Fast DDS and Cyclone DDS count from
// 1), and one forged DATA(dispose) at that number both removes a live endpoint and takes the number the node's next
// announcement will carry, which the reliable reader then drops as a duplicate: both lost for good. So a plain dispose
// that removed an endpoint is followed, a moment later, by reading that participant's SEDP again from its first
// sequence number (EndpointMatcher.rereadSedp): what the node still announces comes back, a real dispose stays gone.
// A plain dispose never removes an endpoint announced through protected discovery. A forged announcement (not a
// dispose) at that number costs the node's next announcement the same way; the reader sees the two disagree when the
// real one comes (sample-digests.ts), and the participant is read again likewise.
import type { EndpointMatcher } from './endpoint-matching.js';
import type { Guid } from './guid.js';
import type { RemoteParticipant } from './remote-entities.js';

/** A burst of disposes (a component unloaded) is read back once, this long after its first. */
const REREAD_DELAY_MS = 1000;
/**
 * One participant's SEDP is read again at most this often: each read has it send every announcement it holds again
 * (a container of 500 endpoints: some 125 KB), and real disposes are frequent on some nodes (clients made per call).
 */
const REREAD_MIN_INTERVAL_MS = 15_000;

interface Reread {
  /** When the next read is due (0: none planned). */
  dueAt: number;
  /** When the last one went. */
  lastAt: number;
}

export interface SedpDisposalsHost {
  remote(prefixHex: string): RemoteParticipant | undefined;
  matcher: EndpointMatcher;
  /** A dispose through protected discovery: the endpoint's keys go (participant-security.ts). */
  securedGone(guid: Guid): void;
}

export class SedpDisposals {
  /** Per participant with a read planned or recent; bounded by the participant table (forget). */
  private readonly rereads = new Map<string, Reread>();
  /** Participants' SEDP read again. */
  rereadCount = 0;

  constructor(private readonly host: SedpDisposalsHost) {}

  /** A DATA(dispose) of endpoint `guid`; `secure`: it came through protected discovery. */
  onDispose(guid: Guid, secure: boolean, now: number): void {
    const r = this.host.remote(guid.slice(0, 24));
    if (!r || !this.host.matcher.onRemoteGone(r, guid, secure)) return;
    if (secure) return this.host.securedGone(guid);
    this.plan(r, now);
  }

  /**
   * A plain SEDP writer of a participant sent one SN twice with different announcements (sample-digests.ts): a forged
   * one took the SN its real announcement (a new endpoint, a dispose) came with, which was dropped as a repeat.
   */
  onConflict(writerGuid: Guid, now: number): void {
    const r = this.host.remote(writerGuid.slice(0, 24));
    if (r) this.plan(r, now);
  }

  private plan(r: RemoteParticipant, now: number): void {
    const e = this.rereads.get(r.prefixHex) ?? { dueAt: 0, lastAt: -Infinity };
    if (e.dueAt === 0) e.dueAt = Math.max(now + REREAD_DELAY_MS, e.lastAt + REREAD_MIN_INTERVAL_MS);
    this.rereads.set(r.prefixHex, e);
  }

  tick(now: number): void {
    for (const [prefix, e] of this.rereads) {
      if (e.dueAt === 0) {
        if (now - e.lastAt >= REREAD_MIN_INTERVAL_MS) this.rereads.delete(prefix);
        continue;
      }
      if (now < e.dueAt) continue;
      e.dueAt = 0;
      e.lastAt = now;
      const r = this.host.remote(prefix);
      if (!r) continue;
      this.host.matcher.rereadSedp(r);
      this.rereadCount++;
    }
  }

  /** The participant left the table. */
  forget(prefixHex: string): void {
    this.rereads.delete(prefixHex);
  }
}
