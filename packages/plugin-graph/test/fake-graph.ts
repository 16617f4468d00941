// Fake graph snapshots for unit tests of the graph provider and watchdog: nodes with topic endpoints and QoS,
// shaped like @medkit/ros2's RosNodeInfo (the detectors read no other field).
import { DEFAULT_QOS, type QoS } from '@medkit/rtps';
import type { RosEndpointInfo, RosNodeInfo } from '@medkit/ros2';
import type { PluginRosGraph } from '@medkit/plugin-api';

export interface FakeNode {
  fqn: string;
  pubs?: [topic: string, qos?: Partial<QoS>][];
  subs?: [topic: string, qos?: Partial<QoS>][];
  services?: string[];
}

let guid = 0;
function endpoint(node: string, kind: 'writer' | 'reader', topic: string, qos: Partial<QoS> = {}): RosEndpointInfo {
  guid++;
  return { guid: guid.toString(16).padStart(32, '0'), kind, ddsTopic: `rt${topic}`, ddsType: 'x', role: 'topic', rosName: topic, rosType: 'std_msgs/msg/String', qos: { ...DEFAULT_QOS, ...qos }, userData: {}, participantGuid: '0'.repeat(32), vendorId: 0, vendor: 'test', local: false, node: { name: node.slice(node.lastIndexOf('/') + 1), namespace: node.slice(0, node.lastIndexOf('/')) || '/' } };
}

export function fakeNodes(nodes: FakeNode[]): RosNodeInfo[] {
  return nodes.map((n) => ({
    name: n.fqn.slice(n.fqn.lastIndexOf('/') + 1),
    namespace: n.fqn.slice(0, n.fqn.lastIndexOf('/')) || '/',
    fqn: n.fqn,
    enclave: '/',
    participantGuid: '0'.repeat(32),
    vendorId: 0,
    vendor: 'test',
    local: false,
    unknown: false,
    publishers: (n.pubs ?? []).map(([t, q]) => endpoint(n.fqn, 'writer', t, q)),
    subscriptions: (n.subs ?? []).map(([t, q]) => endpoint(n.fqn, 'reader', t, q)),
    serviceServers: (n.services ?? []).map((name) => ({ name, type: 'x' })),
    serviceClients: [],
    actionServers: [],
    actionClients: [],
  }));
}

export function fakeGraph(nodes: FakeNode[]): PluginRosGraph {
  const list = fakeNodes(nodes);
  return {
    version: 1,
    nodes: () => list,
    publishersOf: (t) => list.flatMap((n) => n.publishers.filter((e) => e.rosName === t)),
    subscribersOf: (t) => list.flatMap((n) => n.subscriptions.filter((e) => e.rosName === t)),
  };
}
