/**
 * Entity domain of the gateway: model, manifest, runtime discovery, merge pipeline, linker, cache.
 * Pure domain code; the HTTP routes build on this barrel.
 */
export * from './model.js';
export { isValidEntityId, entityIdProblem, MAX_ID_LENGTH } from './ids.js';
export { IDENTITY_PRECEDENCE, identityRank, identityFrom, mergeIdentity, emptyIdentity, identityIsEmpty } from './identity.js';

// Manifest
export { ManifestError, formatIssue, RULE, type ManifestIssue, type IssueSeverity, type SourceLoc } from './manifest/issues.js';
export { loadManifest, loadManifestOrThrow, loadManifestSources, type ManifestLoadOptions, type ManifestSources } from './manifest/load.js';
export { ManifestLayer } from './manifest/manifest-layer.js';
export { parseCsv, CsvSyntaxError, type CsvRow } from './manifest/csv.js';
export {
  DEFAULT_MANIFEST_CONFIG,
  UNMANIFESTED_POLICIES,
  type Manifest,
  type ManifestConfig,
  type ManifestLoadResult,
  type ManifestMetadata,
  type ManifestScript,
  type ManifestScriptArg,
  type UnmanifestedPolicy,
} from './manifest/types.js';

// Runtime discovery
export type { GraphEndpoint, GraphNode, RuntimeGraphSnapshot, RuntimeGraphSource } from './runtime/graph-snapshot.js';
export { entitiesFromGraph, isInternalService, INTERNAL_SERVICE_SUFFIXES, type RuntimeDiscoveryOptions, type RuntimeEntities } from './runtime/from-graph.js';
export { hostComponent, readHostInfo, sanitizeHostId, parseOsRelease, type HostInfo } from './runtime/host-component.js';
export { filterInternalNodes } from './runtime/internal-filter.js';
export { GraphRuntimeLayer } from './runtime/runtime-layer.js';

// Merge pipeline
export type { DiscoveryLayer, LayerOutput } from './pipeline/layer.js';
export {
  FIELD_GROUPS,
  MERGE_POLICIES,
  DEFAULT_POLICIES,
  resolvePolicies,
  type FieldGroup,
  type MergePolicy,
  type LayerKind,
  type LayerPolicies,
  type PolicyOverrides,
} from './pipeline/policies.js';
export { mergeLayers, type MergeConflict, type MergeOutcome, type LayerEntities } from './pipeline/merge.js';
export { DEFAULT_GAP_FILL, applyGapFill, type GapFillOptions } from './pipeline/gap-fill.js';
export { nodeMatchesBinding, bindingNamespaceMatches } from './pipeline/binding.js';
export { HybridPipeline, countIdCollisions, type PipelineOptions, type PipelineResult } from './pipeline/pipeline.js';
export type { DiscoveryMode, DiscoveryReport, DiscoveryStrategy, EntityLogger, HealthWarning, LinkingReport, PipelineReport } from './pipeline/report.js';
export { runDiscoveryPass, type PassContext, type PassResult } from './pass.js';

// Cache, relations, service
export { EntityCache, DEFAULT_CACHE_CAPACITY, type CacheStats, type EntityRef, type ReconcileResult } from './cache.js';
export * from './relations.js';
export { RefreshScheduler, GRAPH_POLL_MS, DEFAULT_REFRESH_DEBOUNCE_MS, DEFAULT_REFRESH_INTERVAL_MS, type RefreshReason } from './scheduler.js';
export { DiscoveryManager, type SnapshotMerger, type DiscoveryOptions, type DiscoveryHealth, type EntitiesChangedEvent, type RefreshOutcome } from './service.js';
export { discoveryOptionsFromConfig, policyOverridesFrom, type ConfigReader, type DiscoveryDeps } from './config-options.js';
