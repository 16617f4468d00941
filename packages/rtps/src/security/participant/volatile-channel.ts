// The volatile secure channel's own reliability (ParticipantVolatileMessageSecure, DDS-Security 1.1 §7.4.5): its
// endpoints are reliable, but they are not ordinary endpoints of the participant (their submessages are protected
// with the Kx keys of one peer's handshake), so the channel runs a small reliable protocol of its own per peer:
// our token messages go out with a HEARTBEAT and are resent on a backoff until the peer's ACKNACK acknowledges
// them, and the peer's HEARTBEATs are answered with an ACKNACK asking for what we lost.
import { ByteWriter } from '../../byte-writer.js';
import { EntityId, guidToBytes, makeGuid } from '../../guid.js';
import type { SequenceNumberSet } from '../../sequence-number.js';
import { encodeAckNack } from '../../submessages/acknack.js';
import { encodeData } from '../../submessages/data.js';
import { encodeHeartbeat } from '../../submessages/heartbeat.js';
import type { DataHolder } from '../data-holder.js';
import { encodeGenericMessage, NO_IDENTITY, snBytes } from './generic-message.js';
import type { RemoteCrypto, SecurePeer, VolatileChannelPeer } from './peers.js';

/**
 * Token messages queued per peer, at most (the oldest goes first). There is one per protected endpoint pair we share
 * with the peer, plus our participant's and built-in endpoints' tokens: a ROS 2 process is one participant however
 * many nodes it runs, so a component container pairs with the gateway hundreds of times.
 */
const MAX_QUEUED_MESSAGES = 2048;
/** Sequence numbers of a peer's volatile writer tracked above the contiguous ones (and NACKed at once), at most. */
const VOLATILE_WINDOW = 256;
/**
 * Resends of a token message the peer has neither acknowledged nor asked for: 0.2, 1, 3, 7 and 15 s after it first
 * went, then every RESEND_EVERY_MS for as long as the peer stays authenticated. Never given up: a peer that has not
 * finished its side of the handshake yet (seconds on a loaded host) drops what it cannot open, and a token it never
 * gets leaves the endpoints it protects unreadable on its side for good.
 */
const RESENDS_MS = [200, 800, 2000, 4000, 8000];
const RESEND_EVERY_MS = 10_000;
/** Protected token messages sent in one datagram, in bytes at most (a full outbox is sent over several). */
const MAX_DATAGRAM_BYTES = 16 * 1024;
/** A message the peer asks for again is resent at most this often (ACKNACKs come in bursts). */
const ASKED_AGAIN_MS = 100;

/** A token message to one peer: its class, the endpoints it is for and from, the tokens. */
interface VolatileMessage {
  classId: string;
  destinationEndpoint: Buffer;
  sourceEndpoint: Buffer;
  data: DataHolder[];
}

export const newChannelPeer = (): VolatileChannelPeer => ({ lastSn: 0, outbox: [], heartbeats: 0, received: { upTo: 0, above: new Set() }, acknacks: 0 });

export class VolatileChannel {
  /** Sequence number of our last token message's identity (over all peers). */
  private messageSn = 0;

  constructor(
    /** Our GUID prefix (hex). */
    private readonly ours: () => string,
    /** Sends protected submessages to a peer. */
    private readonly send: (prefixHex: string, submessages: Buffer) => void,
  ) {}

  /** Queues a token message to the peer and sends what is due. */
  queue(p: SecurePeer, c: RemoteCrypto, m: VolatileMessage, now: number): void {
    const identity = { guid: guidToBytes(makeGuid(this.ours(), EntityId.VOLATILE_SECURE_WRITER)), sn: snBytes(++this.messageSn) };
    const payload = encodeGenericMessage({ messageIdentity: identity, relatedMessageIdentity: NO_IDENTITY, destinationParticipant: p.guid, ...m });
    const w = new ByteWriter(payload.length + 64, true);
    // Sequence numbers count per peer: the peer's reader is reliable, and a gap (messages that went to other peers)
    // makes Cyclone DDS wait for samples that never come (seen with two Cyclone peers).
    const ch = c.channel;
    const sn = ++ch.lastSn;
    encodeData(w, { readerId: EntityId.VOLATILE_SECURE_READER, writerId: EntityId.VOLATILE_SECURE_WRITER, writerSN: sn, payload, key: false }, true);
    if (ch.outbox.length >= MAX_QUEUED_MESSAGES) ch.outbox.shift();
    ch.outbox.push({ sn, data: w.finish(), sends: 0, nextAt: now, queuedAt: now });
    this.flush(p, c, now);
  }

  /**
   * Sends the token messages that are due, each protected anew with the Kx keys, and a HEARTBEAT of what is still
   * unacknowledged so the peer's reliable reader answers with an ACKNACK: acknowledged messages leave the outbox,
   * ones it asks for again go out at once. A message nobody acknowledges is resent on a backoff, then every 10 s
   * (RESENDS_MS); the peer's part, and with it the outbox, ends when the peer leaves, fails or is revoked.
   */
  flush(p: SecurePeer, c: RemoteCrypto, now: number): void {
    const ch = c.channel;
    const datagrams: Buffer[][] = [];
    let parts: Buffer[] = [];
    let bytes = 0;
    for (const m of ch.outbox) {
      if (now < m.nextAt) continue;
      const part = c.kxSender.protectSubmessage(m.data);
      if (parts.length > 0 && bytes + part.length > MAX_DATAGRAM_BYTES) {
        datagrams.push(parts);
        parts = [];
        bytes = 0;
      }
      parts.push(part);
      bytes += part.length;
      m.nextAt = now + (RESENDS_MS[m.sends] ?? RESEND_EVERY_MS);
      m.sends++;
    }
    if (parts.length === 0) return;
    const w = new ByteWriter(64, true);
    const first = ch.outbox[0].sn;
    encodeHeartbeat(w, { readerId: EntityId.VOLATILE_SECURE_READER, writerId: EntityId.VOLATILE_SECURE_WRITER, firstSN: first, lastSN: ch.lastSn, count: ++ch.heartbeats, final: false, liveliness: false }, true);
    parts.push(c.kxSender.protectSubmessage(w.finish()));
    datagrams.push(parts);
    for (const d of datagrams) this.send(p.prefixHex, Buffer.concat(d));
  }

  /** The peer's reader acknowledged our messages below the base, and asks for the listed ones again. */
  onAckNack(p: SecurePeer, c: RemoteCrypto, state: SequenceNumberSet, now: number): void {
    const ch = c.channel;
    if (ch.outbox.length === 0) return;
    const asked = new Set(state.set);
    // Below the base and not asked for again: it has them.
    ch.outbox = ch.outbox.filter((m) => m.sn >= state.base || asked.has(m.sn));
    let due = false;
    for (const m of ch.outbox) {
      if (asked.has(m.sn) && m.nextAt > now + ASKED_AGAIN_MS) {
        m.nextAt = now;
        due = true;
      }
    }
    if (due) this.flush(p, c, now);
  }

  /** The peer's writer has firstSN..lastSN: what it no longer has counts as received; we ask for what we lack (bounded), or acknowledge everything. */
  onHeartbeat(p: SecurePeer, c: RemoteCrypto, firstSN: number, lastSN: number, final: boolean): void {
    if (firstSN > 1) this.received(c, 1, firstSN - 1);
    const inbound = c.channel.received;
    const missing: number[] = [];
    for (let sn = inbound.upTo + 1; sn <= Math.min(lastSN, inbound.upTo + VOLATILE_WINDOW); sn++) if (!inbound.above.has(sn)) missing.push(sn);
    if (missing.length === 0 && final) return;
    const base = missing.length > 0 ? missing[0] : inbound.upTo + 1;
    const w = new ByteWriter(96, true);
    const readerSNState = { base, numBits: missing.length > 0 ? missing[missing.length - 1] - base + 1 : 0, set: missing };
    encodeAckNack(w, { readerId: EntityId.VOLATILE_SECURE_READER, writerId: EntityId.VOLATILE_SECURE_WRITER, readerSNState, count: ++c.channel.acknacks, final: missing.length === 0 }, true);
    this.send(p.prefixHex, c.kxSender.protectSubmessage(w.finish()));
  }

  /** The peer's writer says gapStart .. base-1 and the listed SNs are irrelevant to us. */
  onGap(c: RemoteCrypto, gapStart: number, gapList: SequenceNumberSet): void {
    this.received(c, gapStart, gapList.base - 1);
    for (const sn of gapList.set) this.received(c, sn, sn);
  }

  /** Marks SNs from .. to of the peer's volatile writer received (only within the tracked window: bounded work). */
  received(c: RemoteCrypto, from: number, to: number): void {
    const v = c.channel.received;
    const start = Math.max(from, v.upTo + 1);
    const end = Math.min(to, v.upTo + VOLATILE_WINDOW);
    if (from <= v.upTo + 1 && to > v.upTo + VOLATILE_WINDOW) {
      // Everything up to `to` is done with: no need to walk it (only what was received above it stays).
      v.upTo = to;
      for (const sn of v.above) if (sn <= to) v.above.delete(sn);
    } else for (let sn = start; sn <= end; sn++) v.above.add(sn);
    while (v.above.delete(v.upTo + 1)) v.upTo++;
  }
}
