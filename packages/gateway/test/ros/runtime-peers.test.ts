// Runtime discovery end to end against real Cyclone DDS and Fast DDS peers (issue 4): the gateway,
// started beside the peers in hybrid mode, lists them as apps with their data and operations; a
// manifest app bound to a peer node goes offline when that peer is killed (SIGKILL: after its lease),
// and a runtime-only app disappears when its peer stops. Domains 89 (Cyclone) and 90 (Fast DDS).
// The same peers feed the topic stream (issue 56, data/sample-stream.ts): the 10 Hz talker measured at 10 Hz ± 10 %,
// a 100 Hz talker decimated to max_rate events a second, the subscription released with the client, the stream cap.
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
import { openSse, type SseClient } from '../../../../test-support/sse-client.js';

interface StreamEvent { data?: unknown; timestamp: number | null; age_sec: number | null; stats: { rate_hz: number | null; window_count: number; received: number; bandwidth_bytes_per_sec: number | null; interval_std_sec: number | null } }

/** The next `sample` event of a topic stream (stats-only events skipped). */
async function nextSample(s: SseClient): Promise<StreamEvent> {
  for (;;) {
    const m = await s.next(10_000);
    if (m.event === 'sample') return JSON.parse(m.data) as StreamEvent;
  }
}

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
    await spawnPeer(vendor, 'talker', { domain, node: 'fast_node', ns: '/peer', periodMs: 10, topic: 'rt/fast' });
    g = await startRosGateway(domain, [createDataFeature(), createOperationsFeature()], {
      'discovery.mode': 'hybrid',
      'discovery.manifest_path': join(dir, 'robot.yaml'),
      'data_provider.max_streams': 2,
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

  const provider = async () => (await http(`${g.url}/api/v1/health`)).body['x-medkit-data-provider'] as { streams: number; pool_size: number };

  it(`streams the ${vendor} talker's /chatter measured at 10 Hz ± 10 % over every message`, async () => {
    const s = await openSse(`${g.url}/api/v1/apps/talker-app/data/%2Fchatter/stream`);
    try {
      expect(s.status).toBe(200);
      // Four seconds of messages in the gateway's window (40 intervals) before the figure is read.
      let ev = await nextSample(s);
      while (ev.stats.window_count < 40) ev = await nextSample(s);
      expect(ev.data).toMatchObject({ data: expect.stringMatching(/./) });
      expect(ev.stats.rate_hz).toBeGreaterThanOrEqual(9);
      expect(ev.stats.rate_hz).toBeLessThanOrEqual(11);
      expect(ev.stats.bandwidth_bytes_per_sec).toBeGreaterThan(0);
      expect(ev.stats.interval_std_sec).not.toBeNull();
      expect(typeof ev.age_sec).toBe('number');
    } finally {
      s.close();
    }
  }, 60_000);

  it(`decimates the ${vendor} 100 Hz talker to max_rate events a second while counting every message`, async () => {
    // The fast talker's node may come into the tree after the others.
    const s = await eventually(async () => {
      const c = await openSse(`${g.url}/api/v1/apps/fast_node/data/%2Ffast/stream?max_rate=5`);
      if (c.status === 200) return c;
      c.close();
      return undefined;
    }, 'the fast talker streamable', 30_000);
    try {
      const first = await nextSample(s);
      const started = Date.now();
      let last = first;
      let events = 0;
      while (events < 12) {
        last = await nextSample(s);
        events++;
      }
      const elapsedSec = (Date.now() - started) / 1000;
      // Never more than max_rate events in a second (load only makes them fewer) ...
      expect(events).toBeLessThanOrEqual(5 * (Math.ceil(elapsedSec) + 1));
      // ... while the gateway measured every message in between (about 20 per event at 100 Hz).
      expect(last.stats.received - first.stats.received).toBeGreaterThan(events * 2);
    } finally {
      s.close();
    }
  }, 60_000);

  it(`releases the ${vendor} topic's subscription when the client goes, and answers 503 over data_provider.max_streams`, async () => {
    // The earlier tests' streams end when the gateway sees their clients go.
    const before = await eventually(async () => {
      const p = await provider();
      return p.streams === 0 ? p : undefined;
    }, 'no stream open', 10_000);
    const a = await openSse(`${g.url}/api/v1/apps/fast_node/data/%2Ffast/stream`);
    const b = await openSse(`${g.url}/api/v1/apps/talker-app/data/%2Fchatter/stream?max_rate=1`);
    try {
      await nextSample(a);
      expect(await provider()).toMatchObject({ streams: 2, pool_size: before.pool_size + 2 });
      const refused = await openSse(`${g.url}/api/v1/apps/talker-app/data/%2Fchatter/stream`);
      expect(refused.status).toBe(503);
      expect(refused.errorBody).toMatchObject({ error_code: 'service-unavailable', parameters: { max_streams: 2 } });
    } finally {
      a.close();
      b.close();
    }
    await eventually(async () => {
      const p = await provider();
      return p.streams === 0 && p.pool_size === before.pool_size ? p : undefined;
    }, 'both streams ended and their subscriptions closed', 10_000);
  }, 60_000);

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
