// The seam between the plain participant and DDS-Security (DDS-Security 1.1 §8.3-§8.5): the spec's three
// plugins, each a typed interface the participant holds. The implementation lives in `@medkit/rtps/security`
// (which pulls in pkijs) and is handed in through ParticipantOptions.security, so a participant without
// security never loads it.
//
// What the participant does for them: takes its GUID prefix from authentication (bound to the identity
// certificate), announces the SPDP parameters and builtin endpoint bits they give, hands authentication every
// ParticipantStatelessMessage and cryptography every ParticipantVolatileMessageSecure from the wire, keeps a
// remote participant's builtin endpoints unmatched until authentication says it is authenticated, asks access
// control about every endpoint, and lets cryptography transform what goes out and comes in.

import type { ParticipantData } from './discovery-spdp-data.js';
import type { Locator } from './locator.js';
import type { SequenceNumberSet } from './sequence-number.js';

/** A parameter of our SPDP announcement: its id and its body. */
export interface SpdpParameter {
  pid: number;
  body: Buffer;
}

/** DDS-Security for a participant: the three plugins (ParticipantOptions.security). */
export interface ParticipantSecurity {
  readonly authentication: AuthenticationPlugin;
  readonly accessControl: AccessControlPlugin;
  readonly cryptography: CryptographyPlugin;
}

/** What the participant offers authentication once it runs. */
export interface AuthenticationContext {
  /** Our GUID prefix (hex). */
  readonly prefixHex: string;
  /** Our participant data as the handshake's c.pdata: the SPDP parameter list, big-endian, no encapsulation header. */
  pdata(): Buffer;
  /** Sends a ParticipantStatelessMessage payload (encapsulation included) to a known remote participant; false when unknown. */
  sendStateless(prefixHex: string, payload: Buffer): boolean;
  /** The remote participant passed authentication (and access control): match its builtin endpoints now. */
  authenticated(prefixHex: string): void;
  /**
   * An authenticated participant lost its authentication (its certificate or grant ended): unmatch everything of
   * it and hold it, as before it authenticated.
   */
  revoked(prefixHex: string): void;
}

/** What the participant offers cryptography once it runs. */
export interface CryptographyContext {
  /** Sends already-encoded (protected) submessages to a known remote participant's metatraffic locators, after INFO_DST. */
  sendSubmessages(prefixHex: string, submessages: Buffer): boolean;
}

/** A remote participant as the security plugins see it. */
export interface SecurityRemote {
  prefixHex: string;
  data: ParticipantData;
  metaLocators: Locator[];
}

/** Authentication (DDS-Security 1.1 §8.3): our identity, and the handshake that authenticates each remote participant. */
export interface AuthenticationPlugin {
  /** Our GUID prefix, derived from a random candidate (the certificate binds its first 6 bytes). */
  guidPrefix(candidate: Buffer): Buffer;
  /** Its parameters of our SPDP announcement (the identity token), bodies little- or big-endian. */
  spdpParameters(le: boolean): SpdpParameter[];
  /** Called once before any other call but the two above. */
  start(ctx: AuthenticationContext): void;
  /** A remote participant joined the table: true to match it at once, false to wait for ctx.authenticated(). */
  onParticipant(remote: SecurityRemote, now: number): boolean;
  /** A remote participant left the table (disposed, lease expired, evicted, closed). */
  onParticipantGone(prefixHex: string): void;
  /** A ParticipantStatelessMessage DATA payload from the wire (any source, known or not). Must not throw. */
  onStateless(srcPrefixHex: string, payload: Buffer, now: number): void;
  /** Periodic work (resends, timeouts, validity), every 50 ms. */
  tick(now: number): void;
  /** The participant closes. */
  close(): void;
}

/** Access control (DDS-Security 1.1 §8.4): what the governance and the permissions allow, and what they protect. */
export interface AccessControlPlugin {
  /** Builtin endpoint bits (PID_BUILTIN_ENDPOINT_SET) added to ours. */
  readonly builtinEndpoints: number;
  /**
   * The governance protects liveliness (liveliness_protection_kind not NONE): our liveliness goes on the secure
   * participant-message writer (protected with cryptography's builtinProtect key) instead of the plain one.
   */
  readonly livelinessProtected: boolean;
  /** Its parameters of our SPDP announcement (permissions token, participant security info), bodies little- or big-endian. */
  spdpParameters(le: boolean): SpdpParameter[];
  /**
   * May we create a local endpoint on this DDS topic? A refusal when not (governance or our permissions refuse
   * it, or it needs a protection this implementation cannot give yet): createWriter / createReader throw it as an
   * {@link EndpointRefusedError}.
   */
  checkLocalEndpoint(kind: 'writer' | 'reader', topic: string): LocalEndpointRefusal | undefined;
  /** PID_ENDPOINT_SECURITY_INFO for our endpoint on this topic (undefined: none announced). */
  endpointSecurityInfo(topic: string): { attributes: number; pluginAttributes: number } | undefined;
  /**
   * May this remote endpoint (announced by an authenticated participant; `secure`: over the secure SEDP
   * endpoints) be matched? False: it is ignored.
   */
  checkRemoteEndpoint(prefixHex: string, kind: 'writer' | 'reader', topic: string, secure: boolean): boolean;
  /** Endpoints on this topic are announced over the secure SEDP endpoints (governance enable_discovery_protection). */
  discoveryProtected(topic: string): boolean;
}

/**
 * Cryptography (DDS-Security 1.1 §8.5): the key exchange with authenticated participants over the volatile secure
 * channel, and the transforms of what we send and receive.
 */
export interface CryptographyPlugin {
  /** Called once, after authentication's start(). */
  start(ctx: CryptographyContext): void;
  /**
   * Removes the protection of a SEC_PREFIX … SEC_POSTFIX run at `at` in a datagram from `srcPrefixHex`: the clear
   * submessage(s), or undefined (unknown key, malformed, tampered, replayed: dropped). Must not throw.
   */
  unprotect(srcPrefixHex: string, buf: Buffer, at: number): Buffer | undefined;
  /** A ParticipantVolatileMessageSecure DATA payload (crypto tokens) and its sequence number, already unprotected. Must not throw. */
  onVolatile(srcPrefixHex: string, payload: Buffer, now: number, sn?: number): void;
  /**
   * The volatile secure channel's reliable protocol (its submessages, already unprotected with the Kx keys): the
   * peer writer's HEARTBEAT and GAP (answered with our ACKNACK) and the peer reader's ACKNACK of our token messages.
   * Must not throw.
   */
  onVolatileHeartbeat(srcPrefixHex: string, firstSN: number, lastSN: number, final: boolean, now: number): void;
  onVolatileGap(srcPrefixHex: string, gapStart: number, gapList: SequenceNumberSet, now: number): void;
  onVolatileAckNack(srcPrefixHex: string, state: SequenceNumberSet, now: number): void;
  /**
   * The clear serialized payload of a DATA from a remote writer whose SEDP said its payload is protected, or
   * undefined (no key yet, tampered, malformed: the sample is dropped and the reliable protocol asks again).
   */
  decodePayload(srcPrefixHex: string, writerGuid: string, payload: Buffer): Buffer | undefined;
  /**
   * Protection of one of our secure SEDP endpoints' submessages (discovery_protection_kind; the secure
   * participant-message endpoints: liveliness_protection_kind; each has its own key,
   * sent to the peers' counterparts as a datawriter / datareader crypto token), undefined: clear.
   */
  builtinProtect(entityId: number): ((submessage: Buffer) => Buffer) | undefined;
  /**
   * rtps_protection_kind: the whole-message transform of a datagram we send (undefined: send it clear). `always`:
   * also what normally goes clear (SPDP: our dispose, which authenticated peers trust only protected).
   */
  protectMessage(datagram: Buffer, always?: boolean): Buffer | undefined;
  /** Messages from this (authenticated) peer must come RTPS-protected (rtps_protection_kind other than NONE). */
  requiresRtpsProtection(srcPrefixHex: string): boolean;
  /**
   * An SRTPS-protected datagram from `srcPrefixHex`: the submessages of the original message (what followed its
   * header, which is the datagram's), or undefined (dropped). Must not throw.
   */
  openMessage(srcPrefixHex: string, datagram: Buffer): Buffer | undefined;
  /** Payload and submessage protection for our writer on this topic (undefined: it sends in the clear). */
  writerTransforms(writerGuid: string, topic: string): { encodePayload?: (payload: Buffer) => Buffer; protect?: (submessage: Buffer) => Buffer } | undefined;
  /** One of our endpoints closed: forget its keys and the tokens it exchanged (the gateway opens and closes readers as topics are read). */
  localEndpointClosed(guid: string): void;
  /** An authenticated peer disposed one of its endpoints through its protected discovery: forget the keys it sent for it. */
  remoteEndpointGone(endpointGuid: string): void;
  /** Our protected writer matched a remote reader: send it the writer's crypto token. */
  writerMatched(writerGuid: string, readerGuid: string): void;
  /** Our reader's ACKNACK / NACK_FRAG protected with its key when the topic's metadata protection asks for it (else undefined: clear). */
  protectReaderSubmessage(readerGuid: string, topic: string, submessage: Buffer): Buffer | undefined;
  /** Periodic work (token messages due), every 50 ms. */
  tick(now: number): void;
}

/**
 * Why DDS-Security refuses one of our endpoints: `denied` when access control says no (our permissions, or a
 * governance without a topic rule for it), `unsupported` when the topic needs a protection medkit cannot give yet.
 */
export interface LocalEndpointRefusal {
  cause: 'denied' | 'unsupported';
  reason: string;
}

/**
 * createWriter / createReader under DDS-Security on a topic the governance or our permissions refuse (`denied`),
 * or that needs a protection this implementation cannot give yet (`unsupported`). Final for the participant's
 * life: asking again gives the same answer.
 */
export class EndpointRefusedError extends Error {
  readonly code: string = 'dds-endpoint-refused';
  constructor(
    readonly kind: 'writer' | 'reader',
    /** The DDS topic name (`rt/chatter`, `rq/add_two_intsRequest`). */
    readonly topic: string,
    readonly refusal: LocalEndpointRefusal['cause'],
    readonly reason: string,
  ) {
    super(`DDS-Security refuses a ${kind} on '${topic}': ${reason}`);
    this.name = 'EndpointRefusedError';
  }
}
