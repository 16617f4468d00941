// `ros2_topic` end to end: a real gateway with ROS on (its own DDS participant over UDP loopback) bridges a
// real OPC-UA server; a separate @medkit/ros2 node (another participant on the test domain) subscribes to
// the node's topic and receives the PLC's values as std_msgs/msg/Float32, polled and after a change.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RosContext } from '@medkit/ros2';
import { testDomain } from '../../../test-support/domains.js';
import type { TestGateway } from '../../../test-support/gateway/gateway.js';
import { eventually, http } from '../../../test-support/gateway/ros-robot.js';
import type { PlcServer } from './plc-server.js';
import { startBridge, type Bridge } from './bridge.js';

const DOMAIN = testDomain(182);
const NODE_MAP = `
component_id: plc3
nodes:
  - { node_id: "ns=1;s=Temperature", data_name: temperature, ros2_topic: /plc3/temperature }
  - { node_id: "ns=1;s=BigCode", data_name: big_code, data_type: int, ros2_topic: /plc3/big_code }
  - { node_id: "ns=1;s=Missing", data_name: missing, ros2_topic: /plc3/missing }
`;

let bridge: Bridge;
let plc: PlcServer;
let g: TestGateway;
let ros: RosContext;

beforeAll(async () => {
  bridge = await startBridge(NODE_MAP, { 'ros.enabled': true, 'ros.domain_id': DOMAIN, 'ros.localhost_only': true, 'plugins.opcua.poll_interval_ms': 100 });
  ({ plc, g } = bridge);
  ros = await RosContext.create({ domainId: DOMAIN, localhostOnly: true });
}, 60_000);

afterAll(async () => {
  await ros?.close();
  await bridge?.close();
});

describe('opcua ros2_topic republishing', () => {
  it('a ROS subscriber in another participant receives the values as std_msgs/msg/Float32', async () => {
    const node = ros.createNode('plc_listener', '/');
    const temperatures: number[] = [];
    const codes: number[] = [];
    node.createSubscription('/plc3/temperature', 'std_msgs/msg/Float32', (m) => temperatures.push((m as { data: number }).data));
    node.createSubscription('/plc3/big_code', 'std_msgs/msg/Float32', (m) => codes.push((m as { data: number }).data));
    await eventually(async () => temperatures.includes(21.5), 'the polled temperature on the topic', 60_000);
    plc.set('Temperature', 48.25);
    await eventually(async () => temperatures.includes(48.25), 'the changed temperature on the topic', 30_000);
    plc.setRegister('BigCode', 123456);
    await eventually(async () => codes.includes(123456), 'the Int64 register on its topic', 30_000);
    // The gateway's publisher is on the topic with the declared type.
    const pubs = node.graph.publishersOf('/plc3/temperature');
    expect(pubs.some((p) => p.rosType === 'std_msgs/msg/Float32')).toBe(true);
    // A node the server answers Bad for publishes nothing, and the bridge carries on.
    expect(node.graph.publishersOf('/plc3/missing')).toEqual([]);
    const status = await http(`${g.url}/api/v1/components/plc3/x-plc-status`);
    expect(status.body).toMatchObject({ connected: true, mode: 'polling' });
    expect(status.body.ros2_published).toBeGreaterThan(0);
    expect(status.body.ros2_publish_failures ?? 0).toBe(0);
  }, 120_000);
});
