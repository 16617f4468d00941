// Puts a store's outages into its status: every call that fails because of the store (disk full, file gone,
// corrupt, server unreachable) marks the status and throws FaultStoreUnavailable, and a write the status says
// would be lost is refused before it is tried. Errors that are not the store's pass through unchanged.
import { WRITES } from './change-counter.js';
import type { FaultRepository } from './repository.js';
import { storeProblemOf } from './store-errors.js';
import { FaultStoreUnavailable, type FaultStoreStatus } from './store-status.js';

const GUARDED_WRITES: ReadonlySet<PropertyKey> = new Set<PropertyKey>([...WRITES, 'atomically']);
/** Reads and lifecycle calls that never touch the store's medium. */
const PASS: ReadonlySet<PropertyKey> = new Set<PropertyKey>(['close', 'drain', 'whenReady', 'probe', 'constructor']);

interface GuardOptions {
  /** Errors of a networked backend (SQLSTATEs, connection messages) count as outages too. */
  remote?: boolean;
  /** Runs before each outermost write; false refuses it (the check marked the status). */
  beforeWrite?: () => boolean;
}

export function guardRepository(repo: FaultRepository, status: FaultStoreStatus, opts: GuardOptions = {}): FaultRepository {
  const wrapped = new Map<PropertyKey, unknown>();
  let depth = 0;
  return new Proxy(repo, {
    get(target, prop) {
      const value = Reflect.get(target, prop, target) as unknown;
      if (typeof value !== 'function' || PASS.has(prop)) return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
      let fn = wrapped.get(prop);
      if (!fn) {
        const method = value as (...args: unknown[]) => unknown;
        const write = GUARDED_WRITES.has(prop);
        fn = (...args: unknown[]) => {
          // Inside atomically the outer call already checked and will classify what escapes.
          if (depth === 0 && (write ? status.blocksWrites() || opts.beforeWrite?.() === false : status.blocksReads())) {
            if (write) status.refused();
            throw status.error();
          }
          depth++;
          try {
            return method.apply(target, args);
          } catch (err) {
            if (err instanceof FaultStoreUnavailable) throw err;
            const problem = storeProblemOf(err, opts.remote);
            if (!problem) throw err;
            status.fail(problem, (err as Error).message);
            throw status.error();
          } finally {
            depth--;
          }
        };
        wrapped.set(prop, fn);
      }
      return fn;
    },
  });
}
