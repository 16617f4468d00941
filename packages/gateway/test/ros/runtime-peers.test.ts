// Runtime discovery end to end against real Cyclone DDS and Fast DDS peers (issue 4): the gateway,
// started beside the peers in hybrid mode, lists them as apps with their data and operations; a
// manifest app bound to a peer node goes offline when that peer is killed (SIGKILL: after its lease),
// and a runtime-only app disappears when its peer stops. Domains 89 (Cyclone) and 90 (Fast DDS).
import { afterAll, beforeAll, expect, it } from 'vitest';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CYCLONE, FASTDDS, describeWith } from '../../../../test-support/requirements.js';
import { buildPeer, killAllPeers, spawnPeer, type PeerProcess, type PeerVendor } from '../../../../test-support/peers/harness.js';
import { createDataFeature } from '../../src/data/index.js';
import { createOperationsFeature } from '../../src/operations/index.js';
import { eventually, http, startRosGateway } from '../../../../test-support/gateway/ros-robot.js';
import type { TestGateway } from '../../../../test-support/gateway/gateway.js';
import { testDomain } from '../../../../test-support/domains.js';

const MANIFEST = `manifest_version: "1.0"
components:
  - id: robot-pc
apps:
  - id: talker-app
    name: Chatter talker
    is_located_on: robot-pc
    ros_binding:
      node_name: chatter_node
      namespace: /peer
`;

function peerSuite(vendor: PeerVendor, domain: number): void {
  let g: TestGateway;
  let dir: string;
  let talker: PeerProcess;
  let server: PeerProcess;
  beforeAll(async () => {
    await buildPeer(vendor);
    dir = mkdtempSync(join(tmpdir(), 'medkit-rt-peers-'));
    writeFileSync(join(dir, 'robot.yaml'), MANIFEST);
    server = await spawnPeer(vendor, 'server', { domain, node: 'adder', ns: '/peer' });
    talker = await spawnPeer(vendor, 'talker', { domain, node: 'chatter_node', ns: '/peer', periodMs: 100 });
    g = await startRosGateway(domain, [createDataFeature(), createOperationsFeature()], {
      'discovery.mode': 'hybrid',
      'discovery.manifest_path': join(dir, 'robot.yaml'),
    });
  }, 300_000);
  afterAll(async () => {
    await g?.close();
    await killAllPeers();
    rmSync(dir, { recursive: true, force: true });
  });

  it(`lists the ${vendor} peers as apps with their data and operations`, async () => {
    const apps = await eventually(async () => {
      const items = (await http(`${g.url}/api/v1/apps`)).body.items as { id: string; 'x-medkit': { is_online: boolean } }[];
      const t = items.find((a) => a.id === 'talker-app');
      return t?.['x-medkit'].is_online && items.some((a) => a.id === 'adder') ? items : undefined;
    }, 'both peer nodes in the tree', 60_000);
    expect(apps.find((a) => a.id === 'talker-app')!['x-medkit']).toMatchObject({ is_online: true, source: 'manifest' });
    expect(apps.find((a) => a.id === 'adder')!['x-medkit']).toMatchObject({ is_online: true, source: 'heuristic' });
    const data = (await http(`${g.url}/api/v1/apps/talker-app/data`)).body.items as { id: string }[];
    expect(data.map((d) => d.id)).toContain('/chatter');
    const ops = (await http(`${g.url}/api/v1/apps/adder/operations`)).body.items as { id: string }[];
    expect(ops.map((o) => o.id)).toContain('add_two_ints');
  }, 70_000);

  it(`marks the bound app offline after the ${vendor} talker is killed, and drops the runtime app whose peer stopped`, async () => {
    talker.kill('SIGKILL');
    await server.stop();
    await eventually(async () => {
      const items = (await http(`${g.url}/api/v1/apps`)).body.items as { id: string; 'x-medkit': { is_online: boolean } }[];
      const t = items.find((a) => a.id === 'talker-app');
      return t && !t['x-medkit'].is_online && !items.some((a) => a.id === 'adder');
    }, 'talker offline (lease expiry) and adder gone', 45_000);
    // The manifest entity stays in the tree, offline.
    expect((await http(`${g.url}/api/v1/apps/talker-app`)).body['x-medkit'].is_online).toBe(false);
  }, 60_000);
}

describeWith(CYCLONE, 'runtime discovery against a Cyclone DDS peer', () => peerSuite('cyclone', testDomain(38)));
describeWith(FASTDDS, 'runtime discovery against a Fast DDS peer', () => peerSuite('fastdds', testDomain(39)));
