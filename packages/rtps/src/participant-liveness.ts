// Whether a remote participant is still there, from evidence nobody can send in its name (docs/ros2.md "One forged
// datagram changes nothing"). A participant's lease is renewed by any datagram that carries its GUID prefix, and
// without DDS-Security anyone who read that prefix from discovery can send one: a node that crashed stayed listed (and
// healthy on /health) for as long as someone kept sending a 20-byte header in its name every lease. So a participant
// we can probe must also answer: from half its lease after its last echo on, our built-in writers send its built-in
// readers a HEARTBEAT that asks for an answer (every LIVENESS_PROBE_EVERY of its lease, at least a second apart), and
// an ACKNACK that echoes their random sequence numbers (reachability-proof.ts) confirms it. One whose last echo is older
// than LIVENESS_GRACE of its lease is removed like one whose lease ran out, whatever else arrives in its name. A
// live participant answers within a round trip, so this only ends ones that cannot. Participants we cannot probe
// (on probation, not linked yet, held for their handshake) keep the plain lease. Under DDS-Security the echo proves
// nothing (our writers start at SN 1): there a peer whose messages must be RTPS-protected is confirmed by any message
// of its that opened with its keys, and one without RTPS protection keeps the plain lease. With discovery servers (they
// relay the graph) the check is off.
//
// While it is on, an announcement that would move a participant that proved itself, or change its lease, is not taken
// (proxy-participants.ts holdChanges): one forged announcement would point our HEARTBEATs at the forger, who could then
// echo them, or stretch a crashed node's lease to the clamp. A participant that really moved stops echoing at its old
// locators, goes after 1.5 leases and comes back as a newcomer from its next announcement, which must prove itself at
// the new place.

/** From how far into its lease (since the last echo) a participant is probed. */
export const LIVENESS_PROBE_FROM = 0.5;
/** How often it is probed then, as a share of its lease (at least LIVENESS_PROBE_MIN_MS apart). */
export const LIVENESS_PROBE_EVERY = 0.125;
export const LIVENESS_PROBE_MIN_MS = 1000;
/** A participant whose last echo is older than this many leases is removed. */
export const LIVENESS_GRACE = 1.5;
/**
 * The longest lease the check grants a participant that never echoed (ms): a real one echoes within a round trip of
 * our first HEARTBEAT, and one announced in a removed node's name at a forger's address would otherwise stay for 1.5
 * of the lease it claims (up to admission.maxLeaseSec).
 */
export const LIVENESS_UNECHOED_LEASE_MS = 30_000;
/** How often the table is walked (ms): a bounded pass over at most maxParticipants. */
export const LIVENESS_TICK_MS = 250;

/** The part of a remote participant the check reads. */
export interface LivenessSubject {
  prefixHex: string;
  leaseMs: number;
}

interface LivenessHost {
  /** The participants to check (the table). */
  participants(): Iterable<LivenessSubject>;
  /** Whether a participant's answers can be told from forgeries (always without DDS-Security). */
  checkable(prefixHex: string): boolean;
  /** Sends its built-in readers a HEARTBEAT asking for an answer; false when none is linked. `dryRun`: only says whether it could. */
  probe(prefixHex: string, now: number, dryRun: boolean): boolean;
  /** Removes it: it stopped answering. */
  remove(prefixHex: string): void;
}

/** Counters of the check (in Participant.participantStats()). */
export interface LivenessStats {
  /** Probes sent to participants whose last echo was half a lease old or more. */
  livenessProbes: number;
  /** Participants removed because they no longer echoed, although traffic in their name still arrived. */
  expiredUnconfirmed: number;
}

export class LivenessCheck {
  /** When each participant we can probe last echoed (or became probeable, `echoed` false). Bounded by the table. */
  private readonly confirmedAt = new Map<string, { at: number; echoed: boolean }>();
  private readonly probedAt = new Map<string, number>();
  private lastTick = -Infinity;
  readonly stats: LivenessStats = { livenessProbes: 0, expiredUnconfirmed: 0 };

  constructor(
    private readonly host: LivenessHost,
    /** Off with discovery servers. */
    readonly enabled: boolean,
  ) {}

  /** Whether the check applies to this participant: an announcement must not move it (proxy-participants.ts holdChanges). */
  applies(prefixHex: string): boolean {
    return this.enabled && this.host.checkable(prefixHex);
  }

  /** The participant echoed our built-in writers' sequence numbers (or sent a message that opened with its keys): it is there. O(1). */
  confirm(prefixHex: string, now: number): void {
    if (!this.enabled) return;
    // Called for every echo (and, secured, every protected message): updated in place, nothing allocated.
    const c = this.confirmedAt.get(prefixHex);
    if (c) {
      c.at = now;
      c.echoed = true;
    } else this.confirmedAt.set(prefixHex, { at: now, echoed: true });
  }

  /** It left the table. */
  forget(prefixHex: string): void {
    this.confirmedAt.delete(prefixHex);
    this.probedAt.delete(prefixHex);
  }

  /** Periodic work: probes those due, removes those past their grace. */
  tick(now: number): void {
    if (!this.enabled || now - this.lastTick < LIVENESS_TICK_MS) return;
    this.lastTick = now;
    const gone: string[] = [];
    for (const r of this.host.participants()) {
      if (!this.host.checkable(r.prefixHex) || !this.host.probe(r.prefixHex, now, true)) {
        // Nothing to probe it with: the plain lease alone decides; the clock starts when it can be probed.
        this.confirmedAt.delete(r.prefixHex);
        continue;
      }
      const since = this.confirmedAt.get(r.prefixHex);
      if (since === undefined) {
        this.confirmedAt.set(r.prefixHex, { at: now, echoed: false });
        continue;
      }
      const age = now - since.at;
      const lease = since.echoed ? r.leaseMs : Math.min(r.leaseMs, LIVENESS_UNECHOED_LEASE_MS);
      if (age > lease * LIVENESS_GRACE) {
        gone.push(r.prefixHex);
        continue;
      }
      if (age < lease * LIVENESS_PROBE_FROM) continue;
      const last = this.probedAt.get(r.prefixHex) ?? -Infinity;
      if (now - last < Math.max(LIVENESS_PROBE_MIN_MS, lease * LIVENESS_PROBE_EVERY)) continue;
      this.probedAt.set(r.prefixHex, now);
      this.stats.livenessProbes++;
      this.host.probe(r.prefixHex, now, false);
    }
    for (const h of gone) {
      this.stats.expiredUnconfirmed++;
      this.forget(h);
      this.host.remove(h);
    }
  }
}
