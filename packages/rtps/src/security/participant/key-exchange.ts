// The crypto key exchange (DDS-Security 1.1 §8.5.1.8, §9.5.2.1 CryptoKeyExchange): our key material for the
// participant and each protected endpoint, sent to authenticated peers as crypto tokens over the volatile secure
// channel, and the peers' tokens made into receivers of what they protect.
import { randomBytes } from 'node:crypto';
import { SECURE_BUILTIN_PAIRS } from '../../discovery-sedp.js';
import { guidToBytes, isWriterEntity, makeGuid } from '../../guid.js';
import type { DomainRule, TopicRule } from '../access/governance.js';
import { cryptoToken, keyMaterialOf, newKeyMaterial, type KeyMaterial, type TransformKind } from '../crypto/key-material.js';
import { CryptoReceiver, type CryptoStats } from '../crypto/transform.js';
import { SecurityError } from '../errors.js';
import { ZERO_GUID, type GenericMessage } from './generic-message.js';
import type { ReceivedCryptoToken, RemoteCrypto, SecurePeer } from './peers.js';
import type { VolatileChannel } from './volatile-channel.js';

/** ParticipantVolatileMessageSecure message classes (DDS-Security 1.1 §7.4.4.6). */
const CRYPTO_TOKENS_CLASS = {
  participant: 'dds.sec.participant_crypto_tokens',
  datawriter: 'dds.sec.datawriter_crypto_tokens',
  datareader: 'dds.sec.datareader_crypto_tokens',
} as const;

/**
 * Crypto keys accepted per peer, and our reader tokens sent back to it, at most. A ROS 2 process is one participant
 * however many nodes it runs, each node with its own protected rosout and parameter-event writers (one or two keys
 * each) and services: the 64 this once was left a component container's endpoints past them unreadable for good.
 * Keys of an endpoint the peer disposed are forgotten (endpointGone), so a long-lived peer's churn does not fill it.
 */
const MAX_KEYS_PER_PEER = 2048;
/** Keys and senders of our own endpoints kept at once; the oldest goes first (endpoints are created by us, not by peers). */
const MAX_LOCAL_ENDPOINT_KEYS = 4096;
/** The peer's endpoint each of our secure builtin endpoints pairs with (the pairs the participant links). */
const COUNTERPART = new Map<number, number>(SECURE_BUILTIN_PAIRS.map((pair) => [pair.local, pair.remote]));

/** Sets `key` in `map`, first evicting the oldest entry when the map is full. */
export function setBounded<K, V>(map: Map<K, V>, key: K, value: V): V {
  if (!map.has(key) && map.size >= MAX_LOCAL_ENDPOINT_KEYS) map.delete(map.keys().next().value!);
  map.set(key, value);
  return value;
}

/** A fresh sender key id (odd, so never 0: key id 0 is the Kx key material's). */
const randomKeyId = (): number => (randomBytes(4).readUInt32BE(0) | 1) >>> 0;

/** The transformation for a protection kind: GCM where it encrypts, GMAC where it signs. */
export const transformFor = (kind: string): TransformKind => (kind.startsWith('ENCRYPT') ? 'AES256_GCM' : 'AES256_GMAC');

export class KeyExchange {
  /** Our participant key (participantKey). */
  private participantKeyMaterial?: KeyMaterial;
  /** Our secure SEDP and participant-message endpoints' keys (their tokens go to every authenticated peer). */
  private readonly builtinKeys: { entityId: number; km: KeyMaterial }[] = [];
  private readonly readerKeys = new Map<string, KeyMaterial>();
  /** Our writers' keys: one, or the submessage key then the payload key when their kinds differ. */
  private readonly writerKeys = new Map<string, KeyMaterial[]>();

  constructor(
    private readonly rule: DomainRule | undefined,
    /** Our GUID prefix (hex). */
    private readonly ours: () => string,
    private readonly channel: VolatileChannel,
    private readonly stats: { cryptoTokens: number; crypto: CryptoStats },
  ) {}

  /**
   * Our participant key (participant crypto token): protects whole messages (rtps_protection_kind), so its kind is
   * that protection's: GMAC for SIGN, GCM for ENCRYPT. Cyclone DDS 0.10.2 refuses an encrypted message where the
   * governance says SIGN ("message is encrypted, which is unexpected"); Fast DDS 2.9.1 takes either. Secure SEDP has
   * keys of its own (builtinKey). Without RTPS protection: GCM when the governance encrypts anything.
   */
  get participantKey(): KeyMaterial {
    const r = this.rule;
    const rtps = r?.rtpsProtectionKind ?? 'NONE';
    const encrypting = rtps !== 'NONE' ? rtps.startsWith('ENCRYPT') : [r?.discoveryProtectionKind, r?.livelinessProtectionKind].some((k) => k?.startsWith('ENCRYPT'));
    return (this.participantKeyMaterial ??= newKeyMaterial(encrypting ? 'AES256_GCM' : 'AES256_GMAC', randomKeyId()));
  }

  /** Our key material for one local reader (its token is what the peers' writers wait for). */
  readerKey(readerGuid: string, kind: TransformKind = 'AES256_GCM'): KeyMaterial {
    return this.readerKeys.get(readerGuid) ?? setBounded(this.readerKeys, readerGuid, newKeyMaterial(kind, randomKeyId()));
  }

  /** One of our endpoints closed: its key goes (a new endpoint has a new GUID and a new key). */
  localEndpointClosed(guid: string): void {
    this.readerKeys.delete(guid);
    this.writerKeys.delete(guid);
  }

  /** Our endpoints' keys held (diagnostics). */
  get localKeyCount(): number {
    return this.readerKeys.size + this.writerKeys.size;
  }

  /** The key of one of our secure builtin endpoints (its token goes to each authenticated peer's counterpart). */
  builtinKey(entityId: number, transform: TransformKind): KeyMaterial {
    const guid = makeGuid(this.ours(), entityId);
    const km = isWriterEntity(entityId) ? newKeyMaterial(transform, randomKeyId()) : this.readerKey(guid, transform);
    if (isWriterEntity(entityId)) this.writerKeys.set(guid, [km]);
    this.builtinKeys.push({ entityId, km });
    return km;
  }

  /**
   * The keys of our writer on a protected topic: signed submessages need a GMAC key (Cyclone DDS refuses encrypted
   * ones where the governance says SIGN), an encrypted payload a GCM key: one key when both agree, else two, sent
   * in one token (submessage key first).
   */
  writerKeysFor(writerGuid: string, t: TopicRule): { submessage: KeyMaterial; payload: KeyMaterial } {
    const submessageKind: TransformKind = t.metadataProtectionKind === 'SIGN' ? 'AES256_GMAC' : 'AES256_GCM';
    const main = newKeyMaterial(t.dataProtectionKind === 'ENCRYPT' && t.metadataProtectionKind === 'NONE' ? 'AES256_GCM' : submessageKind, randomKeyId());
    const payload = t.dataProtectionKind === 'ENCRYPT' && main.kind !== 'AES256_GCM' ? newKeyMaterial('AES256_GCM', randomKeyId()) : main;
    setBounded(this.writerKeys, writerGuid, payload === main ? [main] : [main, payload]);
    return { submessage: main, payload };
  }

  /** After the handshake: our participant token, and our secure builtin endpoints' keys to the peer's counterparts (their tokens come to us likewise). */
  sendLocalTokens(p: SecurePeer, c: RemoteCrypto, now: number): void {
    this.channel.queue(p, c, { classId: CRYPTO_TOKENS_CLASS.participant, destinationEndpoint: ZERO_GUID, sourceEndpoint: ZERO_GUID, data: [cryptoToken(this.participantKey)] }, now);
    for (const { entityId, km } of this.builtinKeys) {
      const own = guidToBytes(makeGuid(this.ours(), entityId));
      const theirs = guidToBytes(makeGuid(p.prefixHex, COUNTERPART.get(entityId >>> 0)!));
      const isWriter = isWriterEntity(entityId);
      if (!isWriter) c.readerTokensSent.add(`${own.toString('hex')}:${theirs.toString('hex')}`);
      this.channel.queue(p, c, { classId: isWriter ? CRYPTO_TOKENS_CLASS.datawriter : CRYPTO_TOKENS_CLASS.datareader, destinationEndpoint: theirs, sourceEndpoint: own, data: [cryptoToken(km)] }, now);
    }
  }

  /** Our protected writer matched a reader of the peer: the writer's keys go to it. */
  writerMatched(p: SecurePeer, c: RemoteCrypto, writerGuid: string, readerGuid: string, now: number): void {
    const keys = this.writerKeys.get(writerGuid);
    if (!keys) return;
    this.channel.queue(p, c, { classId: CRYPTO_TOKENS_CLASS.datawriter, destinationEndpoint: guidToBytes(readerGuid), sourceEndpoint: guidToBytes(writerGuid), data: keys.map(cryptoToken) }, now);
  }

  /**
   * The peer disposed one of its endpoints (through its protected discovery): the keys it sent for it open nothing
   * more, and our reader tokens to it count as not sent, so an endpoint made again under that GUID pairs afresh.
   */
  endpointGone(c: RemoteCrypto, endpointGuid: string): void {
    const kept: ReceivedCryptoToken[] = [];
    const gone: ReceivedCryptoToken[] = [];
    for (const t of c.tokens) (t.kind !== 'participant' && t.source === endpointGuid ? gone : kept).push(t);
    if (gone.length > 0) {
      c.tokens = kept;
      // Key id 0 is the Kx keys', never an endpoint's; a key id another token still names stays.
      for (const t of gone) if (t.senderKeyId !== 0 && !c.tokens.some((o) => o.senderKeyId === t.senderKeyId)) c.receivers.delete(t.senderKeyId);
      c.tokensChanged++;
    }
    const suffix = `:${endpointGuid}`;
    for (const pair of c.readerTokensSent) if (pair.endsWith(suffix)) c.readerTokensSent.delete(pair);
  }

  /** A token message of the peer (already addressed to us): each key becomes a receiver. Throws SecurityError. */
  receive(p: SecurePeer, c: RemoteCrypto, m: GenericMessage, now: number): void {
    const kind = (Object.keys(CRYPTO_TOKENS_CLASS) as (keyof typeof CRYPTO_TOKENS_CLASS)[]).find((k) => CRYPTO_TOKENS_CLASS[k] === m.classId);
    if (!kind) throw new SecurityError('bad-token', `volatile secure message class '${m.classId.slice(0, 64)}' is not a crypto token class`);
    for (const token of m.data) this.addKey(p, c, kind, keyMaterialOf(token), m, now);
  }

  private addKey(p: SecurePeer, c: RemoteCrypto, kind: ReceivedCryptoToken['kind'], km: KeyMaterial, m: GenericMessage, now: number): void {
    const source = (kind === 'participant' ? p.guid : m.sourceEndpoint).toString('hex');
    // A token message may hold several keys for one endpoint (Fast DDS: one for submessages, one for payloads).
    const existing = c.tokens.findIndex((t) => t.kind === kind && t.source === source && t.senderKeyId === km.senderKeyId);
    if (existing >= 0) c.tokens.splice(existing, 1);
    else if (c.receivers.size >= MAX_KEYS_PER_PEER) throw new SecurityError('too-large', `more than ${MAX_KEYS_PER_PEER} crypto keys from one participant`);
    // A NONE key (e.g. the participant key when rtps_protection_kind is NONE) protects nothing: no receiver.
    if (km.kind !== 'NONE' && km.senderKeyId !== 0) c.receivers.set(km.senderKeyId, new CryptoReceiver(km, this.stats.crypto));
    c.tokens.push({ kind, source, destination: m.destinationEndpoint.toString('hex'), transformation: km.kind, senderKeyId: km.senderKeyId });
    c.tokensChanged++;
    this.stats.cryptoTokens++;
    // A remote writer's key for one of our readers: answer with that reader's token (the writer pairs with
    // the reader only once it has it).
    if (kind !== 'datawriter') return;
    const pair = `${m.destinationEndpoint.toString('hex')}:${source}`;
    if (c.readerTokensSent.has(pair) || c.readerTokensSent.size >= MAX_KEYS_PER_PEER) return;
    c.readerTokensSent.add(pair);
    // The key's kind follows the writer's: GMAC for signed submessages, GCM otherwise.
    const readerKind: TransformKind = km.kind === 'AES256_GMAC' || km.kind === 'AES128_GMAC' ? 'AES256_GMAC' : 'AES256_GCM';
    const key = this.readerKey(m.destinationEndpoint.toString('hex'), readerKind);
    this.channel.queue(p, c, { classId: CRYPTO_TOKENS_CLASS.datareader, destinationEndpoint: m.sourceEndpoint, sourceEndpoint: m.destinationEndpoint, data: [cryptoToken(key)] }, now);
  }
}
