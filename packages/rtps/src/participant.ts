// The participant: owns the transport, the receive path, SPDP/SEDP discovery and the periodic work. Remote
// participants are kept by proxy-participants.ts; our endpoints by local-endpoints.ts; matching ours with
// theirs is endpoint-matching.ts; DDS-Security is wired in by participant-security-link.ts.

import { EventEmitter } from 'node:events';
import { SedpBuiltins } from './discovery-sedp.js';
import type { EndpointData } from './discovery-sedp-data.js';
import { DiscoveryServerClient, type DiscoveryServerStatus } from './discovery-server.js';
import { ourParticipantData, SpdpAnnouncer } from './discovery-spdp.js';
import { decodeParticipantData, encodeParticipantData, type ParticipantData } from './discovery-spdp-data.js';
import { EndpointMatcher } from './endpoint-matching.js';
import { FragmentPlacement } from './fragment-placement.js';
import { ReassemblyBudget } from './fragment-reassembly.js';
import { EntityId, makeGuid, prefixToHex, randomGuidPrefix, type Guid } from './guid.js';
import { announcePeriodMs, livelinessPeriodMs } from './lease.js';
import { LocalEndpoints } from './local-endpoints.js';
import { type Locator } from './locator.js';
import { MessageBuilder } from './outgoing.js';
import { resolveOptions, type ParticipantOptions, type ResolvedOptions } from './participant-options.js';
import { disposedPrefix, LeaveConfirmation, type DisposeStats } from './participant-leave.js';
import { LivenessCheck } from './participant-liveness.js';
import type { ParticipantSecurity } from './participant-security.js';
import { SedpDisposals } from './sedp-disposals.js';
import { ParticipantSecurityLink } from './participant-security-link.js';
import { randomFirstSn, ReachabilityProof } from './reachability-proof.js';
import { ProofFlag, ProxyParticipants, type DiscoveredParticipant, type ParticipantTableStats } from './proxy-participants.js';
import { MessageReceiver, type ReceiveStats } from './receive.js';
import type { ParticipantEvents } from './participant-events.js';
import { collectTrafficStats, type TrafficStats } from './traffic-stats.js';
import { DatagramPath } from './datagram-path.js';
import { SendBudget } from './send-budget.js';
import type { RemoteParticipant } from './remote-entities.js';
import type { DataSubmessage } from './submessages/data.js';
import type { Reader, ReaderConfig } from './topic-reader.js';
import type { Writer, WriterConfig } from './topic-writer.js';
import { UdpTransport } from './transport-udp.js';
import { VendorId } from './vendor.js';

export type { DiscoveredParticipant, ParticipantTableStats } from './proxy-participants.js';
export type { DisposeStats } from './participant-leave.js';

export type { ChangeType, EndpointEvent, ParticipantEvent, ParticipantEvents } from './participant-events.js';

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
  private ds?: DiscoveryServerClient;
  private readonly budget: ReassemblyBudget;
  private readonly remotes: ProxyParticipants;
  private readonly matcher: EndpointMatcher;
  private readonly disposals: SedpDisposals;
  /** Disposes are checked before they are believed (participant-leave.ts). */
  private readonly leaves: LeaveConfirmation;
  /** A participant must answer, not only be named (participant-liveness.ts). */
  private readonly liveness: LivenessCheck;
  /** What proves a participant: the echo of our built-in writers' random first SN (reachability-proof.ts). */
  private readonly proofs: ReachabilityProof;
  /** Our writers and readers, builtin and user. */
  private readonly local: LocalEndpoints;
  private timer?: NodeJS.Timeout;
  private burst: NodeJS.Timeout[] = [];
  private lastAnnounce = 0;
  private lastLiveliness = 0;
  /** How often our automatic liveliness is asserted (livelinessPeriodMs, updated as writers come and go). */
  private livelinessPeriod = 0;
  private closed = false;
  private readonly security?: ParticipantSecurity;
  /** DDS-Security wired into discovery, the receive path and the sends (security only). */
  private readonly secured?: ParticipantSecurityLink;
  /** Remote participants or endpoints refused because a limit was reached. */
  readonly refused = { participants: 0, endpoints: 0 };
  /** Datagrams in and out (datagram-path.ts). */
  private readonly io: DatagramPath;
  /** What unproven participants may cost us in sends (send-budget.ts); off under DDS-Security and with discovery servers. */
  private readonly sends?: SendBudget;
  /** An early announcement for a newcomer our reply could not reach yet (announceSoon). */
  private soon?: NodeJS.Timeout;
  private lastSoon = 0;
  /** The remote participant the receive path last resolved (the current datagram's source). */
  private sourceRemote: RemoteParticipant | undefined;

  private constructor(opts: ResolvedOptions) {
    super();
    this.opts = opts;
    this.domainId = opts.domainId;
    this.security = opts.security;
    this.prefix = this.security ? Buffer.from(this.security.authentication.guidPrefix(randomGuidPrefix(VendorId.MEDKIT))) : randomGuidPrefix(VendorId.MEDKIT);
    this.guidPrefix = prefixToHex(this.prefix);
    this.guid = makeGuid(this.guidPrefix, EntityId.PARTICIPANT);
    this.budget = new ReassemblyBudget(opts.limits.reassemblyBudget);
    this.proofs = new ReachabilityProof(this.security ? 1 : randomFirstSn(), (id) => this.sedp.plainWriter(id)?.history.lastSN);
    this.sends = this.security || opts.discoveryServers.length > 0 ? undefined : new SendBudget();
    const holdChanges = (r: RemoteParticipant) => r.proof !== 0 && this.liveness.applies(r.prefixHex);
    this.remotes = new ProxyParticipants({ localhostOnly: opts.localhostOnly, maxParticipants: opts.limits.maxParticipants, admission: opts.admission, holdChanges });
    const matcher = new EndpointMatcher({
      localhostOnly: opts.localhostOnly,
      maxEndpointsPerParticipant: opts.limits.maxEndpointsPerParticipant,
      builtinReader: (id) => this.local.readers.get(id)!,
      builtinWriter: (id) => this.local.writers.get(id)!,
      onChange: (ev) => this.emit('endpoint', ev),
      onRefused: () => this.refused.endpoints++,
      secure: opts.security !== undefined,
      sendsTo: (r, locators) => this.sends?.register(r.prefixHex, r.proof !== 0, locators),
    });
    this.matcher = matcher;
    this.disposals = new SedpDisposals({ remote: (h) => this.remotes.get(h), matcher, securedGone: (g) => this.security?.cryptography.remoteEndpointGone(g) });
    const probe = (h: string, now: number, dryRun: boolean) => {
      const r = this.remotes.get(h);
      return r !== undefined && !this.isHeld(h) && matcher.probeBuiltins(r, now, dryRun);
    };
    this.leaves = new LeaveConfirmation({ probe, remove: (h) => this.removeParticipant(h, 'disposed') });
    const checkable = (h: string) => !this.security || this.security.cryptography.requiresRtpsProtection(h);
    const livenessHost = { participants: () => this.remotes.values(), checkable, probe, remove: (h: string) => this.removeParticipant(h, 'lease-expired') };
    this.liveness = new LivenessCheck(livenessHost, opts.discoveryServers.length === 0);
    const host = { guidPrefix: this.guidPrefix, budget: this.budget, matcher, out: () => this.out, closed: () => this.closed };
    this.local = new LocalEndpoints({ ...host, vendorId: this.vendorId, opts, security: this.security, sedp: () => this.sedp, writersChanged: () => this.updateLivelinessPeriod() });
    this.secured = this.security && new ParticipantSecurityLink(this.security, { ...host, remotes: this.remotes });
    this.receiver = new MessageReceiver({
      prefix: this.prefix,
      remoteParticipant: (h) => {
        this.sourceRemote = this.remotes.get(h);
        if (this.sourceRemote) this.io.earn(h);
        return this.sourceRemote;
      },
      onSpdp: (sm, h, v, now, rtpsProtected) => this.onSpdp(sm, h, v, now, rtpsProtected),
      // Asked only for an ACKNACK/NACK_FRAG from the datagram's known source (sourceRemote tracks the receiver's
      // latest remoteParticipant() lookup): one that echoes our built-in writers' first SN proves it.
      localWriter: (id, echoed) => {
        const src = this.sourceRemote;
        if (src && this.proofs.proves(src.prefixHex, id, echoed, src.proof !== 0)) {
          if (src.proof === 0) this.onProof(src.prefixHex, ProofFlag.RESPONDED);
          this.leaves.onAlive(src.prefixHex, false);
          this.liveness.confirm(src.prefixHex, Date.now());
        }
        return this.local.writers.get(id);
      },
      ...this.secured?.receiveHandlers(),
      onAuthentic: (h, now) => this.liveness.confirm(h, now),
      onViolation: (v) => this.opts.onProtocolViolation(v),
    });
    this.io = new DatagramPath({ send: (d, a, port) => this.transport.send(d, a, port), handle: (d, now, placed) => this.receiver.handle(d, now, placed), security: this.security, filter: opts.packetFilter, budget: this.sends });
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
      (data, from, placed) => this.closed || this.io.onPacket(data, from, placed),
    );
    // Fragments in place only where nothing must be verified before it is read: no DDS-Security.
    const aimable = this.transport.aimableReceiver;
    if (aimable && !this.security) this.receiver.placeFragmentsWith(new FragmentPlacement(aimable));
    this.out = new MessageBuilder(this.prefix, this.vendorId, (data, locs) => this.io.send(data, locs), 65000);
    this.sedp = new SedpBuiltins(this.guidPrefix, o, this.out, this.budget, {
      onEndpoint: (d, secure) => this.onRemoteEndpoint(d, secure),
      onEndpointGone: (g, secure) => this.disposals.onDispose(g, secure, Date.now()),
      onConflict: (g) => this.disposals.onConflict(g, Date.now()),
      onLiveliness: (h, secure) => {
        const r = this.remotes.get(h);
        if (!r) return;
        r.lastSeen = Date.now();
        r.livelinessAsserted[secure ? 'secure' : 'plain']++;
        // Without DDS-Security an assertion can be sent blind: only the echo proves (reachability-proof.ts).
        if (this.proofs.byHandshake) this.onProof(h, ProofFlag.LIVELINESS);
      },
    }, o.security !== undefined, o.security ? (id) => o.security!.cryptography.builtinProtect(id) : undefined, o.security?.accessControl.livelinessProtected ?? false, this.proofs.firstSn);
    for (const w of this.sedp.writers()) this.local.writers.set(w.entityId, w);
    for (const r of this.sedp.readers()) this.local.readers.set(r.entityId, r);
    const t = this.transport.locators;
    const data = { guidPrefix: this.guidPrefix, vendorId: this.vendorId, opts: o, locators: t, security: this.security, secured: this.secured };
    this.spdp = new SpdpAnnouncer(this.out, ourParticipantData(data), {
      multicast: t.metatrafficMulticast,
      peers: o.initialPeers,
      peerIndexCount: o.peerIndexCount,
      domainId: o.domainId,
      own: t.metatrafficUnicast,
    });
    this.sends?.allow(this.spdp.fixedTargets);
    const host = { admit: this.upsertParticipant.bind(this), remove: (h: string) => this.removeParticipant(h, 'disposed'), endpoint: this.onRemoteEndpoint.bind(this), changed: (s: DiscoveryServerStatus) => this.emit('discoveryServer', s) };
    this.ds = await DiscoveryServerClient.attach(this.spdp.participantData, { opts: o, out: this.out, budget: this.budget, local: this.local, remotes: this.remotes, matcher: this.matcher, host });
    this.secured?.start(() => encodeParticipantData({ ...this.spdp.participantData, security: { le: false, parameters: this.secured!.spdpParameters(false) } }, 'pdata'));
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

  /** Remote-participant table counters: size, cap, proven, evicted, dropped, rate-limited; `underPressure` under an SPDP flood. */
  participantStats(): ParticipantTableStats {
    return { ...this.remotes.stats(Date.now()), ...this.liveness.stats, wrongEchoes: this.proofs.wrongEchoes };
  }

  /** What became of the SPDP disposes received: confirmed, refuted (alive) or foreign (ignored) ones. */
  disposeStats(): DisposeStats {
    return { ...this.leaves.stats, sedpRereads: this.disposals.rereadCount };
  }

  /** Our readers' streams that no longer move while their writers announce data (stuck-streams.ts), oldest first. */
  stuckStreams(max = 32): ReturnType<LocalEndpoints['stuckStreams']> {
    return this.local.stuckStreams(Date.now(), max);
  }

  /** Writers whose samples conflicted with ones delivered under the same SN: forged in their name (sample-digests.ts). */
  conflictingStreams(max = 32): ReturnType<LocalEndpoints['conflictingStreams']> {
    return this.local.conflictingStreams(max);
  }

  /** All such conflicts our readers saw, closed readers included (trafficStats' figure, without the rest of it). */
  readonly samplesConflicting = (): number => this.local.samplesConflicting();

  /** Receive-path counters (datagrams, malformed). */
  get stats(): ReceiveStats {
    return this.receiver.stats;
  }

  /** Traffic and table counters for monitoring; cheap enough to read on every scrape. */
  trafficStats(): TrafficStats {
    return collectTrafficStats(this.remotes.size, this.local.user.values(), this.io.received, this.receiver.stats.malformed, this.transport.sent, { stuck: this.local.stuckStreams(Date.now(), Infinity).length, samplesConflicting: this.local.samplesConflicting() }, this.sends?.stats);
  }

  // ---- SPDP -----------------------------------------------------------------------------

  private announce(): void {
    if (this.closed) return;
    this.lastAnnounce = Date.now();
    this.spdp.announce(this.ds?.spdpLocators() ?? this.remotes.metaLocators(this.lastAnnounce));
  }

  /** The configured Fast DDS Discovery Servers and whether each answers (empty without ParticipantOptions.discoveryServers). */
  discoveryServers(): DiscoveryServerStatus[] {
    return this.ds?.status() ?? [];
  }

  private onSpdp(sm: DataSubmessage, srcHex: string, vendor: number, now: number, rtpsProtected: boolean): void {
    if (this.ds?.isServer(srcHex)) return this.ds.onServerData(sm, srcHex, vendor, now);
    const prefix = disposedPrefix(sm, srcHex, vendor);
    if (prefix !== undefined) {
      if (prefix === this.guidPrefix) return;
      // Anyone can send a clear SPDP dispose in an authenticated peer's name: where that peer's messages must be
      // RTPS-protected, only its own protected dispose ends it (else its lease does), as Cyclone DDS does.
      if (this.security?.cryptography.requiresRtpsProtection(prefix) && !(rtpsProtected && prefix === srcHex)) {
        this.receiver.secured.clearRefused++;
        return;
      }
      // A protected dispose from the participant itself is authentic; a clear one is checked first (participant-leave.ts).
      if (rtpsProtected && prefix === srcHex) this.removeParticipant(prefix, 'disposed');
      else if (this.remotes.get(prefix)) this.leaves.onDispose(prefix, srcHex, now);
      return;
    }
    if (!sm.payload) return;
    const known = this.remotes.get(srcHex);
    if (known) this.leaves.onAlive(srcHex, true);
    if (known && known.lastSpdp.equals(sm.payload)) {
      known.lastSeen = now;
      this.probeOnProbation(known, now);
      return;
    }
    const d = decodeParticipantData(sm.payload, vendor);
    if (!d || d.guidPrefix === this.guidPrefix) return;
    if (d.domainId !== undefined && d.domainId !== this.domainId) return;
    this.upsertParticipant(d, Buffer.from(sm.payload), now);
  }

  /** `via` a discovery server (its own DATA(p), or one it relays): no rate limit, no SPDP of ours (discovery-server.ts). */
  private upsertParticipant(d: ParticipantData, payload: Buffer, now: number, via?: 'server' | 'relayed'): RemoteParticipant | undefined {
    const a = this.remotes.admit(d, payload, now, via ? undefined : this.io.source?.address);
    if (a.kind === 'refused' || a.kind === 'held') {
      if (a.kind === 'refused') this.refused.participants++;
      return a.kind === 'held' ? a.remote : undefined;
    }
    if (a.kind === 'added' && a.evicted) this.forget(a.evicted, 'evicted');
    this.sends?.register(a.remote.prefixHex, a.remote.proof !== 0, [...a.remote.metaLocators, ...a.remote.userLocators]);
    this.io.earn(a.remote.prefixHex);
    if (a.kind === 'changed') {
      if (a.moved && !this.isHeld(a.remote.prefixHex)) this.matcher.relinkBuiltins(a.remote);
      this.emit('participant', { type: 'changed', participant: this.remotes.describe(a.remote) });
      return this.probeOnProbation(a.remote, now);
    }
    const r = a.remote;
    this.emit('participant', { type: 'added', participant: this.remotes.describe(r) });
    if (via === 'relayed') return r;
    // Answer at once so the newcomer does not wait for our next periodic announcement; where its own announcement does
    // not pay for our answer (send-budget.ts), the answer goes to multicast and the sweep instead.
    if (!via && !this.spdp.announceTo(r.metaLocators)) this.announceSoon();
    // Under DDS-Security its builtin endpoints wait until it authenticated (onAuthenticated).
    if (this.secured && !this.secured.admit(r, now)) return;
    // A newcomer admitted under flood pressure (or past maxUnprovenLinked) is on probation: we
    // hear its SEDP and liveliness but our writers do not heartbeat it until it proves itself
    // (thousands of fakes would otherwise cost some 30 datagrams/s each).
    this.matcher.linkBuiltins(r, now, r.probation);
    return this.probeOnProbation(r, now);
  }

  /** Announces to multicast and the sweep (configured, so free of the send budget) soon: at most 5 times a second. */
  private announceSoon(): void {
    if (this.soon || this.closed) return;
    this.soon = setTimeout(() => {
      this.soon = undefined;
      this.lastSoon = Date.now();
      this.spdp.announce([]);
    }, Math.max(0, this.lastSoon + 200 - Date.now()));
  }

  /** A participant on probation gets a probe in answer to its announcement, at most once a second (reachability-proof.ts). */
  private probeOnProbation(r: RemoteParticipant, now: number): RemoteParticipant {
    if (r.probation && !this.isHeld(r.prefixHex) && this.proofs.probeDue(r.prefixHex, now)) this.sedp.probe(r.prefix, r.metaLocators);
    return r;
  }

  /** A participant proved itself (reachability-proof.ts; under DDS-Security also SEDP, liveliness): it leaves probation. */
  private onProof(prefixHex: string, flag: number): void {
    const r = this.remotes.prove(prefixHex, flag);
    this.sends?.prove(prefixHex);
    if (r && !this.isHeld(r.prefixHex)) this.matcher.linkBuiltins(this.ds?.builtinView(r) ?? r, Date.now());
  }

  /** Probation follows the table's pressure; each is one bounded pass, and O(1) when idle. */
  private checkProbation(now: number): void {
    for (const r of this.remotes.probate(now)) if (!this.isHeld(r.prefixHex)) this.matcher.unlinkBuiltinWriters(r);
    for (const r of this.remotes.release(now)) if (!this.isHeld(r.prefixHex)) this.matcher.linkBuiltins(this.ds?.builtinView(r) ?? r, now);
  }

  /** Under DDS-Security: the participant's builtin endpoints wait for its authentication. */
  private isHeld(prefixHex: string): boolean {
    return this.secured?.isHeld(prefixHex) ?? false;
  }

  private removeParticipant(prefixHex: string, reason: 'disposed' | 'lease-expired'): void {
    const r = this.remotes.remove(prefixHex);
    if (r) this.forget(r, reason);
  }

  /** Unmatches a participant already taken out of the table and tells the listeners. */
  private forget(r: RemoteParticipant, reason: 'disposed' | 'lease-expired' | 'evicted'): void {
    if (this.sourceRemote === r) this.sourceRemote = undefined;
    this.leaves.forget(r.prefixHex);
    this.liveness.forget(r.prefixHex);
    this.disposals.forget(r.prefixHex);
    this.proofs.forget(r.prefixHex);
    this.sends?.forget(r.prefixHex);
    this.secured?.forget(r.prefixHex);
    this.ds?.forget(r.prefixHex, Date.now());
    this.matcher.dropParticipant(r);
    this.emit('participant', { type: 'removed', participant: this.remotes.describe(r), reason });
  }

  // ---- SEDP: remote endpoints -----------------------------------------------------------

  private onRemoteEndpoint(d: EndpointData, secure: boolean): void {
    const r = this.remotes.get(d.participantGuidPrefix) ?? this.remotes.get(d.guid.slice(0, 24));
    if (!r) return this.ds?.hold(d, secure, Date.now());
    if (this.proofs.byHandshake) this.onProof(r.prefixHex, ProofFlag.SEDP);
    if (this.security && !this.security.accessControl.checkRemoteEndpoint(r.prefixHex, d.kind, d.topicName, secure)) {
      this.refused.endpoints++;
      return;
    }
    this.matcher.onRemote(r, d, secure);
  }

  // ---- local endpoints ------------------------------------------------------------------

  /** Creates a writer and announces it through SEDP. */
  createWriter(cfg: WriterConfig): Writer {
    this.assertOpen();
    return this.local.createWriter(cfg);
  }

  /** Creates a reader and announces it through SEDP. */
  createReader(cfg: ReaderConfig): Reader {
    this.assertOpen();
    return this.local.createReader(cfg);
  }

  /** Our automatic liveliness must come often enough for our AUTOMATIC writers' liveliness leases. */
  private updateLivelinessPeriod(): void {
    this.livelinessPeriod = livelinessPeriodMs(this.opts.leaseDurationSec, this.local.automaticLivelinessLeases());
  }

  private assertOpen(): void {
    if (this.closed) throw new Error('participant is closed');
  }

  // ---- queries --------------------------------------------------------------------------

  /** Remote participants currently alive. */
  participants(): DiscoveredParticipant[] {
    return this.remotes.describeAll();
  }

  /** Remote endpoints currently known (from SEDP). */
  endpoints(): EndpointData[] {
    return this.remotes.endpointData();
  }

  /** @internal Sizes of internal tables (bounds checks in tests). */
  internalSizes(): { participants: number; endpoints: number; buffered: number; reassemblyBytes: number } {
    let buffered = 0;
    for (const r of this.local.readers.values()) buffered += r.bufferedCount();
    return { participants: this.remotes.size, endpoints: this.remotes.endpointCount(), buffered, reassemblyBytes: this.budget.used };
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
      this.leaves.tick(now);
      this.liveness.tick(now);
      this.disposals.tick(now);
      this.secured?.tick(now);
      this.ds?.tick(now);
      for (const w of this.local.writers.values()) w.tick(now);
      for (const r of this.local.readers.values()) r.tick(now);
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
    this.io.closing = true;
    this.local.disposeAll();
    this.ds?.dispose();
    this.spdp.dispose(this.ds?.spdpLocators() ?? this.remotes.metaLocators());
    if (this.security) {
      // Peers that authenticated us accept our dispose only RTPS-protected (a clear one can be forged): once more so.
      this.io.protectAll = true;
      this.spdp.dispose(this.remotes.metaLocators());
      this.io.protectAll = false;
    }
    this.stopTimers();
    // Let the dispose datagrams leave before the socket closes.
    await new Promise((r) => setImmediate(r));
    this.io.closing = false;
    this.transport.close();
  }

  /** @internal Test hook: stop all traffic without any dispose (simulates a crash). */
  crash(): void {
    this.stopTimers();
    this.transport.close();
  }

  private stopTimers(): void {
    this.closed = true;
    this.io.open = false;
    clearTimeout(this.soon);
    this.secured?.close();
    if (this.timer) clearInterval(this.timer);
    for (const t of this.burst) clearTimeout(t);
  }
}

/** Creates a participant, binds its ports and starts discovery. */
export function createParticipant(options: ParticipantOptions = {}): Promise<Participant> {
  return Participant.create(options);
}
