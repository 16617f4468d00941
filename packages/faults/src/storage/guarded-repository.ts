// Puts a store's outages into its status: every call that fails because of the store (disk full, file gone,
// corrupt, server unreachable) marks the status and throws FaultStoreUnavailable, and a write the status says
// would be lost is refused before it is tried. Errors that are not the store's pass through unchanged.
import type { FaultRepository } from './repository.js';
import { wrapRepository } from './repository-methods.js';
import { storeProblemOf } from './store-errors.js';
import { FaultStoreUnavailable, type FaultStoreStatus } from './store-status.js';

interface GuardOptions {
  /** Errors of a networked backend (SQLSTATEs, connection messages) count as outages too. */
  remote?: boolean;
  /** Runs before each outermost write; false refuses it (the check marked the status). */
  beforeWrite?: () => boolean;
}

/** `repo` with each call guarded by its kind (repository-methods.ts): writes and transactions as writes, reads as reads. */
export function guardRepository(repo: FaultRepository, status: FaultStoreStatus, opts: GuardOptions = {}): FaultRepository {
  let depth = 0;
  return wrapRepository(repo, (kind, call) => {
    if (kind === 'lifecycle') return call();
    const write = kind !== 'read';
    // Inside atomically the outer call already checked and will classify what escapes.
    if (depth === 0 && (write ? status.blocksWrites() || opts.beforeWrite?.() === false : status.blocksReads())) {
      if (write) status.refused();
      throw status.error();
    }
    depth++;
    try {
      return call();
    } catch (err) {
      if (err instanceof FaultStoreUnavailable) throw err;
      const problem = storeProblemOf(err, opts.remote);
      if (!problem) throw err;
      status.fail(problem, (err as Error).message);
      throw status.error();
    } finally {
      depth--;
    }
  });
}
