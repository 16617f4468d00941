// DDS-Security on the participant, phase 2a: authentication on the wire (DDS-Security 1.1 §8.8.2, §9.3).
// Implements the participant's security seam (../../participant-security.ts):
//   - GUID prefix bound to the identity certificate (adjustedGuidPrefix);
//   - SPDP: PID_IDENTITY_TOKEN, PID_PERMISSIONS_TOKEN, PID_PARTICIPANT_SECURITY_INFO, builtin endpoint bits of
//     the stateless message endpoints;
//   - the PKI-DH handshake over ParticipantStatelessMessage (best effort, so every message is resent until the
//     next one arrives): the participant with the smaller GUID initiates (as Fast DDS 2.9.1 does, seen on the
//     wire), the other replies;
//   - then the remote permissions: c.perm S/MIME-verified with our permissions CA, a valid grant for the peer
//     certificate's subject, and the governance's join rule (AccessControl.mayJoin).
// A remote participant is matched (its builtin endpoints linked) only after all of that; one that fails is
// never matched and its reason is kept (peerStatus()). Everything from the network is bounded and a malformed
// message is counted and dropped, never thrown into the receive path.
import { randomBytes, type X509Certificate } from 'node:crypto';
import type { LocalEndpointRefusal, ParticipantSecurity, SecurityContext, SecurityRemote, SpdpParameter } from '../../participant-security.js';
import { SECURITY_PID } from '../../discovery-spdp-data.js';
import { SECURE_BUILTIN_PAIRS } from '../../discovery-sedp.js';
import { EntityId } from '../../guid.js';
import { ByteWriter } from '../../byte-writer.js';
import { AccessControl } from '../access/evaluator.js';
import type { DomainRule } from '../access/governance.js';
import { parsePermissions, type Grant } from '../access/permissions.js';
import { verifySmime } from '../access/smime.js';
import { decodeDataHolder, writeDataHolder, type DataHolder } from '../data-holder.js';
import { SecurityError } from '../errors.js';
import { HANDSHAKE_FINAL_CLASS, HANDSHAKE_REPLY_CLASS, HANDSHAKE_REQUEST_CLASS, HandshakeInitiator, HandshakeReplier, type HandshakeResult, type SharedSecret } from '../auth/handshake.js';
import { adjustedGuidPrefix, type Identity } from '../auth/identity.js';
import { checkIdentityToken, identityToken, permissionsToken } from '../auth/tokens.js';
import { ByteWriter as SubmessageWriter } from '../../byte-writer.js';
import { encodeData } from '../../submessages/data.js';
import { encodeAckNack } from '../../submessages/acknack.js';
import { encodeHeartbeat } from '../../submessages/heartbeat.js';
import type { SequenceNumberSet } from '../../sequence-number.js';
import { cryptoHeaderAt, CryptoReceiver, CryptoSender, newCryptoStats, type CryptoStats } from '../crypto/transform.js';
import { cryptoToken, keyMaterialOf, kxKeyMaterial, newKeyMaterial, transformKindCode, type KeyMaterial, type TransformKind } from '../crypto/key-material.js';
import { AUTH_MESSAGE_CLASS, decodeGenericMessage, encodeGenericMessage, NO_IDENTITY, sameIdentity, snBytes, ZERO_GUID, type GenericMessage, type MessageIdentity } from './generic-message.js';

/** PID_BUILTIN_ENDPOINT_SET bits of the DDS-Security builtin endpoints (DDS-Security 1.1 §7.4.7.1). */
export const SecureBuiltinEndpoint = {
  PUBLICATIONS_SECURE_WRITER: 1 << 16,
  PUBLICATIONS_SECURE_READER: 1 << 17,
  SUBSCRIPTIONS_SECURE_WRITER: 1 << 18,
  SUBSCRIPTIONS_SECURE_READER: 1 << 19,
  PARTICIPANT_MESSAGE_SECURE_WRITER: 1 << 20,
  PARTICIPANT_MESSAGE_SECURE_READER: 1 << 21,
  PARTICIPANT_STATELESS_MESSAGE_WRITER: 1 << 22,
  PARTICIPANT_STATELESS_MESSAGE_READER: 1 << 23,
  PARTICIPANT_VOLATILE_MESSAGE_SECURE_WRITER: 1 << 24,
  PARTICIPANT_VOLATILE_MESSAGE_SECURE_READER: 1 << 25,
  PARTICIPANT_SECURE_WRITER: 1 << 26,
  PARTICIPANT_SECURE_READER: 1 << 27,
} as const;

const STATELESS_WRITER = 0x000201c3;
const VOLATILE_WRITER = 0xff0202c3;
const VOLATILE_READER = 0xff0202c4;
const PARTICIPANT_ENTITY = 0x000001c1;
const IS_VALID = 0x80000000;

export type PeerAuthState = 'queued' | 'waiting-request' | 'handshake' | 'checking-permissions' | 'authenticated' | 'failed';

/** What authentication says about one remote participant (for /health and tests). */
export interface PeerAuthStatus {
  guidPrefix: string;
  state: PeerAuthState;
  role: 'initiator' | 'replier';
  /** Why it failed (state `failed`), or the last message refused while the handshake goes on. */
  reason?: string;
  /** The peer certificate's subject once the handshake verified it. */
  subject?: string;
  since: number;
  /**
   * Endpoints of this (authenticated) participant refused on their topic, first ones first (at most
   * {@link MAX_REFUSED_ENDPOINTS_LISTED}); absent while none was.
   */
  refusedEndpoints?: RefusedEndpoint[];
  /** Distinct endpoints refused in all (the list holds the first of them; counting stops at {@link MAX_REFUSED_ENDPOINTS_COUNTED}). */
  refusedEndpointCount?: number;
}

/** An endpoint of a remote participant that is not matched because of its topic (permissions, governance). */
export interface RefusedEndpoint {
  kind: 'writer' | 'reader';
  /** The DDS topic name (`rt/chatter`, `rq/add_two_intsRequest`, ...). */
  topic: string;
  reason: string;
}

/** Refused endpoints listed per peer. */
export const MAX_REFUSED_ENDPOINTS_LISTED = 16;
/** Distinct refused endpoints counted per peer (the key set kept to count them is bounded by it). */
export const MAX_REFUSED_ENDPOINTS_COUNTED = 256;

/** ParticipantVolatileMessageSecure message classes (DDS-Security 1.1 §7.4.4.6). */
export const CRYPTO_TOKENS_CLASS = {
  participant: 'dds.sec.participant_crypto_tokens',
  datawriter: 'dds.sec.datawriter_crypto_tokens',
  datareader: 'dds.sec.datareader_crypto_tokens',
} as const;

/** A crypto token received from an authenticated participant. */
export interface ReceivedCryptoToken {
  kind: 'participant' | 'datawriter' | 'datareader';
  /** The remote endpoint the key belongs to (participant GUID for participant tokens), 32 hex. */
  source: string;
  /** Our endpoint it is meant for (zero GUID when for the participant). */
  destination: string;
  transformation: TransformKind;
  senderKeyId: number;
}

/** The peer's endpoint each of our secure builtin endpoints pairs with (the pairs the participant links). */
const COUNTERPART = new Map<number, number>(SECURE_BUILTIN_PAIRS.map((pair) => [pair.local, pair.remote]));
/** The longest wait before a handshake that timed out is tried again (ms). */
const MAX_RETRY_MS = 300_000;
/** Crypto tokens and secured runs kept per peer, at most. */
const MAX_KEYS_PER_PEER = 64;
/** Sequence numbers of a peer's volatile writer tracked above the contiguous ones (and NACKed at once), at most. */
const VOLATILE_WINDOW = 256;
/** Resends of a token message nobody acknowledges or asks for (0, 0.2, 1, 3, 7, 15 s), then it is given up. */
const VOLATILE_RESENDS_MS = [200, 800, 2000, 4000, 8000];
/** Keys and senders of our own endpoints kept at once; the oldest goes first (endpoints are created by us, not by peers). */
const MAX_LOCAL_ENDPOINT_KEYS = 4096;

/** Sets `key` in `map`, first evicting the oldest entry when the map is full. */
function setBounded<K, V>(map: Map<K, V>, key: K, value: V): V {
  if (!map.has(key) && map.size >= MAX_LOCAL_ENDPOINT_KEYS) map.delete(map.keys().next().value!);
  map.set(key, value);
  return value;
}

export interface AuthenticationStats {
  /** ParticipantStatelessMessages received. */
  received: number;
  /** ... that did not decode or broke a handshake rule (dropped). */
  malformed: number;
  /** ... from a participant not (yet) in the table, or not addressed to us (dropped). */
  ignored: number;
  handshakesStarted: number;
  authenticated: number;
  failed: number;
  /** Of `failed`: authenticated peers whose certificate or grant ran out while they were (see SecureParticipant.tick). */
  revoked: number;
  /** Crypto tokens accepted from authenticated participants. */
  cryptoTokens: number;
  /** Volatile-secure messages dropped (malformed, not for us, from an unauthenticated source). */
  volatileDropped: number;
  /** Secured submessage runs, messages and payloads dropped: no key for them (unauthenticated source, unknown key id) or failed checks. */
  securedDropped: number;
  /** Of securedDropped: no receiver for them (source not authenticated, a key id it never sent us, a payload of a writer without token). */
  noKey: number;
  /**
   * What the peers' keys made of what reached them: accepted, and dropped by reason (malformed framing, tampered
   * (MAC or tag does not verify), replayed (an IV seen before), unknownKey (another transformation kind)).
   */
  crypto: CryptoStats;
  lastError?: string;
}

export interface ParticipantSecurityOptions {
  identity: Identity;
  /** The signed permissions document (permissions.p7s text), sent as c.perm. */
  permissionsDocument: string;
  permissionsCa: X509Certificate;
  /** Our governance and permissions. */
  access: AccessControl;
  domainId: number;
  /** Handshakes holding key-agreement state at once (default 32); more wait their turn. */
  maxHandshakes?: number;
  /** First resend of an unanswered handshake message (ms, default 500); doubles up to 4 s. */
  resendMs?: number;
  /** A handshake not complete after this fails (ms, default 20 s). */
  handshakeTimeoutMs?: number;
  /**
   * A handshake that timed out with nothing refused on the way (its messages were lost) is tried again after this
   * long (ms, default 5 s), doubling up to 5 minutes; one that refused something stays failed.
   */
  handshakeRetryMs?: number;
  /** Clock for certificate and grant validity (tests). */
  now?: () => Date;
  /** Told each time a remote participant's state changes. */
  onPeer?: (status: PeerAuthStatus) => void;
}

interface Peer {
  prefixHex: string;
  guid: Buffer;
  status: PeerAuthStatus;
  initiator?: HandshakeInitiator;
  replier?: HandshakeReplier;
  /** The last handshake message we sent and its identity (resent until answered). */
  out?: { payload: Buffer; identity: MessageIdentity };
  /** The payload of the last request/reply we answered: a duplicate gets the same answer again. */
  answered?: Buffer;
  answer?: Buffer;
  resends: number;
  nextResendAt: number;
  startedAt: number;
  /** Replier: no new request is processed before this (CPU bound on forged requests). */
  quietUntil: number;
  result?: HandshakeResult;
  /** Its permissions, once verified (remote endpoints are checked against them). */
  access?: AccessControl;
  /** Our side of the volatile secure channel to it (Kx keys). */
  kxSender?: CryptoSender;
  /** Sequence number of our last volatile secure message to it. */
  volatileSn: number;
  /** Our token messages to it not yet acknowledged (its ACKNACKs take them out or ask for them again). */
  outbox: { sn: number; data: Buffer; sends: number; nextAt: number }[];
  /** HEARTBEATs of our volatile writer to it. */
  volatileHbCount: number;
  /** What we received of its volatile writer: every SN up to `upTo`, and these above it (at most VOLATILE_WINDOW). */
  volatileIn: { upTo: number; above: Set<number>; acks: number };
  /** (our reader, its writer) pairs whose datareader token went out. */
  readerTokensSent: Set<string>;
  /** Keys (`kind topic`) of its endpoints refused on their topic, bounded by MAX_REFUSED_ENDPOINTS_COUNTED. */
  refusedKeys: Set<string>;
  /** Receivers for the peer's protected submessages, by transformation key id (0: the Kx keys). */
  receivers: Map<number, CryptoReceiver>;
  tokens: ReceivedCryptoToken[];
  /**
   * The receiver decodePayload found last for a writer and key id (it runs for every sample; `tokens` is a list),
   * valid while `tokens` is the same: `tokensChanged` counts its changes.
   */
  payloadHit?: { writer: string; keyId: number; receiver: CryptoReceiver; at: number };
  tokensChanged: number;
  /** A handshake that only timed out is tried again at this time (see handshakeRetryMs); `retries` so far. */
  retryAt?: number;
  retries: number;
  /** Once authenticated: when its certificate or its grant ends (ms since the epoch) and which does, first. */
  validUntil?: { at: number; what: string };
}

/** When an authenticated peer stops being valid: the end of its certificate or of its grant, whichever comes first. */
function validityEnd(cert: X509Certificate, grant: Grant | undefined): { at: number; what: string } {
  const certEnd = Date.parse(cert.validTo);
  if (grant && grant.notAfter.getTime() < certEnd) return { at: grant.notAfter.getTime(), what: `permissions grant '${grant.name.slice(0, 64)}' ended` };
  return { at: certEnd, what: 'identity certificate ended' };
}

/** The receiver of the key `writer` announced for its data (its datawriter token), never the Kx key (id 0). */
function payloadReceiver(p: Peer, writer: string, keyId: number): CryptoReceiver | undefined {
  const hit = p.payloadHit;
  if (hit && hit.at === p.tokensChanged && hit.keyId === keyId && hit.writer === writer) return hit.receiver;
  const token = p.tokens.find((t) => t.kind === 'datawriter' && t.source === writer && t.senderKeyId === keyId);
  const receiver = token && p.receivers.get(keyId);
  if (receiver) p.payloadHit = { writer, keyId, receiver, at: p.tokensChanged };
  return receiver;
}

/** Protection bits of PID_PARTICIPANT_SECURITY_INFO for a domain rule (DDS-Security 1.1 §7.4.1.5, §9.4.2.4). */
export function participantSecurityInfo(rule: DomainRule | undefined): { attributes: number; pluginAttributes: number } {
  let attributes = IS_VALID;
  let plugin = IS_VALID;
  if (rule) {
    const kinds = [rule.rtpsProtectionKind, rule.discoveryProtectionKind, rule.livelinessProtectionKind];
    kinds.forEach((k, i) => {
      if (k === 'NONE') return;
      attributes |= 1 << i;
      if (k.startsWith('ENCRYPT')) plugin |= 1 << i;
      if (k.endsWith('ORIGIN_AUTHENTICATION')) plugin |= 1 << (i + 3);
    });
  }
  return { attributes: attributes >>> 0, pluginAttributes: plugin >>> 0 };
}

function holderParameter(pid: number, h: DataHolder, le: boolean): SpdpParameter {
  const w = new ByteWriter(256, le);
  writeDataHolder(w, h);
  return { pid, body: w.finish() };
}

/** The handshake verified the peer (its permissions may still be under check). */
const handshakeComplete = (p: { status: { state: PeerAuthState } }): boolean => p.status.state === 'authenticated' || p.status.state === 'checking-permissions';

/**
 * Datagrams that stay outside RTPS protection, as Fast DDS 2.9.1 sends them (seen on the wire): SPDP and the
 * stateless handshake messages (the peer may not be authenticated yet) and the volatile secure channel (its
 * submessages are protected with the Kx keys, key id 0, and carry the very tokens RTPS protection needs).
 */
function clearOnly(d: Buffer): boolean {
  let pos = 20;
  while (pos + 4 <= d.length) {
    const id = d[pos];
    const len = (d[pos + 1] & 1) !== 0 ? d.readUInt16LE(pos + 2) : d.readUInt16BE(pos + 2);
    if (id === 0x15 && pos + 16 <= d.length) {
      const writer = d.readUInt32BE(pos + 12);
      if (writer === 0x000100c2 || writer === 0x000201c3) return true;
    }
    if (id === 0x31 && pos + 12 <= d.length && d.readUInt32BE(pos + 8) === 0) return true;
    if (len === 0) break;
    pos += 4 + len;
  }
  return false;
}

const randomKeyId = (): number => (randomBytes(4).readUInt32BE(0) | 1) >>> 0;

const reasonOf = (err: unknown): string => (err instanceof SecurityError ? `${err.reason}: ${err.message}` : err instanceof Error ? err.message : String(err));

/** DDS-Security for a participant: pass it as ParticipantOptions.security. */
export class SecureParticipant implements ParticipantSecurity {
  private readonly baseBuiltinEndpoints =
    SecureBuiltinEndpoint.PARTICIPANT_STATELESS_MESSAGE_WRITER |
    SecureBuiltinEndpoint.PARTICIPANT_STATELESS_MESSAGE_READER |
    SecureBuiltinEndpoint.PUBLICATIONS_SECURE_WRITER |
    SecureBuiltinEndpoint.PUBLICATIONS_SECURE_READER |
    SecureBuiltinEndpoint.SUBSCRIPTIONS_SECURE_WRITER |
    SecureBuiltinEndpoint.SUBSCRIPTIONS_SECURE_READER |
    SecureBuiltinEndpoint.PARTICIPANT_VOLATILE_MESSAGE_SECURE_WRITER |
    SecureBuiltinEndpoint.PARTICIPANT_VOLATILE_MESSAGE_SECURE_READER |
    SecureBuiltinEndpoint.PARTICIPANT_SECURE_WRITER;
  readonly stats: AuthenticationStats = { received: 0, malformed: 0, ignored: 0, handshakesStarted: 0, authenticated: 0, failed: 0, revoked: 0, cryptoTokens: 0, volatileDropped: 0, securedDropped: 0, noKey: 0, crypto: newCryptoStats() };
  private ctx?: SecurityContext;
  private prefix?: Buffer;
  private readonly peers = new Map<string, Peer>();
  private active = 0;
  private sn = 0;
  private closed = false;
  private readonly rule: DomainRule | undefined;
  readonly builtinEndpoints: number;
  readonly livelinessProtected: boolean;
  private readonly maxHandshakes: number;
  private readonly retryMs: number;
  private readonly resendMs: number;
  private readonly timeoutMs: number;
  private readonly clock: () => Date;

  constructor(private readonly opts: ParticipantSecurityOptions) {
    this.rule = opts.access.domainRule(opts.domainId);
    this.livelinessProtected = !!this.rule && this.rule.livelinessProtectionKind !== 'NONE';
    // The secure participant-message endpoints exist where the governance protects liveliness (as in Fast DDS).
    this.builtinEndpoints = this.livelinessProtected
      ? this.baseBuiltinEndpoints | SecureBuiltinEndpoint.PARTICIPANT_MESSAGE_SECURE_WRITER | SecureBuiltinEndpoint.PARTICIPANT_MESSAGE_SECURE_READER
      : this.baseBuiltinEndpoints;
    this.maxHandshakes = Math.max(1, opts.maxHandshakes ?? 32);
    this.resendMs = Math.max(10, opts.resendMs ?? 500);
    this.timeoutMs = Math.max(100, opts.handshakeTimeoutMs ?? 20_000);
    this.retryMs = Math.max(100, opts.handshakeRetryMs ?? 5_000);
    this.clock = opts.now ?? (() => new Date());
  }

  /** Governance says unauthenticated participants may join this domain (they are matched without a handshake). */
  get allowUnauthenticated(): boolean {
    return this.rule?.allowUnauthenticatedParticipants ?? false;
  }

  guidPrefix(candidate: Buffer): Buffer {
    this.prefix = Buffer.from(adjustedGuidPrefix(this.opts.identity.cert, candidate));
    return this.prefix;
  }

  spdpParameters(le: boolean): SpdpParameter[] {
    const info = participantSecurityInfo(this.rule);
    const w = new ByteWriter(8, le);
    w.u32(info.attributes).u32(info.pluginAttributes);
    return [
      holderParameter(SECURITY_PID.IDENTITY_TOKEN, identityToken(this.opts.identity), le),
      holderParameter(SECURITY_PID.PERMISSIONS_TOKEN, permissionsToken(this.opts.permissionsCa), le),
      { pid: SECURITY_PID.PARTICIPANT_SECURITY_INFO, body: w.finish() },
    ];
  }

  start(ctx: SecurityContext): void {
    this.ctx = ctx;
    this.prefix ??= Buffer.from(ctx.prefixHex, 'hex');
  }

  /** Authentication state of every remote participant in the table. */
  peerStatus(): PeerAuthStatus[] {
    return [...this.peers.values()].map((p) => ({ ...p.status, ...(p.status.refusedEndpoints ? { refusedEndpoints: [...p.status.refusedEndpoints] } : {}) }));
  }

  /** @internal Handshakes holding key-agreement state now (bounds checks in tests). */
  activeHandshakes(): number {
    return this.active;
  }

  /** @internal The shared secret of an authenticated peer (crypto key exchange, tests). */
  sharedSecret(prefixHex: string): SharedSecret | undefined {
    const p = this.peers.get(prefixHex);
    return p?.status.state === 'authenticated' ? p.result?.secret : undefined;
  }

  onParticipant(remote: SecurityRemote, now: number): boolean {
    const tokens = remote.data.security;
    const identity = tokens?.parameters.find((x) => x.pid === SECURITY_PID.IDENTITY_TOKEN);
    const role = Buffer.compare(this.prefix!, Buffer.from(remote.prefixHex, 'hex')) < 0 ? 'initiator' : 'replier';
    const peer: Peer = {
      prefixHex: remote.prefixHex,
      guid: Buffer.concat([Buffer.from(remote.prefixHex, 'hex'), Buffer.from([0, 0, 1, 0xc1])]),
      status: { guidPrefix: remote.prefixHex, state: 'queued', role, since: now },
      resends: 0,
      nextResendAt: 0,
      startedAt: now,
      quietUntil: 0,
      receivers: new Map(),
      tokens: [],
      tokensChanged: 0,
      retries: 0,
      outbox: [],
      volatileSn: 0,
      volatileHbCount: 0,
      volatileIn: { upTo: 0, above: new Set(), acks: 0 },
      readerTokensSent: new Set(),
      refusedKeys: new Set(),
    };
    if (this.peers.has(remote.prefixHex)) this.onParticipantGone(remote.prefixHex);
    this.peers.set(remote.prefixHex, peer);
    if (!identity) {
      if (this.allowUnauthenticated) return true;
      this.fail(peer, 'unauthenticated: it announces no identity token and governance does not allow unauthenticated participants', now);
      return false;
    }
    try {
      checkIdentityToken(decodeDataHolder(identity.body, tokens!.le));
    } catch (err) {
      this.fail(peer, reasonOf(err), now);
      return false;
    }
    if (role === 'replier') this.setState(peer, 'waiting-request', now);
    else this.startInitiator(peer, now);
    return false;
  }

  /** Crypto tokens an authenticated peer sent us (over ParticipantVolatileMessageSecure). */
  cryptoTokens(prefixHex: string): ReceivedCryptoToken[] {
    return [...(this.peers.get(prefixHex)?.tokens ?? [])];
  }

  unprotect(srcHex: string, buf: Buffer, at: number): Buffer | undefined {
    const p = this.peers.get(srcHex);
    const h = cryptoHeaderAt(buf, at);
    const keyId = h < 0 ? -1 : buf.readUInt32BE(h + 4);
    const r = p && h >= 0 && handshakeComplete(p) ? p.receivers.get(keyId) : undefined;
    // Key id 0 is the Kx key material (volatile secure channel): it must also be its kind.
    const usable = r && (keyId !== 0 || buf.readUInt32BE(h) === transformKindCode('AES256_GCM'));
    const plain = usable ? r.unprotectSubmessage(buf, at) : undefined;
    if (!plain) this.dropped(!usable);
    return plain;
  }

  onVolatile(srcHex: string, payload: Buffer, now?: number, sn?: number): void {
    const p = this.peers.get(srcHex);
    if (p && sn !== undefined && handshakeComplete(p)) this.volatileReceived(p, sn, sn);
    try {
      if (!p || !handshakeComplete(p)) throw new SecurityError('bad-token', 'volatile secure message from a participant not authenticated');
      const m = decodeGenericMessage(payload);
      if (!this.forUs(m)) throw new SecurityError('bad-token', 'volatile secure message for another participant');
      const kind = (Object.keys(CRYPTO_TOKENS_CLASS) as (keyof typeof CRYPTO_TOKENS_CLASS)[]).find((k) => CRYPTO_TOKENS_CLASS[k] === m.classId);
      if (!kind) throw new SecurityError('bad-token', `volatile secure message class '${m.classId.slice(0, 64)}' is not a crypto token class`);
      for (const token of m.data) this.addKey(p, kind, keyMaterialOf(token), m);
    } catch (err) {
      this.stats.volatileDropped++;
      this.stats.lastError = reasonOf(err).slice(0, 500);
    }
  }

  private addKey(p: Peer, kind: ReceivedCryptoToken['kind'], km: KeyMaterial, m: GenericMessage): void {
    const source = (kind === 'participant' ? p.guid : m.sourceEndpoint).toString('hex');
    // A token message may hold several keys for one endpoint (Fast DDS: one for submessages, one for payloads).
    const existing = p.tokens.findIndex((t) => t.kind === kind && t.source === source && t.senderKeyId === km.senderKeyId);
    if (existing >= 0) p.tokens.splice(existing, 1);
    else if (p.receivers.size >= MAX_KEYS_PER_PEER) throw new SecurityError('too-large', `more than ${MAX_KEYS_PER_PEER} crypto keys from one participant`);
    // A NONE key (e.g. the participant key when rtps_protection_kind is NONE) protects nothing: no receiver.
    if (km.kind !== 'NONE' && km.senderKeyId !== 0) p.receivers.set(km.senderKeyId, new CryptoReceiver(km, this.stats.crypto));
    p.tokens.push({ kind, source, destination: m.destinationEndpoint.toString('hex'), transformation: km.kind, senderKeyId: km.senderKeyId });
    p.tokensChanged++;
    this.stats.cryptoTokens++;
    // A remote writer's key for one of our readers: answer with that reader's token (the writer pairs with
    // the reader only once it has it).
    if (kind === 'datawriter') {
      const pair = `${m.destinationEndpoint.toString('hex')}:${source}`;
      if (!p.readerTokensSent.has(pair) && p.readerTokensSent.size < MAX_KEYS_PER_PEER) {
        p.readerTokensSent.add(pair);
        // The key's kind follows the writer's: GMAC for signed submessages, GCM otherwise.
        const readerKind: TransformKind = km.kind === 'AES256_GMAC' || km.kind === 'AES128_GMAC' ? 'AES256_GMAC' : 'AES256_GCM';
        this.queueTokens(p, CRYPTO_TOKENS_CLASS.datareader, m.sourceEndpoint, m.destinationEndpoint, [cryptoToken(this.readerKey(m.destinationEndpoint.toString('hex'), readerKind))], Date.now());
      }
    }
  }

  /**
   * A topic is protected when its governance rule asks for discovery or liveliness protection or for metadata or
   * data protection: such endpoints go over the secure builtin endpoints with crypto, which medkit does not do
   * yet, so they are refused rather than run unprotected.
   */
  private protection(topic: string): string | undefined {
    const t = this.opts.access.topicRule(this.opts.domainId, topic);
    if (!t) return `governance has no topic_rule for it in domain ${this.opts.domainId}`;
    // Encrypted payloads and protected submessages both ways (keys in datawriter / datareader crypto tokens);
    // signed payloads and origin authentication are not done.
    const payloadOk = t.dataProtectionKind === 'ENCRYPT';
    const metadataOk = t.metadataProtectionKind === 'ENCRYPT' || t.metadataProtectionKind === 'SIGN';
    // Secure SEDP with discovery_protection_kind NONE, SIGN or ENCRYPT. Liveliness is asserted per participant
    // only (automatic): on the secure participant-message writer, protected per liveliness_protection_kind, when
    // that is not NONE; origin authentication is not done.
    const rule = this.rule!;
    const discoveryOk = rule.discoveryProtectionKind === 'NONE' || rule.discoveryProtectionKind === 'ENCRYPT' || rule.discoveryProtectionKind === 'SIGN';
    const livelinessOk = !rule.livelinessProtectionKind.endsWith('ORIGIN_AUTHENTICATION');
    const asks = [
      rule.rtpsProtectionKind.endsWith('ORIGIN_AUTHENTICATION') && `rtps_protection_kind ${rule.rtpsProtectionKind} (origin authentication)`,
      t.enableDiscoveryProtection && !discoveryOk && `discovery protection (discovery_protection_kind ${rule.discoveryProtectionKind})`,
      t.enableLivelinessProtection && !livelinessOk && `liveliness protection`,
      t.metadataProtectionKind !== 'NONE' && !metadataOk && `metadata ${t.metadataProtectionKind}`,
      t.dataProtectionKind !== 'NONE' && !payloadOk && `data ${t.dataProtectionKind}`,
    ].filter(Boolean);
    return asks.length > 0 ? `governance topic_rule '${t.topicExpression}' asks for ${asks.join(', ')}, which medkit does not implement yet` : undefined;
  }

  checkLocalEndpoint(kind: 'writer' | 'reader', topic: string): LocalEndpointRefusal | undefined {
    if (!this.opts.access.topicRule(this.opts.domainId, topic)) return { cause: 'denied', reason: `governance has no topic_rule for it in domain ${this.opts.domainId}` };
    const protectedBy = this.protection(topic);
    if (protectedBy) return { cause: 'unsupported', reason: protectedBy };
    const d = this.opts.access.check(this.opts.identity.cert.subject, kind === 'writer' ? 'publish' : 'subscribe', topic, this.opts.domainId, { now: this.clock() });
    return d.allowed ? undefined : { cause: 'denied', reason: `our permissions: ${d.reason}` };
  }

  /** PID_ENDPOINT_SECURITY_INFO from the topic's governance rule (the masks Fast DDS 2.9.1 announces, checked on the wire). */
  endpointSecurityInfo(topic: string): { attributes: number; pluginAttributes: number } | undefined {
    const t = this.opts.access.topicRule(this.opts.domainId, topic);
    if (!t) return undefined;
    let attributes = 0x80000000;
    let plugin = 0x80000000;
    if (t.enableReadAccessControl) attributes |= 1 << 0;
    if (t.enableWriteAccessControl) attributes |= 1 << 1;
    if (t.enableDiscoveryProtection) attributes |= 1 << 2;
    if (t.metadataProtectionKind !== 'NONE') attributes |= 1 << 3;
    if (t.dataProtectionKind !== 'NONE') attributes |= 1 << 4;
    if (t.dataProtectionKind === 'ENCRYPT') attributes |= 1 << 5;
    if (t.enableLivelinessProtection) attributes |= 1 << 6;
    if (t.metadataProtectionKind.startsWith('ENCRYPT')) plugin |= 1 << 0;
    if (t.dataProtectionKind === 'ENCRYPT') plugin |= 1 << 1;
    if (t.metadataProtectionKind.endsWith('ORIGIN_AUTHENTICATION')) plugin |= 1 << 2;
    return { attributes: attributes >>> 0, pluginAttributes: plugin >>> 0 };
  }

  protectReaderSubmessage(readerGuid: string, topic: string, submessage: Buffer): Buffer | undefined {
    const t = this.opts.access.topicRule(this.opts.domainId, topic);
    if (!t || t.metadataProtectionKind === 'NONE') return undefined;
    let sender = this.readerSenders.get(readerGuid);
    if (!sender) {
      sender = setBounded(this.readerSenders, readerGuid, new CryptoSender(this.readerKey(readerGuid, t.metadataProtectionKind === 'SIGN' ? 'AES256_GMAC' : 'AES256_GCM')));
    }
    return sender.protectSubmessage(submessage);
  }

  builtinProtect(entityId: number): ((submessage: Buffer) => Buffer) | undefined {
    // The secure participant-message endpoints follow liveliness_protection_kind, secure SEDP discovery_protection_kind.
    const liveliness = entityId === EntityId.PARTICIPANT_MESSAGE_SECURE_WRITER || entityId === EntityId.PARTICIPANT_MESSAGE_SECURE_READER;
    const kind = liveliness ? this.rule?.livelinessProtectionKind : this.rule?.discoveryProtectionKind;
    if (!kind || kind === 'NONE') return undefined;
    const guid = this.prefix!.toString('hex') + (entityId >>> 0).toString(16).padStart(8, '0');
    const transform: TransformKind = kind.startsWith('ENCRYPT') ? 'AES256_GCM' : 'AES256_GMAC';
    const isWriter = (entityId & 0xff) === 0xc2;
    const km = isWriter ? newKeyMaterial(transform, randomKeyId()) : this.readerKey(guid, transform);
    if (isWriter) this.writerKeys.set(guid, [km]);
    this.builtinKeys.push({ entityId, km });
    const sender = new CryptoSender(km);
    return (submessage) => sender.protectSubmessage(submessage);
  }

  /** Our secure SEDP and participant-message endpoints' keys to a newly authenticated peer's counterparts (their tokens come to us likewise). */
  private sendBuiltinTokens(p: Peer, now: number): void {
    for (const { entityId, km } of this.builtinKeys) {
      const own = Buffer.concat([this.prefix!, Buffer.alloc(4)]);
      own.writeUInt32BE(entityId >>> 0, 12);
      const theirs = Buffer.concat([Buffer.from(p.prefixHex, 'hex'), Buffer.alloc(4)]);
      theirs.writeUInt32BE(COUNTERPART.get(entityId >>> 0)!, 12);
      const isWriter = (entityId & 0xff) === 0xc2;
      if (!isWriter) p.readerTokensSent.add(`${own.toString('hex')}:${theirs.toString('hex')}`);
      this.queueTokens(p, isWriter ? CRYPTO_TOKENS_CLASS.datawriter : CRYPTO_TOKENS_CLASS.datareader, theirs, own, [cryptoToken(km)], now);
    }
  }

  private messageSender?: CryptoSender;

  protectMessage(datagram: Buffer, always = false): Buffer | undefined {
    if (!this.rule || this.rule.rtpsProtectionKind === 'NONE' || (!always && clearOnly(datagram))) return undefined;
    // Whole messages with our participant key (its token went to every authenticated peer).
    return (this.messageSender ??= new CryptoSender(this.participantKey)).protectMessage(datagram);
  }

  requiresRtpsProtection(srcHex: string): boolean {
    const p = this.peers.get(srcHex);
    return !!this.rule && this.rule.rtpsProtectionKind !== 'NONE' && !!p && handshakeComplete(p);
  }

  openMessage(srcHex: string, datagram: Buffer): Buffer | undefined {
    const p = this.peers.get(srcHex);
    const keyId = datagram.length >= 32 ? datagram.readUInt32BE(28) : 0;
    const r = p && handshakeComplete(p) && keyId !== 0 ? p.receivers.get(keyId) : undefined;
    const plain = r?.openMessage(datagram);
    if (!plain) this.dropped(!r);
    return plain;
  }

  writerTransforms(writerGuid: string, topic: string): { encodePayload?: (payload: Buffer) => Buffer; protect?: (submessage: Buffer) => Buffer } | undefined {
    const t = this.opts.access.topicRule(this.opts.domainId, topic);
    if (!t || (t.dataProtectionKind === 'NONE' && t.metadataProtectionKind === 'NONE')) return undefined;
    // Signed submessages need a GMAC key (Cyclone DDS refuses encrypted ones where the governance says SIGN), an
    // encrypted payload a GCM key: one key when both agree, else two, sent in one token (submessage key first).
    const submessageKind: TransformKind = t.metadataProtectionKind === 'SIGN' ? 'AES256_GMAC' : 'AES256_GCM';
    const main = newKeyMaterial(t.dataProtectionKind === 'ENCRYPT' && t.metadataProtectionKind === 'NONE' ? 'AES256_GCM' : submessageKind, randomKeyId());
    const payloadKey = t.dataProtectionKind === 'ENCRYPT' && main.kind !== 'AES256_GCM' ? newKeyMaterial('AES256_GCM', randomKeyId()) : main;
    setBounded(this.writerKeys, writerGuid, payloadKey === main ? [main] : [main, payloadKey]);
    const sender = new CryptoSender(main);
    const payloadSender = payloadKey === main ? sender : new CryptoSender(payloadKey);
    return {
      encodePayload: t.dataProtectionKind === 'ENCRYPT' ? (payload) => payloadSender.protectPayload(payload) : undefined,
      protect: t.metadataProtectionKind !== 'NONE' ? (submessage) => sender.protectSubmessage(submessage) : undefined,
    };
  }

  writerMatched(writerGuid: string, readerGuid: string): void {
    const keys = this.writerKeys.get(writerGuid);
    const p = this.peers.get(readerGuid.slice(0, 24));
    if (!keys || !p || !handshakeComplete(p)) return;
    this.queueTokens(p, CRYPTO_TOKENS_CLASS.datawriter, Buffer.from(readerGuid, 'hex'), Buffer.from(writerGuid, 'hex'), keys.map(cryptoToken), Date.now());
  }

  decodePayload(srcHex: string, writerGuid: string, payload: Buffer): Buffer | undefined {
    const p = this.peers.get(srcHex);
    const keyId = payload.length >= 8 ? payload.readUInt32BE(4) : 0;
    const r = p && keyId !== 0 ? payloadReceiver(p, writerGuid, keyId) : undefined;
    const plain = r?.decodePayload(payload);
    if (!plain) this.dropped(!r);
    return plain;
  }

  discoveryProtected(topic: string): boolean {
    return this.opts.access.topicRule(this.opts.domainId, topic)?.enableDiscoveryProtection ?? false;
  }

  checkRemoteEndpoint(prefixHex: string, kind: 'writer' | 'reader', topic: string, secure: boolean): boolean {
    const p = this.peers.get(prefixHex);
    const refusal = this.remoteEndpointRefusal(p, kind, topic, secure);
    if (refusal !== undefined && p) this.recordRefusal(p, kind, topic, refusal);
    return refusal === undefined;
  }

  /** Why a remote endpoint may not be matched, or undefined when it may. */
  private remoteEndpointRefusal(p: Peer | undefined, kind: 'writer' | 'reader', topic: string, secure: boolean): string | undefined {
    // An endpoint of a discovery-protected topic announced over plain SEDP is a downgrade (or a forgery).
    if (this.discoveryProtected(topic) && !secure) return 'announced over plain SEDP, but the governance protects the discovery of this topic';
    // Matched at all only when authenticated, or unauthenticated where governance allows it (then no
    // permissions are known and only unprotected topics whose access is not controlled may match).
    const protectedBy = this.protection(topic);
    if (protectedBy) return protectedBy;
    const action = kind === 'writer' ? 'publish' : 'subscribe';
    if (p?.access && p.result) {
      const d = p.access.check(p.result.peerCert.subject, action, topic, this.opts.domainId, { now: this.clock() });
      return d.allowed ? undefined : `its permissions do not let it ${action} '${topic}': ${d.reason}`;
    }
    const rule = this.opts.access.topicRule(this.opts.domainId, topic)!;
    const open = this.allowUnauthenticated && !(action === 'publish' ? rule.enableWriteAccessControl : rule.enableReadAccessControl);
    return open ? undefined : `not authenticated, and the governance controls ${action === 'publish' ? 'writing' : 'reading'} '${topic}'`;
  }

  /** Keeps a refused endpoint for peerStatus() (SEDP re-announcements are not counted again). */
  private recordRefusal(p: Peer, kind: 'writer' | 'reader', topic: string, reason: string): void {
    const key = `${kind} ${topic}`;
    if (p.refusedKeys.has(key) || p.refusedKeys.size >= MAX_REFUSED_ENDPOINTS_COUNTED) return;
    p.refusedKeys.add(key);
    const listed = p.status.refusedEndpoints ?? [];
    if (listed.length < MAX_REFUSED_ENDPOINTS_LISTED) listed.push({ kind, topic: topic.slice(0, 256), reason: reason.slice(0, 500) });
    p.status.refusedEndpoints = listed;
    p.status.refusedEndpointCount = p.refusedKeys.size;
    this.opts.onPeer?.({ ...p.status, refusedEndpoints: [...listed] });
  }

  onParticipantGone(prefixHex: string): void {
    const p = this.peers.get(prefixHex);
    if (!p) return;
    this.release(p);
    this.peers.delete(prefixHex);
  }

  onStateless(srcHex: string, payload: Buffer, now: number): void {
    if (this.closed) return;
    this.stats.received++;
    const peer = this.peers.get(srcHex);
    let m: GenericMessage;
    try {
      m = decodeGenericMessage(payload);
    } catch (err) {
      this.malformed(peer, err, now);
      return;
    }
    if (!peer || m.classId !== AUTH_MESSAGE_CLASS || !this.forUs(m) || m.data.length === 0) {
      this.stats.ignored++;
      return;
    }
    try {
      this.onHandshakeMessage(peer, m, payload, now);
    } catch (err) {
      this.malformed(peer, err, now);
    }
  }

  tick(now: number): void {
    if (this.closed) return;
    const validityNow = this.clock().getTime();
    for (const p of this.peers.values()) {
      if (p.validUntil && validityNow > p.validUntil.at && handshakeComplete(p)) {
        this.revoke(p, `expired: ${p.validUntil.what} ${new Date(p.validUntil.at).toISOString()} while authenticated`, now);
        continue;
      }
      if (p.outbox.length > 0) this.flushTokens(p, now);
      const s = p.status.state;
      if (s === 'failed') {
        if (p.retryAt !== undefined && now >= p.retryAt) this.retry(p, now);
        continue;
      }
      if (s === 'queued') {
        if (this.active < this.maxHandshakes) this.startInitiator(p, now);
        continue;
      }
      if (s !== 'handshake') continue;
      if (now - p.startedAt > this.timeoutMs) {
        const waited = p.status.role === 'initiator' ? 'no valid handshake reply' : 'no valid handshake request and final';
        // Nothing was refused on the way: its messages (or ours) were lost, which may not last.
        const lost = p.status.reason === undefined;
        this.fail(p, lost ? `timeout: ${waited} within ${this.timeoutMs} ms` : `${p.status.reason} (${waited} within ${this.timeoutMs} ms)`, now);
        if (lost) p.retryAt = now + Math.min(this.retryMs * 2 ** Math.min(p.retries++, 16), MAX_RETRY_MS);
        continue;
      }
      if (p.out && now >= p.nextResendAt) this.send(p, p.out.payload, now, true);
    }
  }

  close(): void {
    this.closed = true;
    for (const p of this.peers.values()) this.release(p);
  }

  // ---- handshake -------------------------------------------------------------------------

  private local() {
    return { identity: this.opts.identity, permissions: this.opts.permissionsDocument, pdata: new Uint8Array(this.ctx!.pdata()) };
  }

  private startInitiator(p: Peer, now: number): void {
    if (this.active >= this.maxHandshakes) {
      this.setState(p, 'queued', now);
      return;
    }
    p.initiator = new HandshakeInitiator(this.local(), { now: this.clock() });
    this.active++;
    this.stats.handshakesStarted++;
    p.startedAt = now;
    this.setState(p, 'handshake', now);
    const identity = this.nextIdentity();
    const payload = this.message(p, identity, NO_IDENTITY, p.initiator.request());
    p.out = { payload, identity };
    this.send(p, payload, now, false);
  }

  private onHandshakeMessage(p: Peer, m: GenericMessage, payload: Buffer, now: number): void {
    const token = m.data[0];
    const s = p.status.state;
    if (token.classId === HANDSHAKE_REQUEST_CLASS) {
      if (p.status.role !== 'replier') throw new SecurityError('bad-token', 'handshake request from a participant we initiate with (its GUID is larger)');
      // A failure is final while the participant stays in the table (it comes back fresh after its lease ends or
      // it is disposed), but for a handshake that only timed out: this request is its retry, taken afresh.
      if (s === 'failed') {
        if (p.retryAt === undefined) return;
        this.retry(p, now);
      }
      if (p.answered?.equals(payload) && p.answer) {
        this.ctx!.sendStateless(p.prefixHex, p.answer); // our reply was lost: the same answer again
        return;
      }
      if (s === 'authenticated' || s === 'checking-permissions') return;
      if (now < p.quietUntil) {
        this.stats.ignored++;
        return;
      }
      p.quietUntil = now + 1000;
      if (!p.replier && this.active >= this.maxHandshakes) {
        this.stats.ignored++; // no room now: the initiator resends
        return;
      }
      if (!p.replier) {
        this.active++;
        this.stats.handshakesStarted++;
      }
      p.replier = new HandshakeReplier(this.local(), { now: this.clock() });
      if (s !== 'handshake') {
        // The timeout runs from the first request: repeated (or forged) requests do not extend it.
        p.startedAt = now;
        this.setState(p, 'handshake', now);
      }
      const reply = p.replier.processRequest(token);
      const identity = this.nextIdentity();
      const out = this.message(p, identity, m.messageIdentity, reply);
      p.out = { payload: out, identity };
      p.answered = payload;
      p.answer = out;
      p.resends = 0;
      this.send(p, out, now, false);
      return;
    }
    if (token.classId === HANDSHAKE_REPLY_CLASS) {
      if (p.status.role !== 'initiator') throw new SecurityError('bad-token', 'handshake reply from a participant that initiates with us');
      if (p.answered?.equals(payload) && p.answer) {
        this.ctx!.sendStateless(p.prefixHex, p.answer); // our final was lost
        return;
      }
      if (s !== 'handshake' || !p.initiator || !p.out) return;
      if (!sameIdentity(m.relatedMessageIdentity, p.out.identity)) throw new SecurityError('bad-token', 'handshake reply to a request we did not send');
      const { final, result } = p.initiator.processReply(token);
      const out = this.message(p, this.nextIdentity(), m.messageIdentity, final);
      p.answered = payload;
      p.answer = out;
      this.ctx!.sendStateless(p.prefixHex, out);
      this.handshakeDone(p, result, now);
      return;
    }
    if (token.classId === HANDSHAKE_FINAL_CLASS) {
      if (p.status.role !== 'replier' || s !== 'handshake' || !p.replier || !p.out) return;
      if (!sameIdentity(m.relatedMessageIdentity, p.out.identity)) throw new SecurityError('bad-token', 'handshake final for a reply we did not send');
      this.handshakeDone(p, p.replier.processFinal(token), now);
      return;
    }
    throw new SecurityError('bad-token', `unexpected handshake token class '${token.classId.slice(0, 64)}'`);
  }

  /** The handshake verified the peer: now its permissions, asynchronously (S/MIME), then match it. */
  private handshakeDone(p: Peer, result: HandshakeResult, now: number): void {
    p.result = result;
    p.status.subject = result.peerCert.subject.replace(/\n/g, ',');
    // The volatile secure channel's key material follows from the handshake (no token); the peer sends its
    // crypto tokens as soon as it is done, possibly before our permissions check of it is.
    const kx = kxKeyMaterial(result.secret);
    p.receivers.set(0, new CryptoReceiver(kx, this.stats.crypto));
    p.kxSender = new CryptoSender(kx);
    // Our participant crypto token (rtps protection is not done, but Fast DDS expects the token), and our
    // secure SEDP endpoints' keys when discovery is protected.
    this.queueTokens(p, CRYPTO_TOKENS_CLASS.participant, ZERO_GUID, ZERO_GUID, [cryptoToken(this.participantKey)], Date.now());
    this.sendBuiltinTokens(p, Date.now());
    this.release(p);
    this.setState(p, 'checking-permissions', now);
    void this.checkPermissions(result)
      .then((access) => {
        p.access = access;
        if (this.peers.get(p.prefixHex) !== p || this.closed) return;
        p.retries = 0;
        p.validUntil = validityEnd(result.peerCert, access.grantFor(result.peerCert.subject));
        this.stats.authenticated++;
        this.setState(p, 'authenticated', Date.now(), undefined);
        this.ctx!.authenticated(p.prefixHex);
      })
      .catch((err: unknown) => {
        if (this.peers.get(p.prefixHex) === p) this.fail(p, reasonOf(err), Date.now());
      });
  }

  private async checkPermissions(result: HandshakeResult): Promise<AccessControl> {
    const now = this.clock();
    const signed = await verifySmime(result.peerPermissions, this.opts.permissionsCa, 'remote permissions (c.perm)', { now });
    const permissions = parsePermissions(signed.content, 'remote permissions (c.perm)');
    const subject = result.peerCert.subject;
    const access = new AccessControl(this.opts.access.governance, permissions);
    const decision = access.mayJoin(subject, this.opts.domainId, now);
    if (!decision.allowed) throw new SecurityError('no-grant', `remote permissions: ${decision.reason}`);
    return access;
  }

  // ---- crypto tokens out (ParticipantVolatileMessageSecure) ------------------------------

  /**
   * Our participant key (participant crypto token): protects whole messages (rtps_protection_kind), so its kind is
   * that protection's: GMAC for SIGN, GCM for ENCRYPT. Cyclone DDS 0.10.2 refuses an encrypted message where the
   * governance says SIGN ("message is encrypted, which is unexpected"); Fast DDS 2.9.1 takes either. Secure SEDP has
   * keys of its own (builtinProtect). Without RTPS protection: GCM when the governance encrypts anything.
   */
  private participantKeyMaterial?: KeyMaterial;
  private get participantKey(): KeyMaterial {
    const r = this.rule;
    const rtps = r?.rtpsProtectionKind ?? 'NONE';
    const encrypting = rtps !== 'NONE' ? rtps.startsWith('ENCRYPT') : [r?.discoveryProtectionKind, r?.livelinessProtectionKind].some((k) => k?.startsWith('ENCRYPT'));
    return (this.participantKeyMaterial ??= newKeyMaterial(encrypting ? 'AES256_GCM' : 'AES256_GMAC', randomKeyId()));
  }
  private readonly builtinKeys: { entityId: number; km: KeyMaterial }[] = [];
  private readonly readerKeys = new Map<string, KeyMaterial>();
  private readonly readerSenders = new Map<string, CryptoSender>();
  /** Our writers' keys: one, or the submessage key then the payload key when their kinds differ. */
  private readonly writerKeys = new Map<string, KeyMaterial[]>();
  private volatileSn = 0;

  /** Our key material for one local reader (its submessages are not protected yet; the token is what peers wait for). */
  private readerKey(readerGuid: string, kind: TransformKind = 'AES256_GCM'): KeyMaterial {
    let km = this.readerKeys.get(readerGuid);
    if (!km) {
      km = setBounded(this.readerKeys, readerGuid, newKeyMaterial(kind, randomKeyId()));
    }
    return km;
  }

  private queueTokens(p: Peer, classId: string, destinationEndpoint: Buffer, sourceEndpoint: Buffer, tokens: DataHolder[], now: number): void {
    const identity = { guid: Buffer.concat([this.prefix!, Buffer.from([0xff, 0x02, 0x02, 0xc3])]), sn: snBytes(++this.volatileSn) };
    const payload = encodeGenericMessage({ messageIdentity: identity, relatedMessageIdentity: NO_IDENTITY, destinationParticipant: p.guid, destinationEndpoint, sourceEndpoint, classId, data: tokens });
    const w = new SubmessageWriter(payload.length + 64, true);
    // Sequence numbers count per peer: the peer's reader is reliable, and a gap (messages that went to other peers)
    // makes Cyclone DDS wait for samples that never come (seen with two Cyclone peers).
    const sn = ++p.volatileSn;
    encodeData(w, { readerId: VOLATILE_READER, writerId: VOLATILE_WRITER, writerSN: sn, payload, key: false }, true);
    if (p.outbox.length >= MAX_KEYS_PER_PEER) p.outbox.shift();
    p.outbox.push({ sn, data: w.finish(), sends: 0, nextAt: now });
    this.flushTokens(p, now);
  }

  /**
   * Sends the token messages that are due, each protected anew with the Kx keys, and a HEARTBEAT of what is still
   * unacknowledged so the peer's reliable reader answers with an ACKNACK: acknowledged messages leave the outbox,
   * ones it asks for again go out at once. A message nobody acknowledges is resent on a backoff and then given up
   * (a peer that never answers, or has gone).
   */
  private flushTokens(p: Peer, now: number): void {
    if (!p.kxSender) return;
    const parts: Buffer[] = [];
    for (const m of p.outbox) {
      if (now < m.nextAt) continue;
      parts.push(p.kxSender.protectSubmessage(m.data));
      m.nextAt = now + (VOLATILE_RESENDS_MS[m.sends] ?? Infinity);
      m.sends++;
    }
    if (parts.length === 0) return;
    p.outbox = p.outbox.filter((m) => m.sends <= VOLATILE_RESENDS_MS.length);
    const w = new SubmessageWriter(64, true);
    const first = p.outbox.length > 0 ? p.outbox[0].sn : p.volatileSn + 1;
    encodeHeartbeat(w, { readerId: VOLATILE_READER, writerId: VOLATILE_WRITER, firstSN: first, lastSN: p.volatileSn, count: ++p.volatileHbCount, final: false, liveliness: false }, true);
    parts.push(p.kxSender.protectSubmessage(w.finish()));
    this.ctx!.sendSubmessages(p.prefixHex, Buffer.concat(parts));
  }

  onVolatileAckNack(srcHex: string, state: SequenceNumberSet, now: number): void {
    const p = this.peers.get(srcHex);
    if (!p || !handshakeComplete(p) || p.outbox.length === 0) return;
    const asked = new Set(state.set);
    // Below the base and not asked for again: it has them.
    p.outbox = p.outbox.filter((m) => m.sn >= state.base || asked.has(m.sn));
    let due = false;
    for (const m of p.outbox) {
      // Asked for again: resent now, at most once per 100 ms (ACKNACKs come in bursts).
      if (asked.has(m.sn) && m.nextAt > now + 100) {
        m.nextAt = now;
        due = true;
      }
    }
    if (due) this.flushTokens(p, now);
  }

  onVolatileHeartbeat(srcHex: string, firstSN: number, lastSN: number, final: boolean): void {
    const p = this.peers.get(srcHex);
    if (!p || !handshakeComplete(p) || !p.kxSender) return;
    // What it no longer has counts as received; then ask for what we lack (bounded), or acknowledge everything.
    if (firstSN > 1) this.volatileReceived(p, 1, firstSN - 1);
    const inbound = p.volatileIn;
    const missing: number[] = [];
    for (let sn = inbound.upTo + 1; sn <= Math.min(lastSN, inbound.upTo + VOLATILE_WINDOW); sn++) if (!inbound.above.has(sn)) missing.push(sn);
    if (missing.length === 0 && final) return;
    const base = missing.length > 0 ? missing[0] : inbound.upTo + 1;
    const w = new SubmessageWriter(96, true);
    encodeAckNack(w, { readerId: VOLATILE_READER, writerId: VOLATILE_WRITER, readerSNState: { base, numBits: missing.length > 0 ? missing[missing.length - 1] - base + 1 : 0, set: missing }, count: ++inbound.acks, final: missing.length === 0 }, true);
    this.ctx!.sendSubmessages(p.prefixHex, p.kxSender.protectSubmessage(w.finish()));
  }

  onVolatileGap(srcHex: string, gapStart: number, gapList: SequenceNumberSet): void {
    const p = this.peers.get(srcHex);
    if (!p || !handshakeComplete(p)) return;
    // Irrelevant to us: gapStart .. base-1 and the listed ones.
    this.volatileReceived(p, gapStart, gapList.base - 1);
    for (const sn of gapList.set) this.volatileReceived(p, sn, sn);
  }

  /** Marks SNs from .. to of the peer's volatile writer received (only within the tracked window: bounded work). */
  private volatileReceived(p: Peer, from: number, to: number): void {
    const v = p.volatileIn;
    const start = Math.max(from, v.upTo + 1);
    const end = Math.min(to, v.upTo + VOLATILE_WINDOW);
    if (from <= v.upTo + 1 && to > v.upTo + VOLATILE_WINDOW) {
      // Everything up to `to` is done with: no need to walk it (only what was received above it stays).
      v.upTo = to;
      for (const sn of v.above) if (sn <= to) v.above.delete(sn);
    } else for (let sn = start; sn <= end; sn++) v.above.add(sn);
    while (v.above.delete(v.upTo + 1)) v.upTo++;
  }

  // ---- helpers ---------------------------------------------------------------------------

  /** Counts a dropped secured run, message or payload (a receiver that saw it counted its reason already). */
  private dropped(noKey: boolean): void {
    this.stats.securedDropped++;
    if (noKey) this.stats.noKey++;
  }

  private forUs(m: GenericMessage): boolean {
    const d = m.destinationParticipant;
    return d.equals(ZERO_GUID) || (d.subarray(0, 12).equals(this.prefix!) && d.readUInt32BE(12) === PARTICIPANT_ENTITY);
  }

  private nextIdentity(): MessageIdentity {
    const guid = Buffer.alloc(16);
    this.prefix!.copy(guid, 0);
    guid.writeUInt32BE(STATELESS_WRITER, 12);
    return { guid, sn: snBytes(++this.sn) };
  }

  private message(p: Peer, identity: MessageIdentity, related: MessageIdentity, token: DataHolder): Buffer {
    return encodeGenericMessage({
      messageIdentity: identity,
      relatedMessageIdentity: related,
      destinationParticipant: p.guid,
      destinationEndpoint: ZERO_GUID,
      sourceEndpoint: ZERO_GUID,
      classId: AUTH_MESSAGE_CLASS,
      data: [token],
    });
  }

  private send(p: Peer, payload: Buffer, now: number, resend: boolean): void {
    p.resends = resend ? p.resends + 1 : 0;
    p.nextResendAt = now + Math.min(4000, this.resendMs * 2 ** Math.min(p.resends, 3));
    this.ctx!.sendStateless(p.prefixHex, payload);
  }

  private malformed(p: Peer | undefined, err: unknown, now: number): void {
    this.stats.malformed++;
    this.stats.lastError = reasonOf(err).slice(0, 500);
    // A refused message does not end the handshake (anyone can forge a stateless message with the peer's
    // prefix); the reason is kept, and a handshake that never completes fails on its timeout with it.
    if (p && p.status.state !== 'authenticated' && p.status.state !== 'failed') {
      p.status.reason = this.stats.lastError;
      p.status.since = now;
      this.opts.onPeer?.({ ...p.status });
    }
  }

  private fail(p: Peer, reason: string, now: number): void {
    this.release(p);
    this.stats.failed++;
    this.stats.lastError = reason.slice(0, 500);
    this.setState(p, 'failed', now, reason.slice(0, 500));
  }

  /** Tries a handshake that only timed out again: as initiator at once (or queued), as replier by waiting for a request. */
  private retry(p: Peer, now: number): void {
    p.retryAt = undefined;
    p.answered = undefined;
    p.answer = undefined;
    p.status = { ...p.status, reason: undefined };
    if (p.status.role === 'initiator') this.startInitiator(p, now);
    else this.setState(p, 'waiting-request', now);
  }

  /**
   * An authenticated peer whose certificate or grant ran out: none of its keys opens anything any more, nothing
   * more goes to it, and the participant unmatches it and holds it (it is not authenticated again while it stays
   * in the participant table, like any refused peer).
   */
  private revoke(p: Peer, reason: string, now: number): void {
    p.receivers.clear();
    p.tokens = [];
    p.tokensChanged++;
    p.outbox = [];
    p.kxSender = undefined;
    p.validUntil = undefined;
    this.stats.revoked++;
    this.fail(p, reason, now);
    this.ctx!.revoked(p.prefixHex);
  }

  /** Drops a peer's key-agreement state (the handshake slot). */
  private release(p: Peer): void {
    if (p.initiator || p.replier) this.active--;
    p.initiator = undefined;
    p.replier = undefined;
    p.out = undefined;
  }

  private setState(p: Peer, state: PeerAuthState, now: number, reason: string | undefined = p.status.reason): void {
    p.status = { ...p.status, state, since: now, reason };
    this.opts.onPeer?.({ ...p.status });
  }
}

/** DDS-Security for a participant (authentication; crypto is not wired yet): ParticipantOptions.security. */
export function participantSecurity(opts: ParticipantSecurityOptions): SecureParticipant {
  return new SecureParticipant(opts);
}
