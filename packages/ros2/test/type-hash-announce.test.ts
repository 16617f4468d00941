// What our endpoints put in USER_DATA, read back from SEDP by a second participant of our own on
// 127.0.0.1: `typehash=RIHS01_…;` after rmw_cyclonedds' client/service id, as Jazzy's rmws announce it,
// and nothing of the kind when the context is configured for Humble (ROS domain 232).
import { afterEach, describe, expect, it } from 'vitest';
import { formatUserData } from '../src/graph/user-data.js';
import type { RosContext, RosEndpointInfo } from '../src/index.js';
import { closeContexts, context } from './support/contexts.js';
import { testDomain } from '../../../test-support/domains.js';

const STRING_HASH = 'RIHS01_df668c740482bbd48fb39d76a70dfd4bd59db1288021743503259e948f6b1a18';
const REQUEST_HASH = 'RIHS01_000c5fd92d6b2e1a05949348f584d6d652adea1e92d691792011ac2273508302';
const RESPONSE_HASH = 'RIHS01_de5c030d4af33cba2749310b249737b631594703f9300495f48bffb2b44dcc2f';

afterEach(closeContexts);

/** The node's endpoints as the observer heard them in SEDP, once all `count` are there. */
async function heardEndpoints(observer: RosContext, fqn: string, count: number): Promise<RosEndpointInfo[]> {
  await observer.graph.waitFor((g) => g.endpoints().filter((e) => !e.local && g.nodeOfEndpoint(e.guid)?.fqn === fqn).length >= count, { timeoutMs: 10_000 });
  return observer.graph.endpoints().filter((e) => !e.local && observer.graph.nodeOfEndpoint(e.guid)?.fqn === fqn);
}

/** The endpoint's USER_DATA text, rebuilt from its pairs in the order they came. */
const userDataText = (e: RosEndpointInfo | undefined) => (e === undefined ? undefined : formatUserData(e.userData));

function populate(ctx: RosContext, name: string): void {
  const node = ctx.createNode(name, '/', { rosout: false, parameterEvents: false, parameterServices: false });
  node.createPublisher('chatter', 'std_msgs/msg/String');
  node.createSubscription('heard', 'std_msgs/msg/String', () => {});
  node.createService('add', 'example_interfaces/srv/AddTwoInts', (r) => ({ sum: Number(r.a) + Number(r.b) }));
  node.createClient('add_remote', 'example_interfaces/srv/AddTwoInts');
}

describe('type hashes in our endpoints USER_DATA', () => {
  it('announces typehash=RIHS01_…; on topics, and after the client/service id on service endpoints', async () => {
    const [talker, observer] = await Promise.all([context(testDomain(232)), context(testDomain(232))]);
    expect(talker.announcesTypeHashes).toBe(true);
    populate(talker, 'hash_talker');
    const eps = await heardEndpoints(observer, '/hash_talker', 6);
    const find = (name: string, kind: 'writer' | 'reader') => eps.find((e) => e.ddsTopic === name && e.kind === kind);
    expect(userDataText(find('rt/chatter', 'writer'))).toBe(`typehash=${STRING_HASH};`);
    expect(find('rt/chatter', 'writer')?.typeHash).toBe(STRING_HASH);
    expect(userDataText(find('rt/heard', 'reader'))).toBe(`typehash=${STRING_HASH};`);
    const serviceId = find('rq/addRequest', 'reader')?.userData.serviceid;
    expect(serviceId).toMatch(/^[0-9a-f]{2}(\.[0-9a-f]{1,2}){15}$/);
    expect(userDataText(find('rq/addRequest', 'reader'))).toBe(`serviceid=${serviceId};typehash=${REQUEST_HASH};`);
    expect(userDataText(find('rr/addReply', 'writer'))).toBe(`serviceid=${serviceId};typehash=${RESPONSE_HASH};`);
    const clientId = find('rq/add_remoteRequest', 'writer')?.userData.clientid;
    expect(clientId).toMatch(/^[0-9a-f]{2}(\.[0-9a-f]{1,2}){15}$/);
    expect(userDataText(find('rq/add_remoteRequest', 'writer'))).toBe(`clientid=${clientId};typehash=${REQUEST_HASH};`);
    expect(userDataText(find('rr/add_remoteReply', 'reader'))).toBe(`clientid=${clientId};typehash=${RESPONSE_HASH};`);
  });

  it('reports a peer that announces another hash for a type we decode, over SEDP', async () => {
    const [peer, observer] = await Promise.all([context(testDomain(232)), context(testDomain(232))]);
    const wrong = `RIHS01_${'0f'.repeat(32)}`;
    // A raw DDS writer, not a node's: it carries exactly the USER_DATA we give it.
    peer.participant.createWriter({ topic: 'rt/hash_clash', typeName: 'std_msgs::msg::dds_::String_', userData: `typehash=${wrong};` });
    peer.participant.createWriter({ topic: 'rt/hash_junk', typeName: 'std_msgs::msg::dds_::String_', userData: `typehash=${'x'.repeat(4000)};` });
    const ours = (t: string) => (observer.types.has(t) ? observer.types.typeHash(t) : undefined);
    await observer.graph.waitFor((g) => g.typeHashMismatches(ours).mismatches.some((m) => m.topic === '/hash_clash'), { timeoutMs: 10_000 });
    await observer.graph.waitFor((g) => g.endpoints().some((e) => e.ddsTopic === 'rt/hash_junk'), { timeoutMs: 10_000 });
    const check = observer.graph.typeHashMismatches(ours);
    expect(check.mismatches.filter((m) => m.topic.startsWith('/hash_'))).toEqual([
      { topic: '/hash_clash', role: 'topic', type: 'std_msgs/msg/String', announced: wrong, ours: STRING_HASH, endpoints: 1, nodes: [] },
    ]);
    expect(check.malformed).toBeGreaterThanOrEqual(1);
  });

  it('announces no type hash when configured for Humble', async () => {
    const [talker, observer] = await Promise.all([context(testDomain(232), { distro: 'humble' }), context(testDomain(232))]);
    expect(talker.announcesTypeHashes).toBe(false);
    populate(talker, 'humble_talker');
    const eps = await heardEndpoints(observer, '/humble_talker', 6);
    expect(eps.filter((e) => e.typeHash !== undefined || 'typehash' in e.userData)).toEqual([]);
    const request = eps.find((e) => e.ddsTopic === 'rq/addRequest');
    expect(Object.keys(request?.userData ?? {})).toEqual(['serviceid']);
    expect(eps.find((e) => e.ddsTopic === 'rt/chatter')?.userData).toEqual({});
  });
});
