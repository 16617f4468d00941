// Who is calling: read once per request by the HTTP pipeline (http/pipeline.ts) into `request.client`.
import type { Role } from '@medkit/kit';

/** The caller of one request. */
export interface ClientIdentity {
  /** The lock owner key: the token subject when authenticated, else the self-declared `X-Client-Id`. */
  id?: string;
  /** The authenticated subject (token `sub`); set only for a valid bearer token. */
  subject?: string;
  /** The role: the token's, or with auth on and no token, the one a mapped client certificate gives. */
  role?: Role;
  /** Subject of a client certificate verified against `server.tls.ca_file` (mutual TLS), e.g. `CN=ops-laptop, O=Acme`. */
  certificateSubject?: string;
  /** The role `server.tls.client_roles` maps that certificate to; absent when unmapped. */
  certificateRole?: Role;
}

/** The anonymous caller (no header). */
export const ANONYMOUS: ClientIdentity = Object.freeze({});
