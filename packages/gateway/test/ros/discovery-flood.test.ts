// The gateway under an SPDP flood (issue 12 point 2): 5,000 made-up participants (random GUID
// prefixes, leases of 0x7fffffff s) sent over real UDP from five 127.0.0.x addresses to the
// gateway's SPDP port while a Cyclone DDS node (packages/rtps/test/peers) starts. /health warns
// `ros_discovery_pressure` during the flood, the node is discovered within 5 s of its start (the
// bound the issue demands) and shows up as a ROS node, the fakes are gone after the clamped lease
// (ros.participants.max_lease_sec) and the warning clears. The fakes name a victim's socket as where they receive:
// it gets no more bytes than the attacker sent (issue 66, not a reflector). ROS domain offset 186.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { testDomain } from '../../../../test-support/domains.js';
import { CYCLONE, describeWith } from '../../../../test-support/requirements.js';
import { VendorId, type ParticipantEvent } from '@medkit/rtps';
import { buildPeer, killAllPeers, spawnPeer } from '../../../../test-support/peers/harness.js';
import { floodSpdp } from '../../../../test-support/spdp-flood.js';
import { udpSink } from '../../../../test-support/udp-sink.js';
import { ROS_SERVICE, type RosConnection } from '../../src/ros/connection.js';
import type { TestGateway } from '../../../../test-support/gateway/gateway.js';
import { eventually, http, startRosGateway } from '../../../../test-support/gateway/ros-robot.js';

const DOMAIN = testDomain(186);
const MAX_LEASE_SEC = 10;
const FAKE_VENDOR = 0x0101;
const DISCOVERY_BOUND_MS = 5000;

interface Health {
  warnings: { code: string; message: string }[];
  'x-medkit-ros': { participant_table: { tracked: number; capacity: number; under_pressure: boolean; evicted: number; rate_limited: number } };
}

describeWith(CYCLONE, 'gateway discovery under an SPDP flood', () => {
  let g: TestGateway;
  beforeAll(async () => {
    await buildPeer('cyclone');
    g = await startRosGateway(DOMAIN, [], { 'ros.participants.max_lease_sec': MAX_LEASE_SEC, 'discovery.refresh_debounce_ms': 1000 });
  }, 300_000);
  afterAll(async () => {
    await killAllPeers();
    await g?.close();
  });

  const health = async () => (await http(`${g.url}/api/v1/health`)).body as Health;
  const pressureWarning = (h: Health) => h.warnings.find((w) => w.code === 'ros_discovery_pressure');

  it('warns on /health during the flood, discovers a Cyclone node started meanwhile within 5 s, and is clean again after the clamped lease', async () => {
    const ros = g.gateway.ctx.services.get(ROS_SERVICE) as RosConnection;
    const participant = ros.context.participant;
    expect(pressureWarning(await health())).toBeUndefined();
    let realAddedAt: number | undefined;
    participant.on('participant', (e: ParticipantEvent) => {
      if (e.type === 'added' && e.participant.vendorId === VendorId.CYCLONE_DDS) realAddedAt ??= Date.now();
    });

    const victim = await udpSink('127.0.0.9');
    const spent = { n: 0 };
    let floodDone = false;
    const t0 = Date.now();
    let floodEndedAt = 0;
    // About 7.5 s on a quiet box (200 batches, 35 ms apart), as in packages/rtps/test/flood-discovery.test.ts: with
    // 20 ms, that test once saw the flood end before its node was in through SEDP, in a full run on two busy cores.
    const flood = floodSpdp({ ports: [participant.locators.metatrafficUnicast[0].port], domainId: DOMAIN, count: 5000, sources: ['127.0.0.2', '127.0.0.3', '127.0.0.4', '127.0.0.5', '127.0.0.6'], batch: 25, pauseMs: 35, seed: 186, victim, sentBytes: spent }).finally(() => {
      floodDone = true;
      floodEndedAt = Date.now() - t0;
    });
    const cap = ros.participantTable().capacity;
    await eventually(async () => ros.participantTable().tracked >= cap - 24 || floodDone, 'the flood to fill the table', 20_000);
    expect(floodDone).toBe(false);
    const during = await health();
    expect(pressureWarning(during)?.message).toMatch(/participant table is under pressure/);
    expect(during['x-medkit-ros'].participant_table).toMatchObject({ capacity: 1024, under_pressure: true });
    expect(during['x-medkit-ros'].participant_table.tracked).toBeLessThanOrEqual(1024);

    const startedAt = Date.now();
    const node = await spawnPeer('cyclone', 'talker', { domain: DOMAIN, node: 'flood_survivor', ns: '/robot', periodMs: 500 });
    await eventually(async () => realAddedAt !== undefined, 'the Cyclone node to be discovered', 20_000);
    const tookMs = realAddedAt! - startedAt;
    expect(tookMs, `discovered ${tookMs} ms after it started; table ${JSON.stringify(ros.participantTable())}`).toBeLessThan(DISCOVERY_BOUND_MS);
    await eventually(async () => ros.graph.nodes({ includeLocal: false }).some((n) => n.fqn === '/robot/flood_survivor'), 'the node in the ROS graph', 20_000);
    expect(floodDone, `the node was discovered while the flood was still going (started ${startedAt - t0} ms, in the graph ${Date.now() - t0} ms, flood ended ${floodEndedAt} ms after the flood began)`).toBe(false);
    expect(pressureWarning(await health())).toBeDefined();

    await flood;
    const after = ros.participantTable();
    expect(after.tracked).toBeLessThanOrEqual(1024);
    expect(after.evicted + after.rateLimited).toBeGreaterThan(0);
    // The fakes announced 0x7fffffff s; they are gone after the clamped lease, the node stays,
    // and the warning clears once the table is no longer under pressure.
    await eventually(async () => participant.participants().every((p) => p.vendorId !== FAKE_VENDOR), 'the fakes to expire', (MAX_LEASE_SEC + 10) * 1000);
    expect(participant.participants().map((p) => p.guid)).toContain(node.guid);
    await eventually(async () => !pressureWarning(await health()), 'the pressure warning to clear', 20_000);
    await victim.close();
    console.log(`gateway reflection under flood: attacker ${spent.n} B, victim ${victim.bytes} B in ${victim.datagrams} datagrams; held back ${participant.trafficStats().heldBackOut}`);
    expect(victim.bytes, `the victim got ${victim.bytes} B for the attacker's ${spent.n} B`).toBeLessThanOrEqual(spent.n);
    expect(participant.trafficStats().heldBackOut).toBeGreaterThan(0);
  }, 120_000);
});
