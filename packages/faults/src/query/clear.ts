// Clearing for the REST routes (docs/faults.md): one code globally (with correlation cascade), one code
// through an entity (scope-checked, no cascade), and collection clears filtered by status.
import type { ClearOutcome, FaultManager } from '../manager.js';
import type { FaultRecord, FaultStatus } from '../model.js';
import { inEntityScope } from './list.js';

type EntityClearResult = { found: false } | ({ found: true } & ClearOutcome);

/**
 * `DELETE /{entity}/faults/{code}`: 404 semantics when the fault is unknown or out of the entity's scope;
 * clears with `skip_correlation_auto_clear` so one entity cannot clear other entities' faults.
 */
export function clearEntityFault(mgr: FaultManager, code: string, belongsToEntity: (source: string) => boolean): EntityClearResult {
  const f = mgr.getFault(code);
  if (!f || !inEntityScope(f, belongsToEntity)) return { found: false };
  return { found: true, ...mgr.clear(code, { skipCorrelationAutoClear: true }) };
}

interface CollectionClearOptions {
  /** From `statusesForFilter`; default PREFAILED + CONFIRMED. */
  statuses?: readonly FaultStatus[];
  /** Per-entity route: only in-scope faults, no cascade. Absent = global `DELETE /faults` (cascade on). */
  belongsToEntity?: (source: string) => boolean;
  /** Global route: faults any of whose sources is locked by another client are skipped (docs/faults.md). */
  skip?: (fault: FaultRecord) => boolean;
}

/**
 * `DELETE /faults` and `DELETE /{entity}/faults`: clears every matching fault (muted ones included). Codes
 * already cleared by an earlier cascade in the same call are not cleared twice. Returns the cleared codes.
 */
export function clearFaults(mgr: FaultManager, o: CollectionClearOptions = {}): string[] {
  const statuses = new Set(o.statuses ?? ['PREFAILED', 'CONFIRMED']);
  const targets = mgr.repository.allFaults()
    .filter((f) => statuses.has(f.status))
    .filter((f) => !o.belongsToEntity || inEntityScope(f, o.belongsToEntity))
    .filter((f) => !o.skip?.(f));
  const done = new Set<string>();
  for (const f of targets) {
    if (done.has(f.fault_code)) continue;
    const out = mgr.clear(f.fault_code, { skipCorrelationAutoClear: Boolean(o.belongsToEntity) });
    if (!out.success) continue;
    done.add(f.fault_code);
    out.auto_cleared_codes.forEach((c) => done.add(c));
  }
  return [...done];
}
