// Cryptography on the participant (DDS-Security 1.1 §8.5, the builtin DDS:Crypto:AES-GCM-GMAC plugin, §9.5): the
// key exchange with each authenticated peer (key-exchange.ts, over volatile-channel.ts) and the transforms of
// what we send (whole messages, submessages, payloads) and what we receive, with the keys the governance asks
// for. A peer's part (peers.ts RemoteCrypto) exists from the end of its handshake until it leaves, fails or is
// revoked; nothing of a peer without one is opened.
import { EntityId, guidPrefixOf } from '../../guid.js';
import { RTPS_HEADER_SIZE } from '../../header.js';
import type { CryptographyContext, CryptographyPlugin } from '../../participant-security.js';
import type { SequenceNumberSet } from '../../sequence-number.js';
import { SUBMESSAGE_HEADER_SIZE, SubmessageId } from '../../submessages/ids.js';
import type { SharedSecret } from '../auth/handshake.js';
import { kxKeyMaterial, transformKindCode } from '../crypto/key-material.js';
import { cryptoHeaderAt, CryptoHeaderField, CryptoReceiver, CryptoSender, KX_KEY_ID } from '../crypto/transform.js';
import { reasonOf, SecurityError } from '../errors.js';
import type { PermissionsAccessControl } from './access-control.js';
import { addressedTo, decodeGenericMessage } from './generic-message.js';
import { KeyExchange, setBounded, transformFor } from './key-exchange.js';
import type { AuthenticationStats, PeerTable, ReceivedCryptoToken, RemoteCrypto, SecurePeer } from './peers.js';
import { newChannelPeer, VolatileChannel } from './volatile-channel.js';

/** The Kx key material's transformation (DDS-Security 1.1 §9.5.2.1.2). */
const KX_TRANSFORM = 'AES256_GCM';
/** In a DATA submessage, where the writer id is (after extraFlags, octetsToInlineQos and the reader id). */
const DATA_WRITER_ID_AT = SUBMESSAGE_HEADER_SIZE + 8;

/**
 * Datagrams that stay outside RTPS protection, as Fast DDS 2.9.1 sends them (seen on the wire): SPDP and the
 * stateless handshake messages (the peer may not be authenticated yet) and the volatile secure channel (its
 * submessages are protected with the Kx keys and carry the very tokens RTPS protection needs).
 */
function clearOnly(d: Buffer): boolean {
  let pos = RTPS_HEADER_SIZE;
  while (pos + SUBMESSAGE_HEADER_SIZE <= d.length) {
    const id = d[pos];
    const len = (d[pos + 1] & 1) !== 0 ? d.readUInt16LE(pos + 2) : d.readUInt16BE(pos + 2);
    if (id === SubmessageId.DATA && pos + DATA_WRITER_ID_AT + 4 <= d.length) {
      const writer = d.readUInt32BE(pos + DATA_WRITER_ID_AT);
      if (writer === EntityId.SPDP_WRITER || writer === EntityId.STATELESS_WRITER) return true;
    }
    const keyIdAt = pos + SUBMESSAGE_HEADER_SIZE + CryptoHeaderField.KEY_ID;
    if (id === SubmessageId.SEC_PREFIX && keyIdAt + 4 <= d.length && d.readUInt32BE(keyIdAt) === KX_KEY_ID) return true;
    if (len === 0) break;
    pos += SUBMESSAGE_HEADER_SIZE + len;
  }
  return false;
}

/** The receiver of the key `writer` announced for its data (its datawriter token), never the Kx key. */
function payloadReceiver(c: RemoteCrypto, writer: string, keyId: number): CryptoReceiver | undefined {
  const hit = c.payloadHit;
  if (hit && hit.at === c.tokensChanged && hit.keyId === keyId && hit.writer === writer) return hit.receiver;
  const token = c.tokens.find((t) => t.kind === 'datawriter' && t.source === writer && t.senderKeyId === keyId);
  const receiver = token && c.receivers.get(keyId);
  if (receiver) c.payloadHit = { writer, keyId, receiver, at: c.tokensChanged };
  return receiver;
}

export class AesGcmCryptography implements CryptographyPlugin {
  private ctx?: CryptographyContext;
  private readonly channel: VolatileChannel;
  private readonly keys: KeyExchange;
  /** Senders of our readers' protected ACKNACKs / NACK_FRAGs. */
  private readonly readerSenders = new Map<string, CryptoSender>();
  /** Protects whole messages with our participant key (rtps_protection_kind). */
  private messageSender?: CryptoSender;

  constructor(
    private readonly access: PermissionsAccessControl,
    private readonly peers: PeerTable,
    private readonly stats: AuthenticationStats,
    /** Our GUID prefix (hex). */
    private readonly ours: () => string,
  ) {
    this.channel = new VolatileChannel(ours, (prefixHex, submessages) => this.ctx!.sendSubmessages(prefixHex, submessages));
    this.keys = new KeyExchange(access.rule, ours, this.channel, stats);
  }

  start(ctx: CryptographyContext): void {
    this.ctx = ctx;
  }

  /**
   * The handshake verified the peer: the volatile secure channel's key material follows from it (no token), and
   * our tokens go out at once (the peer sends its own as soon as it is done, possibly before our permissions check
   * of it is).
   */
  registerRemote(p: SecurePeer, secret: SharedSecret, now: number): void {
    const kx = kxKeyMaterial(secret);
    const c: RemoteCrypto = { receivers: new Map([[KX_KEY_ID, new CryptoReceiver(kx, this.stats.crypto)]]), tokens: [], tokensChanged: 0, readerTokensSent: new Set(), kxSender: new CryptoSender(kx), channel: newChannelPeer() };
    p.crypto = c;
    this.keys.sendLocalTokens(p, c, now);
  }

  /** The peer failed or was revoked after its handshake: none of its keys opens anything any more, nothing more goes to it. */
  unregisterRemote(p: SecurePeer): void {
    p.crypto = undefined;
  }

  /** Crypto tokens an authenticated peer sent us. */
  cryptoTokens(prefixHex: string): ReceivedCryptoToken[] {
    return [...(this.peers.get(prefixHex)?.crypto?.tokens ?? [])];
  }

  /** The peer and its part, when its handshake is complete. */
  private remote(prefixHex: string): { p: SecurePeer; c: RemoteCrypto } | undefined {
    const p = this.peers.get(prefixHex);
    return p?.crypto ? { p, c: p.crypto } : undefined;
  }

  // ---- the volatile secure channel --------------------------------------------------------

  onVolatile(srcHex: string, payload: Buffer, _now?: number, sn?: number): void {
    const r = this.remote(srcHex);
    // Its sequence number counts for the channel's reliable protocol even when the payload is refused.
    if (r && sn !== undefined) this.channel.received(r.c, sn, sn);
    try {
      if (!r) throw new SecurityError('bad-token', 'volatile secure message from a participant not authenticated');
      const m = decodeGenericMessage(payload);
      if (!addressedTo(m, this.ours())) throw new SecurityError('bad-token', 'volatile secure message for another participant');
      this.keys.receive(r.p, r.c, m, Date.now());
    } catch (err) {
      this.stats.volatileDropped++;
      this.stats.lastError = reasonOf(err).slice(0, 500);
    }
  }

  onVolatileHeartbeat(srcHex: string, firstSN: number, lastSN: number, final: boolean): void {
    const r = this.remote(srcHex);
    if (r) this.channel.onHeartbeat(r.p, r.c, firstSN, lastSN, final);
  }

  onVolatileGap(srcHex: string, gapStart: number, gapList: SequenceNumberSet): void {
    const r = this.remote(srcHex);
    if (r) this.channel.onGap(r.c, gapStart, gapList);
  }

  onVolatileAckNack(srcHex: string, state: SequenceNumberSet, now: number): void {
    const r = this.remote(srcHex);
    if (r) this.channel.onAckNack(r.p, r.c, state, now);
  }

  tick(now: number): void {
    for (const p of this.peers.values()) if (p.crypto && p.crypto.channel.outbox.length > 0) this.channel.flush(p, p.crypto, now);
  }

  // ---- what we receive ----------------------------------------------------------------------

  unprotect(srcHex: string, buf: Buffer, at: number): Buffer | undefined {
    const c = this.peers.get(srcHex)?.crypto;
    const h = cryptoHeaderAt(buf, at);
    const keyId = h < 0 ? -1 : buf.readUInt32BE(h + CryptoHeaderField.KEY_ID);
    const r = c && h >= 0 ? c.receivers.get(keyId) : undefined;
    // The Kx key material (volatile secure channel) must also be of its kind.
    const usable = r && (keyId !== KX_KEY_ID || buf.readUInt32BE(h + CryptoHeaderField.KIND) === transformKindCode(KX_TRANSFORM));
    const plain = usable ? r.unprotectSubmessage(buf, at) : undefined;
    if (!plain) this.dropped(!usable);
    return plain;
  }

  requiresRtpsProtection(srcHex: string): boolean {
    const rule = this.access.rule;
    return !!rule && rule.rtpsProtectionKind !== 'NONE' && !!this.peers.get(srcHex)?.crypto;
  }

  openMessage(srcHex: string, datagram: Buffer): Buffer | undefined {
    const c = this.peers.get(srcHex)?.crypto;
    // The SRTPS_PREFIX follows the message header; its CryptoHeader follows the submessage header.
    const keyIdAt = RTPS_HEADER_SIZE + SUBMESSAGE_HEADER_SIZE + CryptoHeaderField.KEY_ID;
    const keyId = datagram.length >= keyIdAt + 4 ? datagram.readUInt32BE(keyIdAt) : KX_KEY_ID;
    const r = c && keyId !== KX_KEY_ID ? c.receivers.get(keyId) : undefined;
    const plain = r?.openMessage(datagram);
    if (!plain) this.dropped(!r);
    return plain;
  }

  decodePayload(srcHex: string, writerGuid: string, payload: Buffer): Buffer | undefined {
    const p = this.peers.get(srcHex);
    // A protected payload starts with its CryptoHeader.
    const keyIdAt = CryptoHeaderField.KEY_ID;
    const keyId = payload.length >= keyIdAt + 4 ? payload.readUInt32BE(keyIdAt) : KX_KEY_ID;
    // Payload keys come in datawriter tokens; only the Kx key does not, and it protects no payload.
    const r = p?.crypto && keyId !== KX_KEY_ID ? payloadReceiver(p.crypto, writerGuid, keyId) : undefined;
    const plain = r?.decodePayload(payload);
    if (!plain) this.dropped(!r);
    return plain;
  }

  // ---- what we send -------------------------------------------------------------------------

  protectMessage(datagram: Buffer, always = false): Buffer | undefined {
    const rule = this.access.rule;
    if (!rule || rule.rtpsProtectionKind === 'NONE' || (!always && clearOnly(datagram))) return undefined;
    // Whole messages with our participant key (its token went to every authenticated peer).
    return (this.messageSender ??= new CryptoSender(this.keys.participantKey)).protectMessage(datagram);
  }

  builtinProtect(entityId: number): ((submessage: Buffer) => Buffer) | undefined {
    // The secure participant-message endpoints follow liveliness_protection_kind, secure SEDP discovery_protection_kind.
    const liveliness = entityId === EntityId.PARTICIPANT_MESSAGE_SECURE_WRITER || entityId === EntityId.PARTICIPANT_MESSAGE_SECURE_READER;
    const rule = this.access.rule;
    const kind = liveliness ? rule?.livelinessProtectionKind : rule?.discoveryProtectionKind;
    if (!kind || kind === 'NONE') return undefined;
    const sender = new CryptoSender(this.keys.builtinKey(entityId, transformFor(kind)));
    return (submessage) => sender.protectSubmessage(submessage);
  }

  writerTransforms(writerGuid: string, topic: string): { encodePayload?: (payload: Buffer) => Buffer; protect?: (submessage: Buffer) => Buffer } | undefined {
    const t = this.access.topicRule(topic);
    if (!t || (t.dataProtectionKind === 'NONE' && t.metadataProtectionKind === 'NONE')) return undefined;
    const keys = this.keys.writerKeysFor(writerGuid, t);
    const sender = new CryptoSender(keys.submessage);
    const payloadSender = keys.payload === keys.submessage ? sender : new CryptoSender(keys.payload);
    return {
      encodePayload: t.dataProtectionKind === 'ENCRYPT' ? (payload) => payloadSender.protectPayload(payload) : undefined,
      protect: t.metadataProtectionKind !== 'NONE' ? (submessage) => sender.protectSubmessage(submessage) : undefined,
    };
  }

  localEndpointClosed(guid: string): void {
    this.readerSenders.delete(guid);
    this.keys.localEndpointClosed(guid);
    const prefix = `${guid}:`;
    for (const p of this.peers.values()) {
      const sent = p.crypto?.readerTokensSent;
      if (sent) for (const pair of sent) if (pair.startsWith(prefix)) sent.delete(pair);
    }
  }

  /**
   * What the key exchange holds (diagnostics): our endpoints' keys and, per authenticated peer, the keys it sent us
   * and the (our reader, its writer) pairs whose token went to it. Each follows the endpoints that exist, not those
   * that ever existed.
   */
  keyCounts(): { local: number; peers: Record<string, { received: number; readerTokensSent: number }> } {
    const peers: Record<string, { received: number; readerTokensSent: number }> = {};
    for (const [prefix, p] of this.peers) if (p.crypto) peers[prefix] = { received: p.crypto.receivers.size - 1, readerTokensSent: p.crypto.readerTokensSent.size };
    return { local: this.keys.localKeyCount, peers };
  }

  remoteEndpointGone(endpointGuid: string): void {
    const r = this.remote(guidPrefixOf(endpointGuid));
    if (r) this.keys.endpointGone(r.c, endpointGuid);
  }

  writerMatched(writerGuid: string, readerGuid: string): void {
    const r = this.remote(guidPrefixOf(readerGuid));
    if (r) this.keys.writerMatched(r.p, r.c, writerGuid, readerGuid, Date.now());
  }

  protectReaderSubmessage(readerGuid: string, topic: string, submessage: Buffer): Buffer | undefined {
    const t = this.access.topicRule(topic);
    if (!t || t.metadataProtectionKind === 'NONE') return undefined;
    const sender = this.readerSenders.get(readerGuid) ?? setBounded(this.readerSenders, readerGuid, new CryptoSender(this.keys.readerKey(readerGuid, t.metadataProtectionKind === 'SIGN' ? 'AES256_GMAC' : 'AES256_GCM')));
    return sender.protectSubmessage(submessage);
  }

  /** Counts a dropped secured run, message or payload (a receiver that saw it counted its reason already). */
  private dropped(noKey: boolean): void {
    this.stats.securedDropped++;
    if (noKey) this.stats.noKey++;
  }
}
