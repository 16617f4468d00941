// Client of Fast DDS Discovery Servers (the "super client" of ROS 2's ROS_SUPER_CLIENT): participants of a robot
// that runs `ROS_DISCOVERY_SERVER` send their participant announcement to the server(s) only, and the server relays
// discovery. What goes on the wire (Fast DDS 2.9, docs/ros2.md "Fast DDS Discovery Server"):
//
// - The server's GUID prefix comes from its id: 44.53.<id>.5f.45.50.52.4f.53.49.4d.41.
// - Its participant discovery (PDP) endpoints are the SPDP entity ids made RELIABLE and TRANSIENT_LOCAL. Until the
//   server answered, we ping it: our DATA(p) sent by unicast to its locator (INFO_DST its prefix), every
//   PING_PERIOD_MS. Our DATA(p) carries PARTICIPANT_TYPE=SUPER_CLIENT (the server then relays every participant and
//   endpoint to us, not only those whose topics match ours) and DS_VERSION=2.0, and the related sample identity
//   (PID 0x800f) the server keys what it relays by.
// - The server answers with its own DATA(p) (PARTICIPANT_TYPE=SERVER) from its reliable PDP writer; we then match
//   its PDP and SEDP endpoints, acknowledge what it sends, and it relays every other participant's DATA(p) (with
//   its own sequence numbers, the original's identity in PID 0x800f) and their SEDP DATA(w)/DATA(r), disposes
//   included. User traffic then flows directly between the participants, as without a server.
// - Connected, we re-send our DATA(p) every announcement period (the server leases us on it), and the server
//   re-sends its DATA(p) every 3 s. A participant relayed by a server lives as long as that server is heard plus
//   its own lease; a server that stops being heard for its lease is dropped and pinged again.
// - A server that restarted (same prefix, sequence numbers from 1 again) is known by its DATA(p): its content
//   changes (Fast DDS puts its process id and a persistence GUID of its own there). It is dropped and taken as new,
//   so what it relays is read from the start.
//
// Bounds: at most MAX_DISCOVERY_SERVERS servers; relayed participants go through the participant table like any
// other (limits.maxParticipants, eviction of unproven ones) but without the per-source rate limit, which would drop
// a relayed announcement the server never repeats; SEDP that arrives before its participant waits at most
// STASH_MS, STASH_MAX endpoints in all.

import { decodeKeyPayload, type EndpointData } from './discovery-sedp-data.js';
import { BUILTIN_QOS } from './discovery-sedp.js';
import { resolveDiscoveryServers, type ResolvedDiscoveryServer } from './discovery-server-list.js';
import type { EndpointMatcher } from './endpoint-matching.js';
import { announcePeriodMs } from './lease.js';
import type { LocalEndpoints } from './local-endpoints.js';
import type { ProxyParticipants } from './proxy-participants.js';
import { BuiltinEndpoint, decodeParticipantData, encodeParticipantData, encodeParticipantKey, type ParticipantData } from './discovery-spdp-data.js';
import type { ReassemblyBudget } from './fragment-reassembly.js';
import { EntityId, guidToBytes, makeGuid } from './guid.js';
import { encodeInlineQos, parseInlineQos } from './inline-qos.js';
import { udpv4, type Locator } from './locator.js';
import type { MessageBuilder } from './outgoing.js';
import type { ResolvedOptions } from './participant-options.js';
import { STATUS_INFO_DISPOSED, STATUS_INFO_UNREGISTERED } from './pids.js';
import { ReliableReader } from './reliable-reader.js';
import { keptChange, type ReceivedChange, type WriterProxy } from './writer-proxy.js';
import { ReliableWriter } from './reliable-writer.js';
import type { RemoteParticipant } from './remote-entities.js';
import type { DataSubmessage } from './submessages/data.js';
import { encodeData } from './submessages/data.js';
import { encodeInfoTs } from './submessages/info.js';
import { nowTime } from './time.js';
import { VendorId } from './vendor.js';

/** Ping period while a server has not answered (Fast DDS clients ping every 450 ms). */
const PING_PERIOD_MS = 500;
/** How often relayed participants are vouched for by their server (their lease restarts from the server's last word). */
const VOUCH_PERIOD_MS = 1000;
/** SEDP of a participant not relayed yet waits this long at most... */
const STASH_MS = 10_000;
/** ...and this many endpoints at most, over all participants. */
const STASH_MAX = 1024;

/** What a client announces to be given the whole graph (Fast DDS' ParticipantType SUPER_CLIENT, DS protocol 2.0). */
export const SUPER_CLIENT_PROPERTIES: Readonly<Record<string, string>> = { PARTICIPANT_TYPE: 'SUPER_CLIENT', DS_VERSION: '2.0' };

/**
 * A relayed participant as seen for built-in matching: only its participant-message (liveliness) endpoints. Fast DDS
 * clients match those with every participant the server relays (their other discovery goes through the server), and
 * until our writer heartbeats their reader they keep asking it (an ACKNACK every 70 ms).
 */
export function livelinessOnly(r: RemoteParticipant): RemoteParticipant {
  const bits = r.data.builtinEndpoints & (BuiltinEndpoint.PARTICIPANT_MESSAGE_WRITER | BuiltinEndpoint.PARTICIPANT_MESSAGE_READER);
  return { ...r, data: { ...r.data, builtinEndpoints: bits } };
}

/** One configured server as `Participant.discoveryServers()` reports it. */
export interface DiscoveryServerStatus {
  id: number;
  /** As configured (a host name stays a name). */
  host: string;
  /** The IPv4 address and port it is pinged at. */
  address: string;
  port: number;
  guidPrefix: string;
  /** Its DATA(p) answered ours and it has been heard within its lease. */
  connected: boolean;
  /** When `connected` last changed (ms since the epoch; the participant's start before the first answer). */
  since: number;
  /** When it was last heard (ms since the epoch), if ever. */
  lastHeard?: number;
  /** Participants it relayed that are in the table now. */
  relayed: number;
}

interface ClientContext {
  opts: ResolvedOptions;
  out: MessageBuilder;
  budget: ReassemblyBudget;
  /** The participant's own endpoints (our PDP writer and reader join them). */
  local: LocalEndpoints;
  remotes: ProxyParticipants;
  matcher: EndpointMatcher;
  host: DiscoveryServerHost;
}

/** What the client needs from the participant. */
export interface DiscoveryServerHost {
  /** Admits (or updates) a participant announced through a server: the server itself, or one it relays. */
  admit(d: ParticipantData, payload: Buffer, now: number, via: 'server' | 'relayed'): RemoteParticipant | undefined;
  /** Removes a participant (a relayed dispose, a restarted server). */
  remove(prefixHex: string): void;
  /** An SEDP endpoint that had waited for its participant. */
  endpoint(d: EndpointData, secure: boolean): void;
  /** A server answered, or stopped answering (its status after the change). */
  changed(status: DiscoveryServerStatus): void;
}

interface ServerState extends ResolvedDiscoveryServer {
  locator: Locator;
  /** The server's entry in the participant table, once it answered. */
  remote?: RemoteParticipant;
  since: number;
  lastHeard?: number;
  lastPing: number;
}

export class DiscoveryServerClient {
  readonly pdpWriter: ReliableWriter;
  readonly pdpReader: ReliableReader;
  private readonly servers = new Map<string, ServerState>();
  /** Relayed participant -> the servers that relayed it (entries only for participants in the table; at most one per server). */
  private readonly relayedBy = new Map<string, Set<string>>();
  private readonly stash = new Map<string, { at: number; items: { d: EndpointData; secure: boolean }[] }>();
  private stashed = 0;
  private lastVouch = 0;
  private readonly prefixHex: string;
  private readonly participantKey: Buffer;

  /**
   * The client of `ctx.opts.discoveryServers` (host names resolved; rejects naming a server that cannot be used),
   * its PDP endpoints registered with the participant's; undefined when no server is configured.
   */
  static async attach(ours: ParticipantData, ctx: ClientContext): Promise<DiscoveryServerClient | undefined> {
    const servers = await resolveDiscoveryServers(ctx.opts.discoveryServers);
    if (servers.length === 0) return undefined;
    const c = new DiscoveryServerClient(servers, ours.guidPrefix, ctx, Date.now());
    ctx.local.writers.set(EntityId.SPDP_WRITER, c.pdpWriter);
    ctx.local.readers.set(EntityId.SPDP_READER, c.pdpReader);
    c.setParticipantData(ours);
    return c;
  }

  private readonly announcePeriodMs: number;

  private constructor(
    servers: readonly ResolvedDiscoveryServer[],
    prefixHex: string,
    private readonly ctx: ClientContext,
    now: number,
  ) {
    const { opts, out } = ctx;
    this.prefixHex = prefixHex;
    this.announcePeriodMs = announcePeriodMs(opts.leaseDurationSec);
    this.participantKey = guidToBytes(makeGuid(prefixHex, EntityId.PARTICIPANT));
    for (const s of servers) this.servers.set(s.prefixHex, { ...s, locator: udpv4(s.address, s.port), since: now, lastPing: -Infinity });
    this.pdpWriter = new ReliableWriter({ entityId: EntityId.SPDP_WRITER, prefixHex, qos: BUILTIN_QOS, fragmentSize: opts.fragmentSize, maxSamples: 4, heartbeatPeriodMs: opts.heartbeatPeriodMs }, out);
    this.pdpReader = new ReliableReader(
      {
        entityId: EntityId.SPDP_READER,
        prefixHex,
        qos: BUILTIN_QOS,
        maxPendingPerWriter: opts.limits.maxPendingPerWriter,
        reassembly: { maxSampleSize: 64 * 1024, maxPerWriter: 4, maxBytesPerWriter: 256 * 1024, timeoutMs: opts.limits.reassemblyTimeoutMs },
        budget: ctx.budget,
      },
      out,
    );
    this.pdpReader.deliver = (c, p) => this.onRelayed(c, p);
  }

  /**
   * Our DATA(p), written once at start: what the pings and the reliable writer carry. It names Fast DDS' vendor id
   * (0x010f) instead of ours: a Fast DDS 2.9 server ignores the announcement of a participant of any other vendor
   * (tried with medkit's, Cyclone DDS' and RTI's ids), so the servers and the clients they relay us to take us for
   * a Fast DDS participant. That is harmless on the wire: we announce no shared-memory locator and no data-sharing
   * or other vendor-specific parameter, so they talk plain RTPS over UDP with us, as with any peer.
   */
  private setParticipantData(d: ParticipantData): void {
    const payload = encodeParticipantData({ ...d, vendorId: VendorId.FAST_DDS });
    const sn = this.pdpWriter.history.lastSN + 1;
    const inlineQos = encodeInlineQos({ keyHash: this.participantKey, relatedSampleIdentity: { writerGuid: this.pdpWriter.guid, sequenceNumber: sn } });
    this.pdpWriter.writeChange({ payload, key: false, inlineQos, timestamp: nowTime(), instance: 'participant' });
  }

  /** Whether this prefix is one of our servers' (its announcements are ours to read, not SPDP's). */
  isServer(prefixHex: string): boolean {
    return this.servers.has(prefixHex);
  }

  /** Where our SPDP goes besides multicast and the sweep: known participants, but none a server speaks for or is. */
  spdpLocators(): Locator[] {
    const out: Locator[] = [];
    for (const r of this.ctx.remotes.values()) if (!this.servers.has(r.prefixHex) && !this.relayedBy.has(r.prefixHex)) out.push(...r.metaLocators);
    return out;
  }

  /** The built-in endpoints of a participant to link: of a relayed one, only its liveliness pair. */
  builtinView(r: RemoteParticipant): RemoteParticipant {
    return this.relayedBy.has(r.prefixHex) ? livelinessOnly(r) : r;
  }

  /**
   * A DATA from a server's PDP writer (`srcHex` is a server's prefix). Before the server answered only its own
   * DATA(p) counts (it connects us); afterwards every DATA goes through the reliable reader, in order.
   */
  onServerData(sm: DataSubmessage, srcHex: string, vendorId: number, now: number): void {
    const s = this.servers.get(srcHex);
    if (!s) return;
    // A dispose relayed by the server may come as inline QoS alone (key hash and status, no payload).
    const self = sm.payload && !sm.key && !s.remote?.lastSpdp.equals(sm.payload) ? this.selfAnnouncement(sm.payload, srcHex, vendorId) : undefined;
    if (self && s.remote) {
      // Its own announcement with other content: a new server process (Fast DDS puts the process id and a
      // persistence GUID of its own in it). Its sequence numbers start again, so what it relays is read afresh.
      this.ctx.host.remove(srcHex);
    }
    if (self && sm.payload && !s.remote) this.connect(s, self, Buffer.from(sm.payload), now);
    const l = s.remote?.endpoints.get(EntityId.SPDP_WRITER)?.readerLinks[0];
    if (!l) return;
    const change: ReceivedChange = { writerGuid: l.proxy.guid, sn: sm.writerSN, payload: sm.payload, key: sm.key, inlineQos: sm.inlineQos, inlineLe: sm.le, vendorId };
    l.reader.onData(l.proxy, keptChange(change));
  }

  private selfAnnouncement(payload: Buffer, srcHex: string, vendorId: number): ParticipantData | undefined {
    try {
      const d = decodeParticipantData(payload, vendorId);
      return d && d.guidPrefix === srcHex && (d.domainId === undefined || d.domainId === this.ctx.opts.domainId) ? d : undefined;
    } catch {
      return undefined;
    }
  }

  /** The server answered: it enters the table (its SEDP endpoints are linked there) and our PDP pair is matched to its. */
  private connect(s: ServerState, d: ParticipantData, payload: Buffer, now: number): void {
    const r = this.ctx.host.admit(d, payload, now, 'server');
    if (!r) return;
    s.remote = r;
    s.since = now;
    const writerGuid = makeGuid(s.prefixHex, EntityId.SPDP_WRITER);
    const proxy = this.pdpReader.matchWriter({ guid: writerGuid, prefix: r.prefix, entityId: EntityId.SPDP_WRITER, vendorId: d.vendorId, locators: [s.locator], reliable: true, writerTransientLocal: true });
    r.endpoints.set(EntityId.SPDP_WRITER, { guid: writerGuid, owner: r, entityId: EntityId.SPDP_WRITER, isWriter: true, readerLinks: [{ reader: this.pdpReader, proxy }] });
    this.pdpWriter.matchReader({ guid: makeGuid(s.prefixHex, EntityId.SPDP_READER), prefix: r.prefix, entityId: EntityId.SPDP_READER, locators: [s.locator], reliable: true }, false, now);
    this.ctx.host.changed(this.statusOf(s));
  }

  /** An in-order change from a server's PDP writer: a participant it relays (or its own update), or a dispose. */
  private onRelayed(c: ReceivedChange, p: WriterProxy): void {
    const serverHex = p.prefix.toString('hex');
    const q = c.inlineQos ? parseInlineQos(c.inlineQos, c.inlineLe, c.vendorId) : undefined;
    if (((q?.statusInfo ?? 0) & (STATUS_INFO_DISPOSED | STATUS_INFO_UNREGISTERED)) !== 0 || c.key) {
      const guid = q?.keyHash ?? (c.payload ? decodeKeyPayload(c.payload) : undefined);
      const prefix = guid?.slice(0, 24);
      if (prefix && prefix !== this.prefixHex && this.ctx.remotes.get(prefix)) this.ctx.host.remove(prefix);
      return;
    }
    if (!c.payload) return;
    let d: ParticipantData | null;
    try {
      d = decodeParticipantData(c.payload, c.vendorId);
    } catch {
      return;
    }
    if (!d || d.guidPrefix === this.prefixHex || (d.domainId !== undefined && d.domainId !== this.ctx.opts.domainId)) return;
    const now = Date.now();
    if (d.guidPrefix === serverHex) {
      this.ctx.host.admit(d, c.payload, now, 'server');
      return;
    }
    // Another configured server is ours to connect to directly; what a server says of it is not used.
    if (this.servers.has(d.guidPrefix)) return;
    const known = this.ctx.remotes.get(d.guidPrefix);
    const r = this.ctx.host.admit(d, c.payload, now, 'relayed');
    if (!r) return;
    if (!known) {
      // New through the server: it talks discovery with the server only, so of its built-in endpoints only the
      // liveliness pair is ours to link.
      this.relayedBy.set(d.guidPrefix, new Set([serverHex]));
      this.ctx.matcher.linkBuiltins(livelinessOnly(r), now);
    } else this.relayedBy.get(d.guidPrefix)?.add(serverHex);
    this.replay(d.guidPrefix);
  }

  /** A participant left the table: a server goes back to being pinged, a relayed one is forgotten. */
  forget(prefixHex: string, now: number): void {
    this.relayedBy.delete(prefixHex);
    const s = this.servers.get(prefixHex);
    if (!s?.remote) return;
    s.lastHeard = s.remote.lastSeen;
    s.remote = undefined;
    s.since = now;
    s.lastPing = -Infinity;
    this.pdpReader.unmatchWriter(makeGuid(prefixHex, EntityId.SPDP_WRITER));
    this.pdpWriter.unmatchReader(makeGuid(prefixHex, EntityId.SPDP_READER));
    this.ctx.host.changed(this.statusOf(s));
  }

  /** SEDP of a participant not in the table yet (the server may relay it before the participant). */
  hold(d: EndpointData, secure: boolean, now: number): void {
    if (this.stashed >= STASH_MAX) return;
    const prefix = d.participantGuidPrefix || d.guid.slice(0, 24);
    const entry = this.stash.get(prefix) ?? { at: now, items: [] };
    entry.items.push({ d, secure });
    this.stash.set(prefix, entry);
    this.stashed++;
  }

  private replay(prefixHex: string): void {
    const entry = this.stash.get(prefixHex);
    if (!entry) return;
    this.stash.delete(prefixHex);
    this.stashed -= entry.items.length;
    for (const { d, secure } of entry.items) this.ctx.host.endpoint(d, secure);
  }

  /** Pings the servers that did not answer, re-announces to those that did, and vouches for what they relayed. */
  tick(now: number): void {
    for (const s of this.servers.values()) {
      const period = s.remote ? this.announcePeriodMs : PING_PERIOD_MS;
      if (now - s.lastPing >= period) this.ping(s, now);
    }
    if (now - this.lastVouch < VOUCH_PERIOD_MS) return;
    this.lastVouch = now;
    for (const [prefix, by] of this.relayedBy) {
      const r = this.ctx.remotes.get(prefix);
      if (!r) continue;
      for (const serverHex of by) {
        const server = this.servers.get(serverHex)?.remote;
        if (server && server.lastSeen > r.lastSeen) r.lastSeen = server.lastSeen;
      }
    }
    for (const [prefix, entry] of this.stash) {
      if (now - entry.at <= STASH_MS) continue;
      this.stash.delete(prefix);
      this.stashed -= entry.items.length;
    }
  }

  /** Our DATA(p), sent straight to one server (before it matched us it reads nothing else of ours). */
  private ping(s: ServerState, now: number): void {
    s.lastPing = now;
    let latest: { sn: number; payload?: Buffer; inlineQos?: Buffer } | undefined;
    for (const c of this.pdpWriter.history.values()) if (!c.key && (!latest || c.sn > latest.sn)) latest = c;
    if (!latest?.payload) return;
    const w = this.ctx.out.begin(Buffer.from(s.prefixHex, 'hex'));
    encodeInfoTs(w, nowTime(), true);
    encodeData(w, { readerId: EntityId.SPDP_READER, writerId: EntityId.SPDP_WRITER, writerSN: latest.sn, inlineQos: latest.inlineQos, payload: latest.payload, key: false }, true);
    this.ctx.out.send([s.locator]);
  }

  /** On close: our dispose to the servers that matched us (reliably), and to the others straight. */
  dispose(): void {
    const sn = this.pdpWriter.history.lastSN + 1;
    const inlineQos = encodeInlineQos({
      keyHash: this.participantKey,
      statusInfo: STATUS_INFO_DISPOSED | STATUS_INFO_UNREGISTERED,
      relatedSampleIdentity: { writerGuid: this.pdpWriter.guid, sequenceNumber: sn },
    });
    const payload = encodeParticipantKey(this.prefixHex);
    this.pdpWriter.writeChange({ payload, key: true, inlineQos, timestamp: nowTime(), instance: 'participant' });
    for (const s of this.servers.values()) {
      if (s.remote) continue;
      const w = this.ctx.out.begin(Buffer.from(s.prefixHex, 'hex'));
      encodeInfoTs(w, nowTime(), true);
      encodeData(w, { readerId: EntityId.SPDP_READER, writerId: EntityId.SPDP_WRITER, writerSN: sn, inlineQos, payload, key: true }, true);
      this.ctx.out.send([s.locator]);
    }
  }

  status(): DiscoveryServerStatus[] {
    return [...this.servers.values()].map((s) => this.statusOf(s));
  }

  private statusOf(s: ServerState): DiscoveryServerStatus {
    let relayed = 0;
    for (const by of this.relayedBy.values()) if (by.has(s.prefixHex)) relayed++;
    return {
      id: s.id,
      host: s.host,
      address: s.address,
      port: s.port,
      guidPrefix: s.prefixHex,
      connected: s.remote !== undefined,
      since: s.since,
      ...((s.remote?.lastSeen ?? s.lastHeard) !== undefined ? { lastHeard: s.remote?.lastSeen ?? s.lastHeard } : {}),
      relayed,
    };
  }
}
