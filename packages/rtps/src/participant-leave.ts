// When a remote participant's SPDP dispose is believed. DDS ends a participant at once on its dispose; unsecured,
// anyone who read its GUID prefix from discovery can send one in its name, and one datagram then took a live node off
// the graph (with a false "node disappeared" fault). So:
// - a dispose naming another participant than the message's own source is ignored (only a participant may dispose
//   itself; a discovery server's relayed disposes take their own path, discovery-server.ts);
// - a dispose in the participant's own name is checked: after LEAVE_PROBE_FIRST_MS (a participant that is leaving
//   has torn down its readers by then, and no longer answers) our built-in writers send its built-in readers a
//   HEARTBEAT that asks for an answer, and once more later; the participant is removed only if neither an ACKNACK
//   after the probe nor an SPDP announcement of it arrived within LEAVE_CONFIRM_MS. A live one answers within a round
//   trip. Where there is nothing to probe (not linked yet, on probation) the dispose is taken at once.
// Under DDS-Security a protected dispose is authentic and taken at once (participant.ts).

import { decodeKeyPayload } from './discovery-sedp-data.js';
import { parseInlineQos } from './inline-qos.js';
import { STATUS_INFO_DISPOSED, STATUS_INFO_UNREGISTERED } from './pids.js';
import type { DataSubmessage } from './submessages/data.js';

/** How long a disposed participant has to show it is alive (ms): many round trips, and short for a real leave. */
export const LEAVE_CONFIRM_MS = 1500;
/** When the probe is sent (ms after the dispose), and again in case it or its answer was lost. */
export const LEAVE_PROBE_FIRST_MS = 200;
export const LEAVE_PROBE_AGAIN_MS = 700;

interface LeaveHost {
  /** Sends the participant's built-in readers a HEARTBEAT asking for an answer; false when none is linked. `dryRun`: only says whether it could. */
  probe(prefixHex: string, now: number, dryRun: boolean): boolean;
  /** Removes it: its leave is confirmed. */
  remove(prefixHex: string): void;
}

/** What happened to the disposes received (Participant.disposeStats()). */
export interface DisposeStats {
  /** Leaves confirmed (or taken at once, with nothing to probe). */
  confirmed: number;
  /** Disposes answered by the participant itself: it is alive, it stays. */
  refuted: number;
  /** Disposes naming another participant than their source: ignored. */
  foreign: number;
  /** Participants' SEDP read again after a plain endpoint dispose (sedp-disposals.ts; filled in by the participant). */
  sedpRereads?: number;
}

export class LeaveConfirmation {
  /** Participants disposed and not yet confirmed: when, and how many probes went. Bounded by the participant table. */
  private readonly pending = new Map<string, { since: number; probes: number }>();
  readonly stats: DisposeStats = { confirmed: 0, refuted: 0, foreign: 0 };

  constructor(private readonly host: LeaveHost) {}

  /** A dispose of `prefixHex` from the message source `srcHex`, about a participant we track. */
  onDispose(prefixHex: string, srcHex: string, now: number): void {
    if (prefixHex !== srcHex) {
      this.stats.foreign++;
      return;
    }
    if (this.pending.has(prefixHex)) return;
    if (!this.host.probe(prefixHex, now, true)) {
      this.stats.confirmed++;
      this.host.remove(prefixHex);
      return;
    }
    this.pending.set(prefixHex, { since: now, probes: 0 });
  }

  /**
   * The participant showed it is alive: `announced` (an SPDP announcement: a leaving participant stopped those), or
   * an answer to our writers, which counts once our probe went (before it, it may be a leaving one's last words).
   * O(1); nothing when none is pending.
   */
  onAlive(prefixHex: string, announced: boolean): void {
    if (this.pending.size === 0) return;
    const p = this.pending.get(prefixHex);
    if (!p || (!announced && p.probes === 0)) return;
    this.pending.delete(prefixHex);
    this.stats.refuted++;
  }

  /** The participant is gone another way (lease, eviction): nothing to confirm. */
  forget(prefixHex: string): void {
    if (this.pending.size > 0) this.pending.delete(prefixHex);
  }

  /** Periodic work: probes again, and removes those that stayed silent. */
  tick(now: number): void {
    if (this.pending.size === 0) return;
    for (const [prefixHex, p] of [...this.pending]) {
      if (now - p.since >= LEAVE_CONFIRM_MS) {
        this.pending.delete(prefixHex);
        this.stats.confirmed++;
        this.host.remove(prefixHex);
      } else if ((p.probes === 0 && now - p.since >= LEAVE_PROBE_FIRST_MS) || (p.probes === 1 && now - p.since >= LEAVE_PROBE_AGAIN_MS)) {
        p.probes++;
        this.host.probe(prefixHex, now, false);
      }
    }
  }
}

/** The participant an SPDP DATA disposes or unregisters (its key, else the message's source), or undefined for an announcement. */
export function disposedPrefix(sm: DataSubmessage, srcHex: string, vendor: number): string | undefined {
  let status = 0;
  let keyHash: string | undefined;
  if (sm.inlineQos) {
    const q = parseInlineQos(sm.inlineQos, sm.le, vendor);
    status = q.statusInfo ?? 0;
    keyHash = q.keyHash;
  }
  if ((status & (STATUS_INFO_DISPOSED | STATUS_INFO_UNREGISTERED)) === 0 && !sm.key) return undefined;
  const guid = keyHash ?? (sm.payload ? decodeKeyPayload(sm.payload) : undefined);
  return guid ? guid.slice(0, 24) : srcHex;
}
