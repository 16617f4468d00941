// Fault queries for the ROS services (ListFaults, ListFaultsForEntity, docs/faults.md) and for REST lists
// (docs/faults.md): status/severity filters, muting, clusters and per-entity scope.
import type { ClusterInfo, MutedFaultInfo } from '../correlation/engine.js';
import type { FaultManager } from '../manager.js';
import type { FaultRecord, FaultStatus } from '../model.js';
import { FAULT_STATUSES } from '../model.js';

const byCode = (a: FaultRecord, b: FaultRecord): number => (a.fault_code < b.fault_code ? -1 : a.fault_code > b.fault_code ? 1 : 0);
const byLastOccurredDesc = (a: FaultRecord, b: FaultRecord): number =>
  a.last_occurred_ns === b.last_occurred_ns ? byCode(a, b) : a.last_occurred_ns < b.last_occurred_ns ? 1 : -1;

/** ListFaults.srv request. */
interface ListFaultsRequest {
  filter_by_severity?: boolean;
  severity?: number;
  statuses?: readonly string[];
  include_muted?: boolean;
  include_clusters?: boolean;
}

export interface FaultListResult {
  faults: FaultRecord[];
  muted_count: number;
  muted_faults: MutedFaultInfo[];
  cluster_count: number;
  clusters: ClusterInfo[];
}

function correlationView(mgr: FaultManager, faults: FaultRecord[], includeMuted: boolean, includeClusters: boolean): FaultListResult {
  const engine = mgr.correlation;
  if (!engine) return { faults, muted_count: 0, muted_faults: [], cluster_count: 0, clusters: [] };
  const hidden = engine.hiddenFaults(mgr.clock.monoMs());
  const hiddenCodes = new Set(hidden.map((h) => h.fault_code));
  const clusters = engine.clusters();
  return {
    faults: includeMuted ? faults : faults.filter((f) => !hiddenCodes.has(f.fault_code)),
    muted_count: hidden.length,
    muted_faults: includeMuted ? hidden : [],
    cluster_count: clusters.length,
    clusters: includeClusters ? clusters : [],
  };
}

/**
 * ListFaults semantics (docs/api.md): empty or all-unknown `statuses` → CONFIRMED; severity filter is an exact match;
 * result sorted by ascending `fault_code` (docs/faults.md decision Q9).
 */
export function listFaultsRos(mgr: FaultManager, req: ListFaultsRequest = {}): FaultListResult {
  let statuses = (req.statuses ?? []).filter((s): s is FaultStatus => (FAULT_STATUSES as readonly string[]).includes(s));
  if (statuses.length === 0) statuses = ['CONFIRMED'];
  const wanted = new Set(statuses);
  const faults = mgr.repository.allFaults()
    .filter((f) => wanted.has(f.status) && (!req.filter_by_severity || f.severity === req.severity))
    .sort(byCode);
  return correlationView(mgr, faults, Boolean(req.include_muted), Boolean(req.include_clusters));
}

/**
 * Decides whether a reporting source belongs to an entity: exact match of one of the entity's FQNs/ids, or a
 * path child of one (`/nav/planner` owns `/nav/planner/sub`).
 */
export function sourceMatcher(fqnsOrIds: readonly string[]): (source: string) => boolean {
  const set = new Set(fqnsOrIds);
  const prefixes = fqnsOrIds.filter((f) => f.startsWith('/')).map((f) => (f.endsWith('/') ? f : `${f}/`));
  return (source) => set.has(source) || prefixes.some((p) => source.startsWith(p));
}

/** REST list query. `statuses` comes from `statusesForFilter`. */
interface FaultQuery {
  statuses?: readonly FaultStatus[];
  /** Minimum severity (docs/faults.md [ours]). */
  minSeverity?: number;
  includeMuted?: boolean;
  includeClusters?: boolean;
  /**
   * Per-entity scope (docs/faults.md): a fault is in scope only if **every** reporting source belongs to the
   * entity. Absent = global list.
   */
  belongsToEntity?: (source: string) => boolean;
}

/** True when `f` is visible through the entity whose membership test is `belongs` (docs/faults.md). */
export function inEntityScope(f: FaultRecord, belongs: (source: string) => boolean): boolean {
  return f.reporting_sources.length > 0 && f.reporting_sources.every(belongs);
}

/** REST list: filters, correlation view, newest `last_occurred` first (docs/faults.md decision Q9). */
export function queryFaults(mgr: FaultManager, q: FaultQuery = {}): FaultListResult {
  const statuses = new Set(q.statuses ?? ['PREFAILED', 'CONFIRMED']);
  const faults = mgr.repository.allFaults()
    .filter((f) => statuses.has(f.status))
    .filter((f) => q.minSeverity === undefined || f.severity >= q.minSeverity)
    .filter((f) => !q.belongsToEntity || inEntityScope(f, q.belongsToEntity))
    .sort(byLastOccurredDesc);
  return correlationView(mgr, faults, Boolean(q.includeMuted), Boolean(q.includeClusters));
}

/**
 * ListFaultsForEntity (docs/api.md): faults of any status where a reporting source equals `entityId` or ends with
 * `/<entityId>`. Empty id → error.
 */
export function listFaultsForEntity(mgr: FaultManager, entityId: string): { success: boolean; error_message: string; faults: FaultRecord[] } {
  if (!entityId) return { success: false, error_message: 'entity_id is empty', faults: [] };
  const suffix = `/${entityId}`;
  const faults = mgr.repository.allFaults()
    .filter((f) => f.reporting_sources.some((s) => s === entityId || s.endsWith(suffix)))
    .sort(byCode);
  return { success: true, error_message: '', faults };
}
