// Operations and data against real Cyclone DDS and Fast DDS peers (packages/rtps/test/peers): the
// peers' request-id conventions differ on the wire, so a service call through the operations route
// is the check that matters; a data read of a peer's topic rides along. Domains 86 (Cyclone), 87 (Fast DDS).
import { afterAll, beforeAll, expect, it } from 'vitest';
import { CYCLONE, FASTDDS, describeWith } from '../../../../test-support/requirements.js';
import { buildPeer, killAllPeers, spawnPeer, type PeerVendor } from '../../../../test-support/peers/harness.js';
import { createDataFeature } from '../../src/data/index.js';
import { createOperationsFeature } from '../../src/operations/index.js';
import { eventually, firstServiceCall, http, startRosGateway } from '../../../../test-support/gateway/ros-robot.js';
import type { TestGateway } from '../../../../test-support/gateway/gateway.js';
import { testDomain } from '../../../../test-support/domains.js';

function peerSuite(vendor: PeerVendor, domain: number): void {
  let g: TestGateway;
  beforeAll(async () => {
    await buildPeer(vendor);
    await spawnPeer(vendor, 'server', { domain, node: 'adder', ns: '/peer' });
    await spawnPeer(vendor, 'talker', { domain, node: 'chatter_node', ns: '/peer', periodMs: 50 });
    g = await startRosGateway(domain, [createDataFeature(), createOperationsFeature()], { service_call_timeout_sec: 5 });
  }, 300_000);
  afterAll(async () => {
    await g?.close();
    await killAllPeers();
  });

  it(`calls the ${vendor} peer's add_two_ints through the operations route`, async () => {
    await eventually(async () => (await http(`${g.url}/api/v1/apps/adder/operations/add_two_ints`)).status === 200, 'peer operation', 60_000);
    const op = await http(`${g.url}/api/v1/apps/adder/operations/add_two_ints`);
    expect(op.body.item['x-medkit'].ros2).toEqual({ service: '/add_two_ints', type: 'example_interfaces/srv/AddTwoInts', kind: 'service' });
    // The first call matches the gateway's client with the server (sent again while that is not done); the checked
    // calls below go to a client already matched.
    const first = await firstServiceCall(`${g.url}/api/v1/apps/adder/operations/add_two_ints/executions`, { a: 1, b: 1 });
    expect(first.status, JSON.stringify(first.body)).toBe(200);
    for (const [a, b] of [
      [2, 40],
      [-7, 1000],
    ]) {
      const r = await http(`${g.url}/api/v1/apps/adder/operations/add_two_ints/executions`, { method: 'POST', json: { parameters: { a, b } } });
      expect(r.status, JSON.stringify(r.body)).toBe(200);
      expect(r.body).toEqual({ parameters: { sum: a + b } });
    }
  }, 90_000);

  it(`reads the ${vendor} peer's topic through the data route`, async () => {
    const r = await eventually(async () => {
      const x = await http(`${g.url}/api/v1/apps/chatter_node/data/chatter`);
      return x.status === 200 && x.body['x-medkit'].status === 'data' ? x : undefined;
    }, 'peer sample', 20_000);
    expect(r.body.data.data).toMatch(/^Hello World: \d+/);
    expect(r.body['x-medkit']).toMatchObject({ ros2: { topic: '/chatter', type: 'std_msgs/msg/String' }, publisher_count: 1 });
  }, 30_000);
}

describeWith(CYCLONE, 'ROS-backed resources against a Cyclone DDS peer', () => peerSuite('cyclone', testDomain(35)));
describeWith(FASTDDS, 'ROS-backed resources against a Fast DDS peer', () => peerSuite('fastdds', testDomain(36)));
