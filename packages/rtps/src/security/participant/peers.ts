// The remote participants as the three security plugins share them: one entry per participant in the table,
// with a part per plugin. Authentication creates and removes entries; access control and cryptography keep their
// own part of each. Every field of a peer's state is declared here, once.
import type { X509Certificate } from 'node:crypto';
import type { AccessControl } from '../access/evaluator.js';
import type { HandshakeInitiator, HandshakeReplier, HandshakeResult } from '../auth/handshake.js';
import type { CryptoReceiver, CryptoSender, CryptoStats } from '../crypto/transform.js';
import type { TransformKind } from '../crypto/key-material.js';
import type { MessageIdentity } from './generic-message.js';
import type { HandshakeState, PeerAuthState } from './handshake-table.js';

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
   * MAX_REFUSED_ENDPOINTS_LISTED); absent while none was.
   */
  refusedEndpoints?: RefusedEndpoint[];
  /** Distinct endpoints refused in all (the list holds the first of them; counting stops at MAX_REFUSED_ENDPOINTS_COUNTED). */
  refusedEndpointCount?: number;
  /**
   * Our crypto-token messages this (authenticated) peer has not acknowledged yet, and since when the oldest of them
   * waits (ms since the epoch); absent while none waits. A peer that never acknowledges them cannot read what we
   * protect: authenticated, and still deaf to us (docs/sros2.md).
   */
  tokensUnacknowledged?: { count: number; since: number };
}

/** An endpoint of a remote participant that is not matched because of its topic (permissions, governance). */
export interface RefusedEndpoint {
  kind: 'writer' | 'reader';
  /** The DDS topic name (`rt/chatter`, `rq/add_two_intsRequest`, ...). */
  topic: string;
  reason: string;
}

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

/** A remote participant in the table. */
export interface SecurePeer {
  readonly prefixHex: string;
  /** Its participant GUID (prefix and ENTITYID_PARTICIPANT). */
  readonly guid: Buffer;
  /** What peerStatus() reports; its `state` is the public form of `handshake.state`. */
  status: PeerAuthStatus;
  readonly handshake: HandshakePeer;
  readonly access: RemoteAccess;
  /** Present from the end of its handshake while it stays authenticated (or under its permissions check). */
  crypto?: RemoteCrypto;
}

/** Authentication's part: the handshake with it (handshake-table.ts, authentication.ts). */
interface HandshakePeer {
  state: HandshakeState;
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
  /** A handshake that only timed out is tried again at this time (handshakeRetryMs); `retries` so far. */
  retryAt?: number;
  retries: number;
  /** Once authenticated: when its certificate or its grant ends (ms since the epoch) and which does, first. */
  validUntil?: { at: number; what: string };
}

/** Access control's part: its permissions and the endpoints refused on their topic. */
interface RemoteAccess {
  /** Its permissions, once verified (remote endpoints are checked against them), and its certificate. */
  permissions?: { access: AccessControl; cert: X509Certificate };
  /** Keys (`kind topic`) of its endpoints refused on their topic, bounded by MAX_REFUSED_ENDPOINTS_COUNTED. */
  refusedKeys: Set<string>;
}

/** Cryptography's part: its keys, the tokens it sent us, and the volatile secure channel to it. */
export interface RemoteCrypto {
  /** Receivers for the peer's protected submessages, by transformation key id (0: the Kx keys). */
  receivers: Map<number, CryptoReceiver>;
  tokens: ReceivedCryptoToken[];
  /** Counts the changes of `tokens` (payloadHit is valid while it is the same). */
  tokensChanged: number;
  /** The receiver decodePayload found last for a writer and key id (it runs for every sample; `tokens` is a list). */
  payloadHit?: { writer: string; keyId: number; receiver: CryptoReceiver; at: number };
  /** (our reader, its writer) pairs whose datareader token went out. */
  readerTokensSent: Set<string>;
  /** Our side of the volatile secure channel to it (Kx keys). */
  kxSender: CryptoSender;
  channel: VolatileChannelPeer;
}

/** The volatile secure channel's reliable protocol with one peer (volatile-channel.ts). */
export interface VolatileChannelPeer {
  /** Sequence number of our last token message to it (they count per peer). */
  lastSn: number;
  /** Our token messages to it not yet acknowledged (its ACKNACKs take them out or ask for them again). */
  outbox: { sn: number; data: Buffer; sends: number; nextAt: number; queuedAt: number }[];
  /** HEARTBEATs of our volatile writer to it. */
  heartbeats: number;
  /** What we received of its volatile writer: every SN up to `upTo`, and these above it (at most VOLATILE_WINDOW). */
  received: { upTo: number; above: Set<number> };
  /** ACKNACKs of our volatile reader to it. */
  acknacks: number;
}

/** Authentication and cryptography counters of the participant (all three plugins count into one). */
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
  /** Of `failed`: authenticated peers whose certificate or grant ran out while they were (authentication's tick). */
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

/** The peers of one participant, by GUID prefix (hex). */
export type PeerTable = Map<string, SecurePeer>;

/** Tells whoever listens that a peer's status changed (a copy: the listener may keep it). */
export type PeerListener = (status: PeerAuthStatus) => void;

/** A copy of a peer's status for the outside (its refused endpoints copied too). */
export const statusCopy = (p: SecurePeer): PeerAuthStatus => {
  const outbox = p.crypto?.channel.outbox ?? [];
  return {
    ...p.status,
    ...(p.status.refusedEndpoints ? { refusedEndpoints: [...p.status.refusedEndpoints] } : {}),
    // The outbox is in queueing order: its first message waits longest.
    ...(outbox.length > 0 ? { tokensUnacknowledged: { count: outbox.length, since: outbox[0].queuedAt } } : {}),
  };
};
