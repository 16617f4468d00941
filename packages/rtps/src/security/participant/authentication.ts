// Authentication on the participant (DDS-Security 1.1 §8.3, the builtin DDS:Auth:PKI-DH plugin, §9.3): our GUID
// prefix bound to the identity certificate, our identity token in SPDP, and the PKI-DH handshake with each remote
// participant over ParticipantStatelessMessage (best effort, so every message is resent until the next one
// arrives), run by the state table of handshake-table.ts. Once the handshake verified a peer, cryptography
// registers it and access control checks its permissions; it is matched (its builtin endpoints linked) only after
// both. Everything from the network is bounded and a malformed message is counted and dropped, never thrown into
// the receive path; a refused message does not end a handshake (anyone can forge one with the peer's prefix).
import type { X509Certificate } from 'node:crypto';
import { SECURITY_PID } from '../../discovery-spdp-data.js';
import { EntityId, guidToBytes, makeGuid } from '../../guid.js';
import type { AuthenticationContext, AuthenticationPlugin, SecurityRemote, SpdpParameter } from '../../participant-security.js';
import type { AccessControl } from '../access/evaluator.js';
import type { Grant } from '../access/permissions.js';
import { decodeDataHolder, type DataHolder } from '../data-holder.js';
import { reasonOf, SecurityError } from '../errors.js';
import { HANDSHAKE_FINAL_CLASS, HANDSHAKE_REPLY_CLASS, HANDSHAKE_REQUEST_CLASS, HandshakeInitiator, HandshakeReplier, type HandshakeResult } from '../auth/handshake.js';
import { adjustedGuidPrefix, type Identity } from '../auth/identity.js';
import { checkIdentityToken, identityToken } from '../auth/tokens.js';
import type { PermissionsAccessControl } from './access-control.js';
import type { AesGcmCryptography } from './cryptography.js';
import { addressedTo, AUTH_MESSAGE_CLASS, decodeGenericMessage, encodeGenericMessage, NO_IDENTITY, sameIdentity, snBytes, ZERO_GUID, type GenericMessage, type MessageIdentity } from './generic-message.js';
import { HANDSHAKE_TABLE, PUBLIC_STATE, type HandshakeAction, type HandshakeEvent, type HandshakeState } from './handshake-table.js';
import { statusCopy, type AuthenticationStats, type PeerListener, type PeerTable, type SecurePeer } from './peers.js';
import { tokenParameter } from './security-info.js';

/** The longest wait before a handshake that timed out is tried again (ms). */
const MAX_RETRY_MS = 300_000;
/** The longest wait between resends of a handshake message (ms). */
const MAX_RESEND_MS = 4000;
/** Replier: after a request is processed, further ones wait this long (ms). */
const REQUEST_QUIET_MS = 1000;

interface AuthenticationOptions {
  identity: Identity;
  /** The signed permissions document (permissions.p7s text), sent as c.perm. */
  permissionsDocument: string;
  /** Handshakes holding key-agreement state at once; more wait their turn. */
  maxHandshakes: number;
  /** First resend of an unanswered handshake message (ms); doubles up to 4 s. */
  resendMs: number;
  /** A handshake not complete after this fails (ms). */
  timeoutMs: number;
  /** First retry of a handshake that only timed out (ms); doubles up to 5 minutes. */
  retryMs: number;
  /** Clock for certificate and grant validity. */
  clock: () => Date;
  onPeer?: PeerListener;
}

/** What an event brings along: when it happened, and for a handshake message the message and its token. */
interface EventInput {
  now: number;
  message?: { m: GenericMessage; payload: Buffer; token: DataHolder };
  /** The permissions check's outcome. */
  access?: AccessControl;
  reason?: string;
}

/** When an authenticated peer stops being valid: the end of its certificate or of its grant, whichever comes first. */
function validityEnd(cert: X509Certificate, grant: Grant | undefined): { at: number; what: string } {
  const certEnd = Date.parse(cert.validTo);
  if (grant && grant.notAfter.getTime() < certEnd) return { at: grant.notAfter.getTime(), what: `permissions grant '${grant.name.slice(0, 64)}' ended` };
  return { at: certEnd, what: 'identity certificate ended' };
}

/** The handshake message class a peer in this role may send us as an event, or undefined to ignore it. Throws for one it must not send. */
function eventOf(role: 'initiator' | 'replier', classId: string): HandshakeEvent | undefined {
  if (classId === HANDSHAKE_REQUEST_CLASS) {
    if (role !== 'replier') throw new SecurityError('bad-token', 'handshake request from a participant we initiate with (its GUID is larger)');
    return 'request';
  }
  if (classId === HANDSHAKE_REPLY_CLASS) {
    if (role !== 'initiator') throw new SecurityError('bad-token', 'handshake reply from a participant that initiates with us');
    return 'reply';
  }
  if (classId === HANDSHAKE_FINAL_CLASS) return role === 'replier' ? 'final' : undefined;
  throw new SecurityError('bad-token', `unexpected handshake token class '${classId.slice(0, 64)}'`);
}

export class PkiDhAuthentication implements AuthenticationPlugin {
  private ctx?: AuthenticationContext;
  /** Our GUID prefix (hex), once guidPrefix() or start() set it. */
  private ours = '';
  /** Handshakes holding key-agreement state now. */
  private active = 0;
  /** Sequence number of our last stateless message's identity. */
  private sn = 0;
  private closed = false;
  /** One method per action of the handshake table. */
  private readonly actions: Record<HandshakeAction, (p: SecurePeer, e: EventInput, go: (next: HandshakeState) => void) => void>;

  constructor(
    private readonly opts: AuthenticationOptions,
    private readonly peers: PeerTable,
    private readonly stats: AuthenticationStats,
    private readonly access: PermissionsAccessControl,
    private readonly crypto: AesGcmCryptography,
  ) {
    this.actions = {
      sendRequest: (p, e, go) => this.sendRequest(p, e.now, go),
      answerRequest: (p, e, go) => this.answerRequest(p, e, go),
      retryAndAnswer: (p, e, go) => {
        this.retry(p, e.now, go);
        this.answerRequest(p, e, go);
      },
      sendFinal: (p, e, go) => this.sendFinal(p, e, go),
      finish: (p, e, go) => this.finish(p, e, go),
      repeatAnswer: (p, e) => this.repeatAnswer(p, e),
      resend: (p, e) => this.send(p, p.handshake.out!.payload, e.now, true),
      giveUp: (p, e, go) => this.giveUp(p, e.now, go),
      retry: (p, e, go) => this.retry(p, e.now, go),
      accept: (p, e, go) => this.accept(p, e.access!, go),
      refuse: (p, e, go) => this.fail(p, e.reason!, go),
      revoke: (p, e, go) => this.revoke(p, go),
    };
  }

  /** Our GUID prefix (hex). */
  get prefixHex(): string {
    return this.ours;
  }

  /** Handshakes holding key-agreement state now. */
  get activeHandshakes(): number {
    return this.active;
  }

  guidPrefix(candidate: Buffer): Buffer {
    const prefix = Buffer.from(adjustedGuidPrefix(this.opts.identity.cert, candidate));
    this.ours = prefix.toString('hex');
    return prefix;
  }

  spdpParameters(le: boolean): SpdpParameter[] {
    return [tokenParameter(SECURITY_PID.IDENTITY_TOKEN, identityToken(this.opts.identity), le)];
  }

  start(ctx: AuthenticationContext): void {
    this.ctx = ctx;
    this.ours ||= ctx.prefixHex;
  }

  onParticipant(remote: SecurityRemote, now: number): boolean {
    const tokens = remote.data.security;
    const identity = tokens?.parameters.find((x) => x.pid === SECURITY_PID.IDENTITY_TOKEN);
    const role = this.prefixHex < remote.prefixHex ? 'initiator' : 'replier';
    const p: SecurePeer = {
      prefixHex: remote.prefixHex,
      guid: guidToBytes(makeGuid(remote.prefixHex, EntityId.PARTICIPANT)),
      status: { guidPrefix: remote.prefixHex, state: 'queued', role, since: now },
      handshake: { state: 'queued', resends: 0, nextResendAt: 0, startedAt: now, quietUntil: 0, retries: 0 },
      access: { refusedKeys: new Set() },
    };
    if (this.peers.has(remote.prefixHex)) this.onParticipantGone(remote.prefixHex);
    this.peers.set(remote.prefixHex, p);
    const enter = (next: HandshakeState) => this.setState(p, next, now);
    if (!identity) {
      if (this.access.allowUnauthenticated) {
        p.handshake.state = 'unauthenticated';
        return true;
      }
      this.fail(p, 'unauthenticated: it announces no identity token and governance does not allow unauthenticated participants', enter);
      return false;
    }
    try {
      checkIdentityToken(decodeDataHolder(identity.body, tokens!.le));
    } catch (err) {
      this.fail(p, reasonOf(err), enter);
      return false;
    }
    if (role === 'replier') enter('waiting-request');
    else this.begin(p, now, enter);
    return false;
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
    const p = this.peers.get(srcHex);
    let m: GenericMessage;
    try {
      m = decodeGenericMessage(payload);
    } catch (err) {
      this.malformed(p, err, now);
      return;
    }
    if (!p || m.classId !== AUTH_MESSAGE_CLASS || !addressedTo(m, this.prefixHex) || m.data.length === 0) {
      this.stats.ignored++;
      return;
    }
    try {
      const token = m.data[0];
      const event = eventOf(p.status.role, token.classId);
      if (event) this.dispatch(p, event, { now, message: { m, payload, token } });
    } catch (err) {
      this.malformed(p, err, now);
    }
  }

  tick(now: number): void {
    if (this.closed) return;
    const validityNow = this.opts.clock().getTime();
    for (const p of this.peers.values()) {
      const h = p.handshake;
      if (h.validUntil && validityNow > h.validUntil.at) this.dispatch(p, 'expired', { now });
      else if (h.state === 'timed-out' && h.retryAt !== undefined && now >= h.retryAt) this.dispatch(p, 'retry-due', { now });
      else if (h.state === 'queued' && this.active < this.opts.maxHandshakes) this.dispatch(p, 'slot-free', { now });
      else if (now - h.startedAt > this.opts.timeoutMs) this.dispatch(p, 'timeout', { now });
      else if (h.out && now >= h.nextResendAt) this.dispatch(p, 'resend-due', { now });
    }
  }

  close(): void {
    this.closed = true;
    for (const p of this.peers.values()) this.release(p);
  }

  /** Runs the table's row for the peer's state and the event; an event the state has no row for is ignored. */
  private dispatch(p: SecurePeer, event: HandshakeEvent, e: EventInput): void {
    const from = p.handshake.state;
    const row = HANDSHAKE_TABLE[from][event];
    if (!row) return;
    this.actions[row.action](p, e, (next) => {
      if (!row.next.includes(next)) throw new Error(`handshake table: no transition ${from} --${event}--> ${next}`);
      this.setState(p, next, e.now);
    });
  }

  // ---- the actions -----------------------------------------------------------------------

  /** A new initiator: its request at once when a slot is free, else it queues. */
  private begin(p: SecurePeer, now: number, go: (next: HandshakeState) => void): void {
    if (this.active >= this.opts.maxHandshakes) go('queued');
    else this.sendRequest(p, now, go);
  }

  private sendRequest(p: SecurePeer, now: number, go: (next: HandshakeState) => void): void {
    const h = p.handshake;
    h.initiator = new HandshakeInitiator(this.local(), { now: this.opts.clock() });
    this.active++;
    this.stats.handshakesStarted++;
    h.startedAt = now;
    go('awaiting-reply');
    const identity = this.nextIdentity();
    const payload = this.message(p, identity, NO_IDENTITY, h.initiator.request());
    h.out = { payload, identity };
    this.send(p, payload, now, false);
  }

  /** Our reply or final was lost: the peer's repeated message gets the same answer again. True when it was a repeat. */
  private repeatAnswer(p: SecurePeer, e: EventInput): boolean {
    const h = p.handshake;
    if (!h.answered?.equals(e.message!.payload) || !h.answer) return false;
    this.ctx!.sendStateless(p.prefixHex, h.answer);
    return true;
  }

  private answerRequest(p: SecurePeer, e: EventInput, go: (next: HandshakeState) => void): void {
    const h = p.handshake;
    const { m, payload, token } = e.message!;
    if (this.repeatAnswer(p, e)) return;
    if (e.now < h.quietUntil) {
      this.stats.ignored++;
      return;
    }
    h.quietUntil = e.now + REQUEST_QUIET_MS;
    if (!h.replier && this.active >= this.opts.maxHandshakes) {
      this.stats.ignored++; // no room now: the initiator resends
      return;
    }
    if (!h.replier) {
      this.active++;
      this.stats.handshakesStarted++;
    }
    h.replier = new HandshakeReplier(this.local(), { now: this.opts.clock() });
    if (h.state !== 'awaiting-final') {
      // The timeout runs from the first request: repeated (or forged) requests do not extend it.
      h.startedAt = e.now;
      go('awaiting-final');
    }
    const reply = h.replier.processRequest(token);
    const identity = this.nextIdentity();
    const out = this.message(p, identity, m.messageIdentity, reply);
    h.out = { payload: out, identity };
    h.answered = payload;
    h.answer = out;
    h.resends = 0;
    this.send(p, out, e.now, false);
  }

  private sendFinal(p: SecurePeer, e: EventInput, go: (next: HandshakeState) => void): void {
    const h = p.handshake;
    const { m, payload, token } = e.message!;
    // Without our request out (it did not encode), there is nothing this can answer.
    if (!h.initiator || !h.out) return;
    if (!sameIdentity(m.relatedMessageIdentity, h.out.identity)) throw new SecurityError('bad-token', 'handshake reply to a request we did not send');
    const { final, result } = h.initiator.processReply(token);
    const out = this.message(p, this.nextIdentity(), m.messageIdentity, final);
    h.answered = payload;
    h.answer = out;
    this.ctx!.sendStateless(p.prefixHex, out);
    this.handshakeDone(p, result, go);
  }

  private finish(p: SecurePeer, e: EventInput, go: (next: HandshakeState) => void): void {
    const h = p.handshake;
    const { m, token } = e.message!;
    // Without a reply out (the request did not process), there is nothing the final can answer.
    if (!h.replier || !h.out) return;
    if (!sameIdentity(m.relatedMessageIdentity, h.out.identity)) throw new SecurityError('bad-token', 'handshake final for a reply we did not send');
    this.handshakeDone(p, h.replier.processFinal(token), go);
  }

  /** The handshake verified the peer: cryptography registers it, then its permissions are checked (asynchronously, S/MIME). */
  private handshakeDone(p: SecurePeer, result: HandshakeResult, go: (next: HandshakeState) => void): void {
    p.handshake.result = result;
    p.status.subject = result.peerCert.subject.replace(/\n/g, ',');
    this.crypto.registerRemote(p, result.secret, Date.now());
    this.release(p);
    go('checking-permissions');
    void this.access
      .validateRemotePermissions(result)
      .then((access) => {
        if (this.peers.get(p.prefixHex) !== p || this.closed) return;
        this.dispatch(p, 'permissions-valid', { now: Date.now(), access });
      })
      .catch((err: unknown) => {
        if (this.peers.get(p.prefixHex) === p) this.dispatch(p, 'permissions-refused', { now: Date.now(), reason: reasonOf(err) });
      });
  }

  private accept(p: SecurePeer, access: AccessControl, go: (next: HandshakeState) => void): void {
    const h = p.handshake;
    const cert = h.result!.peerCert;
    p.access.permissions = { access, cert };
    h.retries = 0;
    h.validUntil = validityEnd(cert, access.grantFor(cert.subject));
    this.stats.authenticated++;
    p.status.reason = undefined;
    go('authenticated');
    this.ctx!.authenticated(p.prefixHex);
  }

  /** The handshake took too long: one that refused nothing on the way (its messages or ours were lost) is tried again later. */
  private giveUp(p: SecurePeer, now: number, go: (next: HandshakeState) => void): void {
    const h = p.handshake;
    const timeoutMs = this.opts.timeoutMs;
    const waited = p.status.role === 'initiator' ? 'no valid handshake reply' : 'no valid handshake request and final';
    const lost = p.status.reason === undefined;
    this.fail(p, lost ? `timeout: ${waited} within ${timeoutMs} ms` : `${p.status.reason} (${waited} within ${timeoutMs} ms)`, go, lost ? 'timed-out' : 'failed');
    if (lost) h.retryAt = now + Math.min(this.opts.retryMs * 2 ** Math.min(h.retries++, 16), MAX_RETRY_MS);
  }

  /** Tries a handshake that only timed out again: as initiator at once (or queued), as replier by waiting for a request. */
  private retry(p: SecurePeer, now: number, go: (next: HandshakeState) => void): void {
    const h = p.handshake;
    h.retryAt = undefined;
    h.answered = undefined;
    h.answer = undefined;
    p.status.reason = undefined;
    if (p.status.role === 'initiator') this.begin(p, now, go);
    else go('waiting-request');
  }

  /**
   * An authenticated peer whose certificate or grant ran out: none of its keys opens anything any more, nothing
   * more goes to it, and the participant unmatches it and holds it (it is not authenticated again while it stays
   * in the participant table, like any refused peer).
   */
  private revoke(p: SecurePeer, go: (next: HandshakeState) => void): void {
    const h = p.handshake;
    const reason = `expired: ${h.validUntil!.what} ${new Date(h.validUntil!.at).toISOString()} while authenticated`;
    h.validUntil = undefined;
    this.stats.revoked++;
    this.fail(p, reason, go);
    this.ctx!.revoked(p.prefixHex);
  }

  /** Refuses the peer with a reason (final, or `timed-out` to be tried again); what it had of cryptography goes. */
  private fail(p: SecurePeer, reason: string, go: (next: HandshakeState) => void, next: 'failed' | 'timed-out' = 'failed'): void {
    this.release(p);
    this.crypto.unregisterRemote(p);
    this.stats.failed++;
    this.stats.lastError = reason.slice(0, 500);
    p.status.reason = reason.slice(0, 500);
    go(next);
  }

  // ---- messages --------------------------------------------------------------------------

  private local() {
    return { identity: this.opts.identity, permissions: this.opts.permissionsDocument, pdata: new Uint8Array(this.ctx!.pdata()) };
  }

  private nextIdentity(): MessageIdentity {
    return { guid: guidToBytes(makeGuid(this.prefixHex, EntityId.STATELESS_WRITER)), sn: snBytes(++this.sn) };
  }

  private message(p: SecurePeer, identity: MessageIdentity, related: MessageIdentity, token: DataHolder): Buffer {
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

  private send(p: SecurePeer, payload: Buffer, now: number, resend: boolean): void {
    const h = p.handshake;
    h.resends = resend ? h.resends + 1 : 0;
    h.nextResendAt = now + Math.min(MAX_RESEND_MS, this.opts.resendMs * 2 ** Math.min(h.resends, 3));
    this.ctx!.sendStateless(p.prefixHex, payload);
  }

  private malformed(p: SecurePeer | undefined, err: unknown, now: number): void {
    this.stats.malformed++;
    this.stats.lastError = reasonOf(err).slice(0, 500);
    // A refused message does not end the handshake (anyone can forge a stateless message with the peer's
    // prefix); the reason is kept, and a handshake that never completes fails on its timeout with it.
    if (p && p.status.state !== 'authenticated' && p.status.state !== 'failed') {
      p.status.reason = this.stats.lastError;
      p.status.since = now;
      this.opts.onPeer?.(statusCopy(p));
    }
  }

  /** Drops a peer's key-agreement state (the handshake slot). */
  private release(p: SecurePeer): void {
    const h = p.handshake;
    if (h.initiator || h.replier) this.active--;
    h.initiator = undefined;
    h.replier = undefined;
    h.out = undefined;
  }

  private setState(p: SecurePeer, state: HandshakeState, now: number): void {
    p.handshake.state = state;
    p.status = { ...p.status, state: PUBLIC_STATE[state], since: now };
    this.opts.onPeer?.(statusCopy(p));
  }
}
