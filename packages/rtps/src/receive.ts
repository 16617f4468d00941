// The receive path: interprets a datagram's submessages with the RTPS receiver state
// (source prefix, destination, timestamp) and routes them to our readers and writers.
// Nothing thrown by parsing escapes: a malformed datagram is counted and dropped.

import { EntityId, makeGuid, prefixToHex } from './guid.js';
import { RtpsParseError, RtpsProtocolViolation } from './cursor.js';
import { EndpointSecurity } from './discovery-sedp-data.js';
import { checkHeader, RTPS_HEADER_SIZE } from './header.js';
import { forEachSubmessageFrom } from './message.js';
import { ownBytes } from './own-bytes.js';
import { keptChange, type ReceivedChange } from './writer-proxy.js';
import type { DataFragInput } from './data-frag-input.js';
import type { ReliableWriter } from './reliable-writer.js';
import type { RemoteEndpoint, RemoteParticipant } from './remote-entities.js';
import type { FragmentAim, FragmentOrigin, FragmentPlacement } from './fragment-placement.js';
import { decodeSubmessage, type AckNackSubmessage, type DataFragSubmessage, type DataSubmessage, type GapSubmessage, type HeartbeatSubmessage, type Submessage } from './submessages/index.js';
import { SUBMESSAGE_HEADER_SIZE, SubmessageId } from './submessages/ids.js';
import type { RtpsTime } from './time.js';

export interface ReceiveContext {
  readonly prefix: Buffer;
  remoteParticipant(prefixHex: string): RemoteParticipant | undefined;
  /** SPDP DATA (from any participant, known or not); `rtpsProtected`: its message came SRTPS-protected by that source. */
  onSpdp(sm: DataSubmessage, srcPrefixHex: string, vendorId: number, now: number, rtpsProtected: boolean): void;
  /** Our writer `entityId`, asked for an ACKNACK (its base: `echoedSn`) or a NACK_FRAG (its SN) (reachability-proof.ts). */
  localWriter(entityId: number, echoedSn?: number): ReliableWriter | undefined;
  /** DDS-Security ParticipantStatelessMessage DATA (from any participant); absent: such DATA is ignored. */
  onStateless?(sm: DataSubmessage, srcPrefixHex: string, now: number): void;
  /** A fragment of a ParticipantStatelessMessage (Cyclone DDS fragments its handshake messages). */
  onStatelessFrag?(sm: DataFragSubmessage, srcPrefixHex: string, now: number): void;
  /** DDS-Security ParticipantVolatileMessageSecure DATA (after its protection was removed). */
  onVolatile?(sm: DataSubmessage, srcPrefixHex: string, now: number): void;
  /** DDS-Security: the volatile secure channel's HEARTBEAT, GAP and ACKNACK (after their protection was removed). */
  onVolatileControl?(sm: HeartbeatSubmessage | GapSubmessage | AckNackSubmessage, srcPrefixHex: string, now: number): void;
  /**
   * DDS-Security: removes the protection of the SEC_PREFIX … SEC_POSTFIX run at `at` from the datagram's
   * source; returns the clear submessage(s), or undefined when it cannot (unknown key, tampered: dropped).
   * Absent: secured runs are skipped unread.
   */
  unprotect?(srcPrefixHex: string, buf: Buffer, at: number): Buffer | undefined;
  /** DDS-Security: the clear submessages of an SRTPS-protected message (what followed its header; undefined: drop it). */
  openMessage?(srcPrefixHex: string, buf: Buffer): Buffer | undefined;
  /** DDS-Security: messages from this peer must be RTPS-protected (clear ones carry only SPDP, the handshake or secured runs). */
  requiresRtpsProtection?(srcPrefixHex: string): boolean;
  /** DDS-Security: an SRTPS-protected message from this peer opened: it came from the peer (participant-liveness.ts). */
  onAuthentic?(srcPrefixHex: string, now: number): void;
  /** DDS-Security: the clear payload of a DATA from a writer whose payload is protected (undefined: drop it). */
  decodePayload?(srcPrefixHex: string, writerGuid: string, payload: Buffer): Buffer | undefined;
  /** Called once per misbehaving peer (not per datagram) with the first violation seen from it. */
  onViolation?(violation: ProtocolViolationReport): void;
}

/** The first protocol violation seen from one peer. */
export interface ProtocolViolationReport {
  /** GUID prefix (hex) the datagram claimed to come from. */
  peer: string;
  message: string;
  /** Peers not reported since the previous report (the report rate is capped). */
  suppressed: number;
}

/** Peers whose violation was already reported; cleared when full so memory stays bounded. */
const MAX_REPORTED_PEERS = 1024;
/** Reports per minute at most: forged prefixes are free, log lines must not be. */
const MAX_REPORTS_PER_MINUTE = 10;

/** Counters of what the receive path saw (diagnostics and tests). */
export interface ReceiveStats {
  datagrams: number;
  /** Datagrams dropped (from the failing submessage on) for malformed framing or a protocol violation. */
  malformed: number;
  lastError?: string;
  /** Of `malformed`: datagrams that broke a protocol rule (SN out of range, bitmap over 256 bits, ...). */
  violations: number;
  /** Distinct peers (GUID prefixes) that sent a violation; each is reported once. */
  violatingPeers: number;
}

export class MessageReceiver {
  readonly stats: ReceiveStats = { datagrams: 0, malformed: 0, violations: 0, violatingPeers: 0 };
  private readonly reported = new Set<string>();
  private reportWindowStart = 0;
  private reportsInWindow = 0;
  private suppressedReports = 0;
  private readonly ctx: ReceiveContext;
  private srcHex = '';
  private srcPrefix: Buffer = Buffer.alloc(12);
  /** The header prefix of the previous datagram and its hex: a stream comes from one sender, whose hex (a Map key) is reused as is. */
  private readonly lastPrefix = Buffer.alloc(12);
  private lastHex = '';
  private vendor = 0;
  private forUs = true;
  private ts: RtpsTime | undefined;
  private remote: RemoteParticipant | undefined;
  private now = 0;
  private readonly visit = (sm: Submessage, at: number) => this.onSubmessage(sm, at);
  /** A SEC_PREFIX … SEC_POSTFIX run is taken as a whole, undecoded (see onSecured). */
  private readonly consume = (id: number, at: number): number => (id === SubmessageId.SEC_PREFIX && this.ctx.unprotect ? this.onSecured(at) : -1);
  private buf: Buffer = Buffer.alloc(0);
  /** Submessages taken out of secured runs (DDS-Security); clear submessages refused where RTPS protection is required. */
  secured = { opened: 0, dropped: 0, clearRefused: 0 };
  /** The current message came in the clear from a peer whose messages must be RTPS-protected. */
  private clearFromProtected = false;
  /** The current message was SRTPS-protected by its source (opened with its participant key). */
  private rtpsProtected = false;
  /**
   * For the datagram being handled: -1 when it was not read by an aimable receiver; else the payload bytes that
   * receiver put in place for its first DATA_FRAG (0: none), taken by that DATA_FRAG (fragment-placement.ts).
   */
  private placedBytes = -1;
  /** Filled in for each DATA_FRAG a reassembly may aim for (one object, read synchronously). */
  private origin: FragmentOrigin | undefined;

  constructor(ctx: ReceiveContext) {
    this.ctx = ctx;
  }

  /** @internal The aim the receiver of placeFragmentsWith was last given (a copy): for hostile tests and the fuzzer. */
  get placementAim(): FragmentAim | undefined {
    return this.origin?.placement.currentAim;
  }

  /** DATA_FRAGs read by `placement`'s receiver may aim it (fragment-placement.ts); only where nothing is protected. */
  placeFragmentsWith(placement: FragmentPlacement): void {
    this.origin = { placement, prefix: this.lastPrefix, writerId: 0, readerId: 0, head: -1, le: true, placedBytes: 0 };
  }

  /**
   * Handles one datagram. Never throws. `placed`: given when it was read by the receiver of placeFragmentsWith, the
   * payload bytes of its first DATA_FRAG that receiver put in place (they are not in `buf`).
   */
  handle(buf: Buffer, now = Date.now(), placed?: number): void {
    this.stats.datagrams++;
    this.placedBytes = placed ?? -1;
    try {
      if (buf.length < 20) throw new RtpsParseError('datagram shorter than the RTPS header');
      if (prefixAt(buf, 8, this.ctx.prefix)) return; // our own multicast/sweep echo
      if (this.lastHex === '' || !prefixAt(buf, 8, this.lastPrefix)) {
        buf.copy(this.lastPrefix, 0, 8, 20);
        this.lastHex = buf.toString('hex', 8, 20);
      }
      this.srcPrefix = this.lastPrefix;
      this.srcHex = this.lastHex;
      this.vendor = (buf[6] << 8) | buf[7];
      this.forUs = true;
      this.ts = undefined;
      this.now = now;
      // DDS-Security RTPS protection: the whole message behind SRTPS_PREFIX … SRTPS_POSTFIX.
      this.clearFromProtected = false;
      this.rtpsProtected = false;
      if (buf.length > RTPS_HEADER_SIZE + SUBMESSAGE_HEADER_SIZE && buf[RTPS_HEADER_SIZE] === SubmessageId.SRTPS_PREFIX && this.ctx.openMessage) {
        checkHeader(buf);
        // The submessages alone (no copy behind the header): offsets below are into them.
        const subs = this.ctx.openMessage(this.srcHex, buf);
        if (!subs || (subs.length > 0 && subs[0] === SubmessageId.SRTPS_PREFIX)) {
          this.secured.dropped++;
          return;
        }
        this.secured.opened++;
        this.rtpsProtected = true;
        this.ctx.onAuthentic?.(this.srcHex, now);
        this.remote = this.ctx.remoteParticipant(this.srcHex);
        if (this.remote) this.remote.lastSeen = now;
        this.buf = subs;
        forEachSubmessageFrom(subs, 0, this.visit, this.consume);
        return;
      }
      if (this.ctx.requiresRtpsProtection?.(this.srcHex)) this.clearFromProtected = true;
      this.remote = this.ctx.remoteParticipant(this.srcHex);
      if (this.remote) this.remote.lastSeen = now;
      this.buf = buf;
      checkHeader(buf);
      forEachSubmessageFrom(buf, RTPS_HEADER_SIZE, this.visit, this.consume);
    } catch (err) {
      this.stats.malformed++;
      this.stats.lastError = err instanceof Error ? err.message : String(err);
      if (err instanceof RtpsProtocolViolation) this.onViolation(err.message);
    }
  }

  /** Counts a violation and reports it once per peer. The peer is not dropped: its GUID prefix is trivially forged, so dropping would let anyone evict a real participant. */
  private onViolation(message: string): void {
    this.stats.violations++;
    const peer = this.srcHex;
    if (this.reported.has(peer)) return;
    if (this.reported.size >= MAX_REPORTED_PEERS) this.reported.clear();
    this.reported.add(peer);
    this.stats.violatingPeers++;
    if (this.now - this.reportWindowStart >= 60_000) {
      this.reportWindowStart = this.now;
      this.reportsInWindow = 0;
    }
    if (this.reportsInWindow >= MAX_REPORTS_PER_MINUTE) {
      this.suppressedReports++;
      return;
    }
    this.reportsInWindow++;
    const suppressed = this.suppressedReports;
    this.suppressedReports = 0;
    this.ctx.onViolation?.({ peer, message, suppressed });
  }

  /**
   * A SEC_PREFIX … SEC_POSTFIX run (DDS-Security submessage protection): its clear submessage(s), when the
   * security plugin can open it, are handled as if they had come in clear; either way the run is skipped.
   * Nothing in it is ever taken unverified (a signed run's clear submessage too is read only once opened).
   */
  private onSecured(at: number): number {
    const end = securedRunEnd(this.buf, at);
    const plain = this.ctx.unprotect?.(this.srcHex, this.buf, at);
    if (!plain) {
      this.secured.dropped++;
      return end;
    }
    this.secured.opened++;
    let pos = 0;
    while (pos + 4 <= plain.length) {
      const id = plain[pos];
      const flags = plain[pos + 1];
      const len = (flags & 1) !== 0 ? plain.readUInt16LE(pos + 2) : plain.readUInt16BE(pos + 2);
      const start = pos + 4;
      const stop = len === 0 ? plain.length : start + len;
      if (stop > plain.length || id === SubmessageId.SEC_PREFIX) break;
      this.onSubmessage(decodeSubmessage(id, flags, plain, start, stop), -1);
      pos = stop;
    }
    return end;
  }

  private onSubmessage(sm: Submessage, at: number): void {
    // Placed bytes belong to the datagram's first DATA_FRAG (the addon checks that only INFO_TS / INFO_DST come before it).
    let placed = -1;
    if (sm.kind === 'DATA_FRAG') {
      placed = this.placedBytes;
      if (placed > 0) this.placedBytes = 0;
    }
    // Under RTPS protection a clear message may carry only SPDP, the stateless handshake and secured runs (opened
    // and verified above, at < 0): anything else in it could be forged by anyone who knows the peer's prefix.
    if (this.clearFromProtected && at >= 0 && !(sm.kind === 'DATA' && (sm.writerId === EntityId.SPDP_WRITER || sm.writerId === EntityId.STATELESS_WRITER))) {
      if (sm.kind !== 'INFO_TS' && sm.kind !== 'INFO_DST' && sm.kind !== 'INFO_SRC' && sm.kind !== 'PAD' && sm.kind !== 'UNKNOWN') {
        this.secured.clearRefused++;
        return;
      }
    }
    switch (sm.kind) {
      case 'INFO_TS':
        this.ts = sm.timestamp;
        return;
      case 'INFO_DST': {
        const p = sm.guidPrefix;
        let zero = true;
        for (let i = 0; i < 12; i++) if (p[i] !== 0) zero = false;
        this.forUs = zero || p.equals(this.ctx.prefix);
        return;
      }
      case 'INFO_SRC':
        // Whatever follows speaks for another participant: it is not covered by the protection of this message.
        if (!sm.guidPrefix.equals(this.srcPrefix)) this.rtpsProtected = false;
        this.srcPrefix = sm.guidPrefix;
        this.srcHex = prefixToHex(sm.guidPrefix);
        this.vendor = sm.vendorId;
        this.remote = this.ctx.remoteParticipant(this.srcHex);
        if (this.remote) this.remote.lastSeen = this.now;
        return;
      case 'PAD':
      case 'UNKNOWN':
        return;
    }
    if (!this.forUs) return;
    switch (sm.kind) {
      case 'DATA': {
        if (sm.writerId === EntityId.SPDP_WRITER) {
          this.ctx.onSpdp(sm, this.srcHex, this.vendor, this.now, this.rtpsProtected);
          this.remote = this.ctx.remoteParticipant(this.srcHex);
          return;
        }
        if (sm.writerId === EntityId.STATELESS_WRITER) {
          this.ctx.onStateless?.(sm, this.srcHex, this.now);
          return;
        }
        if (sm.writerId === EntityId.VOLATILE_SECURE_WRITER) {
          // Only ever handled after its protection was removed (at < 0): a clear one is forged.
          if (at < 0) this.ctx.onVolatile?.(sm, this.srcHex, this.now);
          return;
        }
        // One look-up per sample: the endpoint holds our readers' links, its security attributes and its GUID.
        const ep = this.linkedWriter(sm.writerId);
        if (!ep) return;
        const links = ep.readerLinks;
        const security = securityOf(ep);
        // A writer whose submessages are protected is never heard in the clear (a forged one would be).
        if (at >= 0 && announces(security, SUBMESSAGE_PROTECTED)) return;
        const writerGuid = ep.guid;
        let payload = sm.payload;
        if (payload && announces(security, PAYLOAD_PROTECTED)) {
          // Never handed on encrypted: without the writer's key (its token may still be on its way) the
          // sample is dropped, and a reliable reader asks for it again.
          payload = this.ctx.decodePayload?.(this.srcHex, writerGuid, payload);
          if (!payload) {
            this.secured.dropped++;
            return;
          }
        }
        const change: ReceivedChange = {
          writerGuid,
          sn: sm.writerSN,
          payload,
          key: sm.key,
          inlineQos: sm.inlineQos && ownBytes(sm.inlineQos),
          inlineLe: sm.le,
          timestamp: this.ts,
          vendorId: this.vendor,
        };
        // The payload is a view of the datagram: copied once (own-bytes.ts) for the readers that give their payloads,
        // handed on as it is to those that lend them.
        let given: ReceivedChange | undefined;
        for (let i = 0; i < links.length; i++) {
          const l = links[i];
          if (sm.readerId === 0 || sm.readerId === l.reader.entityId) l.reader.onData(l.proxy, l.reader.lendsPayloads ? change : (given ??= keptChange(change)));
        }
        return;
      }
      case 'DATA_FRAG': {
        if (sm.writerId === EntityId.STATELESS_WRITER) {
          this.ctx.onStatelessFrag?.(sm, this.srcHex, this.now);
          return;
        }
        const ep = this.linkedWriter(sm.writerId);
        if (!ep) return;
        const links = ep.readerLinks;
        const security = securityOf(ep);
        if (at >= 0 && announces(security, SUBMESSAGE_PROTECTED)) return;
        // Protected payloads in fragments are not decoded yet: dropped rather than handed on encrypted.
        if (announces(security, PAYLOAD_PROTECTED)) return;
        // The receiver is aimed only for a writer linked to one reader, in a message read in the clear.
        const origin = placed >= 0 && links.length === 1 && at >= 0 && !this.rtpsProtected ? this.originOf(sm, links[0].reader.entityId, placed) : undefined;
        let start = sm.fragmentStartingNum;
        let count = sm.fragmentsInSubmessage;
        if (placed > 0 && !origin) {
          // Placed, but no longer for one reader alone: those fragments are not in the datagram; they will be asked again.
          const skip = Math.ceil(placed / sm.fragmentSize);
          start += skip;
          count -= skip;
          if (count <= 0) return;
        }
        const frag: DataFragInput = { sn: sm.writerSN, start, count, fragmentSize: sm.fragmentSize, sampleSize: sm.sampleSize, data: sm.data, inlineQos: sm.inlineQos, inlineLe: sm.le, timestamp: this.ts, key: sm.key, now: this.now, origin };
        for (let i = 0; i < links.length; i++) {
          const l = links[i];
          if (sm.readerId === 0 || sm.readerId === l.reader.entityId) l.reader.onDataFrag(l.proxy, frag);
        }
        return;
      }
      case 'HEARTBEAT': {
        if (sm.writerId === EntityId.VOLATILE_SECURE_WRITER) return this.volatileControl(sm, at);
        const ep = this.linkedWriter(sm.writerId);
        if (!ep) return;
        if (at >= 0 && announces(securityOf(ep), SUBMESSAGE_PROTECTED)) return;
        for (const l of ep.readerLinks) if (sm.readerId === 0 || sm.readerId === l.reader.entityId) l.reader.onHeartbeat(l.proxy, sm.firstSN, sm.lastSN, sm.count, sm.final);
        return;
      }
      case 'HEARTBEAT_FRAG': {
        const ep = this.linkedWriter(sm.writerId);
        if (!ep) return;
        if (at >= 0 && announces(securityOf(ep), SUBMESSAGE_PROTECTED)) return;
        for (const l of ep.readerLinks) if (sm.readerId === 0 || sm.readerId === l.reader.entityId) l.reader.onHeartbeatFrag(l.proxy, sm.writerSN, sm.lastFragmentNum, sm.count, this.now);
        return;
      }
      case 'GAP': {
        if (sm.writerId === EntityId.VOLATILE_SECURE_WRITER) return this.volatileControl(sm, at);
        const ep = this.linkedWriter(sm.writerId);
        if (!ep) return;
        if (at >= 0 && announces(securityOf(ep), SUBMESSAGE_PROTECTED)) return;
        for (const l of ep.readerLinks) if (sm.readerId === 0 || sm.readerId === l.reader.entityId) l.reader.onGap(l.proxy, sm.gapStart, sm.gapList.base, sm.gapList.set);
        return;
      }
      case 'ACKNACK': {
        if (sm.writerId === EntityId.VOLATILE_SECURE_WRITER) return this.volatileControl(sm, at);
        if (!this.remote) return;
        this.ctx.localWriter(sm.writerId, sm.readerSNState.base)?.onAckNack(makeGuid(this.srcHex, sm.readerId), sm.readerSNState, sm.count, this.now);
        return;
      }
      case 'NACK_FRAG': {
        if (!this.remote) return;
        this.ctx.localWriter(sm.writerId, sm.writerSN)?.onNackFrag(makeGuid(this.srcHex, sm.readerId), sm.writerSN, sm.fragmentNumberState, sm.count);
        return;
      }
    }
  }

  /** The shared origin filled in for `sm` (undefined when no receiver may be aimed). */
  private originOf(sm: DataFragSubmessage, readerId: number, placed: number): FragmentOrigin | undefined {
    const o = this.origin;
    if (!o) return undefined;
    o.prefix = this.srcPrefix;
    o.writerId = sm.writerId;
    o.readerId = readerId;
    // Where the payload starts in the datagram; a DATA_FRAG with inline QoS has no fixed layout to predict.
    o.head = sm.inlineQos ? -1 : sm.data.byteOffset - this.buf.byteOffset;
    o.le = sm.le;
    o.placedBytes = placed;
    return o;
  }

  /** The volatile secure channel's reliable protocol: only ever taken once its Kx protection was removed (at < 0). */
  private volatileControl(sm: HeartbeatSubmessage | GapSubmessage | AckNackSubmessage, at: number): void {
    if (at < 0) this.ctx.onVolatileControl?.(sm, this.srcHex, this.now);
  }

  /** The sending participant's writer `writerId` when one of our readers is linked to it (one look-up per submessage). */
  private linkedWriter(writerId: number): RemoteEndpoint | undefined {
    const ep = this.remote?.endpoints.get(writerId);
    return ep && ep.readerLinks.length > 0 ? ep : undefined;
  }
}


/** Endpoint security attribute masks (DDS-Security 1.1 §7.4.1.5; the top bit says the mask is valid). */
const SUBMESSAGE_PROTECTED = (EndpointSecurity.VALID | EndpointSecurity.SUBMESSAGE_PROTECTED) >>> 0;
const PAYLOAD_PROTECTED = (EndpointSecurity.VALID | EndpointSecurity.PAYLOAD_PROTECTED) >>> 0;
/** Whether `attributes` has every bit of `mask` (unsigned: the valid bit is bit 31). */
const announces = (attributes: number, mask: number): boolean => (attributes & mask) >>> 0 === mask;

/** The security attributes a remote endpoint announced in SEDP (PID_ENDPOINT_SECURITY_INFO; 0 when none). */
const securityOf = (ep: RemoteEndpoint): number => ep.data?.securityInfo?.attributes ?? 0;

/** Whether the 12 bytes of `buf` at `at` are `prefix` (no view made: this runs per datagram). */
function prefixAt(buf: Buffer, at: number, prefix: Buffer): boolean {
  for (let i = 0; i < 12; i++) if (buf[at + i] !== prefix[i]) return false;
  return true;
}

/** Where the secured run starting at `at` ends: after its SEC_POSTFIX, or at the end of the datagram. */
function securedRunEnd(buf: Buffer, at: number): number {
  let pos = at;
  while (pos + 4 <= buf.length) {
    const le = (buf[pos + 1] & 1) !== 0;
    const len = le ? buf.readUInt16LE(pos + 2) : buf.readUInt16BE(pos + 2);
    const end = len === 0 ? buf.length : pos + 4 + len;
    if (buf[pos] === SubmessageId.SEC_POSTFIX || end >= buf.length) return Math.min(end, buf.length);
    pos = end;
  }
  return buf.length;
}
