// The client-credentials flow (docs/security.md): authorize, refresh (single-use refresh
// tokens; a replayed one revokes its whole grant), revoke, and the bearer check of every request.
import { randomUUID } from 'node:crypto';
import type { SqliteDatabase } from '@medkit/kit';
import { MAX_CLIENT_ID_CHARS, MAX_CLIENT_SECRET_CHARS, type ClientRegistry } from './clients.js';
import { invalidToken, OAuthError } from './errors.js';
import { nowSec, RevocationStore } from './revocations.js';
import type { Role } from '@medkit/kit';
import type { AuthSettings } from './settings.js';
import { MAX_TOKEN_CHARS, TokenSigner, type VerifiedToken } from './tokens.js';

/** The token response of /auth/authorize and /auth/token (docs/security.md). */
export interface TokenResponse {
  access_token: string;
  token_type: 'Bearer';
  expires_in: number;
  refresh_token: string;
  scope: Role;
}

/** Who a valid access token says is calling. */
interface Principal {
  subject: string;
  role: Role;
}

/** How often expired revocation rows are pruned. */
const PRUNE_INTERVAL_MS = 10 * 60 * 1000;

/** A string field of a request body, or the OAuth error for a missing or over-long one. */
function field(body: Record<string, unknown>, name: string, max: number): string {
  const v = body[name];
  if (typeof v !== 'string' || v.length === 0) throw new OAuthError('invalid_request', 400, `'${name}' is required`);
  if (v.length > max) throw new OAuthError('invalid_request', 400, `'${name}' is longer than ${max} characters`);
  return v;
}

function grantType(body: Record<string, unknown>, expected: string): void {
  const g = body.grant_type;
  if (g !== expected) throw new OAuthError('unsupported_grant_type', 400, `grant_type must be '${expected}'`);
}

/** The `Authorization: Bearer <token>` credential (scheme case-insensitive), or undefined when absent or not Bearer. */
export function bearerOf(header: string | undefined): string | undefined {
  if (!header) return undefined;
  const m = /^bearer[ ]+(\S+)[ ]*$/i.exec(header.length > MAX_TOKEN_CHARS + 64 ? '' : header);
  return m ? m[1] : undefined;
}

export class AuthService {
  private readonly signer: TokenSigner;
  private readonly store: RevocationStore;
  private readonly clients: ClientRegistry;
  private readonly pruneTimer: NodeJS.Timeout;

  constructor(
    readonly settings: AuthSettings,
    db: SqliteDatabase,
  ) {
    if (!settings.keys) throw new Error('AuthService needs signing keys (auth.enabled)');
    this.signer = new TokenSigner(settings.keys, settings.issuer);
    this.store = new RevocationStore(db);
    this.clients = settings.clients;
    this.pruneTimer = setInterval(() => this.store.prune(), PRUNE_INTERVAL_MS);
    this.pruneTimer.unref();
  }

  close(): void {
    clearInterval(this.pruneTimer);
  }

  private async issue(subject: string, role: Role, grantId: string): Promise<TokenResponse> {
    const now = nowSec();
    const refresh = await this.signer.sign('refresh', { subject, role, grantId }, now, this.settings.refreshTtlSec);
    const access = await this.signer.sign('access', { subject, role, grantId, refreshTokenId: refresh.jti }, now, this.settings.accessTtlSec);
    return { access_token: access.token, token_type: 'Bearer', expires_in: this.settings.accessTtlSec, refresh_token: refresh.token, scope: role };
  }

  /** POST /auth/authorize: client id and secret → tokens. */
  async authorize(body: Record<string, unknown>): Promise<TokenResponse> {
    grantType(body, 'client_credentials');
    const id = field(body, 'client_id', MAX_CLIENT_ID_CHARS);
    const secret = field(body, 'client_secret', MAX_CLIENT_SECRET_CHARS);
    const role = this.clients.verify(id, secret);
    if (!role) throw new OAuthError('invalid_client', 401, 'Unknown client or wrong client secret');
    return this.issue(id, role, randomUUID());
  }

  /** POST /auth/token: a refresh token (spent by this call) → new tokens of the same grant. */
  async refresh(body: Record<string, unknown>): Promise<TokenResponse> {
    grantType(body, 'refresh_token');
    const token = field(body, 'refresh_token', MAX_TOKEN_CHARS);
    const t = await this.signer.verify(token, 'refresh');
    const refused = (why: string) => new OAuthError('invalid_grant', 401, why);
    if (!t) throw refused('The refresh token is invalid or expired');
    if (this.store.isRevoked(t.jti, t.grantId)) throw refused('The refresh token has been revoked');
    if (!this.store.spend(t.jti, t.grantId, t.expiresAt)) {
      // A spent refresh token presented again was copied: end the grant for every holder (RFC 9700 §4.14.2).
      this.revokeGrant(t);
      throw refused('The refresh token has already been used; its grant is now revoked');
    }
    // The client's role as configured now: a client removed from auth.clients cannot refresh.
    const role = this.clients.roleOf(t.subject);
    if (!role) throw refused('The client of this refresh token is no longer configured');
    return this.issue(t.subject, role, t.grantId);
  }

  /** POST /auth/revoke: a refresh token (with every access token derived from it) or an access token. */
  async revoke(body: Record<string, unknown>): Promise<{ status: 'revoked' }> {
    const token = field(body, 'token', MAX_TOKEN_CHARS);
    const hint = body.token_type_hint === 'access_token' ? 'access' : 'refresh';
    const t = (await this.signer.verify(token, hint)) ?? (await this.signer.verify(token, hint === 'access' ? 'refresh' : 'access'));
    // RFC 7009 §2.2: an invalid token needs no revoking; the answer is the same.
    if (t?.type === 'refresh') this.revokeGrant(t);
    else if (t) this.store.revoke([t.jti], t.expiresAt);
    return { status: 'revoked' };
  }

  /** Revokes a refresh token and its grant until every token the grant could have issued has expired. */
  private revokeGrant(t: VerifiedToken): void {
    this.store.revoke([t.jti, t.grantId], Math.max(t.expiresAt, nowSec() + this.settings.refreshTtlSec));
  }

  /** The caller of a request carrying `Authorization: <header>`; throws 401 invalid_token for a bad token. */
  async authenticate(header: string | undefined): Promise<Principal> {
    const token = bearerOf(header);
    if (!token) throw invalidToken(header ? 'The Authorization header is not a Bearer token' : 'A bearer token is required');
    const t = await this.signer.verify(token, 'access');
    if (!t) throw invalidToken('The access token is invalid or expired');
    if (this.store.isRevoked(t.jti, t.refreshTokenId, t.grantId)) throw invalidToken('The access token has been revoked');
    return { subject: t.subject, role: t.role };
  }
}
