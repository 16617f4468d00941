// @medkit/gateway as a library: build and run a gateway in-process (the `medkit` command does the same).
export { createGateway, type Gateway, type GatewayOptions } from './gateway.js';
export { loadConfig, GatewayConfig, ConfigError, describeConfigOrigins, CORE_KEY_GROUPS, renderConfigReference, type LoadOptions, type FlatConfig, type KeySpec } from './config/index.js';
export { defaultFeatures, FEATURE_KEYS, FEATURE_KEY_GROUPS, type DefaultFeatureOptions } from './features.js';
export { StorageError } from './storage/index.js';
export { createWebUiFeature } from './web-ui/feature.js';
export { checkSecureProfile, isProfileName, profileFile, PROFILES, type ProfileName } from './transport/profiles.js';
export type { GatewayContext, GatewayFeature } from './feature.js';
export { SovdError } from '@medkit/plugin-api';
export { GATEWAY_VERSION, SOVD_VERSION } from './version.js';
export { createPluginsFeature, PLUGINS_SERVICE, type BuiltinPluginCatalog, type InProcessPlugin, type PluginsFeatureOptions } from './plugins/feature.js';
export { token, type Token, FeatureGraphError } from './registry/index.js';
export { FAULTS_SERVICE } from './faults/gateway/service.js';
// The faults feature with a topic sampler of the embedder's own (freeze frames without the ROS layer, as
// the demo's simulated fleet robots do).
export { createFaultsFeature, type FaultsFeatureOptions } from './faults/feature.js';
export type { TopicSampler, TopicGraph, SampledMessage, HistoryPoint } from './faults/snapshots/sampler.js';
