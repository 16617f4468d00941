// The parameter and topic beacons as plugin modules (docs/beacons.md), built on the plugin contract
// alone: the parameter beacon polls through a hidden helper node `_param_beacon_node` on the gateway's
// participant, the topic beacon subscribes through the gateway; both report the process ids of their live
// hints to the context for the Linux introspection plugins.
import { PLUGIN_API_VERSION, type PluginContext, type PluginModule } from '@medkit/plugin-api';
import { BEACON_STORE_KEYS, beaconRouteDocs, type BeaconPlugin } from './common/beacon-plugin.js';
import { BEACON_ERROR_CODES } from './common/errors.js';
import { PARAM_BEACON_CAPABILITY, ParameterBeaconPlugin, type ParameterBeaconDeps } from './parameter/plugin.js';
import { rosParamClientFactory } from './parameter/ros-client.js';
import { HINT_TYPE, TOPIC_BEACON_CAPABILITY, TopicBeaconPlugin, type TopicBeaconDeps } from './topic/plugin.js';

export { PARAMETER_BEACON, ParameterBeaconPlugin, type ParameterBeaconDeps } from './parameter/plugin.js';
export { TOPIC_BEACON, TopicBeaconPlugin, type TopicBeaconDeps } from './topic/plugin.js';

/** Name of the parameter beacon's helper node [REF]. */
export const PARAM_BEACON_NODE = '_param_beacon_node';

/** A beacon plugin as a module: the plugin is its own IntrospectionProvider; its routes are documented. */
function beaconModule(create: () => BeaconPlugin, capability: string, entityRoute: string, debugRoute: string, ownKeys: readonly string[], processIds?: ProcessIdSink): PluginModule {
  return {
    pluginApiVersion: PLUGIN_API_VERSION,
    configKeys: [...BEACON_STORE_KEYS, ...ownKeys],
    errorCodes: BEACON_ERROR_CODES,
    createPlugin: () => {
      const plugin = create();
      if (processIds) plugin.onProcessIds = (pids) => processIds(plugin.name(), pids);
      return plugin;
    },
    getIntrospectionProvider: (p) => p as BeaconPlugin,
    describePluginRoutes: () => ({
      ...beaconRouteDocs(capability, entityRoute),
      [capability]: { get: { summary: debugRoute, tags: ['x-medkit beacons'], responses: { 200: { description: debugRoute } } } },
    }),
  };
}

/** Where a beacon reports the process ids of its live hints instead of its context (source = the plugin's name). */
export type ProcessIdSink = (source: string, pids: ReadonlyMap<string, number>) => void;

/** The parameter beacon; `deps` default to the gateway's ROS access from the plugin's context. */
export function parameterBeaconModule(deps: ParameterBeaconDeps = rosParameterBeaconDeps, processIds?: ProcessIdSink): PluginModule {
  return beaconModule(() => new ParameterBeaconPlugin(deps), PARAM_BEACON_CAPABILITY, 'Parameter beacon hint of an entity', 'Parameter beacon poll loop: per-node failures, backoff and skipped cycles', ['poll_interval_sec', 'poll_budget_sec', 'param_timeout_sec', 'parameter_prefix'], processIds);
}

/** The topic beacon; `deps` default to the gateway's ROS access from the plugin's context. */
export function topicBeaconModule(deps: TopicBeaconDeps = rosTopicBeaconDeps, processIds?: ProcessIdSink): PluginModule {
  return beaconModule(() => new TopicBeaconPlugin(deps), TOPIC_BEACON_CAPABILITY, 'Topic beacon hint of an entity', 'Topic beacon receiver: counters and rate limiting', ['topic', 'max_messages_per_second'], processIds);
}

/** Parameter-beacon dependencies on the context's ROS access (undefined without ROS: nothing is polled). */
export const rosParameterBeaconDeps: ParameterBeaconDeps = {
  clientFactory: (ctx: PluginContext) => {
    const node = ctx.ros()?.helperNode?.(PARAM_BEACON_NODE);
    if (!node) return undefined;
    return { factory: rosParamClientFactory(node), close: () => node.destroy() };
  },
  graphNodes: (ctx) => ctx?.ros()?.graph.nodes().map((n) => n.fqn) ?? [],
};

/** Topic-beacon dependencies on the context's ROS access (reliable, volatile, depth 100). */
export const rosTopicBeaconDeps: TopicBeaconDeps = {
  subscribe: (topic, onMessage, ctx) => {
    const ros = ctx.ros();
    if (!ros) return undefined;
    const close = ros.subscribe(topic, HINT_TYPE, (m, info) => onMessage(m, { publisher: info.publisherGuid }), {
      reliability: 'reliable',
      durability: 'volatile',
      history: { kind: 'keep-last', depth: 100 },
    });
    return { close };
  },
};
