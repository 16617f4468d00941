/**
 * What discovery reports on `/health` (docs/manifest.md, docs/api.md) and the logger it writes to.
 */
import type { UnmanifestedPolicy } from '../manifest/types.js';
import type { MergeConflict } from './merge.js';

// /health warnings have one shape for every subsystem; discovery uses the shared one.
export { warning as healthWarning, type HealthWarning } from '@medkit/kit';

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
