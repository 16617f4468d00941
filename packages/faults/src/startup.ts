// Start-up maintenance of the fault store (docs/faults.md): near-miss and snapshot bounds, and HEALED→CLEARED
// reclassification when healing is off. Kept out of the manager, which only decides when it runs.
import type { FaultManagerConfig } from './config.js';
import type { FaultLogger } from './log.js';
import type { FaultRepository } from './storage/repository.js';
import type { TransitionLog } from './history/transitions.js';

/** What start-up maintenance changed (docs/faults.md). */
export interface StartupMaintenance {
  trimmed_near_misses: number;
  trimmed_snapshots: number;
  reclassified: string[];
}

interface MaintenanceDeps {
  repo: FaultRepository;
  config: FaultManagerConfig;
  healingEnabled: boolean;
  transitions: TransitionLog;
  log: FaultLogger;
  nowNs: bigint;
}

export function maintainStore({ repo, config: c, healingEnabled, transitions, log, nowNs }: MaintenanceDeps): StartupMaintenance {
  const trimmed_snapshots = repo.applySnapshotCap(c.snapshots.max_per_fault);
  if (trimmed_snapshots > 0) log.info(`snapshot cap ${c.snapshots.max_per_fault}: dropped ${trimmed_snapshots} rows`);
  const trimmed_near_misses = repo.trimNearMisses(c.near_miss.max_per_fault);
  if (trimmed_near_misses > 0) log.info(`near-miss bound ${c.near_miss.max_per_fault}: dropped ${trimmed_near_misses} entries`);
  const reclassified: string[] = [];
  if (!healingEnabled) {
    const healed = repo.allFaults().filter((r) => r.status === 'HEALED');
    for (const r of healed) r.status = 'CLEARED';
    if (healed.length > 0) {
      repo.putFaults(healed);
      for (const r of healed) {
        if (!c.snapshots.retain_on_clear) repo.deleteSnapshots(r.fault_code);
        transitions.record('cleared', r, 'startup_reclassify', nowNs, 'healing is disabled');
        reclassified.push(r.fault_code);
      }
      log.info(`healing disabled: ${healed.length} HEALED faults reclassified as CLEARED`);
    }
  }
  return { trimmed_near_misses, trimmed_snapshots, reclassified };
}
