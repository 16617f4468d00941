// Issues and verifies the gateway's JWTs with `jose` (docs/security.md): HS256 with the shared secret or
// RS256 with the key pair. Verification accepts only the configured algorithm (so `none` and an HS256
// token signed with the RS256 public key are refused), only our issuer, only the expected token type,
// only tokens of bounded length, and no token issued in the future beyond a small clock skew.
import { randomUUID } from 'node:crypto';
import type { JWTPayload } from 'jose';
import { isRole, type Role } from '@medkit/kit';
import type { SigningKeys } from './settings.js';

/** Longest token accepted; ours are ~500 characters, so anything near this is not one of ours. */
export const MAX_TOKEN_CHARS = 4096;
/**
 * How far a token's `iat` may lie ahead of this gateway's clock (seconds). The gateway signs with its own clock,
 * so only a clock stepped back by NTP can make one of its tokens look early; a token issued further in the
 * future was not issued by this gateway as it is now (a leaked key, a clock set forward to mint long-lived ones).
 */
export const MAX_CLOCK_SKEW_SEC = 60;

type TokenType = 'access' | 'refresh';

// jose is loaded on the first token signed or checked: a gateway without authentication never loads it.
let jose: Promise<typeof import('jose')> | undefined;
const loadJose = () => (jose ??= import('jose'));

/** A verified token's claims that the gateway uses. */
export interface VerifiedToken {
  type: TokenType;
  subject: string;
  role: Role;
  jti: string;
  /** Shared by every token issued from one client-credentials exchange (revoking one refresh token revokes them all). */
  grantId: string;
  /** Access tokens: the refresh token issued with them (docs/security.md). */
  refreshTokenId?: string;
  /** Epoch seconds. */
  expiresAt: number;
}

interface IssuedToken {
  token: string;
  jti: string;
  expiresAt: number;
}

export class TokenSigner {
  constructor(
    private readonly keys: SigningKeys,
    private readonly issuer: string,
  ) {}

  private get signingKey() {
    return this.keys.algorithm === 'HS256' ? this.keys.secret : this.keys.privateKey;
  }

  private get verifyingKey() {
    return this.keys.algorithm === 'HS256' ? this.keys.secret : this.keys.publicKey;
  }

  /** Signs a token of `type` for `subject` valid `ttlSec` seconds from `nowSec`. */
  async sign(type: TokenType, claims: { subject: string; role: Role; grantId: string; refreshTokenId?: string }, nowSec: number, ttlSec: number): Promise<IssuedToken> {
    const jti = randomUUID();
    const expiresAt = nowSec + ttlSec;
    const payload: JWTPayload = { typ: type, role: claims.role, grant_id: claims.grantId };
    if (claims.refreshTokenId) payload.refresh_token_id = claims.refreshTokenId;
    const { SignJWT } = await loadJose();
    const token = await new SignJWT(payload)
      .setProtectedHeader({ alg: this.keys.algorithm, typ: type })
      .setIssuer(this.issuer)
      .setSubject(claims.subject)
      .setIssuedAt(nowSec)
      .setExpirationTime(expiresAt)
      .setJti(jti)
      .sign(this.signingKey);
    return { token, jti, expiresAt };
  }

  /** The claims of a valid token of `type`; undefined for anything else (bad signature, expired, foreign, malformed). */
  async verify(token: string, type: TokenType): Promise<VerifiedToken | undefined> {
    if (token.length === 0 || token.length > MAX_TOKEN_CHARS) return undefined;
    try {
      const { jwtVerify } = await loadJose();
      const { payload } = await jwtVerify(token, this.verifyingKey, {
        algorithms: [this.keys.algorithm],
        issuer: this.issuer,
        typ: type,
        requiredClaims: ['sub', 'exp', 'iat', 'jti'],
      });
      const grantId = payload.grant_id;
      const refreshTokenId = payload.refresh_token_id;
      if (payload.typ !== type || !isRole(payload.role) || typeof grantId !== 'string' || typeof payload.sub !== 'string' || typeof payload.jti !== 'string') return undefined;
      if (refreshTokenId !== undefined && typeof refreshTokenId !== 'string') return undefined;
      // jose checks that iat is a number only; exp alone would let a future-dated token live past its lifetime.
      if (payload.iat! > Math.floor(Date.now() / 1000) + MAX_CLOCK_SKEW_SEC) return undefined;
      return { type, subject: payload.sub, role: payload.role, jti: payload.jti, grantId, refreshTokenId, expiresAt: payload.exp! };
    } catch {
      return undefined;
    }
  }
}
