// The graph's bookkeeping in isolation (fed with hand-made discovery data): node ownership from
// ros_discovery_info, the unknown-node bucket, services and actions per node, participant removal,
// and the debounced change event. The real-network behaviour is in peers-interop and client-loopback.
import { once } from 'node:events';
import { describe, expect, it } from 'vitest';
import { VendorId, type EndpointData } from '@medkit/rtps';
import { endpointData } from '../../../test-support/sedp-endpoints.js';
import { RosGraph, UNKNOWN_NODE_NAME, decodeDiscoveryInfo, encodeDiscoveryInfo } from '../src/index.js';

const P = '0110aabbccddeeff00112233';
const guid = (n: number) => `${P}${n.toString(16).padStart(6, '0')}${n % 2 ? '03' : '04'}`;

function ep(n: number, kind: 'writer' | 'reader', topic: string, type: string, userData = ''): EndpointData {
  return { ...endpointData({ prefix: P, n, kind, topic, type, userData }), guid: guid(n) };
}

function graphWithEndpoints(): RosGraph {
  const g = new RosGraph();
  g.upsertParticipant({ guid: `${P}000001c1`, vendorId: VendorId.CYCLONE_DDS, userData: Buffer.from('enclave=/;') });
  g.upsertEndpoint(ep(1, 'writer', 'rt/chatter', 'std_msgs::msg::dds_::String_', 'typehash=RIHS01_abc;'));
  g.upsertEndpoint(ep(2, 'reader', 'rq/fib/_action/send_goalRequest', 'example_interfaces::action::dds_::Fibonacci_SendGoal_Request_'));
  g.upsertEndpoint(ep(3, 'writer', 'rr/fib/_action/send_goalReply', 'example_interfaces::action::dds_::Fibonacci_SendGoal_Response_'));
  g.upsertEndpoint(ep(5, 'writer', 'rt/fib/_action/feedback', 'example_interfaces::action::dds_::Fibonacci_FeedbackMessage_'));
  g.upsertEndpoint(ep(7, 'writer', 'rt/orphan', 'std_msgs::msg::dds_::Int32_'));
  g.upsertEndpoint(ep(9, 'writer', 'ros_discovery_info', 'rmw_dds_common::msg::dds_::ParticipantEntitiesInfo_'));
  return g;
}

describe('RosGraph', () => {
  it('assigns endpoints to the nodes that list them and puts the rest in the unknown bucket', () => {
    const g = graphWithEndpoints();
    const info = decodeDiscoveryInfo(
      encodeDiscoveryInfo({ gid: `${P}000001c1`, nodes: [{ namespace: '/robot', name: 'talker', readers: [guid(2)], writers: [guid(1), guid(3), guid(5)] }] }, 24),
    );
    expect(info.gidSize).toBe(24);
    g.setDiscoveryInfo(P, info);
    const talker = g.node('/robot/talker')!;
    expect(talker).toMatchObject({ vendor: 'Eclipse Cyclone DDS', gidSize: 24, enclave: '/', unknown: false });
    expect(talker.publishers.map((e) => e.rosName)).toEqual(['/chatter', '/fib/_action/feedback']);
    expect(talker.publishers[0].typeHash).toBe('RIHS01_abc');
    expect(talker.serviceServers).toEqual([
      { name: '/fib/_action/send_goal', type: 'example_interfaces/action/Fibonacci_SendGoal', requestEndpoint: guid(2), replyEndpoint: guid(3) },
    ]);
    expect(talker.actionServers).toEqual([{ name: '/fib', type: 'example_interfaces/action/Fibonacci' }]);
    expect(g.nodeOfEndpoint(guid(1))?.fqn).toBe('/robot/talker');
    expect(g.nodeOfEndpoint(guid(7))).toBeUndefined();
    const unknown = g.nodes({ includeUnknown: true }).find((n) => n.unknown)!;
    expect(unknown.name).toBe(UNKNOWN_NODE_NAME);
    expect(unknown.publishers.map((e) => e.rosName)).toEqual(['/orphan']);
    expect(g.snapshot().nodes.map((n) => n.name)).toEqual(['talker']);
    expect(g.serviceServers('/fib/_action/send_goal')[0]).toMatchObject({ vendorId: VendorId.CYCLONE_DDS, node: { name: 'talker', namespace: '/robot' }, replyWriter: { guid: guid(3) } });
  });

  it('forgets a removed participant with its nodes and emits one debounced change', async () => {
    const g = graphWithEndpoints();
    g.setDiscoveryInfo(P, { gid: `${P}000001c1`, gidSize: 16, nodes: [{ namespace: '/', name: 'n', readers: [], writers: [guid(1)] }] });
    let changes = 0;
    g.on('change', () => changes++);
    // Events, not sleeps (issue 58): the set-up burst's debounced change, then the removal burst's. The debounce
    // holds one timer per burst, so the event after the removals is that burst's only one.
    await once(g, 'change');
    changes = 0;
    g.removeParticipant(`${P}000001c1`);
    g.removeEndpoint(guid(1));
    await once(g, 'change');
    expect(changes).toBe(1);
    expect(g.nodes({ includeUnknown: true })).toEqual([]);
    expect(g.endpoints()).toEqual([]);
  });
});
