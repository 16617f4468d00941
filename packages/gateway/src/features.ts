// The features a default `medkit gateway` runs and the configuration keys they contribute. The gateway
// orders them from what each provides and uses (registry/order.ts) and registers routes by phase.
import type { GatewayConfig } from './config/index.js';
import type { KeySpec } from '@medkit/kit';
import type { GatewayContext, GatewayFeature } from './feature.js';
import { createEntitiesFeature } from './entities/http/feature.js';
import { ENTITIES_SERVICE } from './entities/service.js';
import { createScriptsFeature } from './scripts/index.js';
import { SCRIPTS_KEYS } from '@medkit/scripts';
import { createUpdatesFeature, UPDATES_KEYS } from './updates/index.js';
import { createLocksFeature, LOCK_KEYS } from './locks/index.js';
import { createTriggersFeature, TRIGGER_KEYS } from './triggers/index.js';
import { createFaultTriggersFeature, FAULT_TRIGGER_KEYS } from './fault-triggers/feature.js';
import { createSubscriptionsFeature, SUBSCRIPTION_KEYS } from './subscriptions/index.js';
import { createWebUiFeature, WEB_UI_KEYS } from './web-ui/feature.js';
import { createModesFeature } from './modes/feature.js';
import { createDataListsFeature } from './data-lists/feature.js';
import { createClearDataFeature } from './clear-data/feature.js';
import { createCommunicationLogsFeature } from './communication-logs/feature.js';
import { createRosFeature } from './ros/index.js';
import { createFaultsFeature, FAULTS_FEATURE_KEYS } from './faults/feature.js';
import { AGGREGATION_KEYS, createAggregationFeature } from './aggregation/index.js';
import { createDataFeature, DATA_KEYS } from './data/index.js';
import { createOperationsFeature } from './operations/index.js';
import { createConfigurationsFeature } from './configurations/index.js';
import { createLifecycleFeature } from './lifecycle/index.js';
import { createLogsFeature, LOG_KEYS } from './logs/index.js';
import { createPluginsFeature, type BuiltinPluginCatalog } from './plugins/feature.js';
import { createMcpFeature, MCP_KEYS } from './mcp/feature.js';
import { createMetricsFeature, METRICS_KEYS } from './metrics/feature.js';
import { createServiceInterfaceFeature, SERVICE_INTERFACE_KEYS } from './service-interface/feature.js';
import { createWatchFeature } from './watch/feature.js';
import { createRuntimeInfoFeature } from './info/feature.js';

/** The manifest's `scripts:` entries, run as managed scripts. */
function manifestScripts(ctx: GatewayContext) {
  return ctx.services.find(ENTITIES_SERVICE)?.manifest?.scripts ?? [];
}

/** What a product built on the core adds to its default features. */
export interface DefaultFeatureOptions {
  /** Plugins enabled by name (the `medkit` command's built-ins). */
  builtinPlugins?: BuiltinPluginCatalog;
}

/** Feature modules that make up the default gateway. Each is a factory so config can shape it. */
const FEATURE_FACTORIES: ((config: GatewayConfig, opts: DefaultFeatureOptions) => GatewayFeature)[] = [
  (config) => createRosFeature(config),
  (_config, opts) => createPluginsFeature({ builtins: opts.builtinPlugins }),
  () => createEntitiesFeature(),
  () => createAggregationFeature(),
  (config) => createFaultsFeature(config),
  (config) => createLocksFeature(config),
  (config) => createDataFeature(config),
  (config) => createOperationsFeature(config),
  (config) => createConfigurationsFeature(config),
  (config) => createLifecycleFeature(config),
  (config) => createLogsFeature(config),
  (config) => createScriptsFeature(config, { managedScripts: manifestScripts }),
  (config) => createUpdatesFeature(config),
  (config) => createTriggersFeature(config),
  () => createFaultTriggersFeature(),
  (config) => createSubscriptionsFeature(config),
  () => createModesFeature(),
  () => createDataListsFeature(),
  () => createClearDataFeature(),
  () => createCommunicationLogsFeature(),
  () => createMcpFeature(),
  () => createMetricsFeature(),
  () => createServiceInterfaceFeature(),
  () => createWatchFeature(),
  () => createWebUiFeature(),
  () => createRuntimeInfoFeature(),
];

/** Keys of every default feature by feature title, for the generated reference. */
export const FEATURE_KEY_GROUPS: [string, Record<string, KeySpec>][] = [
  ['Aggregation', AGGREGATION_KEYS],
  ['Faults', FAULTS_FEATURE_KEYS],
  ['Data sampling', DATA_KEYS],
  ['Logs', LOG_KEYS],
  ['Locking', LOCK_KEYS],
  ['Triggers', TRIGGER_KEYS],
  ['Fault-trigger rules', FAULT_TRIGGER_KEYS],
  ['Cyclic subscriptions', SUBSCRIPTION_KEYS],
  ['Scripts', SCRIPTS_KEYS],
  ['Software updates', UPDATES_KEYS],
  ['MCP server', MCP_KEYS],
  ['Metrics (Prometheus)', METRICS_KEYS],
  ['SOVD service interface (ROS services)', SERVICE_INTERFACE_KEYS],
  ['Web UI', WEB_UI_KEYS],
];

/** Keys of every default feature, for the config loader. */
export const FEATURE_KEYS: Record<string, KeySpec> = Object.assign({}, ...FEATURE_KEY_GROUPS.map(([, k]) => k));

export function defaultFeatures(config: GatewayConfig, opts: DefaultFeatureOptions = {}): GatewayFeature[] {
  return FEATURE_FACTORIES.map((make) => make(config, opts));
}
