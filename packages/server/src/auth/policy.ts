// The authentication and role decision of every request (docs/security.md): who the caller is (identity
// stage) and whether the route's minimum role lets them through (role stage). The HTTP pipeline calls
// both; nothing else decides access by role.
import { ANONYMOUS, type ClientIdentity } from './identity.js';
import type { CertificateIdentity } from '@medkit/kit';
import { insufficientScope, invalidToken, type OAuthError } from './errors.js';
import { isReadMethod, meets } from './route-access.js';
import type { RouteAccess } from '@medkit/kit';
import type { AuthService } from './service.js';
import type { RequireAuthFor } from './settings.js';

/** The caller as the identity stage saw it: the identity, and why a presented token was refused. */
export interface Identification {
  client: ClientIdentity;
  /** Set when an Authorization header was sent and refused; answered only where a token is required. */
  refused?: OAuthError;
}

/** The identity headers of one request, and the client certificate its connection presented. */
interface IdentityHeaders {
  /** `X-Client-Id` (first value). */
  clientId?: string;
  authorization?: string;
  /** A client certificate verified against `server.tls.ca_file` (mutual TLS), with its mapped role. */
  certificate?: CertificateIdentity;
}

/** A caller with no identity header, certificate or token: one shared (frozen) answer, not two objects per request. */
const ANONYMOUS_CALLER: Identification = Object.freeze({ client: ANONYMOUS });

/** `client` as an identification, the shared one for the anonymous caller. */
const identification = (client: ClientIdentity): Identification => (client === ANONYMOUS ? ANONYMOUS_CALLER : { client });

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
   * trails and script executions record it, and a self-declared X-Client-Id is ignored. Without a token, a
   * verified client certificate that `server.tls.client_roles` maps to a role is the identity instead.
   * Synchronous unless a token has to be verified.
   */
  identify(h: IdentityHeaders): Identification | Promise<Identification> {
    const cert = h.certificate;
    const certFields: ClientIdentity = cert ? { certificateSubject: cert.subject, ...(cert.role ? { certificateRole: cert.role } : {}) } : ANONYMOUS;
    const declared: ClientIdentity = h.clientId ? { id: h.clientId, ...certFields } : certFields;
    if (!this.auth) return identification(declared);
    // Auth on: a mapped certificate stands for its subject (never a self-declared id).
    const fallback: ClientIdentity = cert?.role ? { id: cert.subject, subject: cert.subject, role: cert.role, ...certFields } : declared;
    if (h.authorization === undefined) return identification(fallback);
    return this.auth.authenticate(h.authorization).then(
      (p) => ({ client: { id: p.subject, subject: p.subject, role: p.role, ...certFields } }),
      (err) => ({ client: fallback, refused: err as OAuthError }),
    );
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

  /**
   * The OpenAPI `security` of an operation needing `access`: the bearer scheme, `{}` first when a token is
   * optional, none for public routes. The role itself is not a scope (OpenAPI allows scopes on OAuth2 and
   * OpenID schemes only); the document names it in `x-medkit-minimum-role`.
   */
  securityOf(method: string, access: RouteAccess): Record<string, string[]>[] {
    if (access === 'public') return [];
    const bearer = { [BEARER_SCHEME]: [] };
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
    description: 'Access token from POST /api/v1/auth/authorize. Each operation names the minimum role it needs in x-medkit-minimum-role (viewer < operator < configurator < admin; docs/roles.md).',
  },
};
