// GET /x-medkit-topology answers in one read what the web UI's overview used to read per App (`/apps/{id}/data`
// and `/apps/{id}/operations`): checked against those routes on a runtime graph, and after the graph changes.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestGateway, type TestGateway } from '../../../../test-support/gateway/gateway.js';
import { graph, node, StaticGraphSource } from '../../../../test-support/gateway/graph-fixtures.js';
import { waitFor } from '../../../../test-support/processes.js';
import { createEntitiesFeature } from '../../src/entities/http/feature.js';
import { createDataFeature } from '../../src/data/feature.js';
import { createOperationsFeature } from '../../src/operations/feature.js';

interface TopologyApp {
  id: string;
  node?: string;
  is_online: boolean;
  publishes: string[];
  subscribes: string[];
  services: string[];
  actions: string[];
}

describe('GET /x-medkit-topology', () => {
  let g: TestGateway;
  const source = new StaticGraphSource(
    graph(
      node('/nav/planner', { pub: ['/plan', ['/cmd_vel', 'geometry_msgs/msg/Twist']], sub: ['/scan', '/odom'], srv: [['/nav/planner/replan', 'std_srvs/srv/Trigger']] }),
      node('/sensors/lidar', { pub: ['/scan'] }),
      node('/base/odometry', { pub: ['/odom'], sub: ['/cmd_vel'] }),
    ),
  );
  const get = async (path: string) => {
    const res = await fetch(`${g.url}/api/v1${path}`);
    expect(res.status, path).toBe(200);
    return (await res.json()) as Record<string, unknown>;
  };
  beforeAll(async () => {
    g = await startTestGateway({
      features: [createEntitiesFeature({ source }), createDataFeature(), createOperationsFeature()],
      flags: { 'discovery.mode': 'runtime_only', 'discovery.refresh_debounce_ms': 0, refresh_interval_ms: 100 },
    });
  });
  afterAll(async () => g.close());

  it('lists every App with the topics and services its data and operations routes list', async () => {
    const topology = (await get('/x-medkit-topology')) as { items: TopologyApp[]; 'x-medkit': { total_count: number; remote_app_ids: string[] } };
    const apps = (await get('/apps')) as { items: { id: string }[] };
    expect(topology.items.map((a) => a.id).sort()).toEqual(apps.items.map((a) => a.id).sort());
    expect(topology['x-medkit']).toEqual({ total_count: apps.items.length, remote_app_ids: [] });
    for (const app of topology.items) {
      const data = (await get(`/apps/${app.id}/data`)) as { items: { 'x-medkit': { ros2: { topic: string; direction: string } } }[] };
      const byDirection = (d: string) => data.items.filter((i) => i['x-medkit'].ros2.direction === d || i['x-medkit'].ros2.direction === 'both').map((i) => i['x-medkit'].ros2.topic).sort();
      expect([...app.publishes].sort(), app.id).toEqual(byDirection('publish'));
      expect([...app.subscribes].sort(), app.id).toEqual(byDirection('subscribe'));
      const ops = (await get(`/apps/${app.id}/operations`)) as { items: { 'x-medkit': { ros2: { service?: string; action?: string } } }[] };
      expect([...app.services, ...app.actions].sort(), app.id).toEqual(ops.items.map((o) => o['x-medkit'].ros2.service ?? o['x-medkit'].ros2.action).sort());
    }
    const planner = topology.items.find((a) => a.node === '/nav/planner');
    expect(planner).toMatchObject({ is_online: true, publishes: expect.arrayContaining(['/plan', '/cmd_vel']), subscribes: expect.arrayContaining(['/scan', '/odom']), services: ['/nav/planner/replan'] });
  });

  it('follows the graph: a node that appears is listed once the entity tree has it', async () => {
    source.current = graph(...source.current.nodes, node('/safety/gate', { sub: ['/cmd_vel'], pub: ['/cmd_vel_safe'] }));
    // The backstop refresh (refresh_interval_ms) picks the change up; the memo follows the cache generation.
    // Waits for the event (the node in the topology) with a deadline, not a fixed sleep (issue 58).
    const listed = async () => ((await get('/x-medkit-topology')) as { items: TopologyApp[] }).items.find((a) => a.node === '/safety/gate');
    const found = await waitFor(listed, 'the new node in the topology', 10_000).catch(() => undefined);
    expect(found).toMatchObject({ publishes: ['/cmd_vel_safe'], subscribes: ['/cmd_vel'] });
  });
});
