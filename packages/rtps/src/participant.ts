// The participant: owns the transport, the receive path, SPDP/SEDP discovery and our local
// endpoints. Remote participants are kept by proxy-participants.ts; matching our endpoints with
// theirs is endpoint-matching.ts.

import { EventEmitter } from 'node:events';
import { SedpBuiltins } from './discovery-sedp.js';
import type { EndpointData } from './discovery-sedp-data.js';
import { SpdpAnnouncer } from './discovery-spdp.js';
import { decodeParticipantData, encodeParticipantData, OUR_BUILTIN_ENDPOINTS, type ParticipantData } from './discovery-spdp-data.js';
import { decodeKeyPayload } from './discovery-sedp-data.js';
import { EndpointMatcher, type LocalEndpoint } from './endpoint-matching.js';
import { FragmentReassembly, ReassemblyBudget } from './fragment-reassembly.js';
import { EntityId, EntityKind, makeGuid, prefixToHex, randomGuidPrefix, type Guid } from './guid.js';
import { parseInlineQos } from './inline-qos.js';
import { announcePeriodMs, livelinessPeriodMs } from './lease.js';
import { type Locator } from './locator.js';
import { MessageBuilder } from './outgoing.js';
import { resolveOptions, type ParticipantOptions, type ResolvedOptions } from './participant-options.js';
import { EndpointRefusedError, type ParticipantSecurity, type SpdpParameter } from './participant-security.js';
import { STATUS_INFO_DISPOSED, STATUS_INFO_UNREGISTERED } from './pids.js';
import { ProofFlag, ProxyParticipants, type DiscoveredParticipant, type ParticipantTableStats } from './proxy-participants.js';
import { resolveQos } from './qos.js';
import { MessageReceiver, type ReceiveStats } from './receive.js';
import type { TrafficStats } from './traffic-stats.js';
import { ReliableReader } from './reliable-reader.js';
import { ReliableWriter } from './reliable-writer.js';
import type { RemoteParticipant } from './remote-entities.js';
import type { DataFragSubmessage } from './submessages/data-frag.js';
import type { AckNackSubmessage } from './submessages/acknack.js';
import type { GapSubmessage } from './submessages/gap.js';
import type { HeartbeatSubmessage } from './submessages/heartbeat.js';
import { encodeData, type DataSubmessage } from './submessages/data.js';
import { encodeInfoTs } from './submessages/info.js';
import { nowTime } from './time.js';
import { Reader, type ReaderConfig } from './topic-reader.js';
import { Writer, type WriterConfig } from './topic-writer.js';
import { UdpTransport, type PacketSource } from './transport-udp.js';
import { VendorId } from './vendor.js';

export type { DiscoveredParticipant, ParticipantTableStats } from './proxy-participants.js';

export type ChangeType = 'added' | 'changed' | 'removed';

export interface ParticipantEvent {
  type: ChangeType;
  participant: DiscoveredParticipant;
  /** Why a participant was removed. */
  reason?: 'disposed' | 'lease-expired' | 'closed' | 'evicted';
}

export interface EndpointEvent {
  type: ChangeType;
  endpoint: EndpointData;
}

export interface ParticipantEvents {
  participant: [ParticipantEvent];
  endpoint: [EndpointEvent];
}

/** A DDS-RTPS domain participant. Create with createParticipant(). */
export class Participant extends EventEmitter<ParticipantEvents> {
  readonly guidPrefix: string;
  readonly guid: Guid;
  readonly domainId: number;
  readonly vendorId = VendorId.MEDKIT;
  /** @internal */ readonly prefix: Buffer;
  /** @internal */ readonly receiver: MessageReceiver;
  private readonly opts: ResolvedOptions;
  private transport!: UdpTransport;
  private out!: MessageBuilder;
  private spdp!: SpdpAnnouncer;
  private sedp!: SedpBuiltins;
  private readonly budget: ReassemblyBudget;
  private readonly remotes: ProxyParticipants;
  private readonly matcher: EndpointMatcher;
  private readonly localWriters = new Map<number, ReliableWriter>();
  private readonly localReaders = new Map<number, ReliableReader>();
  private readonly userEndpoints = new Map<Guid, LocalEndpoint>();
  private readonly localData = new Map<Guid, EndpointData>();
  private entityCounter = 0;
  private timer?: NodeJS.Timeout;
  private burst: NodeJS.Timeout[] = [];
  private lastAnnounce = 0;
  private lastLiveliness = 0;
  /** How often our automatic liveliness is asserted (livelinessPeriodMs, updated as writers come and go). */
  private livelinessPeriod = 0;
  private closed = false;
  private readonly security?: ParticipantSecurity;
  /** Remote participants whose builtin endpoints wait for authentication (security only). */
  private readonly held = new Set<string>();
  private statelessSn = 0;
  /** Handshake messages arriving in fragments, per remote participant in the table (one sample at a time). */
  private readonly statelessFrags = new Map<string, FragmentReassembly>();
  /** Remote participants or endpoints refused because a limit was reached. */
  readonly refused = { participants: 0, endpoints: 0 };
  /** Receive-side traffic (the send side is the transport's): bumped per datagram, read by trafficStats(). */
  private readonly received = { datagrams: 0, bytes: 0, filtered: 0 };

  private constructor(opts: ResolvedOptions) {
    super();
    this.opts = opts;
    this.domainId = opts.domainId;
    this.security = opts.security;
    this.prefix = this.security ? Buffer.from(this.security.authentication.guidPrefix(randomGuidPrefix(VendorId.MEDKIT))) : randomGuidPrefix(VendorId.MEDKIT);
    this.guidPrefix = prefixToHex(this.prefix);
    this.guid = makeGuid(this.guidPrefix, EntityId.PARTICIPANT);
    this.budget = new ReassemblyBudget(opts.limits.reassemblyBudget);
    this.remotes = new ProxyParticipants({ localhostOnly: opts.localhostOnly, maxParticipants: opts.limits.maxParticipants, admission: opts.admission });
    this.matcher = new EndpointMatcher({
      localhostOnly: opts.localhostOnly,
      maxEndpointsPerParticipant: opts.limits.maxEndpointsPerParticipant,
      builtinReader: (id) => this.localReaders.get(id)!,
      builtinWriter: (id) => this.localWriters.get(id)!,
      onChange: (ev) => this.emit('endpoint', ev),
      onRefused: () => this.refused.endpoints++,
      secure: opts.security !== undefined,
    });
    this.receiver = new MessageReceiver({
      prefix: this.prefix,
      remoteParticipant: (h) => (this.sourceRemote = this.remotes.get(h)),
      onSpdp: (sm, h, v, now, rtpsProtected) => this.onSpdp(sm, h, v, now, rtpsProtected),
      // Asked only for an ACKNACK/NACK_FRAG from the datagram's known source (sourceRemote tracks
      // the receiver's latest remoteParticipant() lookup): it discovered us and runs the reliable
      // protocol, which a blind SPDP spoofer does not, so it counts as a proof.
      localWriter: (id) => {
        if (this.sourceRemote && this.sourceRemote.proof === 0) this.onProof(this.sourceRemote.prefixHex, ProofFlag.RESPONDED);
        return this.localWriters.get(id);
      },
      onStateless: this.security ? (sm, h, now) => this.onStateless(sm, h, now) : undefined,
      onStatelessFrag: this.security ? (sm, h, now) => this.onStatelessFrag(sm, h, now) : undefined,
      onVolatile: this.security ? (sm, h, now) => this.onVolatile(sm, h, now) : undefined,
      onVolatileControl: this.security ? (sm, h, now) => this.onVolatileControl(sm, h, now) : undefined,
      unprotect: this.security ? (h, buf, at) => this.security!.cryptography.unprotect(h, buf, at) : undefined,
      decodePayload: this.security ? (h, writer, payload) => this.security!.cryptography.decodePayload(h, writer, payload) : undefined,
      openMessage: this.security ? (h, buf) => this.security!.cryptography.openMessage(h, buf) : undefined,
      requiresRtpsProtection: this.security ? (h) => this.security!.cryptography.requiresRtpsProtection(h) : undefined,
      onViolation: (v) => this.opts.onProtocolViolation(v),
    });
  }

  /** @internal Use createParticipant(). */
  static async create(options: ParticipantOptions = {}): Promise<Participant> {
    const p = new Participant(resolveOptions(options));
    await p.start();
    return p;
  }

  private async start(): Promise<void> {
    const o = this.opts;
    this.transport = await UdpTransport.open(
      { domainId: o.domainId, localhostOnly: o.localhostOnly, interfaces: o.interfaces, multicast: o.multicast, maxParticipantIndex: o.maxParticipantIndex, receiveBufferSize: 4 * 1024 * 1024 },
      (data, from) => this.onPacket(data, from),
    );
    this.out = new MessageBuilder(this.prefix, this.vendorId, (data, locs) => this.sendDatagram(data, locs), 65000);
    this.sedp = new SedpBuiltins(this.guidPrefix, o, this.out, this.budget, {
      onEndpoint: (d, secure) => this.onRemoteEndpoint(d, secure),
      onEndpointGone: (g) => this.removeRemoteEndpoint(g),
      onLiveliness: (h, secure) => {
        const r = this.remotes.get(h);
        if (!r) return;
        r.lastSeen = Date.now();
        r.livelinessAsserted[secure ? 'secure' : 'plain']++;
        this.onProof(h, ProofFlag.LIVELINESS);
      },
    }, o.security !== undefined, o.security ? (id) => o.security!.cryptography.builtinProtect(id) : undefined, o.security?.accessControl.livelinessProtected ?? false);
    for (const w of this.sedp.writers()) this.localWriters.set(w.entityId, w);
    for (const r of this.sedp.readers()) this.localReaders.set(r.entityId, r);
    const t = this.transport.locators;
    this.spdp = new SpdpAnnouncer(this.out, this.participantData(), {
      multicast: t.metatrafficMulticast,
      peers: o.initialPeers,
      peerIndexCount: o.peerIndexCount,
      domainId: o.domainId,
      own: t.metatrafficUnicast,
    });
    this.security?.authentication.start({
      prefixHex: this.guidPrefix,
      pdata: () => encodeParticipantData({ ...this.spdp.participantData, security: { le: false, parameters: this.securitySpdpParameters(false) } }, 'pdata'),
      sendStateless: (h, payload) => this.sendStateless(h, payload),
      authenticated: (h) => this.onAuthenticated(h),
      revoked: (h) => this.onRevoked(h),
    });
    this.security?.cryptography.start({ sendSubmessages: (h, subs) => this.sendSubmessages(h, subs) });
    this.announce();
    this.updateLivelinessPeriod();
    this.lastLiveliness = this.lastAnnounce;
    // Initial burst like the vendors do, so peers that started at the same time find us quickly.
    for (const ms of [100, 300, 700]) this.burst.push(setTimeout(() => this.announce(), ms));
    this.timer = setInterval(() => this.tick(), 50);
    this.timer.unref?.();
  }

  /** The participant index (our ports are 7410+2i style for it). */
  get participantIndex(): number {
    return this.transport.participantIndex;
  }

  /** Our own announced locators. */
  get locators(): { metatrafficUnicast: Locator[]; defaultUnicast: Locator[]; metatrafficMulticast: Locator[] } {
    return this.transport.locators;
  }

  /**
   * Remote-participant table counters: size and cap, proven participants, and newcomers evicted,
   * dropped or rate-limited under an SPDP flood (`underPressure` while that is going on).
   */
  participantStats(): ParticipantTableStats {
    return this.remotes.stats(Date.now());
  }

  /** Receive-path counters (datagrams, malformed). */
  get stats(): ReceiveStats {
    return this.receiver.stats;
  }

  /** Traffic and table counters for monitoring; cheap enough to read on every scrape. */
  trafficStats(): TrafficStats {
    let readers = 0;
    for (const e of this.userEndpoints.values()) if (e.kind === 'reader') readers++;
    const sent = this.transport.sent;
    return {
      participants: this.remotes.size,
      readers,
      writers: this.userEndpoints.size - readers,
      datagramsIn: this.received.datagrams,
      bytesIn: this.received.bytes,
      datagramsOut: sent.datagrams,
      bytesOut: sent.bytes,
      droppedIn: this.received.filtered + this.receiver.stats.malformed,
      droppedOut: sent.errors,
    };
  }

  private participantData(): ParticipantData {
    const t = this.transport.locators;
    return {
      guidPrefix: this.guidPrefix,
      vendorId: this.vendorId,
      protocolVersion: { major: 2, minor: 3 },
      leaseDurationSec: this.opts.leaseDurationSec,
      builtinEndpoints: (OUR_BUILTIN_ENDPOINTS | (this.security?.accessControl.builtinEndpoints ?? 0)) >>> 0,
      domainId: this.opts.domainId,
      defaultUnicastLocators: t.defaultUnicast,
      defaultMulticastLocators: [],
      metatrafficUnicastLocators: t.metatrafficUnicast,
      metatrafficMulticastLocators: t.metatrafficMulticast,
      userData: this.opts.userData,
      entityName: this.opts.name,
      properties: {},
      ...(this.security ? { security: { le: true, parameters: this.securitySpdpParameters(true) } } : {}),
    };
  }

  /** Our SPDP parameters of DDS-Security: authentication's (identity token), then access control's. */
  private securitySpdpParameters(le: boolean): SpdpParameter[] {
    const s = this.security!;
    return [...s.authentication.spdpParameters(le), ...s.accessControl.spdpParameters(le)];
  }

  // ---- transport ------------------------------------------------------------------------

  private onPacket(data: Buffer, from: PacketSource): void {
    if (this.closed) return;
    this.received.datagrams++;
    this.received.bytes += data.length;
    // The receive path runs synchronously below; SPDP admission reads the source address from here.
    this.packetSource = from;
    const f = this.opts.packetFilter?.incoming;
    if (f) {
      let pass = false;
      try {
        pass = f(data, from);
      } catch {
        // a throwing filter refuses the datagram
      }
      if (!pass) {
        this.received.filtered++;
        return;
      }
    }
    this.receiver.handle(data);
  }

  private sendDatagram(data: Buffer, locators: readonly Locator[]): void {
    if (this.closed && !this.closing) return;
    if (this.security) data = this.security.cryptography.protectMessage(data, this.protectAll) ?? data;
    const f = this.opts.packetFilter?.outgoing;
    for (const l of locators) {
      if (f && !f(data, l)) continue;
      this.transport.send(data, l.address, l.port);
    }
  }

  private closing = false;
  /** Protect even what normally goes clear (SPDP): our dispose, so authenticated peers can trust it. */
  private protectAll = false;
  private packetSource: PacketSource | undefined;
  /** The remote participant the receive path last resolved (the current datagram's source). */
  private sourceRemote: RemoteParticipant | undefined;

  // ---- SPDP -----------------------------------------------------------------------------

  private announce(): void {
    if (this.closed) return;
    this.lastAnnounce = Date.now();
    this.spdp.announce(this.remotes.metaLocators());
  }

  private onSpdp(sm: DataSubmessage, srcHex: string, vendor: number, now: number, rtpsProtected: boolean): void {
    let status = 0;
    let keyHash: string | undefined;
    if (sm.inlineQos) {
      const q = parseInlineQos(sm.inlineQos, sm.le, vendor);
      status = q.statusInfo ?? 0;
      keyHash = q.keyHash;
    }
    if ((status & (STATUS_INFO_DISPOSED | STATUS_INFO_UNREGISTERED)) !== 0 || sm.key) {
      const guid = keyHash ?? (sm.payload ? decodeKeyPayload(sm.payload) : undefined);
      const prefix = guid ? guid.slice(0, 24) : srcHex;
      if (prefix === this.guidPrefix) return;
      // Anyone can send a clear SPDP dispose in an authenticated peer's name: where that peer's messages must be
      // RTPS-protected, only its own protected dispose ends it (else its lease does), as Cyclone DDS does.
      if (this.security?.cryptography.requiresRtpsProtection(prefix) && !(rtpsProtected && prefix === srcHex)) {
        this.receiver.secured.clearRefused++;
        return;
      }
      this.removeParticipant(prefix, 'disposed');
      return;
    }
    if (!sm.payload) return;
    const known = this.remotes.get(srcHex);
    if (known && known.lastSpdp.equals(sm.payload)) {
      known.lastSeen = now;
      return;
    }
    const d = decodeParticipantData(sm.payload, vendor);
    if (!d || d.guidPrefix === this.guidPrefix) return;
    if (d.domainId !== undefined && d.domainId !== this.domainId) return;
    this.upsertParticipant(d, Buffer.from(sm.payload), now);
  }

  private upsertParticipant(d: ParticipantData, payload: Buffer, now: number): void {
    const a = this.remotes.admit(d, payload, now, this.packetSource?.address);
    if (a.kind === 'refused') {
      this.refused.participants++;
      return;
    }
    if (a.kind === 'added' && a.evicted) this.forget(a.evicted, 'evicted');
    if (a.kind === 'changed') {
      if (a.moved && !this.held.has(a.remote.prefixHex)) this.matcher.relinkBuiltins(a.remote);
      this.emit('participant', { type: 'changed', participant: this.remotes.describe(a.remote) });
      return;
    }
    const r = a.remote;
    this.emit('participant', { type: 'added', participant: this.remotes.describe(r) });
    // Answer at once so the newcomer does not wait for our next periodic announcement.
    this.spdp.announceTo(r.metaLocators);
    // Under DDS-Security its builtin endpoints wait until it authenticated (onAuthenticated).
    if (this.security && !this.security.authentication.onParticipant({ prefixHex: r.prefixHex, data: r.data, metaLocators: r.metaLocators }, now)) {
      this.held.add(r.prefixHex);
      return;
    }
    // A newcomer admitted under flood pressure (or past maxUnprovenLinked) is on probation: we
    // hear its SEDP and liveliness but our writers do not heartbeat it until it proves itself
    // (thousands of fakes would otherwise cost some 30 datagrams/s each).
    this.matcher.linkBuiltins(r, now, r.probation);
  }

  /** A participant proved itself (SEDP, liveliness, an ACKNACK): it leaves probation. */
  private onProof(prefixHex: string, flag: number): void {
    const r = this.remotes.prove(prefixHex, flag);
    if (r && !this.held.has(r.prefixHex)) this.matcher.linkBuiltins(r, Date.now());
  }

  /** Probation follows the table's pressure; each is one bounded pass, and O(1) when idle. */
  private checkProbation(now: number): void {
    for (const r of this.remotes.probate(now)) if (!this.held.has(r.prefixHex)) this.matcher.unlinkBuiltinWriters(r);
    for (const r of this.remotes.release(now)) if (!this.held.has(r.prefixHex)) this.matcher.linkBuiltins(r, now);
  }

  // ---- DDS-Security (participant-security.ts) ------------------------------------------

  private onStateless(sm: DataSubmessage, srcHex: string, now: number): void {
    if (!sm.payload || sm.key || srcHex === this.guidPrefix) return;
    this.security?.authentication.onStateless(srcHex, sm.payload, now);
  }

  /**
   * Cyclone DDS sends its handshake messages (certificate, permissions, pdata: about 3.6 KB) as DATA_FRAG of 1344
   * bytes. Reassembled only for participants in the table (stateless messages from others are ignored anyway),
   * one sample at a time each, at most 1 MiB, within the participant's reassembly budget.
   */
  private onStatelessFrag(sm: DataFragSubmessage, srcHex: string, now: number): void {
    if (sm.key || srcHex === this.guidPrefix || !this.remotes.get(srcHex)) return;
    let frags = this.statelessFrags.get(srcHex);
    if (!frags) {
      frags = new FragmentReassembly({ maxSampleSize: 1024 * 1024, maxPerWriter: 1, timeoutMs: 5000 }, this.budget);
      this.statelessFrags.set(srcHex, frags);
    }
    const done = frags.add(sm.writerSN, sm.fragmentStartingNum, sm.fragmentsInSubmessage, sm.fragmentSize, sm.sampleSize, sm.data, now, undefined, sm.le, undefined, false);
    if (done) this.security?.authentication.onStateless(srcHex, done.payload, now);
  }

  private onVolatile(sm: DataSubmessage, srcHex: string, now: number): void {
    if (sm.key || srcHex === this.guidPrefix) return;
    // Its sequence number counts for the channel's reliable protocol even when the payload is refused.
    this.security?.cryptography.onVolatile(srcHex, sm.payload ?? Buffer.alloc(0), now, sm.writerSN);
  }

  private onVolatileControl(sm: HeartbeatSubmessage | GapSubmessage | AckNackSubmessage, srcHex: string, now: number): void {
    if (srcHex === this.guidPrefix || !this.security) return;
    const crypto = this.security.cryptography;
    if (sm.kind === 'HEARTBEAT') crypto.onVolatileHeartbeat(srcHex, sm.firstSN, sm.lastSN, sm.final, now);
    else if (sm.kind === 'GAP') crypto.onVolatileGap(srcHex, sm.gapStart, sm.gapList, now);
    else crypto.onVolatileAckNack(srcHex, sm.readerSNState, now);
  }


  /** Sends a ParticipantStatelessMessage (best effort, INFO_DST to the peer) to its metatraffic locators. */
  private sendStateless(prefixHex: string, payload: Buffer): boolean {
    const r = this.remotes.get(prefixHex);
    if (!r || this.closed) return false;
    const w = this.out.begin(r.prefix);
    encodeInfoTs(w, nowTime(), true);
    encodeData(w, { readerId: EntityId.STATELESS_READER, writerId: EntityId.STATELESS_WRITER, writerSN: ++this.statelessSn, payload, key: false }, true);
    this.out.send(r.metaLocators);
    return true;
  }

  private sendSubmessages(prefixHex: string, submessages: Buffer): boolean {
    const r = this.remotes.get(prefixHex);
    if (!r || this.closed) return false;
    const w = this.out.begin(r.prefix);
    encodeInfoTs(w, nowTime(), true);
    w.bytes(submessages);
    this.out.send(r.metaLocators);
    return true;
  }

  /** The security plugin authenticated a held participant: match its builtin endpoints now. */
  private onAuthenticated(prefixHex: string): void {
    if (!this.held.delete(prefixHex)) return;
    const r = this.remotes.get(prefixHex);
    if (r) this.matcher.linkBuiltins(r, Date.now(), r.probation);
  }

  /** The security plugin revoked an authenticated participant: unmatch it and hold it, as before it authenticated. */
  private onRevoked(prefixHex: string): void {
    const r = this.remotes.get(prefixHex);
    if (!r || this.held.has(prefixHex)) return;
    this.held.add(prefixHex);
    this.matcher.dropParticipant(r);
  }

  private removeParticipant(prefixHex: string, reason: 'disposed' | 'lease-expired'): void {
    const r = this.remotes.remove(prefixHex);
    if (r) this.forget(r, reason);
  }

  /** Unmatches a participant already taken out of the table and tells the listeners. */
  private forget(r: RemoteParticipant, reason: 'disposed' | 'lease-expired' | 'evicted'): void {
    if (this.sourceRemote === r) this.sourceRemote = undefined;
    if (this.security) {
      this.held.delete(r.prefixHex);
      this.statelessFrags.get(r.prefixHex)?.clear();
      this.statelessFrags.delete(r.prefixHex);
      this.security.authentication.onParticipantGone(r.prefixHex);
    }
    this.matcher.dropParticipant(r);
    this.emit('participant', { type: 'removed', participant: this.remotes.describe(r), reason });
  }

  // ---- SEDP: remote endpoints -----------------------------------------------------------

  private onRemoteEndpoint(d: EndpointData, secure: boolean): void {
    const r = this.remotes.get(d.participantGuidPrefix) ?? this.remotes.get(d.guid.slice(0, 24));
    if (!r) return;
    this.onProof(r.prefixHex, ProofFlag.SEDP);
    if (this.security && !this.security.accessControl.checkRemoteEndpoint(r.prefixHex, d.kind, d.topicName, secure)) {
      this.refused.endpoints++;
      return;
    }
    this.matcher.onRemote(r, d);
  }

  private removeRemoteEndpoint(guid: Guid): void {
    const r = this.remotes.get(guid.slice(0, 24));
    if (r) this.matcher.onRemoteGone(r, guid);
  }

  // ---- local endpoints ------------------------------------------------------------------

  private nextEntityId(kind: number): number {
    if (++this.entityCounter > 0xfffffe) throw new Error('entity ids exhausted');
    return ((this.entityCounter << 8) | kind) >>> 0;
  }

  private endpointData(kind: 'writer' | 'reader', guid: Guid, cfg: WriterConfig | ReaderConfig, qos: EndpointData['qos']): EndpointData {
    return {
      kind,
      guid,
      participantGuidPrefix: this.guidPrefix,
      topicName: cfg.topic,
      typeName: cfg.typeName,
      qos,
      userData: cfg.userData === undefined ? Buffer.alloc(0) : Buffer.from(cfg.userData as string),
      unicastLocators: [],
      multicastLocators: [],
      expectsInlineQos: false,
      vendorId: this.vendorId,
    };
  }

  /** Creates a writer and announces it through SEDP. */
  createWriter(cfg: WriterConfig): Writer {
    this.assertOpen();
    this.assertSecurityAllows('writer', cfg.topic);
    const qos = resolveQos(cfg.qos);
    const entityId = this.nextEntityId(cfg.key ? EntityKind.USER_WRITER_WITH_KEY : EntityKind.USER_WRITER_NO_KEY);
    const writerGuid = makeGuid(this.guidPrefix, entityId);
    const transforms = this.security?.cryptography.writerTransforms(writerGuid, cfg.topic);
    const core = new ReliableWriter(
      { entityId, prefixHex: this.guidPrefix, qos, fragmentSize: this.opts.fragmentSize, maxSamples: this.opts.limits.maxSamples, heartbeatPeriodMs: this.opts.heartbeatPeriodMs, ...transforms },
      this.out,
    );
    const w = new Writer(core, cfg, (x) => this.closeLocal(x.guid));
    // A protected writer's key goes to each reader it matches (its datawriter crypto token).
    if (transforms) w.on('matched', (e) => this.security!.cryptography.writerMatched(writerGuid, e.remoteGuid));
    this.localWriters.set(entityId, core);
    const local: LocalEndpoint = { kind: 'writer', w };
    this.userEndpoints.set(w.guid, local);
    this.updateLivelinessPeriod();
    const d = this.endpointData('writer', w.guid, cfg, qos);
    if (this.security) d.securityInfo = this.security.accessControl.endpointSecurityInfo(cfg.topic);
    this.localData.set(w.guid, d);
    this.sedp.announce(d, this.secureDiscovery(d.topicName));
    this.matcher.addLocal(local);
    return w;
  }

  /** Creates a reader and announces it through SEDP. */
  createReader(cfg: ReaderConfig): Reader {
    this.assertOpen();
    this.assertSecurityAllows('reader', cfg.topic);
    const qos = resolveQos(cfg.qos);
    const entityId = this.nextEntityId(cfg.key ? EntityKind.USER_READER_WITH_KEY : EntityKind.USER_READER_NO_KEY);
    const l = this.opts.limits;
    const core = new ReliableReader(
      {
        entityId,
        prefixHex: this.guidPrefix,
        qos,
        maxPendingPerWriter: l.maxPendingPerWriter,
        reassembly: { maxSampleSize: l.maxSampleSize, maxPerWriter: l.maxReassembliesPerWriter, timeoutMs: l.reassemblyTimeoutMs },
        budget: this.budget,
        protect: this.security ? (sm) => this.security!.cryptography.protectReaderSubmessage(makeGuid(this.guidPrefix, entityId), cfg.topic, sm) : undefined,
      },
      this.out,
    );
    const r = new Reader(core, cfg, l.maxSamples, (x) => this.closeLocal(x.guid));
    this.localReaders.set(entityId, core);
    const local: LocalEndpoint = { kind: 'reader', r };
    this.userEndpoints.set(r.guid, local);
    const d = this.endpointData('reader', r.guid, cfg, qos);
    if (this.security) d.securityInfo = this.security.accessControl.endpointSecurityInfo(cfg.topic);
    this.localData.set(r.guid, d);
    this.sedp.announce(d, this.secureDiscovery(d.topicName));
    this.matcher.addLocal(local);
    return r;
  }

  /** Our automatic liveliness must come often enough for our AUTOMATIC writers' liveliness leases. */
  private updateLivelinessPeriod(): void {
    const leases: number[] = [];
    for (const e of this.userEndpoints.values()) if (e.kind === 'writer' && e.w.qos.liveliness.kind === 'automatic') leases.push(e.w.qos.liveliness.leaseSec);
    this.livelinessPeriod = livelinessPeriodMs(this.opts.leaseDurationSec, leases);
  }

  private closeLocal(guid: Guid): void {
    const local = this.userEndpoints.get(guid);
    if (!local) return;
    this.matcher.removeLocal(local);
    this.userEndpoints.delete(guid);
    this.localData.delete(guid);
    const entityId = parseInt(guid.slice(24), 16) >>> 0;
    if (local.kind === 'writer') this.localWriters.delete(entityId);
    else this.localReaders.delete(entityId);
    this.updateLivelinessPeriod();
    if (!this.closed) this.sedp.dispose(local.kind, guid, this.secureDiscovery(local.kind === 'writer' ? local.w.topic : local.r.topic));
  }

  /** Under DDS-Security: governance and our permissions must allow the endpoint, and it must need no protection we lack. */
  private assertSecurityAllows(kind: 'writer' | 'reader', topic: string): void {
    const refused = this.security?.accessControl.checkLocalEndpoint(kind, topic);
    if (refused !== undefined) throw new EndpointRefusedError(kind, topic, refused.cause, refused.reason);
  }

  /** DDS-Security: the topic's endpoints are announced over the secure SEDP endpoints. */
  private secureDiscovery(topic: string): boolean {
    return this.security?.accessControl.discoveryProtected(topic) ?? false;
  }

  private assertOpen(): void {
    if (this.closed) throw new Error('participant is closed');
  }

  // ---- queries --------------------------------------------------------------------------

  /** Remote participants currently alive. */
  participants(): DiscoveredParticipant[] {
    return [...this.remotes.values()].map((r) => this.remotes.describe(r));
  }

  /** Remote endpoints currently known (from SEDP). */
  endpoints(): EndpointData[] {
    const out: EndpointData[] = [];
    for (const r of this.remotes.values()) for (const ep of r.endpoints.values()) if (ep.data) out.push(ep.data);
    return out;
  }

  /** @internal Sizes of internal tables (bounds checks in tests). */
  internalSizes(): { participants: number; endpoints: number; buffered: number; reassemblyBytes: number } {
    let endpoints = 0;
    for (const r of this.remotes.values()) endpoints += r.endpoints.size;
    let buffered = 0;
    for (const r of this.localReaders.values()) buffered += r.bufferedCount();
    return { participants: this.remotes.size, endpoints, buffered, reassemblyBytes: this.budget.used };
  }

  // ---- periodic work --------------------------------------------------------------------

  private tick(): void {
    if (this.closed) return;
    try {
      const now = Date.now();
      if (now - this.lastAnnounce >= announcePeriodMs(this.opts.leaseDurationSec)) this.announce();
      if (now - this.lastLiveliness >= this.livelinessPeriod) {
        this.lastLiveliness = now;
        this.sedp.assertLiveliness();
      }
      for (const prefix of this.remotes.expired(now)) this.removeParticipant(prefix, 'lease-expired');
      this.checkProbation(now);
      this.security?.authentication.tick(now);
      this.security?.cryptography.tick(now);
      for (const frags of this.statelessFrags.values()) frags.expire(now);
      for (const w of this.localWriters.values()) w.tick(now);
      for (const r of this.localReaders.values()) r.tick(now);
    } catch {
      // Periodic work must never take the process down; the next tick retries.
    }
  }

  /**
   * Closes the participant: disposes our endpoints and ourselves on the wire (peers drop us at
   * once), then closes the sockets.
   */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closing = true;
    for (const [guid, local] of this.userEndpoints) this.sedp.dispose(local.kind, guid, this.secureDiscovery(local.kind === 'writer' ? local.w.topic : local.r.topic));
    this.spdp.dispose(this.remotes.metaLocators());
    if (this.security) {
      // Peers that authenticated us accept our dispose only RTPS-protected (a clear one can be forged): once more so.
      this.protectAll = true;
      this.spdp.dispose(this.remotes.metaLocators());
      this.protectAll = false;
    }
    this.stopTimers();
    // Let the dispose datagrams leave before the socket closes.
    await new Promise((r) => setImmediate(r));
    this.closing = false;
    this.transport.close();
  }

  /** @internal Test hook: stop all traffic without any dispose (simulates a crash). */
  crash(): void {
    this.stopTimers();
    this.transport.close();
  }

  private stopTimers(): void {
    this.closed = true;
    this.security?.authentication.close();
    if (this.timer) clearInterval(this.timer);
    for (const t of this.burst) clearTimeout(t);
  }
}

/** Creates a participant, binds its ports and starts discovery. */
export function createParticipant(options: ParticipantOptions = {}): Promise<Participant> {
  return Participant.create(options);
}
