// RTPS fuzzing of a running gateway (ROS feature on, test domain offset 181): 50,000
// structure-aware mutated datagrams (test-support/rtps-fuzz) over real UDP to the gateway's
// participant, with a heartbeat round trip every 5,000. Throughout, GET /api/v1/health must
// answer within 100 ms (the liveness bound issue 12 demands); afterwards RSS growth is bounded
// and a real reader in the gateway's participant still receives from a real writer.
// `npm run fuzz:rtps -- --datagrams 1000000` runs the same test longer (RTPS_FUZZ_DATAGRAMS).
import { writeFileSync } from 'node:fs';
import { createParticipant, type Participant } from '@medkit/rtps';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDomain } from '../../../../test-support/domains.js';
import { Campaign, type CampaignResult } from '../../../../test-support/rtps-fuzz/campaign.js';
import { healthSummary, pollHealth } from '../../../../test-support/rtps-fuzz/health.js';
import { waitFor } from '../../../../test-support/processes.js';
import { ROS_SERVICE, type RosConnection } from '../../src/ros/connection.js';
import type { GatewayFeature } from '../../src/feature.js';
import type { TestGateway } from '../../../../test-support/gateway/gateway.js';
import { startRosGateway } from '../../../../test-support/gateway/ros-robot.js';

const DOMAIN = testDomain(181);
const DATAGRAMS = Number(process.env.RTPS_FUZZ_DATAGRAMS ?? 50_000);
const SEED = Number(process.env.RTPS_FUZZ_SEED ?? 20261122);
const RATE = Number(process.env.RTPS_FUZZ_RATE ?? 3000);
/** The liveness bound of issue 12. */
const HEALTH_BOUND_MS = 100;
/** RSS may grow by this much over the run (tables at their caps, reassembly budget, GC lag). */
const RSS_GROWTH_BOUND = 256 * 1024 * 1024;

let g: TestGateway;
let ros: RosConnection;
let other: Participant | undefined;

/** Hands the test the gateway's ROS connection (features run in order: ros first). */
const capture: GatewayFeature = {
  name: 'test-capture-ros',
  init(ctx) {
    ros = ctx.services.get(ROS_SERVICE) as RosConnection;
  },
};

beforeAll(async () => {
  // The shipped refresh debounce (startRosGateway's 0 makes every graph change refresh the tree).
  g = await startRosGateway(DOMAIN, [capture], { 'discovery.refresh_debounce_ms': 1000 });
}, 60_000);

afterAll(async () => {
  await other?.close();
  await g?.close();
});

describe(`RTPS fuzzing of a live gateway (seed ${SEED}, ${DATAGRAMS} datagrams)`, () => {
  it('survives: every heartbeat round trip answers, /health within 100 ms throughout, bounded RSS, real traffic still flows', { timeout: 60_000 + (DATAGRAMS / RATE) * 3000 }, async () => {
    const p = ros.context.participant;
    const loc = p.locators;
    const target = { domainId: DOMAIN, metaPort: loc.metatrafficUnicast[0].port, userPort: loc.defaultUnicast[0].port, prefix: p.prefix };
    const statsBefore = { ...p.stats };
    // The first request warms the HTTP client and the route (not what the bound is about).
    expect((await fetch(`${g.url}/api/v1/health`)).status).toBeLessThan(500);
    const campaign = await Campaign.open({
      target,
      datagrams: DATAGRAMS,
      seed: SEED,
      rate: RATE,
      received: () => p.stats.datagrams,
      onProgress: DATAGRAMS > 100_000 ? (n, ms) => n % 50_000 < 1000 && console.log(`rtps fuzz: ${n} datagrams, ${(ms / 1000).toFixed(0)} s`) : undefined,
    });
    const health = pollHealth(g.url);
    let result: CampaignResult;
    try {
      result = await campaign.run();
    } finally {
      await health.stop();
      await campaign.close();
    }
    // A real writer in another participant still reaches a real reader in the gateway's.
    other = await createParticipant({ domainId: DOMAIN, localhostOnly: true, peerIndexCount: 8 });
    const w = other.createWriter({ topic: 'rt/after_fuzz', typeName: 'std_msgs::msg::dds_::String_', qos: { reliability: 'reliable' } });
    const r = p.createReader({ topic: 'rt/after_fuzz', typeName: 'std_msgs::msg::dds_::String_', qos: { reliability: 'reliable' } });
    const got: string[] = [];
    r.on('sample', (s) => got.push(s.payload.toString('utf8', 8, 13)));
    const matched = await w.waitForMatch(1, 10_000);
    w.write(Buffer.from([0, 1, 0, 0, 6, 0, 0, 0, 0x61, 0x6c, 0x69, 0x76, 0x65, 0]));
    // The sample's arrival (an event), at most 10 s; what arrived is asserted below.
    if (got.length === 0) await waitFor(() => (got.length > 0 ? true : undefined), 'the sample after the fuzz', 10_000).catch(() => undefined);

    const maxHealthMs = Math.max(...health.latencies);
    const report = {
      ...result,
      violations: p.stats.violations - statsBefore.violations,
      malformed: p.stats.malformed - statsBefore.malformed,
      ...healthSummary(health),
      rssGrowthBytes: result.maxRssBytes - result.startRssBytes,
      realTrafficDelivered: got.length === 1,
    };
    if (process.env.RTPS_FUZZ_REPORT) writeFileSync(process.env.RTPS_FUZZ_REPORT, JSON.stringify(report, null, 2));

    expect(result.sent).toBe(DATAGRAMS);
    // Paced by the gateway's receive counter, so nearly all of them were processed, not dropped.
    expect(result.receivedByTarget).toBeGreaterThanOrEqual(DATAGRAMS * 0.9);
    expect(result.roundTrips).toBeGreaterThanOrEqual(Math.floor(DATAGRAMS / 5000));
    // The mutator reaches the protocol rules, not only the framing check.
    expect(report.violations).toBeGreaterThan(DATAGRAMS / 100);
    expect(report.malformed).toBeGreaterThan(report.violations);
    expect(matched).toBe(true);
    expect(got).toEqual(['alive']);
    expect(report.rssGrowthBytes).toBeLessThan(RSS_GROWTH_BOUND);
    expect(health.failures).toEqual([]);
    expect(health.latencies.length).toBeGreaterThan(10);
    expect(maxHealthMs).toBeLessThan(HEALTH_BOUND_MS);
  });
});
