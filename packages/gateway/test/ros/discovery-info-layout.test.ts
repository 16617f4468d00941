// The default gateway, service interface on, with careless Humble Fast DDS readers of ros_discovery_info (issue
// 52): on 2026-11-27 every real Humble Fast DDS node on a secured domain died within 3 s of the gateway joining
// (std::bad_alloc in rmw's graph thread), and 4 of 10 on a plain domain when the gateway started first. The
// `fastdds24` peer reads that topic as rmw_fastrtps does (sequences resized to whatever length is read) and
// announces no type hashes, like Humble; `fastdds` is its Iron+ twin. Both start orders, the service interface on and
// off, plain (offset 229) and SROS2 (offset 234); /health says which layout each reader gets, and warns about a mixed
// graph.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CYCLONE, CYCLONE_SECURITY, describeWith, FASTDDS, OPENSSL } from '../../../../test-support/requirements.js';
import { testDomain } from '../../../../test-support/domains.js';
import { buildPeer, killAllPeers, spawnPeer, type PeerProcess } from '../../../../test-support/peers/harness.js';
import type { TestGateway } from '../../../../test-support/gateway/gateway.js';
import { eventually, http, startDefaultRosGateway } from '../../../../test-support/gateway/ros-robot.js';
import { allowAllPermissionsXml, createSros2Keystore, governanceXml, type Sros2Keystore } from '../../../../test-support/sros2-keystore.js';
import { securedFlags, spawnSecuredPeer } from './sros2-support.js';

const SERVICE_INTERFACE = { 'ros.service_interface.enabled': true };

/** The peer lists the gateway's node from a snapshot it read without a misread, and is still running. */
async function readsGateway(peer: PeerProcess): Promise<void> {
  await peer.waitForLine(/^graph gid=[0-9a-f]{32} ns=\/ name=medkit_gateway readers=\d+ writers=\d+$/, 30_000);
  // Give a wrong sample time to arrive and kill it (the crash came within 3 s).
  const state = await Promise.race([peer.exited.then(() => 'exited'), new Promise((r) => setTimeout(() => r('running'), 3000))]);
  expect(state, `peer stderr: ${peer.stderr.join('\n')}`).toBe('running');
  expect(peer.lines.filter((l) => l.startsWith('discovery-misread'))).toEqual([]);
}

async function discoveryInfo(g: TestGateway): Promise<{ readers_gid16: number; readers_gid24: number; mixed_layouts: boolean; held: unknown[] }> {
  return (await http(`${g.url}/api/v1/health`)).body['x-medkit-ros'].discovery_info;
}

describeWith([...FASTDDS, ...CYCLONE], 'the gateway with the service interface on, against careless Humble Fast DDS nodes (plain domain)', () => {
  const DOMAIN = testDomain(229);
  let g: TestGateway | undefined;
  beforeAll(async () => {
    await buildPeer('fastdds24');
    await buildPeer('fastdds');
    await buildPeer('cyclone24');
  }, 600_000);
  afterAll(async () => {
    await g?.close();
    await killAllPeers();
  });

  it('peers first, then the gateway: the Humble nodes read its snapshot in their layout and live on', async () => {
    const talker = await spawnPeer('fastdds24', 'talker', { domain: DOMAIN, node: 'humble_talker', count: 0, periodMs: 200 });
    const server = await spawnPeer('fastdds24', 'server', { domain: DOMAIN, node: 'humble_adder' });
    g = await startDefaultRosGateway(DOMAIN, SERVICE_INTERFACE);
    await readsGateway(talker);
    await readsGateway(server);
    const info = await eventually(async () => {
      const d = await discoveryInfo(g!);
      return d.readers_gid24 === 2 ? d : undefined;
    }, 'two Humble readers on /health');
    expect(info).toMatchObject({ readers_gid16: 0, mixed_layouts: false, held: [] });
    // The gateway still reads them: their nodes are in the tree.
    await eventually(async () => {
      const ids = (((await http(`${g!.url}/api/v1/apps`)).body.items ?? []) as { id: string }[]).map((a) => a.id);
      return ids.includes('humble_talker') && ids.includes('humble_adder');
    }, 'the Humble nodes in the tree');
  }, 120_000);

  it('gateway first: a Humble node joining later reads it too; an Iron+ node joining makes the mix a warning', async () => {
    const late = await spawnPeer('fastdds24', 'listener', { domain: DOMAIN, node: 'humble_late' });
    await readsGateway(late);
    // A graph of both generations (not something ROS supports: a careless Humble reader dies on an Iron+ node's own
    // snapshot, whatever the gateway does). So the careless Humble nodes leave first; a careful Humble reader
    // (Cyclone's) and a careless Iron+ one come in, each reads its own layout from the gateway, and /health says so.
    await killAllPeers();
    const old = await spawnPeer('cyclone24', 'listener', { domain: DOMAIN, node: 'humble_careful' });
    const young = await spawnPeer('fastdds', 'listener', { domain: DOMAIN, node: 'jazzy_late' });
    await readsGateway(young);
    await old.waitForLine(/^graph gid=[0-9a-f]{32} ns=\/ name=medkit_gateway readers=\d+ writers=\d+$/, 30_000);
    const health = await eventually(async () => {
      const h = (await http(`${g!.url}/api/v1/health`)).body;
      return h.warnings?.some((w: { code: string }) => w.code === 'ros_mixed_gid_layouts') ? h : undefined;
    }, 'the mixed-layout warning');
    expect(health['x-medkit-ros'].discovery_info).toMatchObject({ mixed_layouts: true, readers_gid16: 1, readers_gid24: 1 });
    await killAllPeers();
  }, 120_000);

  it('the service interface off (the default): a careless reader of each layout reads the gateway and lives on', async () => {
    await g?.close();
    g = await startDefaultRosGateway(DOMAIN);
    // One generation at a time (a careless Humble reader dies on an Iron+ node's own snapshot, see above).
    for (const [vendor, node, key] of [['fastdds24', 'humble_plain', 'readers_gid24'], ['fastdds', 'jazzy_plain', 'readers_gid16']] as const) {
      const peer = await spawnPeer(vendor, 'listener', { domain: DOMAIN, node });
      await readsGateway(peer);
      await eventually(async () => ((await discoveryInfo(g!))[key] === 1 ? true : undefined), `the ${vendor} reader on /health`);
      await killAllPeers();
    }
  }, 120_000);
});

describeWith([...FASTDDS, ...OPENSSL, ...CYCLONE_SECURITY], 'the gateway with the service interface on, against careless Humble Fast DDS nodes (SROS2)', () => {
  const DOMAIN = testDomain(234);
  let ks: Sros2Keystore;
  let g: TestGateway | undefined;
  beforeAll(async () => {
    await buildPeer('fastdds24');
    await buildPeer('fastdds');
    ks = createSros2Keystore();
    ks.makeEnclave('/medkit/gateway', { governanceXml: governanceXml(DOMAIN), permissionsXml: allowAllPermissionsXml('CN=/medkit/gateway', DOMAIN) });
  }, 600_000);
  afterAll(async () => {
    await g?.close();
    await killAllPeers();
    ks?.remove();
  });

  it('gateway first, then secured Humble nodes, then more after a restart of the gateway (peers first)', async () => {
    g = await startDefaultRosGateway(DOMAIN, { ...SERVICE_INTERFACE, ...securedFlags(ks, '/medkit/gateway') });
    const a = await spawnSecuredPeer(ks, DOMAIN, 'fastdds24', 'talker', 'humble_a', { count: 0, periodMs: 200 });
    const b = await spawnSecuredPeer(ks, DOMAIN, 'fastdds24', 'listener', 'humble_b');
    await readsGateway(a);
    await readsGateway(b);
    await g.close();
    g = await startDefaultRosGateway(DOMAIN, { ...SERVICE_INTERFACE, ...securedFlags(ks, '/medkit/gateway') });
    // The restarted gateway is a new participant: the running nodes read its first snapshot.
    const before = a.matches(/^graph gid=([0-9a-f]{32}) ns=\/ name=medkit_gateway /).map((m) => m[1]);
    await a.waitForLine(new RegExp(`^graph gid=(?!${before.join('|')})[0-9a-f]{32} ns=/ name=medkit_gateway `), 30_000);
    await readsGateway(a);
    await readsGateway(b);
    const info = await eventually(async () => {
      const d = await discoveryInfo(g!);
      return d.readers_gid24 === 2 ? d : undefined;
    }, 'two secured Humble readers on /health');
    expect(info).toMatchObject({ readers_gid16: 0, mixed_layouts: false });
  }, 180_000);

  it('a secured careless Iron+ reader (the Humble ones gone) reads the gateway in its layout and lives on', async () => {
    await killAllPeers();
    const young = await spawnSecuredPeer(ks, DOMAIN, 'fastdds', 'listener', 'jazzy_a');
    await readsGateway(young);
    await eventually(async () => ((await discoveryInfo(g!)).readers_gid16 === 1 ? true : undefined), 'the secured Iron+ reader on /health');
  }, 120_000);
});

describe('discovery_info warnings', () => {
  it('a held reader is a warning after the grace, a conflict at once', async () => {
    const { discoveryInfoWarnings } = await import('../../src/ros/discovery-info-health.js');
    const held = (because: 'unknown' | 'conflict', since: number) => ({ reader: 'r', participant: 'p', because, detail: 'd', since });
    const base = { readers: { gid16: 1, gid24: 0 }, mixed: false, badSamples: 0 };
    expect(discoveryInfoWarnings({ ...base, held: [held('unknown', 1000)] }, 2000)).toEqual([]);
    expect(discoveryInfoWarnings({ ...base, held: [held('unknown', 1000)] }, 7000).map((w) => w.code)).toEqual(['ros_discovery_info_held']);
    expect(discoveryInfoWarnings({ ...base, held: [held('conflict', 1000)] }, 1000).map((w) => w.code)).toEqual(['ros_discovery_info_held']);
    expect(discoveryInfoWarnings({ ...base, readers: { gid16: 1, gid24: 1 }, mixed: true, held: [] }, 0).map((w) => w.code)).toEqual(['ros_mixed_gid_layouts']);
  });
});
