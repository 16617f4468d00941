/**
 * What discovery reports on `/health` (gateway.md §1.8, api.md §4.3) and the logger it writes to.
 */
import type { UnmanifestedPolicy } from '../manifest/types.js';
import type { MergeConflict } from './merge.js';

/** api.md §4.3 HealthWarning: all five keys always present. */
export interface HealthWarning {
  code: string;
  message: string;
  entity_ids: string[];
  ros_node_fqns: string[];
  peer_names: string[];
}

export function healthWarning(code: string, message: string, extra: Partial<Omit<HealthWarning, 'code' | 'message'>> = {}): HealthWarning {
  return { code, message, entity_ids: [], ros_node_fqns: [], peer_names: [], ...extra };
}

export interface PipelineReport {
  /** Layers that ran this pass, in order. */
  layers: string[];
  total_entities: number;
  enriched_count: number;
  conflict_count: number;
  conflicts: MergeConflict[];
  /** Ids used by more than one entity type. */
  id_collisions: number;
  filtered_by_gap_fill: number;
}

export interface LinkingReport {
  linked_count: number;
  orphan_count: number;
  binding_conflicts: number;
  unmanifested_policy: UnmanifestedPolicy;
  warnings?: string[];
}

export type DiscoveryMode = 'runtime_only' | 'manifest_only' | 'hybrid';
export type DiscoveryStrategy = 'runtime' | 'manifest' | 'hybrid';

/** `/health.discovery`. */
export interface DiscoveryReport {
  mode: DiscoveryMode;
  strategy: DiscoveryStrategy;
  pipeline?: PipelineReport;
  linking?: LinkingReport;
}

/** The subset of pino's API discovery logs through. */
export interface EntityLogger {
  info(msg: string): void;
  warn(msg: string): void;
  error(msg: string): void;
}

export const SILENT_LOGGER: EntityLogger = { info() {}, warn() {}, error() {} };
