// Counts writes to a fault store, so readers (REST list memoisation) can tell whether anything changed
// since they last looked without comparing contents.
import type { FaultRepository } from './repository.js';
import { wrapRepository } from './repository-methods.js';

interface CountedRepository {
  repository: FaultRepository;
  /** Number of write calls so far (increases on every write, successful or not). */
  changes(): number;
}

/** Wraps `repo` so every write method (repository-methods.ts) bumps a counter; everything else passes straight through. */
export function countChanges(repo: FaultRepository): CountedRepository {
  let n = 0;
  const repository = wrapRepository(repo, (kind, call) => {
    if (kind === 'write') n++;
    return call();
  });
  return { repository, changes: () => n };
}
