// What each FaultRepository method does to the store, in one table the compiler checks against the interface:
// a method added to FaultRepository does not compile until it is classified here, so the outage guard
// (guarded-repository.ts) and the change counter (change-counter.ts) can never take a new write for a read.
import type { FaultRepository } from './repository.js';

/**
 * - `write`: changes stored state (counted as a change; refused while the store cannot take writes);
 * - `transaction`: runs writes of its caller (guarded as a write; the writes inside are counted themselves);
 * - `read`: reads stored state (refused while the store cannot serve reads);
 * - `lifecycle`: readiness, draining and closing, which never touch the store's medium (passed through).
 */
export type RepositoryMethodKind = 'write' | 'transaction' | 'read' | 'lifecycle';

/** The names of FaultRepository's methods (its optional ones included), not its data properties. */
export type RepositoryMethod = { [K in keyof FaultRepository]-?: NonNullable<FaultRepository[K]> extends (...args: never[]) => unknown ? K : never }[keyof FaultRepository];

/** Every method of FaultRepository and its kind: no method missing, none extra (`satisfies`). */
export const REPOSITORY_METHODS = {
  whenReady: 'lifecycle',
  drain: 'lifecycle',
  close: 'lifecycle',
  atomically: 'transaction',
  getFault: 'read',
  allFaults: 'read',
  faultCount: 'read',
  statusSeverityCounts: 'read',
  putFault: 'write',
  putFaults: 'write',
  deleteFault: 'write',
  nearMisses: 'read',
  appendHistory: 'write',
  history: 'read',
  trimNearMisses: 'write',
  insertCaptureSet: 'write',
  snapshotRows: 'read',
  deleteSnapshots: 'write',
  applySnapshotCap: 'write',
  maxCaptureId: 'read',
  freezeFrame: 'read',
  putFreezeFrame: 'write',
  addRosbagLinks: 'write',
  rosbagLinksForFault: 'read',
  linksForRecording: 'read',
  allRosbagLinks: 'read',
  deleteRosbagLink: 'write',
  deleteRecording: 'write',
} as const satisfies Record<RepositoryMethod, RepositoryMethodKind>;

/** Runs one call of a wrapped repository: `call` runs the underlying method with the caller's arguments. */
export type RepositoryAround = (kind: RepositoryMethodKind, call: () => unknown) => unknown;

/**
 * A FaultRepository that is `repo` with each method run through `around` (given the method's kind): its data
 * properties read through to `repo`, and an optional method `repo` lacks stays absent.
 */
export function wrapRepository(repo: FaultRepository, around: RepositoryAround): FaultRepository {
  const out: Partial<FaultRepository> = {
    get kind() {
      return repo.kind;
    },
    get database() {
      return repo.database;
    },
  };
  for (const name of Object.keys(REPOSITORY_METHODS) as RepositoryMethod[]) {
    const method: unknown = repo[name];
    if (typeof method !== 'function') continue;
    const kind = REPOSITORY_METHODS[name];
    Object.defineProperty(out, name, { value: (...args: unknown[]) => around(kind, () => (method as (...a: unknown[]) => unknown).apply(repo, args)), enumerable: true });
  }
  // Complete: every data property above, every method of the table (all of FaultRepository's, by its type) in the loop.
  return out as FaultRepository;
}
