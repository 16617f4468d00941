// ros_discovery_info never reaches a peer in a layout it would misread (issue 52). rmw_fastrtps' reader of that
// topic trusts the bytes: Humble's (24-byte Gids) reads a 16-byte-Gid sample's garbage as a sequence length and
// allocates until the process dies (std::bad_alloc). The Fast DDS peers here are such careless readers, built from
// Debian's Fast DDS with rmw's IDL in both layouts (`fastdds24`: Humble, no type hashes; `fastdds`: Iron+), and
// print every node of every snapshot they take. Both start orders, several medkit nodes with services (as the
// gateway's service interface has), a graph mixing both layouts, and the evidence rules on their own.
// Domain: offset 228.
import { afterAll, afterEach, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import { createParticipant, VendorId, type EndpointData } from '@medkit/rtps';
import { CYCLONE, describeWith, FASTDDS } from '../../../test-support/requirements.js';
import { buildPeer, killAllPeers, spawnPeer, type PeerProcess, type PeerVendor } from '../../../test-support/peers/harness.js';
import { testDomain } from '../../../test-support/domains.js';
import { endpointData } from '../../../test-support/sedp-endpoints.js';
import { GidLayoutEvidence } from '../src/graph/gid-layout-evidence.js';
import { DISCOVERY_INFO_DDS_TYPE, DISCOVERY_INFO_TOPIC, encodeDiscoveryInfo } from '../src/graph/discovery-info.js';
import { QOS_DISCOVERY_INFO_WRITER } from '../src/client/qos-profiles.js';
import type { RosContext } from '../src/index.js';
import { closeContexts, context, until } from './support/contexts.js';

const DOMAIN = testDomain(228);

afterEach(async () => {
  await closeContexts();
  await killAllPeers();
});
afterAll(async () => {
  await killAllPeers();
});

/** Our nodes: the gateway's, and a service-interface-like node serving services (a larger snapshot). */
function ourNodes(ros: RosContext): string[] {
  ros.createNode('medkit_gateway', '/', { rosout: false, parameterServices: false, parameterEvents: false });
  const si = ros.createNode('medkit', '/', {});
  for (const name of ['list_entities', 'list_entity_faults', 'get_capabilities', 'get_entity_data']) {
    si.createService(`/medkit/${name}`, 'example_interfaces/srv/AddTwoInts', () => ({ sum: 0n }));
  }
  return ['medkit_gateway', 'medkit'];
}

/** The peer lists each of our nodes from our snapshot, read in its own layout, and is still running. */
async function peerReadsUs(peer: PeerProcess, ros: RosContext, nodes: string[]): Promise<void> {
  for (const n of nodes) await peer.waitForLine(new RegExp(`^graph gid=${ros.participant.guid} ns=/ name=${n} readers=\\d+ writers=\\d+$`), 20_000);
  // A misread snapshot shows as no nodes or as garbage names; a crash as an exit.
  const ours = new RegExp(`^graph gid=${ros.participant.guid} ns=/ name=(${ros.nodes().map((n) => n.name).join('|')}) readers=\\d+ writers=\\d+$`);
  expect(peer.lines.filter((l) => (l.startsWith(`graph gid=${ros.participant.guid}`) && !ours.test(l)) || l.startsWith('discovery-misread'))).toEqual([]);
  const exited = await Promise.race([peer.exited, new Promise((r) => setTimeout(() => r('running'), 1500))]);
  expect(exited, `peer stderr: ${peer.stderr.join('\n')}`).toBe('running');
}

describeWith([...FASTDDS, ...CYCLONE], 'ros_discovery_info against careless Fast DDS readers of both layouts', () => {
  beforeAll(async () => {
    await buildPeer('fastdds');
    await buildPeer('fastdds24');
  }, 600_000);

  const layouts: [PeerVendor, 16 | 24][] = [
    ['fastdds24', 24],
    ['fastdds', 16],
  ];
  for (const [vendor, gid] of layouts) {
    it(`medkit first: a ${gid}-byte reader joining later reads every node of ours and survives`, async () => {
      const ros = await context(DOMAIN);
      const nodes = ourNodes(ros);
      const peer = await spawnPeer(vendor, 'listener', { domain: DOMAIN, node: `reader${gid}` });
      await peerReadsUs(peer, ros, nodes);
      const st = ros.discoveryInfoStatus();
      expect(st.readers).toEqual(gid === 24 ? { gid16: 0, gid24: 1 } : { gid16: 1, gid24: 0 });
      expect(st).toMatchObject({ mixed: false, held: [] });
      // A node created afterwards reaches the peer in its layout too.
      ros.createNode('late_node');
      await peerReadsUs(peer, ros, ['late_node']);
    }, 60_000);

    it(`peers first: medkit joining a graph of ${gid}-byte readers writes theirs from the first sample`, async () => {
      const peer = await spawnPeer(vendor, 'talker', { domain: DOMAIN, node: `talker${gid}`, count: 0, periodMs: 200 });
      const ros = await context(DOMAIN);
      const nodes = ourNodes(ros);
      await peerReadsUs(peer, ros, nodes);
      await ros.graph.waitFor((g) => g.node(`/talker${gid}`) !== undefined, { timeoutMs: 15_000 });
      expect(ros.graph.node(`/talker${gid}`)?.gidSize).toBe(gid);
    }, 60_000);
  }

  // The Humble reader here is Cyclone's, which bounds-checks: a careless Humble Fast DDS reader would die on the
  // Jazzy peer's own snapshot, as it does in a real mixed graph, whatever medkit writes.
  it('a graph mixing both layouts: each reader gets its own, and the mix is reported', async () => {
    await buildPeer('cyclone24');
    const ros = await context(DOMAIN);
    const nodes = ourNodes(ros);
    const old = await spawnPeer('cyclone24', 'listener', { domain: DOMAIN, node: 'humble_reader' });
    const young = await spawnPeer('fastdds', 'listener', { domain: DOMAIN, node: 'jazzy_reader' });
    await peerReadsUs(old, ros, nodes);
    await peerReadsUs(young, ros, nodes);
    await until(() => ros.discoveryInfoStatus().mixed, 'the mixed graph reported');
    expect(ros.discoveryInfoStatus().readers).toEqual({ gid16: 1, gid24: 1 });
  }, 300_000);
});

describeWith(FASTDDS, 'ros.distro decides only while a peer has said nothing', () => {
  beforeAll(async () => {
    await buildPeer('fastdds24');
  }, 600_000);

  it('distro jazzy does not override a Humble peer\'s own evidence', async () => {
    const ros = await context(DOMAIN, { distro: 'jazzy' });
    const nodes = ourNodes(ros);
    const peer = await spawnPeer('fastdds24', 'listener', { domain: DOMAIN, node: 'humble_reader' });
    await peerReadsUs(peer, ros, nodes);
    expect(ros.announcesTypeHashes).toBe(true);
  }, 60_000);
});

// The control: without it, "the reader survives" above could mean the reader survives anything. Our participant
// writes what the gateway wrote before issue 52 (one Iron+ writer matched with every reader, its snapshot written
// at once) to the same careless Humble reader, which must not read it as a snapshot of ours.
describeWith(FASTDDS, 'the careless reader against the old publisher (control)', () => {
  beforeAll(async () => {
    await buildPeer('fastdds24');
  }, 600_000);

  it('a 24-byte reader given the 16-byte snapshot written to every reader dies of std::bad_alloc', async () => {
    // A bare participant with only the old writer: a RosContext's own (safe) writer would compete for the reader's
    // keep-last history of this keyless topic.
    const participant = await createParticipant({ domainId: DOMAIN, localhostOnly: true, peerIndexCount: 12, userData: 'enclave=/;', name: '/' });
    onTestFinished(() => participant.close());
    // Fixed endpoint ids (not the participant's random prefix), so what the careless reader takes for a sequence length
    // is the same on every run: 0xffffffff, as from a real gateway's ids in 5 of 5 runs of the report.
    const gids = (from: number, n: number) => Array.from({ length: n }, (_, i) => `${'ff'.repeat(12)}${(from + i).toString(16).padStart(6, '0')}04`);
    // The shape of the gateway's snapshot with the service interface on: its node and one serving services.
    const nodes = [
      { namespace: '/', name: 'medkit_gateway', readers: gids(0x10, 3), writers: gids(0x20, 4) },
      { namespace: '/', name: 'medkit', readers: gids(0x30, 12), writers: gids(0x50, 12) },
    ];
    const old = participant.createWriter({ topic: DISCOVERY_INFO_TOPIC, typeName: DISCOVERY_INFO_DDS_TYPE, qos: QOS_DISCOVERY_INFO_WRITER });
    const snapshot = encodeDiscoveryInfo({ gid: participant.guid, nodes }, 16);
    old.write(snapshot);
    // Discovery on a busy loopback can miss a first round: a reader that has not matched the old writer within 15 s is
    // started again (the control needs the sample delivered, not discovery's speed).
    let peer: PeerProcess | undefined;
    for (let attempt = 0; attempt < 3 && old.matches.size === 0; attempt++) {
      await peer?.kill();
      peer = await spawnPeer('fastdds24', 'listener', { domain: DOMAIN, node: 'humble_reader' });
      await until(() => old.matches.size > 0, 'the reader matched', 15_000).catch(() => undefined);
    }
    const reader = peer!;
    expect(old.matches.size, 'the careless reader never matched the old writer').toBeGreaterThan(0);
    let exit: string | undefined;
    void reader.exited.then((e) => (exit = `exited (code ${e.code}, signal ${e.signal})`));
    const misread = () => reader.lines.find((l) => l.startsWith('discovery-misread'));
    const readAsOurs = () => reader.lines.find((l) => l.startsWith(`graph gid=${participant.guid} ns=/ name=medkit `));
    const end = Date.now() + 30_000;
    for (let i = 1; exit === undefined && misread() === undefined && readAsOurs() === undefined && Date.now() < end; i++) {
      await new Promise((r) => setTimeout(r, 100));
      // Written again as the old publisher did on every graph change.
      if (i % 10 === 0) old.write(snapshot);
    }
    const outcome = exit ?? misread() ?? readAsOurs() ?? 'nothing within 30 s';
    // It dies as rmw_fastrtps' reader did on the robot: std::bad_alloc, abort.
    expect(outcome, `stdout: ${reader.lines.slice(-10).join('\n')}\nstderr: ${reader.stderr.slice(-10).join('\n')}`).toMatch(/^exited/);
    expect(reader.stderr.join('\n')).toMatch(/std::bad_alloc/);
  }, 120_000);
});

/** A remote endpoint as SEDP delivers it. */
function ep(prefix: string, n: number, topic: string, kind: 'reader' | 'writer', userData = '', vendorId: number = VendorId.FAST_DDS): EndpointData {
  return endpointData({ prefix, n, kind, topic, type: 't', userData, vendorId });
}

describe('the layout evidence rules', () => {
  const P = '0f'.repeat(12);
  const HASH = 'typehash=RIHS01_' + 'ab'.repeat(32) + ';';
  const reader = (userData = '', vendorId?: number) => ep(P, 1, 'ros_discovery_info', 'reader', userData, vendorId);

  it('waits under auto until the peer says something, then follows it', () => {
    const ev = new GidLayoutEvidence(undefined);
    // A graph reader without a hash proves nothing by itself.
    expect(ev.endpoint(reader())).toBe(false);
    expect(ev.classify(reader())).toMatchObject({ gidSize: undefined, because: 'unknown' });
    // A node endpoint without a hash: Humble.
    expect(ev.endpoint(ep(P, 2, 'rt/rosout', 'writer'))).toBe(true);
    expect(ev.classify(reader())).toEqual({ gidSize: 24, because: 'sedp' });
  });

  it('a hash on the reader or any endpoint of its participant means Iron or later', () => {
    const ev = new GidLayoutEvidence(undefined);
    expect(ev.classify(reader(HASH))).toEqual({ gidSize: 16, because: 'type-hash' });
    ev.endpoint(ep(P, 2, 'rt/chatter', 'writer', HASH));
    expect(ev.classify(reader())).toEqual({ gidSize: 16, because: 'type-hash' });
  });

  it('a peer\'s own snapshot decides, and contradicting evidence holds the reader back', () => {
    const ev = new GidLayoutEvidence(undefined);
    expect(ev.snapshot(P, 24)).toBe(true);
    expect(ev.snapshot(P, 24)).toBe(false);
    expect(ev.classify(reader())).toEqual({ gidSize: 24, because: 'own-snapshot' });
    expect(ev.classify(reader(HASH))).toMatchObject({ gidSize: undefined, because: 'conflict' });
  });

  it('the configured distro is the fallback only; medkit readers read both layouts', () => {
    expect(new GidLayoutEvidence('humble').classify(reader())).toEqual({ gidSize: 24, because: 'distro' });
    expect(new GidLayoutEvidence('iron+').classify(reader())).toEqual({ gidSize: 16, because: 'distro' });
    expect(new GidLayoutEvidence('humble').classify(reader(HASH))).toEqual({ gidSize: 16, because: 'type-hash' });
    expect(new GidLayoutEvidence(undefined).classify(reader('', VendorId.MEDKIT))).toEqual({ gidSize: 16, because: 'medkit' });
  });

  it('forgets a participant that left, and an endpoint that went away', () => {
    const ev = new GidLayoutEvidence(undefined);
    const w = ep(P, 2, 'rt/rosout', 'writer');
    ev.endpoint(w);
    ev.endpointGone(P, w.guid);
    expect(ev.classify(reader()).gidSize).toBeUndefined();
    ev.snapshot(P, 16);
    ev.participantGone(P);
    expect(ev.classify(reader()).gidSize).toBeUndefined();
  });
});
