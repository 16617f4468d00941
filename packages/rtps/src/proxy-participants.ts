// Remote-participant bookkeeping (the "proxy participant" table): which remote participants we
// know from SPDP, where to reach them, when their lease runs out, and who gets a seat when the
// table is full. Matching of their endpoints with ours lives in endpoint-matching.ts.
//
// SPDP is unauthenticated, so the table defends itself against floods of made-up participants:
// announced leases are clamped, newcomers are rate-limited per source address, and a full table
// makes room by evicting the least-proven participant: one that only announced itself, oldest
// first (so each newcomer gets the longest possible time to prove itself), never one that
// completed SEDP or asserted liveliness; when only proven ones are left, the newcomer is dropped.
// Every structure here is bounded by maxParticipants or maxTrackedSources.

import type { EndpointData } from './discovery-sedp-data.js';
import type { ParticipantData } from './discovery-spdp-data.js';
import { EntityId, makeGuid, type Guid } from './guid.js';
import { expiredParticipants, leaseMs } from './lease.js';
import { reachableLocators } from './locator-select.js';
import { locatorKey, type Locator } from './locator.js';
import type { AdmissionLimits } from './participant-options.js';
import type { RemoteParticipant } from './remote-entities.js';
import { SourceRateLimiter } from './source-rate-limiter.js';
import { vendorName } from './vendor.js';

/** A remote participant as discovered through SPDP. */
export interface DiscoveredParticipant extends ParticipantData {
  /** GUID of the participant entity (prefix + 000001c1). */
  guid: Guid;
  vendorName: string;
  /** Participant-message liveliness assertions of it that reached us, on the plain and on the secure (DDS-Security) reader. */
  livelinessAsserted: { plain: number; secure: number };
}

/** What a remote participant proved beyond announcing itself (bits of RemoteParticipant.proof). */
export const ProofFlag = {
  /** An SEDP endpoint announcement of it reached us (a proof only under DDS-Security: else it can be sent blind). */
  SEDP: 1,
  /** A participant-message liveliness assertion of it reached us (likewise). */
  LIVELINESS: 2,
  /** It answered one of our writers: without DDS-Security, echoing our built-in writers' first SN (reachability-proof.ts). */
  RESPONDED: 4,
} as const;

/** What an SPDP announcement did to the table. */
export type Admission =
  | { kind: 'added'; remote: RemoteParticipant; evicted?: RemoteParticipant }
  | { kind: 'changed'; remote: RemoteParticipant; moved: boolean }
  /** New locators or a new lease for a participant that proved itself: not taken (holdChanges). */
  | { kind: 'held'; remote: RemoteParticipant }
  | { kind: 'refused'; reason: 'full' | 'rate-limited' };

/** Counters of the remote-participant table (Participant.participantStats()). */
export interface ParticipantTableStats {
  /** Remote participants tracked now. */
  tracked: number;
  /** The cap (limits.maxParticipants). */
  capacity: number;
  /** Tracked participants that completed SEDP, asserted liveliness or acknowledged our writers. */
  proven: number;
  /** Unproven participants on probation (our built-in writers do not heartbeat them yet). */
  onProbation: number;
  /** Newcomers admitted since start. */
  admitted: number;
  /** Unproven participants evicted to make room for a newcomer. */
  evicted: number;
  /** Newcomers dropped because every seat was held by a proven participant. */
  dropped: number;
  /** Newcomers dropped because their source address was over its rate. */
  rateLimited: number;
  /** Announcements whose lease was longer than admission.maxLeaseSec. */
  leasesClamped: number;
  /** Participants removed because their lease ran out. */
  expired: number;
  /** Source addresses tracked by the rate limit. */
  trackedSources: number;
  /** The table is nearly full, or refused/evicted/rate-limited within admission.pressureHoldMs. */
  underPressure: boolean;
  /** Announcements that would have moved a participant that proved itself, or changed its lease: not taken. */
  changesHeld: number;
  /** Probes of participants whose last echo was half a lease old or more (participant-liveness.ts; filled in by the participant). */
  livenessProbes?: number;
  /** Participants removed because they no longer echoed our writers although traffic in their name still arrived. */
  expiredUnconfirmed?: number;
  /** ACKNACKs or NACK_FRAGs naming a sequence number our built-in writers never wrote (reachability-proof.ts). */
  wrongEchoes?: number;
}

interface ProxyParticipantOptions {
  localhostOnly: boolean;
  maxParticipants: number;
  admission: AdmissionLimits;
  /**
   * Whether an announcement that moves a known participant or changes its lease is not to be taken (participant-
   * liveness.ts says when and why): SPDP is unauthenticated, and one forged announcement would point our traffic at
   * another address, or stretch a crashed node's lease to the clamp.
   */
  holdChanges?: (r: RemoteParticipant) => boolean;
}

export class ProxyParticipants {
  private readonly byPrefix = new Map<string, RemoteParticipant>();
  /** The participants that proved nothing yet, in admission order: the eviction order. */
  private readonly unproven = new Map<string, RemoteParticipant>();
  /** How many of them are not on probation (our built-in writers heartbeat them). */
  private unprovenLinked = 0;
  private readonly opts: ProxyParticipantOptions;
  private readonly rate: SourceRateLimiter;
  private readonly counters = { admitted: 0, evicted: 0, dropped: 0, rateLimited: 0, leasesClamped: 0, expired: 0, changesHeld: 0 };
  private lastPressureAt = -Infinity;

  constructor(opts: ProxyParticipantOptions) {
    this.opts = opts;
    const a = opts.admission;
    this.rate = new SourceRateLimiter({ perSec: a.newPerSourcePerSec, burst: a.newPerSourceBurst, maxSources: a.maxTrackedSources });
  }

  get size(): number {
    return this.byPrefix.size;
  }

  get(prefixHex: string): RemoteParticipant | undefined {
    return this.byPrefix.get(prefixHex);
  }

  values(): IterableIterator<RemoteParticipant> {
    return this.byPrefix.values();
  }

  /**
   * Records an SPDP announcement: new data for a known participant, or a newcomer from the
   * source address `source` (undefined: not rate-limited, e.g. in-process tests).
   */
  admit(d: ParticipantData, payload: Buffer, now: number, source?: string): Admission {
    const lo = this.opts.localhostOnly;
    const meta = reachableLocators(d.metatrafficUnicastLocators.length > 0 ? d.metatrafficUnicastLocators : d.defaultUnicastLocators, lo);
    const user = reachableLocators(d.defaultUnicastLocators.length > 0 ? d.defaultUnicastLocators : d.metatrafficUnicastLocators, lo);
    const lease = this.lease(d.leaseDurationSec);
    const existing = this.byPrefix.get(d.guidPrefix);
    if (existing) {
      const moved = existing.metaLocators.map(locatorKey).join() !== meta.map(locatorKey).join();
      if ((moved || lease !== existing.leaseMs) && this.opts.holdChanges?.(existing)) {
        this.counters.changesHeld++;
        return { kind: 'held', remote: existing };
      }
      existing.data = d;
      existing.lastSpdp = payload;
      existing.lastSeen = now;
      existing.leaseMs = lease;
      existing.metaLocators = meta;
      existing.userLocators = user;
      return { kind: 'changed', remote: existing, moved };
    }
    if (source !== undefined && !this.rate.take(source, now)) {
      this.counters.rateLimited++;
      this.lastPressureAt = now;
      return { kind: 'refused', reason: 'rate-limited' };
    }
    let evicted: RemoteParticipant | undefined;
    if (this.byPrefix.size >= this.opts.maxParticipants) {
      // A newcomer has proved nothing yet, so it may only take the seat of another unproven one.
      evicted = this.oldestUnproven();
      this.lastPressureAt = now;
      if (!evicted) {
        this.counters.dropped++;
        return { kind: 'refused', reason: 'full' };
      }
      this.remove(evicted.prefixHex);
      this.counters.evicted++;
    }
    const r: RemoteParticipant = {
      prefixHex: d.guidPrefix,
      prefix: Buffer.from(d.guidPrefix, 'hex'),
      data: d,
      lastSpdp: payload,
      lastSeen: now,
      leaseMs: lease,
      proof: 0,
      livelinessAsserted: { plain: 0, secure: 0 },
      probation: this.underPressure(now) || this.unprovenLinked >= this.opts.admission.maxUnprovenLinked,
      metaLocators: meta,
      userLocators: user,
      endpoints: new Map(),
    };
    this.byPrefix.set(d.guidPrefix, r);
    this.unproven.set(d.guidPrefix, r);
    if (!r.probation) this.unprovenLinked++;
    this.counters.admitted++;
    return evicted ? { kind: 'added', remote: r, evicted } : { kind: 'added', remote: r };
  }

  /**
   * Notes a proof (ProofFlag) given by a tracked participant: from now on no newcomer can evict
   * it, and it leaves probation. Returns it when it was on probation (its built-in readers are
   * to be matched with our writers now).
   */
  prove(prefixHex: string, flag: number): RemoteParticipant | undefined {
    const r = this.byPrefix.get(prefixHex);
    if (!r) return undefined;
    if (r.proof === 0) {
      this.unproven.delete(prefixHex);
      if (!r.probation) this.unprovenLinked--;
    }
    r.proof |= flag;
    if (!r.probation) return undefined;
    r.probation = false;
    return r;
  }

  /**
   * Puts every unproven participant on probation while the table is under pressure; returns the
   * ones whose built-in readers must be unmatched from our writers. O(1) when there are none.
   */
  probate(now: number): RemoteParticipant[] {
    const out: RemoteParticipant[] = [];
    if (this.unprovenLinked === 0 || !this.underPressure(now)) return out;
    for (const r of this.unproven.values()) {
      if (r.probation) continue;
      r.probation = true;
      out.push(r);
    }
    this.unprovenLinked = 0;
    return out;
  }

  /**
   * Once the pressure is gone, takes unproven participants off probation, oldest first, up to
   * admission.maxUnprovenLinked; returns them (their built-in readers are to be matched now).
   */
  release(now: number): RemoteParticipant[] {
    const out: RemoteParticipant[] = [];
    const max = this.opts.admission.maxUnprovenLinked;
    if (this.unprovenLinked >= max || this.unprovenLinked === this.unproven.size || this.underPressure(now)) return out;
    for (const r of this.unproven.values()) {
      if (this.unprovenLinked >= max) break;
      if (!r.probation) continue;
      r.probation = false;
      this.unprovenLinked++;
      out.push(r);
    }
    return out;
  }

  /** The table is nearly full, or refused/evicted/rate-limited a newcomer within pressureHoldMs. */
  underPressure(now: number): boolean {
    const a = this.opts.admission;
    return this.byPrefix.size >= this.opts.maxParticipants * a.pressureRatio || now - this.lastPressureAt < a.pressureHoldMs;
  }

  /** Forgets a participant; returns what was known of it. */
  remove(prefixHex: string): RemoteParticipant | undefined {
    const r = this.byPrefix.get(prefixHex);
    if (!r) return undefined;
    this.byPrefix.delete(prefixHex);
    if (this.unproven.delete(prefixHex) && !r.probation) this.unprovenLinked--;
    return r;
  }

  /** Prefixes of the participants whose lease ran out at `now` (counted as expired). */
  expired(now: number): string[] {
    const out = expiredParticipants(this.byPrefix.values(), now);
    this.counters.expired += out.length;
    return out;
  }

  /** Metatraffic locators of the known participants (where our SPDP announcements go); given `now`, proven ones only under pressure. */
  metaLocators(now?: number): Locator[] {
    // Under pressure (a flood), our periodic announcement goes to proven participants only: the flood's announced
    // locators would otherwise get it from us every period (a reflector). Newcomers got our reply at admission and
    // get a probe per announcement of theirs (reachability-proof.ts).
    const provenOnly = now !== undefined && this.underPressure(now);
    const out: Locator[] = [];
    for (const r of this.byPrefix.values()) if (!provenOnly || r.proof !== 0) out.push(...r.metaLocators);
    return out;
  }

  /** The public view of every remote participant. */
  describeAll(): DiscoveredParticipant[] {
    return [...this.byPrefix.values()].map((r) => this.describe(r));
  }

  /** The SEDP data of every remote endpoint known. */
  endpointData(): EndpointData[] {
    const out: EndpointData[] = [];
    for (const r of this.byPrefix.values()) for (const ep of r.endpoints.values()) if (ep.data) out.push(ep.data);
    return out;
  }

  /** How many remote endpoints are known (built-in ones included). */
  endpointCount(): number {
    let n = 0;
    for (const r of this.byPrefix.values()) n += r.endpoints.size;
    return n;
  }

  /** The public view of a remote participant. */
  describe(r: RemoteParticipant): DiscoveredParticipant {
    return { ...r.data, guid: makeGuid(r.prefixHex, EntityId.PARTICIPANT), vendorName: vendorName(r.data.vendorId), livelinessAsserted: { ...r.livelinessAsserted } };
  }

  stats(now: number): ParticipantTableStats {
    const tracked = this.byPrefix.size;
    const capacity = this.opts.maxParticipants;
    return {
      tracked,
      capacity,
      proven: tracked - this.unproven.size,
      onProbation: this.unproven.size - this.unprovenLinked,
      ...this.counters,
      trackedSources: this.rate.size,
      underPressure: this.underPressure(now),
    };
  }

  private lease(announcedSec: number): number {
    const max = this.opts.admission.maxLeaseSec;
    if (!(announcedSec <= max)) this.counters.leasesClamped++;
    return leaseMs(announcedSec, max);
  }

  private oldestUnproven(): RemoteParticipant | undefined {
    const first = this.unproven.values().next();
    return first.done ? undefined : first.value;
  }
}
