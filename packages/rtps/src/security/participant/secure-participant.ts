// DDS-Security for a participant: the three builtin plugins (PKI-DH authentication, permissions access control,
// AES-GCM-GMAC cryptography) over one table of remote participants, handed to createParticipant() as
// ParticipantOptions.security.
import type { X509Certificate } from 'node:crypto';
import type { ParticipantSecurity } from '../../participant-security.js';
import type { AccessControl } from '../access/evaluator.js';
import type { SharedSecret } from '../auth/handshake.js';
import type { Identity } from '../auth/identity.js';
import { newCryptoStats } from '../crypto/transform.js';
import { PermissionsAccessControl } from './access-control.js';
import { PkiDhAuthentication } from './authentication.js';
import { AesGcmCryptography } from './cryptography.js';
import { statusCopy, type AuthenticationStats, type PeerAuthStatus, type PeerTable, type ReceivedCryptoToken } from './peers.js';

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

/** DDS-Security for a participant: pass it as ParticipantOptions.security. */
export class SecureParticipant implements ParticipantSecurity {
  readonly authentication: PkiDhAuthentication;
  readonly accessControl: PermissionsAccessControl;
  readonly cryptography: AesGcmCryptography;
  /** What the three plugins counted. */
  readonly stats: AuthenticationStats = { received: 0, malformed: 0, ignored: 0, handshakesStarted: 0, authenticated: 0, failed: 0, revoked: 0, cryptoTokens: 0, volatileDropped: 0, securedDropped: 0, noKey: 0, crypto: newCryptoStats() };
  private readonly peers: PeerTable = new Map();

  constructor(opts: ParticipantSecurityOptions) {
    const clock = opts.now ?? (() => new Date());
    this.accessControl = new PermissionsAccessControl({ access: opts.access, domainId: opts.domainId, cert: opts.identity.cert, permissionsCa: opts.permissionsCa, clock, onPeer: opts.onPeer }, this.peers);
    this.cryptography = new AesGcmCryptography(this.accessControl, this.peers, this.stats, () => this.authentication.prefixHex);
    this.authentication = new PkiDhAuthentication(
      {
        identity: opts.identity,
        permissionsDocument: opts.permissionsDocument,
        maxHandshakes: Math.max(1, opts.maxHandshakes ?? 32),
        resendMs: Math.max(10, opts.resendMs ?? 500),
        timeoutMs: Math.max(100, opts.handshakeTimeoutMs ?? 20_000),
        retryMs: Math.max(100, opts.handshakeRetryMs ?? 5_000),
        clock,
        onPeer: opts.onPeer,
      },
      this.peers,
      this.stats,
      this.accessControl,
      this.cryptography,
    );
  }

  /** Authentication state of every remote participant in the table. */
  peerStatus(): PeerAuthStatus[] {
    return [...this.peers.values()].map(statusCopy);
  }

  /** Crypto tokens an authenticated peer sent us (over ParticipantVolatileMessageSecure). */
  cryptoTokens(prefixHex: string): ReceivedCryptoToken[] {
    return this.cryptography.cryptoTokens(prefixHex);
  }

  /** @internal Handshakes holding key-agreement state now (bounds checks in tests). */
  activeHandshakes(): number {
    return this.authentication.activeHandshakes;
  }

  /** @internal The shared secret of an authenticated peer (tests). */
  sharedSecret(prefixHex: string): SharedSecret | undefined {
    const p = this.peers.get(prefixHex);
    return p?.status.state === 'authenticated' ? p.handshake.result?.secret : undefined;
  }
}

/** DDS-Security for a participant (authentication, access control, cryptography): ParticipantOptions.security. */
export function participantSecurity(opts: ParticipantSecurityOptions): SecureParticipant {
  return new SecureParticipant(opts);
}
