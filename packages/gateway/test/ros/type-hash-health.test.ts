// /health's ros_type_hash_mismatch warning from a graph fed with SEDP announcements: quiet while hashes
// agree, names the topics, both hashes and the peer's node otherwise, and stays short under a flood.
// The detection over a real network is in packages/ros2/test/type-hash-announce.test.ts.
import { describe, expect, it } from 'vitest';
import { VendorId } from '@medkit/rtps';
import { RosGraph, TypeRegistry, decodeDiscoveryInfo, encodeDiscoveryInfo } from '@medkit/ros2';
import { typeHashHealth } from '../../src/ros/type-hash-health.js';
import { SEDP_PEER_PREFIX, sedpEndpoint } from '../../../../test-support/sedp-endpoints.js';

const P = SEDP_PEER_PREFIX;
const types = new TypeRegistry({ amentPrefixPath: '' });
const WRONG = `RIHS01_${'cd'.repeat(32)}`;
const writer = (topic: string, userData: string) => sedpEndpoint(topic, 'std_msgs::msg::dds_::String_', userData);

describe('ros_type_hash_mismatch on /health', () => {
  it('says nothing while the hashes agree, and names topic, hashes and node when they do not', () => {
    const g = new RosGraph();
    g.upsertParticipant({ guid: `${P}000001c1`, vendorId: VendorId.CYCLONE_DDS, userData: Buffer.from('enclave=/;') });
    const good = writer('rt/chatter', `typehash=${types.typeHash('std_msgs/msg/String')};`);
    g.upsertEndpoint(good);
    expect(typeHashHealth(g, types)).toEqual({});
    const bad = writer('rt/status_text', `typehash=${WRONG};`);
    g.upsertEndpoint(bad);
    g.setDiscoveryInfo(P, decodeDiscoveryInfo(encodeDiscoveryInfo({ gid: `${P}000001c1`, nodes: [{ namespace: '/robot', name: 'reporter', readers: [], writers: [good.guid, bad.guid] }] }, 16)));
    const h = typeHashHealth(g, types);
    expect(h.warnings).toHaveLength(1);
    const w = h.warnings![0];
    expect(w.code).toBe('ros_type_hash_mismatch');
    expect(w.message).toContain(`/status_text (std_msgs/msg/String: peer ${WRONG}, ours ${types.typeHash('std_msgs/msg/String')})`);
    expect(w.message).not.toContain('/chatter');
    expect(w.ros_node_fqns).toEqual(['/robot/reporter']);
  });

  it('stays bounded when many topics disagree', () => {
    const g = new RosGraph();
    for (let i = 0; i < 500; i++) g.upsertEndpoint(writer(`rt/flood_${i}`, `typehash=${WRONG};`));
    const w = typeHashHealth(g, types).warnings![0];
    expect(w.message.length).toBeLessThan(1000);
    expect(w.message).toContain('and 29 more, and others not listed');
  });
});
