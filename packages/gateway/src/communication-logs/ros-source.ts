// The TrafficSource of an entity on the live ROS graph: its member apps' nodes and endpoints, its published
// topics (through the data service, whose pooled subscriptions count the messages).
import type { RosGraph } from '@medkit/ros2';
import { effectiveFqn, type App, type Entity, type EntityType } from '../entities/model.js';
import type { DataService } from '../data/service.js';
import type { NodeView, TrafficSource } from './recorder.js';

interface RosTrafficDeps {
  graph?: RosGraph;
  data?: DataService;
  members(type: EntityType, entity: Entity): App[];
}

export function rosTrafficSource(deps: RosTrafficDeps, ref: { type: EntityType; entity: Entity }): TrafficSource {
  const nodes = (): NodeView[] =>
    deps.members(ref.type, ref.entity).map((app) => {
      const fqn = effectiveFqn(app) || app.id;
      const n = deps.graph?.node(fqn);
      const endpoints = n
        ? [
            ...n.publishers.filter((e) => e.role === 'topic').map((e) => `publisher ${e.rosName}`),
            ...n.subscriptions.filter((e) => e.role === 'topic').map((e) => `subscription ${e.rosName}`),
            ...n.serviceServers.map((s) => `service ${s.name}`),
            ...n.serviceClients.map((s) => `client ${s.name}`),
          ].sort()
        : [];
      return { fqn, online: n !== undefined, endpoints };
    });
  return {
    nodes,
    publishedTopics: () => (deps.data?.topicsOf(ref) ?? []).filter((t) => t.direction !== 'subscribe').map(({ topic, type }) => ({ topic, type })),
    onGraphChange(cb) {
      const g = deps.graph;
      if (!g) return () => {};
      g.on('change', cb);
      return () => g.off('change', cb);
    },
    watch: (topic, type, cb) => deps.data?.watch(topic, type, cb),
  };
}
