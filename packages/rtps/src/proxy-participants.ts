// Remote-participant bookkeeping (the "proxy participant" table): which remote participants we
// know from SPDP, where to reach them, and when their lease runs out. Matching of their
// endpoints with ours lives in endpoint-matching.ts.

import type { ParticipantData } from './discovery-spdp-data.js';
import { EntityId, makeGuid, type Guid } from './guid.js';
import { expiredParticipants, leaseMs } from './lease.js';
import { reachableLocators } from './locator-select.js';
import { locatorKey, type Locator } from './locator.js';
import type { RemoteParticipant } from './remote-entities.js';
import { vendorName } from './vendor.js';

/** A remote participant as discovered through SPDP. */
export interface DiscoveredParticipant extends ParticipantData {
  /** GUID of the participant entity (prefix + 000001c1). */
  guid: Guid;
  vendorName: string;
}

/** What an SPDP announcement did to the table. */
export type Admission =
  | { kind: 'added'; remote: RemoteParticipant }
  | { kind: 'changed'; remote: RemoteParticipant; moved: boolean }
  | { kind: 'refused' };

export interface ProxyParticipantOptions {
  localhostOnly: boolean;
  maxParticipants: number;
}

export class ProxyParticipants {
  private readonly byPrefix = new Map<string, RemoteParticipant>();
  private readonly opts: ProxyParticipantOptions;

  constructor(opts: ProxyParticipantOptions) {
    this.opts = opts;
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

  /** Records an SPDP announcement (new data for a known participant, or a newcomer). */
  admit(d: ParticipantData, payload: Buffer, now: number): Admission {
    const lo = this.opts.localhostOnly;
    const meta = reachableLocators(d.metatrafficUnicastLocators.length > 0 ? d.metatrafficUnicastLocators : d.defaultUnicastLocators, lo);
    const user = reachableLocators(d.defaultUnicastLocators.length > 0 ? d.defaultUnicastLocators : d.metatrafficUnicastLocators, lo);
    const existing = this.byPrefix.get(d.guidPrefix);
    if (existing) {
      existing.data = d;
      existing.lastSpdp = payload;
      existing.lastSeen = now;
      existing.leaseMs = leaseMs(d.leaseDurationSec);
      const moved = existing.metaLocators.map(locatorKey).join() !== meta.map(locatorKey).join();
      existing.metaLocators = meta;
      existing.userLocators = user;
      return { kind: 'changed', remote: existing, moved };
    }
    if (this.byPrefix.size >= this.opts.maxParticipants) return { kind: 'refused' };
    const r: RemoteParticipant = {
      prefixHex: d.guidPrefix,
      prefix: Buffer.from(d.guidPrefix, 'hex'),
      data: d,
      lastSpdp: payload,
      lastSeen: now,
      leaseMs: leaseMs(d.leaseDurationSec),
      metaLocators: meta,
      userLocators: user,
      endpoints: new Map(),
    };
    this.byPrefix.set(d.guidPrefix, r);
    return { kind: 'added', remote: r };
  }

  /** Forgets a participant; returns what was known of it. */
  remove(prefixHex: string): RemoteParticipant | undefined {
    const r = this.byPrefix.get(prefixHex);
    if (r) this.byPrefix.delete(prefixHex);
    return r;
  }

  /** Prefixes of the participants whose lease ran out at `now`. */
  expired(now: number): string[] {
    return expiredParticipants(this.byPrefix.values(), now);
  }

  /** Metatraffic locators of every known participant (where our SPDP announcements go). */
  metaLocators(): Locator[] {
    const out: Locator[] = [];
    for (const r of this.byPrefix.values()) out.push(...r.metaLocators);
    return out;
  }

  /** The public view of a remote participant. */
  describe(r: RemoteParticipant): DiscoveredParticipant {
    return { ...r.data, guid: makeGuid(r.prefixHex, EntityId.PARTICIPANT), vendorName: vendorName(r.data.vendorId) };
  }
}
