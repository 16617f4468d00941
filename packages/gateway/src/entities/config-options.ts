/**
 * Maps the gateway configuration keys (`discovery.*`, `refresh_interval_ms`, `entity_cache.capacity`) to
 * {@link DiscoveryOptions}. Ranges are already enforced by the config loader.
 */
import type { DiscoveryLayer } from './pipeline/layer.js';
import type { PolicyOverrides } from './pipeline/policies.js';
import type { DiscoveryMode, EntityLogger } from './pipeline/report.js';
import type { RuntimeGraphSource } from './runtime/graph-snapshot.js';
import type { HostInfo } from './runtime/host-component.js';
import type { DiscoveryOptions } from './service.js';

/** The part of GatewayConfig this needs. */
export interface ConfigReader {
  value<T = unknown>(key: string): T;
  /** Raw keys under a prefix. */
  section(prefix: string): Record<string, unknown>;
}

export interface DiscoveryDeps {
  source?: RuntimeGraphSource;
  plugins?: DiscoveryLayer[];
  host?: HostInfo;
  log?: EntityLogger;
}

const LAYERS_PREFIX = 'discovery.merge_pipeline.layers';

/** `discovery.merge_pipeline.layers.<layer>.<group>` keys → overrides (validated later by the pipeline). */
export function policyOverridesFrom(section: Record<string, unknown>): PolicyOverrides {
  const out: PolicyOverrides = {};
  for (const [key, value] of Object.entries(section)) {
    const [layer, group] = key.slice(LAYERS_PREFIX.length + 1).split('.');
    if ((layer !== 'manifest' && layer !== 'runtime') || !group || typeof value !== 'string') continue;
    (out[layer] ??= {})[group] = value.trim();
  }
  return out;
}

export function discoveryOptionsFromConfig(cfg: ConfigReader, deps: DiscoveryDeps = {}): DiscoveryOptions {
  const str = (k: string) => cfg.value<string>(k) || undefined;
  return {
    mode: cfg.value<DiscoveryMode>('discovery.mode'),
    manifest: {
      path: str('discovery.manifest_path'),
      strict: cfg.value<boolean>('discovery.manifest_strict_validation'),
      enabled: cfg.value<boolean>('discovery.manifest.enabled'),
      fragmentsDir: str('discovery.manifest.fragments_dir'),
      inventoryCsv: str('discovery.inventory.csv_path'),
    },
    runtime: {
      source: deps.source,
      enabled: cfg.value<boolean>('discovery.runtime.enabled'),
      createFunctionsFromNamespaces: cfg.value<boolean>('discovery.runtime.create_functions_from_namespaces'),
      filterInternalNodes: cfg.value<boolean>('discovery.runtime.filter_internal_nodes'),
      defaultComponent: cfg.value<boolean>('discovery.runtime.default_component.enabled'),
      host: deps.host,
    },
    plugins: deps.plugins,
    pipeline: {
      overrides: policyOverridesFrom(cfg.section(LAYERS_PREFIX)),
      gapFill: {
        allow_heuristic_apps: cfg.value<boolean>('discovery.merge_pipeline.gap_fill.allow_heuristic_apps'),
        allow_heuristic_functions: cfg.value<boolean>('discovery.merge_pipeline.gap_fill.allow_heuristic_functions'),
        namespace_whitelist: cfg.value<string[]>('discovery.merge_pipeline.gap_fill.namespace_whitelist') ?? [],
        namespace_blacklist: cfg.value<string[]>('discovery.merge_pipeline.gap_fill.namespace_blacklist') ?? [],
      },
    },
    refreshDebounceMs: cfg.value<number>('discovery.refresh_debounce_ms'),
    refreshIntervalMs: cfg.value<number>('refresh_interval_ms'),
    cacheCapacity: cfg.value<number>('entity_cache.capacity'),
    log: deps.log,
  };
}
