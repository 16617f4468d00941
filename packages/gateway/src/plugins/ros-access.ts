// The gateway's implementation of PluginRosAccess (ros-access-contract.ts): one per plugin, over the gateway's
// node. Subscriptions are tracked so shutdown closes them; parameter and lifecycle clients are cached per
// node FQN (bounded, least recently used closed first) because each client opens DDS endpoints.
import type { ParameterClient, LifecycleClient, Subscription } from '@medkit/ros2';
import type { RosConnection } from '../ros/connection.js';
import type { PluginMessageInfo, PluginRosAccess } from './ros-access-contract.js';

/** Most cached parameter/lifecycle clients per plugin. */
const CLIENT_CACHE = 64;

/** Small LRU of closable clients keyed by node FQN. */
class ClientCache<C extends { close(): void }> {
  private readonly map = new Map<string, C>();
  constructor(private readonly make: (fqn: string) => C) {}
  get(fqn: string): C {
    let c = this.map.get(fqn);
    if (c) this.map.delete(fqn);
    else c = this.make(fqn);
    this.map.set(fqn, c);
    if (this.map.size > CLIENT_CACHE) {
      const [oldest, client] = this.map.entries().next().value as [string, C];
      this.map.delete(oldest);
      client.close();
    }
    return c;
  }
  close(): void {
    for (const c of this.map.values()) c.close();
    this.map.clear();
  }
}

export interface ClosablePluginRosAccess extends PluginRosAccess {
  /** Closes every subscription and client the plugin still holds. */
  close(): void;
}

/** `onCallbackError` counts a throwing subscription callback against the plugin. */
export function createPluginRosAccess(ros: RosConnection, onCallbackError: (message: string) => void): ClosablePluginRosAccess {
  const subs = new Set<Subscription>();
  const params = new ClientCache<ParameterClient>((fqn) => ros.node.parameterClient(fqn));
  const lifecycles = new ClientCache<LifecycleClient>((fqn) => ros.node.lifecycleClient(fqn));
  return {
    graph: {
      get version() {
        return ros.graph.version;
      },
      nodes: () => ros.graph.nodes({ includeLocal: false }),
      publishersOf: (topic) => ros.graph.publishersOf(topic).filter((e) => !e.local),
      subscribersOf: (topic) => ros.graph.subscribersOf(topic).filter((e) => !e.local),
    },
    subscribe(topic, type, onMessage) {
      const sub = ros.node.createSubscription(topic, type, (m, info) => {
        const meta: PluginMessageInfo = { publisherGuid: String(info.publisherGuid), size: info.raw.length };
        try {
          onMessage(m, meta);
        } catch (err) {
          onCallbackError(`subscription ${topic} callback failed: ${(err as Error)?.message ?? String(err)}`);
        }
      }, 'auto');
      subs.add(sub);
      return () => {
        if (subs.delete(sub)) sub.close();
      };
    },
    async getParameters(fqn, names, timeoutMs) {
      const got = await params.get(fqn).get(names, { timeoutMs });
      return got.map((p) => ({ name: p.name, set: p.type !== 0, value: p.value }));
    },
    async listParameters(fqn, timeoutMs) {
      return (await params.get(fqn).list([], 0, { timeoutMs })).names;
    },
    lifecycleState: (fqn, timeoutMs) => lifecycles.get(fqn).getState({ timeoutMs }),
    isManaged(fqn) {
      const n = ros.graph.node(fqn);
      return !!n && n.serviceServers.some((s) => s.name === `${fqn === '/' ? '' : fqn}/get_state`);
    },
    close() {
      for (const s of subs) s.close();
      subs.clear();
      params.close();
      lifecycles.close();
    },
  };
}
