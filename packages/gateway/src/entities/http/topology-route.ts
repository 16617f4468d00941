// GET /x-medkit-topology: every local App's node, topics, services and actions in one answer, so a client
// drawing the whole robot's graph (the web UI's overview) reads one route instead of two per App. The same
// entity model the data and operations routes list from; memoised per entity cache generation. Apps owned
// by an aggregation peer are not in it (their topics are the peer's): `x-medkit.remote_app_ids` names them.
import { Type } from '@sinclair/typebox';
import { API_BASE, type HttpApp } from '@medkit/server';
import { effectiveFqn, peerOfSource, type App } from '../model.js';
import type { EntityCache } from '../cache.js';

const TopologyApp = Type.Object(
  {
    id: Type.String(),
    name: Type.String(),
    is_online: Type.Boolean(),
    node: Type.Optional(Type.String({ description: 'The ROS node this App stands for (fully qualified).' })),
    publishes: Type.Array(Type.String()),
    subscribes: Type.Array(Type.String()),
    services: Type.Array(Type.String({ description: 'Full ROS path of a service the node serves.' })),
    actions: Type.Array(Type.String({ description: 'Full ROS path of an action the node serves.' })),
  },
  { $id: 'TopologyApp', title: 'TopologyApp' },
);

const TopologyBody = Type.Object(
  {
    items: Type.Array(TopologyApp),
    'x-medkit': Type.Object({ total_count: Type.Integer(), remote_app_ids: Type.Array(Type.String()) }),
  },
  { $id: 'Topology', title: 'Topology' },
);

const isRemote = (a: App) => peerOfSource(a.source) !== undefined;

function topologyOf(apps: readonly App[]) {
  const local = apps.filter((a) => !isRemote(a));
  const items = local.map((a) => {
    const node = effectiveFqn(a);
    return {
      id: a.id,
      name: a.name || a.id,
      is_online: a.is_online,
      ...(node ? { node } : {}),
      publishes: [...a.topics.publishes],
      subscribes: [...a.topics.subscribes],
      services: a.services.map((s) => s.full_path),
      actions: a.actions.map((s) => s.full_path),
    };
  });
  return { items, 'x-medkit': { total_count: items.length, remote_app_ids: apps.filter(isRemote).map((a) => a.id) } };
}

/** Registers GET /x-medkit-topology over the entity cache. */
export function registerTopologyRoute(app: HttpApp, cache: () => EntityCache): void {
  let memo: { generation: number; body: ReturnType<typeof topologyOf> } | undefined;
  app.get(
    `${API_BASE}/x-medkit-topology`,
    {
      schema: {
        operationId: 'getTopology',
        summary: "Every local App's ROS node, topics, services and actions in one answer (the robot's graph)",
        tags: ['discovery'],
        response: { 200: TopologyBody },
      },
    },
    async () => {
      const c = cache();
      if (!memo || memo.generation !== c.generation) memo = { generation: c.generation, body: topologyOf(c.snapshot().apps) };
      return memo.body;
    },
  );
}
