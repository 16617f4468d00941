// The participant's side of DDS-Security (participant-security.ts): the three plugins wired into the receive path
// (stateless and volatile-secure messages, protected submessages, messages and payloads), SPDP (our tokens, the
// remote participants held until they authenticated) and the sends the plugins ask for.
import type { ByteWriter } from './byte-writer.js';
import type { EndpointMatcher } from './endpoint-matching.js';
import { FragmentReassembly, type ReassemblyBudget } from './fragment-reassembly.js';
import { EntityId } from './guid.js';
import type { MessageBuilder } from './outgoing.js';
import type { ParticipantSecurity, SpdpParameter } from './participant-security.js';
import type { ProxyParticipants } from './proxy-participants.js';
import type { ReceiveContext } from './receive.js';
import type { RemoteParticipant } from './remote-entities.js';
import type { AckNackSubmessage } from './submessages/acknack.js';
import type { DataFragSubmessage } from './submessages/data-frag.js';
import { encodeData, type DataSubmessage } from './submessages/data.js';
import type { GapSubmessage } from './submessages/gap.js';
import type { HeartbeatSubmessage } from './submessages/heartbeat.js';
import { encodeInfoTs } from './submessages/info.js';
import { nowTime } from './time.js';

/** A reassembled handshake message, at most (Cyclone DDS's are about 3.6 KB). */
const MAX_STATELESS_SAMPLE = 1024 * 1024;
/** A handshake message's fragments are given up after this long (ms). */
const STATELESS_REASSEMBLY_TIMEOUT_MS = 5000;

/** What the link needs of the participant. */
interface SecurityLinkHost {
  readonly guidPrefix: string;
  readonly remotes: ProxyParticipants;
  readonly matcher: EndpointMatcher;
  readonly budget: ReassemblyBudget;
  /** The message builder (it exists once the transport is open). */
  out(): MessageBuilder;
  closed(): boolean;
}

export class ParticipantSecurityLink {
  /** Remote participants whose builtin endpoints wait for authentication. */
  private readonly held = new Set<string>();
  private statelessSn = 0;
  /** Handshake messages arriving in fragments, per remote participant in the table (one sample at a time). */
  private readonly statelessFrags = new Map<string, FragmentReassembly>();

  constructor(
    readonly plugins: ParticipantSecurity,
    private readonly host: SecurityLinkHost,
  ) {}

  /** The receive path's DDS-Security handlers. */
  receiveHandlers(): Pick<ReceiveContext, 'onStateless' | 'onStatelessFrag' | 'onVolatile' | 'onVolatileControl' | 'unprotect' | 'decodePayload' | 'openMessage' | 'requiresRtpsProtection'> {
    const crypto = this.plugins.cryptography;
    return {
      onStateless: (sm, h, now) => this.onStateless(sm, h, now),
      onStatelessFrag: (sm, h, now) => this.onStatelessFrag(sm, h, now),
      onVolatile: (sm, h, now) => this.onVolatile(sm, h, now),
      onVolatileControl: (sm, h, now) => this.onVolatileControl(sm, h, now),
      unprotect: (h, buf, at) => crypto.unprotect(h, buf, at),
      decodePayload: (h, writer, payload) => crypto.decodePayload(h, writer, payload),
      openMessage: (h, buf) => crypto.openMessage(h, buf),
      requiresRtpsProtection: (h) => crypto.requiresRtpsProtection(h),
    };
  }

  /** Starts the plugins; `pdata` is our participant data as the handshake's c.pdata. */
  start(pdata: () => Buffer): void {
    this.plugins.authentication.start({
      prefixHex: this.host.guidPrefix,
      pdata,
      sendStateless: (h, payload) => this.sendStateless(h, payload),
      authenticated: (h) => this.onAuthenticated(h),
      revoked: (h) => this.onRevoked(h),
    });
    this.plugins.cryptography.start({ sendSubmessages: (h, subs) => this.sendSubmessages(h, subs) });
  }

  /** Our SPDP parameters of DDS-Security: authentication's (identity token), then access control's. */
  spdpParameters(le: boolean): SpdpParameter[] {
    return [...this.plugins.authentication.spdpParameters(le), ...this.plugins.accessControl.spdpParameters(le)];
  }

  /** The remote participant's builtin endpoints wait for its authentication. */
  isHeld(prefixHex: string): boolean {
    return this.held.has(prefixHex);
  }

  /** A remote participant joined the table: true to match it now, false when it is held until it authenticated. */
  admit(r: RemoteParticipant, now: number): boolean {
    if (this.plugins.authentication.onParticipant({ prefixHex: r.prefixHex, data: r.data, metaLocators: r.metaLocators }, now)) return true;
    this.held.add(r.prefixHex);
    return false;
  }

  /** A remote participant left the table. */
  forget(prefixHex: string): void {
    this.held.delete(prefixHex);
    this.statelessFrags.get(prefixHex)?.clear();
    this.statelessFrags.delete(prefixHex);
    this.plugins.authentication.onParticipantGone(prefixHex);
  }

  tick(now: number): void {
    this.plugins.authentication.tick(now);
    this.plugins.cryptography.tick(now);
    for (const frags of this.statelessFrags.values()) frags.expire(now);
  }

  close(): void {
    this.plugins.authentication.close();
  }

  private onStateless(sm: DataSubmessage, srcHex: string, now: number): void {
    if (!sm.payload || sm.key || srcHex === this.host.guidPrefix) return;
    this.plugins.authentication.onStateless(srcHex, sm.payload, now);
  }

  /**
   * Cyclone DDS sends its handshake messages (certificate, permissions, pdata: about 3.6 KB) as DATA_FRAG of 1344
   * bytes. Reassembled only for participants in the table (stateless messages from others are ignored anyway),
   * one sample at a time each, at most 1 MiB, within the participant's reassembly budget.
   */
  private onStatelessFrag(sm: DataFragSubmessage, srcHex: string, now: number): void {
    if (sm.key || srcHex === this.host.guidPrefix || !this.host.remotes.get(srcHex)) return;
    let frags = this.statelessFrags.get(srcHex);
    if (!frags) {
      frags = new FragmentReassembly({ maxSampleSize: MAX_STATELESS_SAMPLE, maxPerWriter: 1, maxBytesPerWriter: MAX_STATELESS_SAMPLE, timeoutMs: STATELESS_REASSEMBLY_TIMEOUT_MS }, this.host.budget);
      this.statelessFrags.set(srcHex, frags);
    }
    const done = frags.add(sm.writerSN, sm.fragmentStartingNum, sm.fragmentsInSubmessage, sm.fragmentSize, sm.sampleSize, sm.data, now, undefined, sm.le, undefined, false);
    if (done) this.plugins.authentication.onStateless(srcHex, done.payload, now);
  }

  private onVolatile(sm: DataSubmessage, srcHex: string, now: number): void {
    if (sm.key || srcHex === this.host.guidPrefix) return;
    // Its sequence number counts for the channel's reliable protocol even when the payload is refused.
    this.plugins.cryptography.onVolatile(srcHex, sm.payload ?? Buffer.alloc(0), now, sm.writerSN);
  }

  private onVolatileControl(sm: HeartbeatSubmessage | GapSubmessage | AckNackSubmessage, srcHex: string, now: number): void {
    if (srcHex === this.host.guidPrefix) return;
    const crypto = this.plugins.cryptography;
    if (sm.kind === 'HEARTBEAT') crypto.onVolatileHeartbeat(srcHex, sm.firstSN, sm.lastSN, sm.final, now);
    else if (sm.kind === 'GAP') crypto.onVolatileGap(srcHex, sm.gapStart, sm.gapList, now);
    else crypto.onVolatileAckNack(srcHex, sm.readerSNState, now);
  }

  /** Sends a ParticipantStatelessMessage (best effort, INFO_DST to the peer) to its metatraffic locators. */
  private sendStateless(prefixHex: string, payload: Buffer): boolean {
    return this.sendTo(prefixHex, (w) => encodeData(w, { readerId: EntityId.STATELESS_READER, writerId: EntityId.STATELESS_WRITER, writerSN: ++this.statelessSn, payload, key: false }, true));
  }

  private sendSubmessages(prefixHex: string, submessages: Buffer): boolean {
    return this.sendTo(prefixHex, (w) => w.bytes(submessages));
  }

  /** One message to a known remote participant's metatraffic locators: INFO_DST, INFO_TS, then what `write` adds; false when unknown. */
  private sendTo(prefixHex: string, write: (w: ByteWriter) => void): boolean {
    const r = this.host.remotes.get(prefixHex);
    if (!r || this.host.closed()) return false;
    const out = this.host.out();
    const w = out.begin(r.prefix);
    encodeInfoTs(w, nowTime(), true);
    write(w);
    out.send(r.metaLocators);
    return true;
  }

  /** Authentication authenticated a held participant: match its builtin endpoints now. */
  private onAuthenticated(prefixHex: string): void {
    if (!this.held.delete(prefixHex)) return;
    const r = this.host.remotes.get(prefixHex);
    if (r) this.host.matcher.linkBuiltins(r, Date.now(), r.probation);
  }

  /** Authentication revoked an authenticated participant: unmatch it and hold it, as before it authenticated. */
  private onRevoked(prefixHex: string): void {
    const r = this.host.remotes.get(prefixHex);
    if (!r || this.held.has(prefixHex)) return;
    this.held.add(prefixHex);
    this.host.matcher.dropParticipant(r);
  }
}
