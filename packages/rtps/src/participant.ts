// The participant: owns the transport, the receive path, SPDP/SEDP discovery, the remote
// participant registry with leases, and the matching of our endpoints with remote ones.

import { EventEmitter } from 'node:events';
import { SedpBuiltins, BUILTIN_PAIRS } from './discovery-sedp.js';
import type { EndpointData } from './discovery-sedp-data.js';
import { SpdpAnnouncer } from './discovery-spdp.js';
import { decodeParticipantData, OUR_BUILTIN_ENDPOINTS, type ParticipantData } from './discovery-spdp-data.js';
import { decodeKeyPayload } from './discovery-sedp-data.js';
import { ReassemblyBudget } from './fragment-reassembly.js';
import { GroupIndex } from './group-index.js';
import { EntityId, EntityKind, guidEntityId, isKeyedEntity, makeGuid, prefixToHex, randomGuidPrefix, topicKind, type Guid } from './guid.js';
import { parseInlineQos } from './inline-qos.js';
import { announcePeriodMs, expiredParticipants, leaseMs } from './lease.js';
import { reachableLocators } from './locator-select.js';
import { locatorKey, type Locator } from './locator.js';
import { MessageBuilder } from './outgoing.js';
import { resolveOptions, type ParticipantOptions, type ResolvedOptions } from './participant-options.js';
import { STATUS_INFO_DISPOSED, STATUS_INFO_UNREGISTERED } from './pids.js';
import { qosIncompatibility } from './qos-match.js';
import { resolveQos } from './qos.js';
import { MessageReceiver, type ReceiveStats } from './receive.js';
import { ReliableReader } from './reliable-reader.js';
import { ReliableWriter } from './reliable-writer.js';
import type { RemoteEndpoint, RemoteParticipant } from './remote-entities.js';
import type { DataSubmessage } from './submessages/data.js';
import { Reader, type ReaderConfig } from './topic-reader.js';
import { Writer, type WriterConfig } from './topic-writer.js';
import { UdpTransport, type PacketSource } from './transport-udp.js';
import { VendorId, vendorName } from './vendor.js';

/** A remote participant as discovered through SPDP. */
export interface DiscoveredParticipant extends ParticipantData {
  /** GUID of the participant entity (prefix + 000001c1). */
  guid: Guid;
  vendorName: string;
}

export type ChangeType = 'added' | 'changed' | 'removed';

export interface ParticipantEvent {
  type: ChangeType;
  participant: DiscoveredParticipant;
  /** Why a participant was removed. */
  reason?: 'disposed' | 'lease-expired' | 'closed';
}

export interface EndpointEvent {
  type: ChangeType;
  endpoint: EndpointData;
}

export interface ParticipantEvents {
  participant: [ParticipantEvent];
  endpoint: [EndpointEvent];
}

type AnyLocal = { kind: 'writer'; w: Writer } | { kind: 'reader'; r: Reader };

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
  private readonly remotes = new Map<string, RemoteParticipant>();
  private readonly localWriters = new Map<number, ReliableWriter>();
  private readonly localReaders = new Map<number, ReliableReader>();
  private readonly userEndpoints = new Map<Guid, AnyLocal>();
  /** Our user endpoints and the remote endpoints known through SEDP, by topic (matching candidates). */
  private readonly localsByTopic = new GroupIndex<AnyLocal>();
  private readonly remotesByTopic = new GroupIndex<RemoteEndpoint>();
  private readonly localData = new Map<Guid, EndpointData>();
  private entityCounter = 0;
  private timer?: NodeJS.Timeout;
  private burst: NodeJS.Timeout[] = [];
  private lastAnnounce = 0;
  private closed = false;
  /** Remote participants or endpoints refused because a limit was reached. */
  readonly refused = { participants: 0, endpoints: 0 };

  private constructor(opts: ResolvedOptions) {
    super();
    this.opts = opts;
    this.domainId = opts.domainId;
    this.prefix = randomGuidPrefix(VendorId.MEDKIT);
    this.guidPrefix = prefixToHex(this.prefix);
    this.guid = makeGuid(this.guidPrefix, EntityId.PARTICIPANT);
    this.budget = new ReassemblyBudget(opts.limits.reassemblyBudget);
    this.receiver = new MessageReceiver({
      prefix: this.prefix,
      remoteParticipant: (h) => this.remotes.get(h),
      onSpdp: (sm, h, v, now) => this.onSpdp(sm, h, v, now),
      localWriter: (id) => this.localWriters.get(id),
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
      onEndpoint: (d) => this.onRemoteEndpoint(d),
      onEndpointGone: (g) => this.removeRemoteEndpoint(g),
      onLiveliness: (h) => {
        const r = this.remotes.get(h);
        if (r) r.lastSeen = Date.now();
      },
    });
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
    this.announce();
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

  /** Receive-path counters (datagrams, malformed). */
  get stats(): ReceiveStats {
    return this.receiver.stats;
  }

  private participantData(): ParticipantData {
    const t = this.transport.locators;
    return {
      guidPrefix: this.guidPrefix,
      vendorId: this.vendorId,
      protocolVersion: { major: 2, minor: 3 },
      leaseDurationSec: this.opts.leaseDurationSec,
      builtinEndpoints: OUR_BUILTIN_ENDPOINTS,
      domainId: this.opts.domainId,
      defaultUnicastLocators: t.defaultUnicast,
      defaultMulticastLocators: [],
      metatrafficUnicastLocators: t.metatrafficUnicast,
      metatrafficMulticastLocators: t.metatrafficMulticast,
      userData: this.opts.userData,
      entityName: this.opts.name,
      properties: {},
    };
  }

  // ---- transport ------------------------------------------------------------------------

  private onPacket(data: Buffer, from: PacketSource): void {
    if (this.closed) return;
    const f = this.opts.packetFilter?.incoming;
    if (f) {
      try {
        if (!f(data, from)) return;
      } catch {
        return;
      }
    }
    this.receiver.handle(data);
  }

  private sendDatagram(data: Buffer, locators: readonly Locator[]): void {
    if (this.closed && !this.closing) return;
    const f = this.opts.packetFilter?.outgoing;
    for (const l of locators) {
      if (f && !f(data, l)) continue;
      this.transport.send(data, l.address, l.port);
    }
  }

  private closing = false;

  // ---- SPDP -----------------------------------------------------------------------------

  private knownMetaLocators(): Locator[] {
    const out: Locator[] = [];
    for (const r of this.remotes.values()) out.push(...r.metaLocators);
    return out;
  }

  private announce(): void {
    if (this.closed) return;
    this.lastAnnounce = Date.now();
    this.spdp.announce(this.knownMetaLocators());
  }

  private onSpdp(sm: DataSubmessage, srcHex: string, vendor: number, now: number): void {
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
      if (prefix !== this.guidPrefix) this.removeParticipant(prefix, 'disposed');
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
    const lo = this.opts.localhostOnly;
    const meta = reachableLocators(d.metatrafficUnicastLocators.length > 0 ? d.metatrafficUnicastLocators : d.defaultUnicastLocators, lo);
    const user = reachableLocators(d.defaultUnicastLocators.length > 0 ? d.defaultUnicastLocators : d.metatrafficUnicastLocators, lo);
    const existing = this.remotes.get(d.guidPrefix);
    if (existing) {
      existing.data = d;
      existing.lastSpdp = payload;
      existing.lastSeen = now;
      existing.leaseMs = leaseMs(d.leaseDurationSec);
      const moved = existing.metaLocators.map(locatorKey).join() !== meta.map(locatorKey).join();
      existing.metaLocators = meta;
      existing.userLocators = user;
      if (moved) this.relinkBuiltins(existing);
      this.emit('participant', { type: 'changed', participant: this.describe(existing) });
      return;
    }
    if (this.remotes.size >= this.opts.limits.maxParticipants) {
      this.refused.participants++;
      return;
    }
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
    this.remotes.set(d.guidPrefix, r);
    this.emit('participant', { type: 'added', participant: this.describe(r) });
    // Answer at once so the newcomer does not wait for our next periodic announcement.
    this.spdp.announceTo(meta);
    this.linkBuiltins(r);
  }

  private describe(r: RemoteParticipant): DiscoveredParticipant {
    return { ...r.data, guid: makeGuid(r.prefixHex, EntityId.PARTICIPANT), vendorName: vendorName(r.data.vendorId) };
  }

  private linkBuiltins(r: RemoteParticipant): void {
    const bits = r.data.builtinEndpoints;
    for (const pair of BUILTIN_PAIRS) {
      if ((bits & pair.bit) === 0) continue;
      const guid = makeGuid(r.prefixHex, pair.remote);
      const ep: RemoteEndpoint = r.endpoints.get(pair.remote) ?? { guid, owner: r, entityId: pair.remote, isWriter: pair.remoteIsWriter, readerLinks: [] };
      r.endpoints.set(pair.remote, ep);
      if (pair.remoteIsWriter) {
        const reader = this.localReaders.get(pair.local)!;
        const proxy = reader.matchWriter({ guid, prefix: r.prefix, entityId: pair.remote, vendorId: r.data.vendorId, locators: r.metaLocators, reliable: true, writerTransientLocal: true });
        if (!ep.readerLinks.some((l) => l.reader === reader)) ep.readerLinks.push({ reader, proxy });
      } else {
        this.localWriters.get(pair.local)!.matchReader({ guid, prefix: r.prefix, entityId: pair.remote, locators: r.metaLocators, reliable: true }, false, Date.now());
      }
    }
  }

  private relinkBuiltins(r: RemoteParticipant): void {
    for (const pair of BUILTIN_PAIRS) {
      const guid = makeGuid(r.prefixHex, pair.remote);
      if (pair.remoteIsWriter) {
        const proxy = this.localReaders.get(pair.local)!.writers.get(guid);
        if (proxy) proxy.locators = r.metaLocators;
      } else {
        const proxy = this.localWriters.get(pair.local)!.readers.get(guid);
        if (proxy) proxy.locators = r.metaLocators;
      }
    }
  }

  private removeParticipant(prefixHex: string, reason: 'disposed' | 'lease-expired'): void {
    const r = this.remotes.get(prefixHex);
    if (!r) return;
    for (const ep of [...r.endpoints.values()]) this.dropRemoteEndpoint(r, ep, ep.data !== undefined);
    for (const pair of BUILTIN_PAIRS) {
      const guid = makeGuid(prefixHex, pair.remote);
      if (pair.remoteIsWriter) this.localReaders.get(pair.local)!.unmatchWriter(guid);
      else this.localWriters.get(pair.local)!.unmatchReader(guid);
    }
    this.remotes.delete(prefixHex);
    this.emit('participant', { type: 'removed', participant: this.describe(r), reason });
  }

  // ---- SEDP: remote endpoints -----------------------------------------------------------

  private onRemoteEndpoint(d: EndpointData): void {
    const r = this.remotes.get(d.participantGuidPrefix) ?? this.remotes.get(d.guid.slice(0, 24));
    if (!r) return;
    const entityId = parseInt(d.guid.slice(24), 16) >>> 0;
    const existing = r.endpoints.get(entityId);
    if (existing?.data) {
      const before = existing.data.topicName;
      // Unmatch under the old data (its topic may have changed), then match under the new.
      for (const local of this.localsByTopic.list(before)) this.unmatch(local, existing, false);
      existing.data = d;
      if (d.topicName !== before) {
        this.remotesByTopic.delete(before, existing);
        this.remotesByTopic.add(d.topicName, existing);
      }
      this.emit('endpoint', { type: 'changed', endpoint: d });
      for (const local of this.localsByTopic.list(d.topicName)) {
        this.unmatch(local, existing, false);
        this.tryMatch(local, r, existing);
      }
      return;
    }
    if (r.endpoints.size >= this.opts.limits.maxEndpointsPerParticipant) {
      this.refused.endpoints++;
      return;
    }
    const ep: RemoteEndpoint = { guid: d.guid, owner: r, entityId, isWriter: d.kind === 'writer', data: d, readerLinks: [] };
    r.endpoints.set(entityId, ep);
    this.remotesByTopic.add(d.topicName, ep);
    this.emit('endpoint', { type: 'added', endpoint: d });
    for (const local of this.localsByTopic.list(d.topicName)) this.tryMatch(local, r, ep);
  }

  private removeRemoteEndpoint(guid: Guid): void {
    const r = this.remotes.get(guid.slice(0, 24));
    const ep = r?.endpoints.get(parseInt(guid.slice(24), 16) >>> 0);
    if (!r || !ep || !ep.data) return;
    this.dropRemoteEndpoint(r, ep, true);
  }

  private dropRemoteEndpoint(r: RemoteParticipant, ep: RemoteEndpoint, announce: boolean): void {
    if (ep.data) {
      this.remotesByTopic.delete(ep.data.topicName, ep);
      for (const local of this.localsByTopic.list(ep.data.topicName)) this.unmatch(local, ep, true);
    }
    r.endpoints.delete(ep.entityId);
    if (announce && ep.data) this.emit('endpoint', { type: 'removed', endpoint: ep.data });
  }

  // ---- matching -------------------------------------------------------------------------

  private tryMatch(local: AnyLocal, r: RemoteParticipant, ep: RemoteEndpoint): void {
    const d = ep.data;
    if (!d) return;
    const mine = local.kind === 'writer' ? local.w : local.r;
    if (d.topicName !== mine.topic) return;
    if ((local.kind === 'writer') === ep.isWriter) return;
    let reason: string | null = null;
    if (d.typeName !== mine.typeName) reason = `type: ours is ${mine.typeName}, theirs is ${d.typeName}`;
    else if (isKeyedEntity(guidEntityId(d.guid)) !== isKeyedEntity(guidEntityId(mine.guid))) reason = `topic kind: ours is ${topicKind(mine.guid)}, theirs is ${topicKind(d.guid)} (set \`key\` for keyed topics)`;
    else reason = local.kind === 'writer' ? qosIncompatibility(mine.qos, d.qos) : qosIncompatibility(d.qos, mine.qos);
    if (reason) {
      (mine as Writer).emit('incompatible', { remoteGuid: d.guid, reason, endpoint: d });
      return;
    }
    const locators = d.unicastLocators.length > 0 ? reachableLocators(d.unicastLocators, this.opts.localhostOnly) : r.userLocators;
    const reliable = mine.qos.reliability === 'reliable' && d.qos.reliability === 'reliable';
    if (local.kind === 'writer') {
      local.w.core.matchReader({ guid: d.guid, prefix: r.prefix, entityId: ep.entityId, locators, reliable }, d.qos.durability === 'volatile', Date.now());
      local.w.matches.set(d.guid, d);
      local.w.emit('matched', { remoteGuid: d.guid, endpoint: d });
    } else {
      const proxy = local.r.core.matchWriter({ guid: d.guid, prefix: r.prefix, entityId: ep.entityId, vendorId: d.vendorId, locators, reliable, writerTransientLocal: d.qos.durability !== 'volatile' });
      if (!ep.readerLinks.some((l) => l.reader === local.r.core)) ep.readerLinks.push({ reader: local.r.core, proxy });
      local.r.matches.set(d.guid, d);
      local.r.emit('matched', { remoteGuid: d.guid, endpoint: d });
    }
  }

  private unmatch(local: AnyLocal, ep: RemoteEndpoint, notify: boolean): void {
    const d = ep.data;
    if (!d) return;
    if (local.kind === 'writer') {
      if (!local.w.matches.delete(d.guid)) return;
      local.w.core.unmatchReader(d.guid);
      if (notify) local.w.emit('unmatched', { remoteGuid: d.guid, endpoint: d });
    } else {
      if (!local.r.matches.delete(d.guid)) return;
      local.r.core.unmatchWriter(d.guid);
      ep.readerLinks = ep.readerLinks.filter((l) => l.reader !== local.r.core);
      if (notify) local.r.emit('unmatched', { remoteGuid: d.guid, endpoint: d });
    }
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
    const qos = resolveQos(cfg.qos);
    const entityId = this.nextEntityId(cfg.key ? EntityKind.USER_WRITER_WITH_KEY : EntityKind.USER_WRITER_NO_KEY);
    const core = new ReliableWriter({ entityId, prefixHex: this.guidPrefix, qos, fragmentSize: this.opts.fragmentSize, maxSamples: this.opts.limits.maxSamples, heartbeatPeriodMs: this.opts.heartbeatPeriodMs }, this.out);
    const w = new Writer(core, cfg, (x) => this.closeLocal(x.guid));
    this.localWriters.set(entityId, core);
    const local: AnyLocal = { kind: 'writer', w };
    this.userEndpoints.set(w.guid, local);
    this.localsByTopic.add(w.topic, local);
    const d = this.endpointData('writer', w.guid, cfg, qos);
    this.localData.set(w.guid, d);
    this.sedp.announce(d);
    this.matchAgainstRemotes(local);
    return w;
  }

  /** Creates a reader and announces it through SEDP. */
  createReader(cfg: ReaderConfig): Reader {
    this.assertOpen();
    const qos = resolveQos(cfg.qos);
    const entityId = this.nextEntityId(cfg.key ? EntityKind.USER_READER_WITH_KEY : EntityKind.USER_READER_NO_KEY);
    const l = this.opts.limits;
    const core = new ReliableReader(
      { entityId, prefixHex: this.guidPrefix, qos, maxPendingPerWriter: l.maxPendingPerWriter, reassembly: { maxSampleSize: l.maxSampleSize, maxPerWriter: l.maxReassembliesPerWriter, timeoutMs: l.reassemblyTimeoutMs }, budget: this.budget },
      this.out,
    );
    const r = new Reader(core, cfg, l.maxSamples, (x) => this.closeLocal(x.guid));
    this.localReaders.set(entityId, core);
    const local: AnyLocal = { kind: 'reader', r };
    this.userEndpoints.set(r.guid, local);
    this.localsByTopic.add(r.topic, local);
    const d = this.endpointData('reader', r.guid, cfg, qos);
    this.localData.set(r.guid, d);
    this.sedp.announce(d);
    this.matchAgainstRemotes(local);
    return r;
  }

  private matchAgainstRemotes(local: AnyLocal): void {
    const topic = local.kind === 'writer' ? local.w.topic : local.r.topic;
    for (const ep of this.remotesByTopic.list(topic)) this.tryMatch(local, ep.owner, ep);
  }

  private closeLocal(guid: Guid): void {
    const local = this.userEndpoints.get(guid);
    if (!local) return;
    // Only remote endpoints on our topic can be matched to us.
    const topic = local.kind === 'writer' ? local.w.topic : local.r.topic;
    for (const ep of this.remotesByTopic.list(topic)) this.unmatch(local, ep, false);
    this.localsByTopic.delete(topic, local);
    this.userEndpoints.delete(guid);
    this.localData.delete(guid);
    const entityId = parseInt(guid.slice(24), 16) >>> 0;
    if (local.kind === 'writer') this.localWriters.delete(entityId);
    else this.localReaders.delete(entityId);
    if (!this.closed) this.sedp.dispose(local.kind, guid);
  }

  private assertOpen(): void {
    if (this.closed) throw new Error('participant is closed');
  }

  // ---- queries --------------------------------------------------------------------------

  /** Remote participants currently alive. */
  participants(): DiscoveredParticipant[] {
    return [...this.remotes.values()].map((r) => this.describe(r));
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
      if (now - this.lastAnnounce >= announcePeriodMs(this.opts.leaseDurationSec)) {
        this.announce();
        this.sedp.assertLiveliness();
      }
      for (const prefix of expiredParticipants(this.remotes.values(), now)) this.removeParticipant(prefix, 'lease-expired');
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
    for (const [guid, local] of this.userEndpoints) this.sedp.dispose(local.kind, guid);
    this.spdp.dispose(this.knownMetaLocators());
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
    if (this.timer) clearInterval(this.timer);
    for (const t of this.burst) clearTimeout(t);
  }
}

/** Creates a participant, binds its ports and starts discovery. */
export function createParticipant(options: ParticipantOptions = {}): Promise<Participant> {
  return Participant.create(options);
}
