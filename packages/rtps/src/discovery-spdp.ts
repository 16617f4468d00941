// SPDP announcer: our participant data, sent periodically to the multicast group, the unicast
// sweep of initial peers (ports 7410+2i style), and every known participant; plus the dispose
// sent on close.

import { SUPER_CLIENT_PROPERTIES } from './discovery-server.js';
import { encodeParticipantData, encodeParticipantKey, OUR_BUILTIN_ENDPOINTS, type ParticipantData } from './discovery-spdp-data.js';
import { EntityId, guidToBytes, makeGuid } from './guid.js';
import { encodeInlineQos } from './inline-qos.js';
import { locatorKey, udpv4, type Locator } from './locator.js';
import type { MessageBuilder } from './outgoing.js';
import type { ResolvedOptions } from './participant-options.js';
import type { ParticipantSecurity } from './participant-security.js';
import type { ParticipantSecurityLink } from './participant-security-link.js';
import { metatrafficUnicastPort } from './port-mapping.js';
import { STATUS_INFO_DISPOSED, STATUS_INFO_UNREGISTERED } from './pids.js';
import { encodeData } from './submessages/data.js';
import { encodeInfoTs } from './submessages/info.js';
import { nowTime } from './time.js';

interface SpdpTargets {
  /** Multicast locators we announce to (empty when multicast is off). */
  multicast: Locator[];
  /** Initial peer addresses to sweep over participant indexes 0..peerIndexCount-1. */
  peers: string[];
  peerIndexCount: number;
  domainId: number;
  /** Our own metatraffic locators (never swept). */
  own: Locator[];
}

/** Our participant data as announced: locators, lease, user data, the DDS-Security parts, the discovery server client type. */
export function ourParticipantData(a: {
  guidPrefix: string;
  vendorId: number;
  opts: ResolvedOptions;
  locators: { defaultUnicast: Locator[]; metatrafficUnicast: Locator[]; metatrafficMulticast: Locator[] };
  security?: ParticipantSecurity;
  secured?: ParticipantSecurityLink;
}): ParticipantData {
  const o = a.opts;
  return {
    guidPrefix: a.guidPrefix,
    vendorId: a.vendorId,
    protocolVersion: { major: 2, minor: 3 },
    leaseDurationSec: o.leaseDurationSec,
    builtinEndpoints: (OUR_BUILTIN_ENDPOINTS | (a.security?.accessControl.builtinEndpoints ?? 0)) >>> 0,
    domainId: o.domainId,
    defaultUnicastLocators: a.locators.defaultUnicast,
    defaultMulticastLocators: [],
    metatrafficUnicastLocators: a.locators.metatrafficUnicast,
    metatrafficMulticastLocators: a.locators.metatrafficMulticast,
    userData: o.userData,
    entityName: o.name,
    properties: o.discoveryServers.length > 0 ? { ...SUPER_CLIENT_PROPERTIES } : {},
    ...(a.secured ? { security: { le: true, parameters: a.secured.spdpParameters(true) } } : {}),
  };
}

export class SpdpAnnouncer {
  private payload: Buffer;
  private sn = 1;
  private readonly sweep: Locator[];

  constructor(
    private readonly out: MessageBuilder,
    private data: ParticipantData,
    private readonly targets: SpdpTargets,
  ) {
    this.payload = encodeParticipantData(data);
    const own = new Set(targets.own.map(locatorKey));
    const sweep: Locator[] = [];
    for (const address of targets.peers) {
      for (let i = 0; i < targets.peerIndexCount; i++) {
        const l = udpv4(address, metatrafficUnicastPort(targets.domainId, i));
        if (!own.has(locatorKey(l))) sweep.push(l);
      }
    }
    this.sweep = sweep;
  }

  get participantData(): ParticipantData {
    return this.data;
  }

  /** Replaces the announced data (e.g. user data changed); the next announce carries it. */
  update(data: ParticipantData): void {
    this.data = data;
    this.payload = encodeParticipantData(data);
    this.sn++;
  }

  private build(dst?: Buffer): void {
    const w = this.out.begin(dst);
    encodeInfoTs(w, nowTime(), true);
    encodeData(w, { readerId: EntityId.SPDP_READER, writerId: EntityId.SPDP_WRITER, writerSN: this.sn, payload: this.payload, key: false }, true);
  }

  /** Announces to multicast, the peer sweep and the given known participants' locators. */
  announce(known: Locator[]): void {
    this.build();
    const seen = new Set<string>();
    const all: Locator[] = [];
    for (const l of [...this.targets.multicast, ...this.sweep, ...known]) {
      const k = locatorKey(l);
      if (!seen.has(k)) {
        seen.add(k);
        all.push(l);
      }
    }
    this.out.send(all);
  }

  /** Sends our announcement to one participant (reply to a newly discovered one); false if held back (send-budget.ts). */
  announceTo(locators: Locator[], dst?: Buffer): boolean {
    this.build(dst);
    return this.out.send(locators);
  }

  /** Where we announce whoever is known: multicast and the initial-peer sweep (configured, so always sent to). */
  get fixedTargets(): Locator[] {
    return [...this.targets.multicast, ...this.sweep];
  }

  /** Sends the dispose+unregister of our participant to everyone we announce to. */
  dispose(known: Locator[]): void {
    const w = this.out.begin();
    encodeInfoTs(w, nowTime(), true);
    const keyHash = guidToBytes(makeGuid(this.data.guidPrefix, EntityId.PARTICIPANT));
    const inlineQos = encodeInlineQos({ keyHash, statusInfo: STATUS_INFO_DISPOSED | STATUS_INFO_UNREGISTERED });
    encodeData(w, { readerId: EntityId.SPDP_READER, writerId: EntityId.SPDP_WRITER, writerSN: this.sn + 1, inlineQos, payload: encodeParticipantKey(this.data.guidPrefix), key: true }, true);
    const seen = new Set<string>();
    const all = [...this.targets.multicast, ...this.sweep, ...known].filter((l) => {
      const k = locatorKey(l);
      if (seen.has(k)) return false;
      seen.add(k);
      return true;
    });
    this.out.send(all);
  }
}
