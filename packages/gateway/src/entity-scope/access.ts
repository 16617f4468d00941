// Who is calling, and the one place that decides whether they may mutate an entity's resource. Today the
// decision is the lock check (docs/locks.md); the role decision of every request is auth/policy.ts, run by
// the HTTP pipeline before any route.
import type { EntityType } from '../entities/model.js';
import type { Collection } from './collections.js';

export { ANONYMOUS, type ClientIdentity } from '@medkit/server';
import type { ClientIdentity } from '@medkit/server';

/** One mutating call on one entity's collection. */
interface MutationTarget {
  type: EntityType;
  id: string;
  collection: Collection;
}

/** One check a mutation must pass; throws the SOVD error that refuses it (409 lock held, later 403 role). */
type MutationCheck = (client: ClientIdentity, target: MutationTarget) => void;

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
