// @medkit/gateway as a library: build and run a gateway in-process (the `medkit` command does the same).
export { createGateway, type Gateway, type GatewayOptions } from './gateway.js';
export { loadConfig, type GatewayConfig, CORE_KEY_GROUPS, ALL_KEYS, ROS_KEYS, ROS_SECURITY_KEYS, DISCOVERY_KEYS } from './config/index.js';
export { describeConfigOrigins, renderConfigReference, type LoadOptions, type FlatConfig } from '@medkit/server';
export { defaultFeatures, FEATURE_KEYS, FEATURE_KEY_GROUPS, type DefaultFeatureOptions } from './features.js';
export { createWebUiFeature } from './web-ui/feature.js';
export { createMetricsFeature, METRICS_KEYS } from './metrics/feature.js';
export { METRICS_SERVICE, type MetricsService } from '@medkit/server';
export { checkSecureProfile, isProfileName, profileFile, PROFILES, type ProfileName } from './transport/profiles.js';
export type { GatewayContext, GatewayFeature } from './feature.js';
export { GATEWAY_VERSION, SOVD_VERSION } from './version.js';
export { nativeParts, nativePartsReport, nativePartsSummary, type NativeParts } from './info/native-parts.js';
export { createPluginsFeature, PLUGINS_SERVICE, type BuiltinPluginCatalog, type InProcessPlugin, type PluginsFeatureOptions } from './plugins/feature.js';
export { token, type Token, FeatureGraphError } from '@medkit/server';
export { FAULTS_SERVICE, type FaultsService } from './faults/gateway/service.js';
// The faults feature with a topic sampler of the embedder's own (freeze frames without the ROS layer, as
// the demo's simulated fleet robots do).
export { createFaultsFeature, type FaultsFeatureOptions } from './faults/feature.js';
export type { TopicSampler, TopicGraph, SampledMessage, HistoryPoint } from '@medkit/faults';

// The services the fleet link reads (the composition root passes these tokens to @medkit/fleet-link).
/** The entity tree (services.get(ENTITIES_SERVICE)) and its snapshots. */
export { ENTITIES_SERVICE } from './entities/service.js';
export type { EntitySnapshot } from './entities/model.js';
/** The gateway's log store and its entries. */
export { LOGS_SERVICE } from './logs/feature.js';
export type { StoredLog } from './logs/model.js';

// Building blocks for a gateway of chosen features (benchmarks, tests, embedders): the features, the ROS
// connection's service, the entity model's constructors, the collection samplers and the plugin settings.
export { createRosFeature } from './ros/feature.js';
export { ROS_SERVICE } from './ros/connection.js';
export { createEntitiesFeature } from './entities/http/feature.js';
export type { GraphEndpoint, GraphNode, RuntimeGraphSnapshot } from './entities/index.js';
export { createDataFeature } from './data/feature.js';
export { createConfigurationsFeature } from './configurations/feature.js';
export { createTriggersFeature } from './triggers/feature.js';
export { getSamplers } from './sampling/registry.js';
export { newApp, newComponent, newFunction, type App, type SovdFunction } from './entities/model.js';
export { readPluginSettings } from './plugins/config.js';
export { ProcessIdHints } from './plugins/process-hints.js';
export { registerRtpsMetrics } from './metrics/rtps.js';
