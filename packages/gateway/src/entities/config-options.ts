/**
 * Maps the gateway configuration keys (`discovery.*`, `refresh_interval_ms`, `entity_cache.capacity`) to
 * {@link DiscoveryOptions}. Ranges are already enforced by the config loader.
 */
import type { DiscoveryLayer } from './pipeline/layer.js';
import type { PolicyOverrides } from './pipeline/policies.js';
import type { EntityLogger } from './pipeline/report.js';
import type { RuntimeGraphSource } from './runtime/graph-snapshot.js';
import type { HostInfo } from './runtime/host-component.js';
import type { DiscoveryOptions } from './service.js';
import type { ConfigReader as KitConfigReader } from '@medkit/kit';
import { DISCOVERY_KEYS } from '../config/keys.js';

/** The part of GatewayConfig this needs. */
export type ConfigReader = Pick<KitConfigReader, 'read' | 'section'>;

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
  return {
    mode: cfg.read(DISCOVERY_KEYS, 'discovery.mode'),
    manifest: {
      path: (cfg.read(DISCOVERY_KEYS, 'discovery.manifest_path') || undefined),
      strict: cfg.read(DISCOVERY_KEYS, 'discovery.manifest_strict_validation'),
      enabled: cfg.read(DISCOVERY_KEYS, 'discovery.manifest.enabled'),
      fragmentsDir: (cfg.read(DISCOVERY_KEYS, 'discovery.manifest.fragments_dir') || undefined),
      inventoryCsv: (cfg.read(DISCOVERY_KEYS, 'discovery.inventory.csv_path') || undefined),
    },
    runtime: {
      source: deps.source,
      enabled: cfg.read(DISCOVERY_KEYS, 'discovery.runtime.enabled'),
      createFunctionsFromNamespaces: cfg.read(DISCOVERY_KEYS, 'discovery.runtime.create_functions_from_namespaces'),
      filterInternalNodes: cfg.read(DISCOVERY_KEYS, 'discovery.runtime.filter_internal_nodes'),
      defaultComponent: cfg.read(DISCOVERY_KEYS, 'discovery.runtime.default_component.enabled'),
      host: deps.host,
    },
    plugins: deps.plugins,
    pipeline: {
      overrides: policyOverridesFrom(cfg.section(LAYERS_PREFIX)),
      gapFill: {
        allow_heuristic_apps: cfg.read(DISCOVERY_KEYS, 'discovery.merge_pipeline.gap_fill.allow_heuristic_apps'),
        allow_heuristic_functions: cfg.read(DISCOVERY_KEYS, 'discovery.merge_pipeline.gap_fill.allow_heuristic_functions'),
        namespace_whitelist: cfg.read(DISCOVERY_KEYS, 'discovery.merge_pipeline.gap_fill.namespace_whitelist'),
        namespace_blacklist: cfg.read(DISCOVERY_KEYS, 'discovery.merge_pipeline.gap_fill.namespace_blacklist'),
      },
    },
    refreshDebounceMs: cfg.read(DISCOVERY_KEYS, 'discovery.refresh_debounce_ms'),
    refreshIntervalMs: cfg.read(DISCOVERY_KEYS, 'refresh_interval_ms'),
    cacheCapacity: cfg.read(DISCOVERY_KEYS, 'entity_cache.capacity'),
    log: deps.log,
  };
}
