// Our ROS 2 client layer against real DDS peers that behave like ROS 2 nodes on the wire
// (packages/rtps/test/peers): Cyclone DDS (Jazzy and Humble Gid layouts) and Fast DDS.
// ROS domains 51-59 belong to this file.
import { afterAll, afterEach, beforeAll, expect, it } from 'vitest';
import { CYCLONE, FASTDDS, describeWith } from '../../../test-support/requirements.js';
import { buildPeer, killAllPeers, spawnPeer, type PeerVendor } from '../../../test-support/peers/harness.js';
import { VendorId } from '@medkit/rtps';
import { RosTimeoutError, RosUnavailableError } from '../src/index.js';
import { closeContexts, context, until } from './support/contexts.js';
import { testDomain } from '../../../test-support/domains.js';

afterEach(async () => {
  await closeContexts();
  await killAllPeers();
});
afterAll(async () => {
  await killAllPeers();
});

const cases: Array<{ vendor: PeerVendor; reqs: typeof CYCLONE; base: number; vendorId: number; gid: 16 | 24 }> = [
  { vendor: 'cyclone', reqs: CYCLONE, base: testDomain(22), vendorId: VendorId.CYCLONE_DDS, gid: 16 },
  { vendor: 'fastdds', reqs: FASTDDS, base: testDomain(25), vendorId: VendorId.FAST_DDS, gid: 16 },
];

for (const c of cases) {
  describeWith(c.reqs, `ros2 client against the ${c.vendor} peer`, () => {
    beforeAll(async () => {
      await buildPeer(c.vendor);
    }, 300_000);

    it('shows a late-joined peer node with its topic and type, and the peer sees our node', async () => {
      const talker = await spawnPeer(c.vendor, 'talker', { domain: c.base, node: 'talker', ns: '/demo', count: 0, periodMs: 200 });
      // Our context starts after the peer published its ros_discovery_info: transient local delivers it.
      const ros = await context(c.base);
      ros.createNode('observer', '/medkit');
      await ros.graph.waitFor((g) => (g.node('/demo/talker')?.publishers.length ?? 0) > 0, { timeoutMs: 15_000 });
      const n = ros.graph.node('/demo/talker')!;
      expect(n).toMatchObject({ name: 'talker', namespace: '/demo', enclave: '/', vendorId: c.vendorId, gidSize: c.gid, participantGuid: talker.guid });
      expect(n.publishers.map((p) => [p.rosName, p.rosType])).toEqual([['/chatter', 'std_msgs/msg/String']]);
      expect(n.publishers[0].qos.reliability).toBe('reliable');
      // Fast DDS does not announce HISTORY in SEDP; Cyclone does.
      if (c.vendor === 'cyclone') expect(n.publishers[0].qos.history).toEqual({ kind: 'keep-last', depth: 7 });
      expect(n.publishers[0].typeHash).toBe('RIHS01_df668c740482bbd48fb39d76a70dfd4bd59db1288021743503259e948f6b1a18');
      expect(ros.graph.snapshot({ includeLocal: false }).nodes).toContainEqual({
        name: 'talker',
        namespace: '/demo',
        publishes: [{ name: '/chatter', types: ['std_msgs/msg/String'] }],
        subscribes: [],
        services: [],
      });
      // ros2 node list on the peer's side would show us: it decoded our ros_discovery_info.
      await talker.waitForLine(new RegExp(`^graph gid=${ros.participant.guid} ns=/medkit name=observer readers=\\d+ writers=\\d+$`), 15_000);
      // A peer that leaves takes its node along.
      await talker.stop();
      await ros.graph.waitFor((g) => g.node('/demo/talker') === undefined, { timeoutMs: 25_000 });
    });

    it('subscribes to the peer talker and publishes to the peer listener', async () => {
      const ros = await context(c.base + 1);
      const node = ros.createNode('bridge');
      const heard: string[] = [];
      node.createSubscription('/chatter', 'std_msgs/msg/String', (m) => heard.push(m.data as string));
      const listener = await spawnPeer(c.vendor, 'listener', { domain: c.base + 1, topic: 'rt/echo' });
      await spawnPeer(c.vendor, 'talker', { domain: c.base + 1, count: 4, periodMs: 100, waitMatch: 1 });
      const pub = node.createPublisher('/echo', 'std_msgs/msg/String');
      await until(() => heard.length >= 4, 'four messages from the peer talker');
      expect(heard.slice(0, 4)).toEqual(['Hello World: 1', 'Hello World: 2', 'Hello World: 3', 'Hello World: 4']);
      expect(await pub.waitForSubscribers(1, 15_000)).toBe(true);
      for (let i = 1; i <= 3; i++) pub.publish({ data: `from medkit ${i}` });
      const lines = await listener.waitForLines(/^heard \d+ (from medkit \d)$/, 3, 15_000);
      expect(lines.map((m) => m[1])).toEqual(['from medkit 1', 'from medkit 2', 'from medkit 3']);
    });

    it('calls the peer add_two_ints with the vendor convention while another client runs, and serves the peer client', async () => {
      const domain = c.base + 2;
      const ros = await context(domain);
      const node = ros.createNode('caller');
      const server = await spawnPeer(c.vendor, 'server', { domain });
      // A Fast DDS server drops a request whose client's reply reader it has not matched yet (as rmw_fastrtps does),
      // which the peer client cannot see: on a loaded box that match lagged its first calls by over 10 s once, so it
      // sends a request that timed out again (the server still answers each number once, below).
      const other = await spawnPeer(c.vendor, 'client', { domain, count: 6, a: 100, b: 1, periodMs: 300, node: 'other_client', timeoutMs: 2000, retries: 10 });
      const client = node.createClient('/add_two_ints', 'example_interfaces/srv/AddTwoInts');
      const chosen = await client.waitForService({ timeoutMs: 15_000 });
      expect(chosen.convention).toBe(c.vendor === 'fastdds' ? 'fastdds' : 'cyclone');
      // Call while the other client is busy, so replies meant for it are on the wire too.
      await other.waitForLine(/^response seq=1 /, 30_000);
      const sums: unknown[] = [];
      for (let i = 0; i < 5; i++) sums.push((await client.call({ a: i, b: 1000 }, { timeoutMs: 5000 })).sum);
      expect(sums).toEqual([1000, 1001, 1002, 1003, 1004]);
      expect(await other.exited).toEqual({ code: 0, signal: null });
      // The other client got only its own answers; the server answered all eleven requests (a request sent again
      // after a late reply is answered twice: the sums, not the lines, are counted).
      expect(other.matches(/^response seq=\d+ sum=(\d+)$/).map((m) => Number(m[1]))).toEqual([101, 102, 103, 104, 105, 106]);
      expect([...new Set(server.matches(/^request client=\w+ seq=\d+ a=\d+ b=\d+ sum=(\d+)$/).map((m) => Number(m[1])))].sort((x, y) => x - y)).toEqual([101, 102, 103, 104, 105, 106, 1000, 1001, 1002, 1003, 1004]);
      // A Cyclone server sends every reply to every reader of the reply topic: ours dropped the other's.
      if (c.vendor === 'cyclone') expect(client.ignoredReplies).toBeGreaterThan(0);
      await server.stop();

      // Now the other way round: the peer is the client, we are the server.
      const served: number[] = [];
      node.createService('/add_two_ints', 'example_interfaces/srv/AddTwoInts', (r, info) => {
        expect(info.vendorId).toBe(c.vendorId);
        served.push(Number(r.a));
        return { sum: Number(r.a) + Number(r.b) };
      });
      const peerClient = await spawnPeer(c.vendor, 'client', { domain, count: 4, a: 7, b: 3 });
      expect(await peerClient.exited).toEqual({ code: 0, signal: null });
      expect(peerClient.matches(/^response seq=(\d+) sum=(\d+)$/).map((m) => [Number(m[1]), Number(m[2])])).toEqual([
        [1, 10],
        [2, 11],
        [3, 12],
        [4, 13],
      ]);
      expect(served).toEqual([7, 8, 9, 10]);
    });

    it('serves a peer client that sends a request again after its timeout (--retries): it takes the reply to its last send', async () => {
      const domain = c.base + 2;
      const ros = await context(domain);
      const node = ros.createNode('slow_server');
      let calls = 0;
      let release!: () => void;
      const retried = new Promise<void>((r) => (release = r));
      // The first request is answered only once the client has sent it again (after its timeout), under its number.
      node.createService('/add_two_ints', 'example_interfaces/srv/AddTwoInts', async (r) => {
        if (calls++ === 0) await retried;
        return { sum: Number(r.a) + Number(r.b) };
      });
      const peerClient = await spawnPeer(c.vendor, 'client', { domain, count: 2, a: 1, b: 1, timeoutMs: 600, retries: 5 });
      void peerClient.waitForLine(/^retry seq=1$/, 30_000).then(release, release);
      expect(await peerClient.exited).toEqual({ code: 0, signal: null });
      expect(peerClient.matches(/^retry seq=(\d+)$/).map((m) => Number(m[1]))[0]).toBe(1);
      expect(peerClient.matches(/^response seq=(\d+) sum=(\d+)$/).map((m) => [Number(m[1]), Number(m[2])])).toEqual([[1, 2], [2, 3]]);
      expect(peerClient.matches(/^timeout seq=/)).toEqual([]);
    });

    it('fails calls to a SIGKILLed peer server within their deadline', async () => {
      const domain = c.base;
      const ros = await context(domain);
      const server = await spawnPeer(c.vendor, 'server', { domain, service: 'doomed' });
      const client = ros.createNode('doomed_caller').createClient('/doomed', 'example_interfaces/srv/AddTwoInts');
      expect(await client.call({ a: 1, b: 2 }, { timeoutMs: 15_000 })).toEqual({ sum: 3 });
      server.kill('SIGKILL');
      await server.exited;
      const err = await client.call({ a: 1, b: 2 }, { timeoutMs: 1500 }).catch((e: unknown) => e);
      expect(err instanceof RosTimeoutError || err instanceof RosUnavailableError).toBe(true);
      expect(client.pendingCount).toBe(0);
    });
  });
}

describeWith(CYCLONE, 'ros2 client against a Humble-layout (24-byte Gid) cyclone peer', () => {
  beforeAll(async () => {
    await buildPeer('cyclone24');
  }, 300_000);

  it('reads the Humble snapshot and writes our ros_discovery_info to it in 24 bytes', async () => {
    const domain = testDomain(28);
    const talker = await spawnPeer('cyclone24', 'talker', { domain, node: 'old_talker', count: 0, periodMs: 500 });
    const ros = await context(domain);
    ros.createNode('humble_observer');
    await ros.graph.waitFor((g) => (g.node('/old_talker')?.publishers.length ?? 0) > 0, { timeoutMs: 15_000 });
    expect(ros.graph.node('/old_talker')).toMatchObject({ gidSize: 24, vendorId: VendorId.CYCLONE_DDS });
    expect(ros.discoveryInfoStatus().readers).toEqual({ gid16: 0, gid24: 1 });
    // The Humble peer decodes our 24-byte snapshot and lists our node.
    await talker.waitForLine(new RegExp(`^graph gid=${ros.participant.guid} ns=/ name=humble_observer readers=\\d+ writers=\\d+$`), 15_000);
  });
});
