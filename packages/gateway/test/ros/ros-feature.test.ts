// The ROS connection feature with real processes (testDomain(37)): /health reports what it hears, the
// gateway's own node is not an App, and graph changes (a node starting, a node stopping) reach the
// entity tree without waiting for the backstop refresh.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildRos2, eventually, http, startRobot, startRosGateway, type RobotProcess } from '../../../../test-support/gateway/ros-robot.js';
import type { TestGateway } from '../../../../test-support/gateway/gateway.js';
import { testDomain } from '../../../../test-support/domains.js';

const DOMAIN = testDomain(37);
let g: TestGateway;
let robot: RobotProcess | undefined;

beforeAll(async () => {
  buildRos2();
  // A long backstop: only graph events can make the app appear in time.
  g = await startRosGateway(DOMAIN, [], { refresh_interval_ms: 60000 });
}, 120_000);

afterAll(async () => {
  await robot?.stop();
  await g?.close();
});

describe('ROS connection feature', () => {
  it('a node that starts later shows up through graph change events; /health counts it', async () => {
    const ids = async () => (await http(`${g.url}/api/v1/apps`)).body.items.map((a: { id: string }) => a.id) as string[];
    expect(await ids()).toEqual([]);
    robot = await startRobot(DOMAIN, { only: ['plain'] });
    await eventually(async () => (await ids()).includes('plain_node'), 'plain_node app');
    expect(await ids()).not.toContain('medkit_gateway');
    const h = await http(`${g.url}/api/v1/health`);
    expect(h.body['x-medkit-ros']).toMatchObject({ enabled: true, connected: true, domain_id: DOMAIN, localhost_only: true, participants_seen: 1, nodes_seen: 1, vendors: { medkit: 1 } });
    expect(h.body.warnings.filter((w: { code: string }) => w.code.startsWith('ros_'))).toEqual([]);
  });

  it('a node that stops disappears from the tree', async () => {
    await robot!.stop();
    await eventually(async () => (await http(`${g.url}/api/v1/apps/plain_node`)).status === 404, 'plain_node gone');
    const h = await http(`${g.url}/api/v1/health`);
    expect(h.body['x-medkit-ros'].nodes_seen).toBe(0);
  });
});
