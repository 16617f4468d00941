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
export { createPluginsFeature, PLUGINS_SERVICE, type BuiltinPluginCatalog, type InProcessPlugin, type PluginsFeatureOptions } from './plugins/feature.js';
export { token, type Token, FeatureGraphError } from '@medkit/server';
export { FAULTS_SERVICE } from './faults/gateway/service.js';
// The faults feature with a topic sampler of the embedder's own (freeze frames without the ROS layer, as
// the demo's simulated fleet robots do).
export { createFaultsFeature, type FaultsFeatureOptions } from './faults/feature.js';
export type { TopicSampler, TopicGraph, SampledMessage, HistoryPoint } from '@medkit/faults';

// What the fleet tier (@medkit/fleet-link on the robot, @medkit/fleet for `medkit fleet`) takes from the
// gateway: the feature contract, the services and models it reads, and the HTTP pieces (the SSE hub, request
// forwarding, route access) the fleet server's routes reuse. Key specs, storage, TLS, SSE framing and /health
// types come from @medkit/kit, the fault model from @medkit/faults.
/** The entity tree (services.get(ENTITIES_SERVICE)) and its snapshots. */
export { ENTITIES_SERVICE } from './entities/service.js';
export type { EntitySnapshot } from './entities/model.js';
/** The gateway's log store and its entries. */
export { LOGS_SERVICE } from './logs/feature.js';
export type { StoredLog } from './logs/model.js';
/** HTTP: the Fastify app type routes register on and the SSE hub. */
export type { HttpApp } from '@medkit/server';
export type { SseHub, SseStream } from '@medkit/server';
/** Forwarding a request to another gateway (federation peers, a fleet's robots). */
export { escapesPath, forwardRequest } from '@medkit/server';
/** Route access: which role a request needs. */
export { isReadMethod, type RoleResolver } from '@medkit/server';
