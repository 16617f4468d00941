// RTPS fuzzing of a running gateway (ROS feature on, test domain offset 181): 50,000
// structure-aware mutated datagrams (test-support/rtps-fuzz) over real UDP to the gateway's
// participant, with a heartbeat round trip every 5,000. Throughout, GET /api/v1/health must
// answer within 100 ms (the liveness bound issue 12 demands); afterwards RSS growth is bounded
// and a real reader in the gateway's participant still receives from a real writer.
// `npm run fuzz:rtps -- --datagrams 1000000` runs the same test longer (RTPS_FUZZ_DATAGRAMS).
// Big samples (issue 66): one well-formed 64 MB DiagnosticArray (4,000,000 empty key-values) and a LaserScan of
// 262,144 ranges from another participant standing in for a forged writer, to subscriptions on the gateway's node
// (as its bridges and data reads make them): refused (the first before reassembly, the second before decoding),
// counted on /health, the reassembly budget never holding the 64 MB, /health answering throughout, and the normal
// samples after them delivered.
import { writeFileSync } from 'node:fs';
import { createParticipant, type Participant } from '@medkit/rtps';
import { TypeRegistry } from '@medkit/ros2';
import { diagnosticArrayCdr } from '../../../../test-support/diagnostic-array.mjs';
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
let forger: Participant | undefined;

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
  await forger?.close();
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

describe('big samples from a forged writer (issue 66)', () => {
  it('refuses a 64 MB DiagnosticArray before reassembly and a LaserScan past the decode budget, counts both on /health, and delivers the next samples', { timeout: 90_000 }, async () => {
    const types = new TypeRegistry({ amentPrefixPath: '' });
    const p = ros.context.participant;
    const reliable = { reliability: 'reliable', durability: 'volatile', history: { kind: 'keep-last', depth: 10 } } as const;
    const diagnostics: string[] = [];
    const scans: number[] = [];
    const diagSub = ros.node.createSubscription('/diagnostics', 'diagnostic_msgs/msg/DiagnosticArray', (m) => diagnostics.push(...(m.status as { name: string }[]).map((s) => s.name)), reliable);
    const scanSub = ros.node.createSubscription('/big_scan', 'sensor_msgs/msg/LaserScan', (m) => scans.push((m.ranges as number[]).length), reliable);
    forger = await createParticipant({ domainId: DOMAIN, localhostOnly: true, peerIndexCount: 8 });
    const qos = { reliability: 'reliable', history: { kind: 'keep-all' } } as const;
    const diagWriter = forger.createWriter({ topic: 'rt/diagnostics', typeName: 'diagnostic_msgs::msg::dds_::DiagnosticArray_', qos });
    const scanWriter = forger.createWriter({ topic: 'rt/big_scan', typeName: 'sensor_msgs::msg::dds_::LaserScan_', qos });
    expect(await diagWriter.waitForMatch(1, 10_000)).toBe(true);
    expect(await scanWriter.waitForMatch(1, 10_000)).toBe(true);
    await waitFor(() => (diagSub.reader.heardFrom(diagWriter.guid) && scanSub.reader.heardFrom(scanWriter.guid) ? true : undefined), 'the forged writers heard', 10_000);

    const big = diagnosticArrayCdr({ name: 'hostile', level: 2, values: 4_000_000 });
    // 1 MiB of float32 (within the default 64 MiB), 262,144 ranges: 2,097,152 values in the JSON form, past 200,000.
    const bigScan = types.serialize('sensor_msgs/msg/LaserScan', { ranges: new Array(262_144).fill(1) });
    let reassemblyPeak = 0;
    const watch = setInterval(() => (reassemblyPeak = Math.max(reassemblyPeak, p.internalSizes().reassemblyBytes)), 5);
    const health = pollHealth(g.url);
    try {
      diagWriter.write(big);
      diagWriter.write(diagnosticArrayCdr({ name: 'after', level: 2, values: 1 }));
      scanWriter.write(bigScan);
      scanWriter.write(types.serialize('sensor_msgs/msg/LaserScan', { ranges: [1, 2, 3] }));
      expect(await diagWriter.waitForAcknowledgments(30_000)).toBe(true);
      expect(await scanWriter.waitForAcknowledgments(30_000)).toBe(true);
      await waitFor(() => (diagnostics.length > 0 && scans.length > 0 ? true : undefined), 'the samples after the big ones', 10_000);
    } finally {
      clearInterval(watch);
      await health.stop();
    }
    expect(diagnostics).toEqual(['after']);
    expect(scans).toEqual([3]);
    expect([diagSub.samplesRefused, scanSub.samplesRefused, scanSub.overBudget]).toEqual([1, 1, 1]);
    // The 64 MB sample was never given a buffer; the 1 MiB one was (within its bound) and then not decoded.
    expect(reassemblyPeak).toBeLessThan(4 * 1024 * 1024);
    expect(health.failures).toEqual([]);
    expect(health.latencies.length).toBeGreaterThan(0);

    const body = (await (await fetch(`${g.url}/api/v1/health`)).json()) as { warnings: { code: string; message: string }[]; 'x-medkit-ros': { refused_samples: { total: number; topics: Record<string, unknown>[] } } };
    const refused = body['x-medkit-ros'].refused_samples;
    expect(refused.total).toBe(2);
    expect(refused.topics).toEqual(expect.arrayContaining([
      expect.objectContaining({ topic: '/diagnostics', type: 'diagnostic_msgs/msg/DiagnosticArray', count: 1, reason: 'bytes', size: big.length, limit: 512 * 1024, writer_guid: diagWriter.guid }),
      expect.objectContaining({ topic: '/big_scan', type: 'sensor_msgs/msg/LaserScan', count: 1, reason: 'values', limit: 200_000, writer_guid: scanWriter.guid }),
    ]));
    expect(body.warnings.find((w) => w.code === 'ros_samples_refused')?.message).toMatch(/^2 sample\(s\) refused/);
    diagSub.close();
    scanSub.close();
  });
});
