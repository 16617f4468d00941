// Who is calling, and the one place that decides whether they may mutate an entity's resource. Today the
// decision is the lock check (docs/locks.md); the role decision of every request is auth/policy.ts, run by
// the HTTP pipeline before any route.
import type { EntityType } from '../entities/model.js';
import type { Collection } from './collections.js';
import type { Role } from '@medkit/kit';

/** The caller of one request, read once per request by the HTTP pipeline. */
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

/** One mutating call on one entity's collection. */
export interface MutationTarget {
  type: EntityType;
  id: string;
  collection: Collection;
}

/** One check a mutation must pass; throws the SOVD error that refuses it (409 lock held, later 403 role). */
export type MutationCheck = (client: ClientIdentity, target: MutationTarget) => void;

/** The access decision for mutating calls. */
export class AccessControl {
  private readonly checks: MutationCheck[] = [];

  /** Adds a check (the locks feature adds the lock check). */
  addCheck(check: MutationCheck): void {
    this.checks.push(check);
  }

  /** Throws when `client` may not mutate `target`. */
  authorizeMutation(client: ClientIdentity, target: MutationTarget): void {
    for (const check of this.checks) check(client, target);
  }

  /** True when `client` may mutate `target` (for bulk operations that skip what they may not touch). */
  mayMutate(client: ClientIdentity, target: MutationTarget): boolean {
    try {
      this.authorizeMutation(client, target);
      return true;
    } catch {
      return false;
    }
  }
}
