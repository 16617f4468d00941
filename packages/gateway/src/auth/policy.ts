// The authentication and role decision of every request (gateway.md §12.3): who the caller is (identity
// stage) and whether the route's minimum role lets them through (role stage). The HTTP pipeline calls
// both; nothing else decides access by role.
import type { ClientIdentity } from '../entity-scope/access.js';
import { insufficientScope, invalidToken, type OAuthError } from './errors.js';
import { isReadMethod, meets } from './route-access.js';
import type { RouteAccess } from './roles.js';
import type { AuthService } from './service.js';
import type { RequireAuthFor } from './settings.js';

/** The caller as the identity stage saw it: the identity, and why a presented token was refused. */
export interface Identification {
  client: ClientIdentity;
  /** Set when an Authorization header was sent and refused; answered only where a token is required. */
  refused?: OAuthError;
}

/** The identity headers of one request. */
export interface IdentityHeaders {
  /** `X-Client-Id` (first value). */
  clientId?: string;
  authorization?: string;
}

export class AccessPolicy {
  constructor(
    /** Undefined when authentication is off: identities are self-declared and nothing is enforced. */
    private readonly auth: AuthService | undefined,
    private readonly requireAuthFor: RequireAuthFor,
  ) {}

  get enabled(): boolean {
    return this.auth !== undefined;
  }

  /**
   * Identity stage. With auth on, a valid bearer token makes its subject the identity: locks, audit
   * trails and script executions record it, and a self-declared X-Client-Id is ignored.
   */
  async identify(h: IdentityHeaders): Promise<Identification> {
    const declared: ClientIdentity = h.clientId ? { id: h.clientId } : {};
    if (!this.auth || h.authorization === undefined) return { client: declared };
    try {
      const p = await this.auth.authenticate(h.authorization);
      return { client: { id: p.subject, subject: p.subject, role: p.role } };
    } catch (err) {
      return { client: declared, refused: err as OAuthError };
    }
  }

  /** True when a request with `method` to a route needing `access` must carry a valid token. */
  tokenRequired(method: string, access: RouteAccess): boolean {
    if (!this.auth || access === 'public') return false;
    switch (this.requireAuthFor) {
      case 'none':
        return false;
      case 'all':
        return true;
      case 'write':
        // Reads are open in `write` mode, except routes that ask for more than viewer (a plugin's stricter GET).
        return !isReadMethod(method) || access !== 'viewer';
    }
  }

  /** Role stage: throws 401 invalid_token or 403 insufficient_scope when the caller may not make this request. */
  check(method: string, access: RouteAccess, who: Identification): void {
    if (!this.tokenRequired(method, access)) return;
    if (who.client.role === undefined) throw who.refused ?? invalidToken('A bearer token is required');
    if (!meets(who.client.role, access)) {
      throw insufficientScope(`This request needs the role '${access}'; the token has '${who.client.role}'`);
    }
  }

  /** The OpenAPI `security` of an operation needing `access` (the role named in the bearer requirement; `{}` first when a token is optional). */
  securityOf(method: string, access: RouteAccess): Record<string, string[]>[] {
    if (access === 'public') return [];
    const bearer = { [BEARER_SCHEME]: [access] };
    return this.tokenRequired(method, access) ? [bearer] : [{}, bearer];
  }
}

/** Name of the OpenAPI security scheme of bearer tokens. */
export const BEARER_SCHEME = 'bearerAuth';

/** The OpenAPI security schemes of the gateway. */
export const SECURITY_SCHEMES = {
  [BEARER_SCHEME]: {
    type: 'http',
    scheme: 'bearer',
    bearerFormat: 'JWT',
    description: 'Access token from POST /api/v1/auth/authorize. Each operation names the minimum role it needs (viewer < operator < configurator < admin; docs/roles.md).',
  },
};
