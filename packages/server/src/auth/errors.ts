// The two error families of authentication: the OAuth2 bodies answered to requests (docs/api.md) and
// the named start-up error for `auth.*` settings that cannot be honoured (fail closed, docs/security.md).
import { ConfigError } from '@medkit/kit';
import type { SovdError } from '@medkit/sovd';

/** OAuth2 error codes used by the auth endpoints and the request pipeline (RFC 6749 §5.2, RFC 6750 §3.1). */
type OAuthErrorCode =
  | 'invalid_request'
  | 'invalid_client'
  | 'invalid_grant'
  | 'unsupported_grant_type'
  | 'invalid_token'
  | 'insufficient_scope'
  | 'temporarily_unavailable'
  | 'server_error'
  | 'resource-not-found';

/** The realm every `WWW-Authenticate` challenge names (docs/api.md, kept from the reference). */
const AUTH_REALM = 'ros2_medkit_gateway';

/** An error answered with the OAuth2 body `{error, error_description}` instead of a SOVD GenericError. */
export class OAuthError extends Error {
  readonly headers: Record<string, string>;

  constructor(
    readonly code: OAuthErrorCode,
    readonly status: number,
    description: string,
    headers: Record<string, string> = {},
  ) {
    super(description);
    this.name = 'OAuthError';
    this.headers = headers;
  }

  /**
   * A refusal of a shared request stage (rate limit, Host allow-list, Origin check, URL cap, body limits …)
   * in OAuth2 form: same status, same headers (Retry-After), the stage's message, which never quotes the request.
   */
  static fromRefusal(refusal: SovdError): OAuthError {
    const code: OAuthErrorCode =
      refusal.status === 429 || refusal.status === 503 ? 'temporarily_unavailable' : refusal.status >= 500 ? 'server_error' : 'invalid_request';
    const description = refusal.status >= 500 && refusal.status !== 503 ? 'The request could not be processed' : refusal.message;
    return new OAuthError(code, refusal.status, description, refusal.headers ?? {});
  }

  toBody(): { error: string; error_description: string } {
    return { error: this.code, error_description: this.message };
  }
}

/** 401 for a missing, malformed, expired, revoked or foreign token, with the Bearer challenge. */
export function invalidToken(description: string): OAuthError {
  return new OAuthError('invalid_token', 401, description, { 'WWW-Authenticate': `Bearer realm="${AUTH_REALM}", error="invalid_token"` });
}

/** 403 for a valid token whose role is below the route's minimum role. */
export function insufficientScope(description: string): OAuthError {
  return new OAuthError('insufficient_scope', 403, description, { 'WWW-Authenticate': `Bearer realm="${AUTH_REALM}", error="insufficient_scope"` });
}

/** An `auth.*` setting that cannot be honoured: start-up stops with this message (exit code 2). */
export class AuthConfigError extends ConfigError {
  override readonly code: string = 'auth-config-invalid';
  constructor(message: string) {
    super(message);
    this.name = 'AuthConfigError';
  }
}
