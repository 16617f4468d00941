// The graph's type-hash comparison fed with hand-made SEDP data: a peer announcing another hash for a
// type we know is reported once per topic, type and hash; malformed and over-long values are counted,
// never compared; the list is bounded. The same over the network is in type-hash-announce.test.ts.
import { describe, expect, it } from 'vitest';
import { RosGraph, TypeRegistry } from '../src/index.js';
import { sedpEndpoint } from '../../../test-support/sedp-endpoints.js';

const types = new TypeRegistry({ amentPrefixPath: '' });
const ours = (t: string) => (types.has(t) ? types.typeHash(t) : undefined);
const WRONG = `RIHS01_${'ab'.repeat(32)}`;
const ep = sedpEndpoint;

describe('type hash mismatches', () => {
  it('reports a peer whose hash differs from ours, not those that agree or that we cannot check', () => {
    const g = new RosGraph();
    g.upsertEndpoint(ep('rt/chatter', 'std_msgs::msg::dds_::String_', `typehash=${WRONG};`));
    g.upsertEndpoint(ep('rt/chatter', 'std_msgs::msg::dds_::String_', `typehash=${WRONG};`, 'reader'));
    g.upsertEndpoint(ep('rt/good', 'std_msgs::msg::dds_::String_', `typehash=${types.typeHash('std_msgs/msg/String')};`));
    g.upsertEndpoint(ep('rt/custom', 'my_pkg::msg::dds_::Unknown_', `typehash=${WRONG};`));
    g.upsertEndpoint(ep('rq/addRequest', 'example_interfaces::srv::dds_::AddTwoInts_Request_', `clientid=01.2.3;typehash=${WRONG};`));
    g.upsertEndpoint(ep('rt/humble', 'std_msgs::msg::dds_::String_', ''));
    const check = g.typeHashMismatches(ours);
    expect(check.mismatches).toEqual([
      { topic: '/chatter', role: 'topic', type: 'std_msgs/msg/String', announced: WRONG, ours: types.typeHash('std_msgs/msg/String'), endpoints: 2, nodes: [] },
      { topic: '/add', role: 'request', type: 'example_interfaces/srv/AddTwoInts_Request', announced: WRONG, ours: types.typeHash('example_interfaces/srv/AddTwoInts_Request'), endpoints: 1, nodes: [] },
    ]);
    expect(check).toMatchObject({ more: 0, malformed: 0 });
  });

  it('counts malformed and over-long hashes without comparing them, and bounds the list', () => {
    const g = new RosGraph();
    const hostile = [
      'typehash=RIHS01_dead;',
      `typehash=RIHS01_${'A'.repeat(64)};`,
      `typehash=RIHS02_${'0'.repeat(64)};`,
      `typehash=RIHS01_${'0'.repeat(100_000)};`,
      'typehash=;',
    ];
    for (const u of hostile) g.upsertEndpoint(ep('rt/chatter', 'std_msgs::msg::dds_::String_', u));
    g.upsertEndpoint(ep('rt/chatter', 'std_msgs::msg::dds_::String_', [0xff, 0xfe, 0x3d, 0x3b, 0x00, 0x41]));
    for (let i = 0; i < 40; i++) g.upsertEndpoint(ep(`rt/t${i}`, 'std_msgs::msg::dds_::String_', `typehash=${WRONG};`));
    const check = g.typeHashMismatches(ours, 5);
    expect(check.malformed).toBe(hostile.length);
    expect(check.mismatches).toHaveLength(5);
    expect(check.more).toBe(35);
    expect(g.typeHashMismatches(ours).mismatches).toHaveLength(32);
  });
});
