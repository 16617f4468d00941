// Counts writes to a fault store, so readers (REST list memoisation) can tell whether anything changed
// since they last looked without comparing contents.
import type { FaultRepository } from './repository.js';

/** Every method of FaultRepository that changes stored state. */
export const WRITES: ReadonlySet<keyof FaultRepository> = new Set<keyof FaultRepository>([
  'putFault', 'putFaults', 'deleteFault', 'trimNearMisses', 'insertCaptureSet', 'deleteSnapshots', 'applySnapshotCap',
  'putFreezeFrame', 'addRosbagLinks', 'deleteRosbagLink', 'deleteRecording', 'appendHistory',
]);

interface CountedRepository {
  repository: FaultRepository;
  /** Number of write calls so far (increases on every write, successful or not). */
  changes(): number;
}

/** Wraps `repo` so every write method bumps a counter; reads pass straight through. */
export function countChanges(repo: FaultRepository): CountedRepository {
  let n = 0;
  const wrapped = new Map<PropertyKey, unknown>();
  const repository = new Proxy(repo, {
    get(target, prop) {
      const value = Reflect.get(target, prop, target) as unknown;
      if (typeof value !== 'function') return value;
      let fn = wrapped.get(prop);
      if (!fn) {
        const method = value as (...args: unknown[]) => unknown;
        fn = WRITES.has(prop as keyof FaultRepository)
          ? (...args: unknown[]) => {
              n++;
              return method.apply(target, args);
            }
          : method.bind(target);
        wrapped.set(prop, fn);
      }
      return fn;
    },
  });
  return { repository, changes: () => n };
}
