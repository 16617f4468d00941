// The two beacons as plugin modules (the same contract a plugin file exports), wired to the gateway's
// ROS connection: the parameter beacon polls through a private helper node `_param_beacon_node`
// (hidden: its name starts with `_`), the topic beacon subscribes on the gateway's node.
import type { RosConnection } from '../../../ros/connection.js';
import { PLUGIN_API_VERSION, type PluginModule } from '../../contract.js';
import { beaconRouteDocs, type BeaconPlugin } from './common/beacon-plugin.js';
import { PARAM_BEACON_CAPABILITY, ParameterBeaconPlugin, type ParameterBeaconDeps } from './parameter/plugin.js';
import { rosParamClientFactory } from './parameter/ros-client.js';
import { HINT_TYPE, TOPIC_BEACON_CAPABILITY, TopicBeaconPlugin, type TopicBeaconDeps } from './topic/plugin.js';

/** Name of the parameter beacon's helper node [REF]. */
export const PARAM_BEACON_NODE = '_param_beacon_node';

/** A beacon plugin as a module: the plugin is its own IntrospectionProvider; its routes are documented. */
function beaconModule(create: () => BeaconPlugin, capability: string, entityRoute: string, debugRoute: string, processIds?: ProcessIdSink): PluginModule {
  return {
    pluginApiVersion: PLUGIN_API_VERSION,
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

/** Where a beacon reports the process ids of its live hints (source = the plugin's name). */
export type ProcessIdSink = (source: string, pids: ReadonlyMap<string, number>) => void;

export function parameterBeaconModule(deps: ParameterBeaconDeps, processIds?: ProcessIdSink): PluginModule {
  return beaconModule(() => new ParameterBeaconPlugin(deps), PARAM_BEACON_CAPABILITY, 'Parameter beacon hint of an entity', 'Parameter beacon poll loop: per-node failures, backoff and skipped cycles', processIds);
}

export function topicBeaconModule(deps: TopicBeaconDeps, processIds?: ProcessIdSink): PluginModule {
  return beaconModule(() => new TopicBeaconPlugin(deps), TOPIC_BEACON_CAPABILITY, 'Topic beacon hint of an entity', 'Topic beacon receiver: counters and rate limiting', processIds);
}

/** Parameter-beacon dependencies on a live ROS connection (resolved when the plugin starts). */
export function rosParameterBeaconDeps(ros: () => RosConnection | undefined): ParameterBeaconDeps {
  return {
    clientFactory: () => {
      const r = ros();
      if (!r) return undefined;
      const node = r.context.createNode(PARAM_BEACON_NODE, '/', { rosout: false, parameterServices: false, parameterEvents: false });
      return { factory: rosParamClientFactory(node), close: () => node.destroy() };
    },
    graphNodes: () => ros()?.graph.nodes({ includeLocal: false }).map((n) => n.fqn) ?? [],
  };
}

/** Topic-beacon dependencies on a live ROS connection. */
export function rosTopicBeaconDeps(ros: () => RosConnection | undefined): TopicBeaconDeps {
  return {
    subscribe: (topic, onMessage) =>
      ros()?.node.createSubscription(topic, HINT_TYPE, (m, info) => onMessage(m, { publisher: info.publisherGuid }), {
        reliability: 'reliable',
        durability: 'volatile',
        history: { kind: 'keep-last', depth: 100 },
      }),
  };
}
