// The gateway's implementation of PluginRosAccess (@medkit/plugin-api): one per plugin, over the gateway's
// node. Subscriptions and publishers are tracked so shutdown closes them; parameters and lifecycle states are read through
// the connection's one client per node, shared with the configurations and lifecycle features (a second client
// of the same services on the gateway's node made calls fail).
import type { Publisher, RosNode, Subscription } from '@medkit/ros2';
import type { RosConnection } from '../ros/connection.js';
import type { PluginMessageInfo, PluginRosAccess } from '@medkit/plugin-api';

export interface ClosablePluginRosAccess extends PluginRosAccess {
  /** Closes every subscription and client the plugin still holds. */
  close(): void;
}

/** `onCallbackError` counts a throwing subscription callback against the plugin. */
export function createPluginRosAccess(ros: RosConnection, onCallbackError: (message: string) => void): ClosablePluginRosAccess {
  const subs = new Set<Subscription>();
  const pubs = new Set<Publisher>();
  const helpers = new Set<RosNode>();
  return {
    domainId: ros.domainId,
    graph: {
      get version() {
        return ros.graph.version;
      },
      nodes: () => ros.graph.nodes({ includeLocal: false }),
      publishersOf: (topic) => ros.graph.publishersOf(topic).filter((e) => !e.local),
      subscribersOf: (topic) => ros.graph.subscribersOf(topic).filter((e) => !e.local),
    },
    subscribe(topic, type, onMessage, qos = 'auto') {
      const sub = ros.node.createSubscription(topic, type, (m, info) => {
        const meta: PluginMessageInfo = { publisherGuid: String(info.publisherGuid), size: info.raw.length };
        try {
          onMessage(m, meta);
        } catch (err) {
          onCallbackError(`subscription ${topic} callback failed: ${(err as Error)?.message ?? String(err)}`);
        }
      }, qos);
      subs.add(sub);
      return () => {
        if (subs.delete(sub)) sub.close();
      };
    },
    advertise(topic, type) {
      const pub = ros.node.createPublisher(topic, type);
      pubs.add(pub);
      return {
        topic: pub.topic,
        type: pub.type,
        publish: (message) => pub.publish(message),
        get subscriptionCount() {
          return pub.subscriptionCount;
        },
        close: () => {
          if (pubs.delete(pub)) pub.close();
        },
      };
    },
    async getParameters(fqn, names, timeoutMs) {
      const got = await ros.parameterClient(fqn).get(names, { timeoutMs });
      return got.map((p) => ({ name: p.name, set: p.type !== 0, value: p.value }));
    },
    async listParameters(fqn, timeoutMs) {
      return (await ros.parameterClient(fqn).list([], 0, { timeoutMs })).names;
    },
    lifecycleState: (fqn, timeoutMs) => ros.lifecycleClient(fqn).getState({ timeoutMs }),
    isManaged: (fqn) => ros.graph.serviceServers(`${fqn}/get_state`).some((s) => !s.requestReader.local),
    helperNode(name) {
      if (!name.startsWith('_')) throw new Error(`helper node name '${name}' must start with '_' (hidden from the graph)`);
      const node = ros.context.createNode(name, '/', { rosout: false, parameterServices: false, parameterEvents: false });
      // Destroyed again at shutdown when the plugin did not: RosNode.destroy() is idempotent.
      helpers.add(node);
      return node;
    },
    close() {
      for (const s of subs) s.close();
      subs.clear();
      for (const p of pubs) p.close();
      pubs.clear();
      for (const n of helpers) n.destroy();
      helpers.clear();
    },
  };
}
