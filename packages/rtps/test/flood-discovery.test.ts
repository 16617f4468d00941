// Discovery under an SPDP flood (issue 12 point 2): 5,000 made-up participants with random GUID
// prefixes and leases of 0x7fffffff s, sent over real UDP from five source addresses in
// 127.0.0.0/8 to our participant's SPDP port, while a real Fast DDS node (test/peers) starts.
// The node must be discovered within 5 s of its start (the bound the issue demands), the table
// must stay within its cap, and the fakes must be gone after the clamped lease. ROS domain
// offset 185.
import dgram from 'node:dgram';
import { afterEach, describe, expect, it } from 'vitest';
import { testDomain } from '../../../test-support/domains.js';
import { FASTDDS, describeWith } from '../../../test-support/requirements.js';
import { DEFAULT_LIMITS, VendorId, type ParticipantEvent } from '../src/index.js';
import { spawnPeer } from '../../../test-support/peers/harness.js';
import { peerHooks } from './support/interop-suite.js';
import { closeAll, participant, prng, until } from './support/loopback.js';
import { floodSpdp, spoofedSpdp, type VictimLocator } from '../../../test-support/spdp-flood.js';
import { acknack, Bytes, ENTITY, sn } from '../../../test-support/rtps-fuzz/datagrams.js';
import { udpSink, type UdpSink } from '../../../test-support/udp-sink.js';

const DOMAIN = testDomain(185);
const FAKES = 5000;
const SOURCES = ['127.0.0.2', '127.0.0.3', '127.0.0.4', '127.0.0.5', '127.0.0.6'];
// Longer than the discovery bound: the node cannot get in by waiting for fakes to expire.
const MAX_LEASE_SEC = 8;
/** The bound: a real node starting during the flood is discovered within 5 s. */
const DISCOVERY_BOUND_MS = 5000;
const FAKE_VENDOR = 0x0101;
/** The fakes' lease in the reflection tests, as clamped by the participant. */
const REFLECT_LEASE_SEC = 3;

describeWith(FASTDDS, 'discovery under an SPDP flood', () => {
  peerHooks('fastdds');

  it('a Fast DDS node starting during a flood of 5,000 spoofed participants is discovered within 5 s; the table stays within its cap; the fakes expire after the clamped lease', async () => {
    const p = await participant(DOMAIN, { userData: 'enclave=/;', peerIndexCount: 32, admission: { maxLeaseSec: MAX_LEASE_SEC } });
    const cap = DEFAULT_LIMITS.maxParticipants;
    let maxTracked = 0;
    let realAddedAt: number | undefined;
    let realGuid: string | undefined;
    p.on('participant', (e: ParticipantEvent) => {
      maxTracked = Math.max(maxTracked, p.participantStats().tracked);
      if (e.type === 'added' && e.participant.vendorId === VendorId.FAST_DDS && realAddedAt === undefined) {
        realAddedAt = Date.now();
        realGuid = e.participant.guid;
      }
    });

    let floodDone = false;
    const t0 = Date.now();
    let floodEndedAt = 0;
    // 200 batches, 35 ms apart: about 7.5 s on a quiet box, where the node is in through SEDP some 1 s after the start.
    // With 20 ms (4.3 s) a full test run on two busy cores once saw the flood end before the node's SEDP.
    const flood = floodSpdp({ ports: [p.locators.metatrafficUnicast[0].port], domainId: DOMAIN, count: FAKES, sources: SOURCES, batch: 25, pauseMs: 35 }).finally(() => {
      floodDone = true;
      floodEndedAt = Date.now() - t0;
    });
    // Start the real node once the fakes have filled the table.
    await until(() => p.participantStats().tracked >= cap - 24 || floodDone, 'the flood to fill the table', 20_000);
    expect(floodDone).toBe(false);
    expect(p.participantStats().underPressure).toBe(true);

    const startedAt = Date.now();
    const node = await spawnPeer('fastdds', 'talker', { domain: DOMAIN, count: 0, periodMs: 500 });
    await until(() => realAddedAt !== undefined, 'the Fast DDS node to be discovered', 20_000);
    const tookMs = realAddedAt! - startedAt;
    expect(realGuid).toBe(node.guid);
    expect(tookMs, `discovered ${tookMs} ms after it started; table ${JSON.stringify(p.participantStats())}`).toBeLessThan(DISCOVERY_BOUND_MS);
    // It proves itself through SEDP, so later fakes cannot evict it.
    await until(() => p.endpoints().some((e) => e.topicName === 'rt/chatter' && e.guid.startsWith(node.guid.slice(0, 24))), 'the node endpoints (SEDP)', 10_000);
    const sedpAt = Date.now() - t0;
    expect(floodDone, `the node was discovered while the flood was still going (started ${startedAt - t0} ms, SEDP ${sedpAt} ms, flood ended ${floodEndedAt} ms after the flood began)`).toBe(false);

    expect(await flood).toBe(FAKES);
    const during = p.participantStats();
    expect(during.evicted + during.rateLimited).toBeGreaterThan(0);
    expect(during.leasesClamped).toBeGreaterThan(1000);
    expect(p.participants().some((x) => x.guid === node.guid)).toBe(true);

    // The fakes announced 0x7fffffff s but are gone after the clamped lease; the node stays.
    await until(() => p.participants().every((x) => x.vendorId !== FAKE_VENDOR), 'the fakes to expire', (MAX_LEASE_SEC + 5) * 1000);
    expect(p.participants().map((x) => x.guid)).toContain(node.guid);
    const after = p.participantStats();
    expect(after.expired).toBeGreaterThan(500);
    expect(maxTracked).toBeGreaterThanOrEqual(cap - 24);
    expect(maxTracked).toBeLessThanOrEqual(cap);
    expect(after.tracked).toBeLessThanOrEqual(cap);
  });

  it('with a blind ACKNACK after each announcement (what used to prove a fake), no fake is proven, and a Fast DDS node starting during the flood is listed and proven by its echo of our first SN (issue 66)', async () => {
    const p = await participant(DOMAIN, { userData: 'enclave=/;', peerIndexCount: 32, admission: { maxLeaseSec: MAX_LEASE_SEC } });
    const cap = DEFAULT_LIMITS.maxParticipants;
    let realAddedAt: number | undefined;
    p.on('participant', (e: ParticipantEvent) => {
      if (e.type === 'added' && e.participant.vendorId === VendorId.FAST_DDS && realAddedAt === undefined) realAddedAt = Date.now();
    });
    let floodDone = false;
    const flood = floodSpdp({ ports: [p.locators.metatrafficUnicast[0].port], domainId: DOMAIN, count: FAKES, sources: SOURCES, batch: 25, pauseMs: 35, seed: 66, blindAcknack: true }).finally(() => (floodDone = true));
    await until(() => p.participantStats().tracked >= cap - 24 || floodDone, 'the flood to fill the table', 20_000);
    expect(floodDone).toBe(false);
    // Before issue 66 each blind ACKNACK proved its fake: the table filled with proven fakes and turned the node away.
    expect(p.participantStats().proven).toBe(0);
    const startedAt = Date.now();
    const node = await spawnPeer('fastdds', 'talker', { domain: DOMAIN, count: 0, periodMs: 500 });
    await until(() => realAddedAt !== undefined, 'the Fast DDS node to be listed', 20_000);
    expect(realAddedAt! - startedAt).toBeLessThan(DISCOVERY_BOUND_MS);
    // Our probe's HEARTBEAT reached it; its answer echoes our first SN: proven, so no later fake can evict it.
    await until(() => p.participantStats().proven === 1, 'the node proven', 10_000);
    await until(() => p.endpoints().some((e) => e.topicName === 'rt/chatter' && e.guid.startsWith(node.guid.slice(0, 24))), 'the node endpoints (SEDP)', 10_000);
    expect(await flood).toBe(FAKES);
    expect(p.participantStats().proven).toBe(1);
    expect(p.participants().some((x) => x.guid === node.guid)).toBe(true);
  });
});

// Not a reflector (issue 66): forged participants name a victim's socket (a sink) as where they receive. What the
// gateway sends there is bounded by what the attacker sent, and nothing goes there once the fakes' clamped lease ran
// out. Each fake's announcement is followed, in its datagram, by blind ACKNACKs to our SEDP writers asking for
// everything from SN 1 (what asks a writer for repair traffic).
describe('not a reflector', () => {
  afterEach(closeAll);
  const sinks: UdpSink[] = [];
  afterEach(async () => {
    for (const s of sinks.splice(0)) await s.close();
  });

  /** A fake's datagram: its SPDP naming `victim`, then a blind ACKNACK (SN 1, 32 bits set) to each SEDP writer. */
  function forged(prefix: Buffer, victim: VictimLocator, count: number): Buffer {
    const b = new Bytes();
    for (const [readerId, writerId] of [[ENTITY.PUB_READER, ENTITY.PUB_WRITER], [ENTITY.SUB_READER, ENTITY.SUB_WRITER], [ENTITY.MSG_READER, ENTITY.MSG_WRITER]]) {
      acknack(b, { readerId, writerId, base: sn(1n), numBits: 32, words: [0xffffffff], count });
    }
    return Buffer.concat([spoofedSpdp(prefix, DOMAIN, REFLECT_LEASE_SEC, victim), b.done()]);
  }

  it('20 forged participants that re-announce every second and ask for repair: the victim gets no more than the attacker sent, and nothing one lease after', async () => {
    const p = await participant(DOMAIN, { userData: 'enclave=/;', admission: { maxLeaseSec: REFLECT_LEASE_SEC } });
    p.createWriter({ topic: 'rt/reflect_w', typeName: 'T', qos: { reliability: 'reliable', durability: 'transient-local' } });
    p.createReader({ topic: 'rt/reflect_r', typeName: 'T', qos: { reliability: 'reliable' } });
    const sink = await udpSink('127.0.0.9');
    sinks.push(sink);
    const attacker = dgram.createSocket('udp4');
    await new Promise<void>((resolve) => attacker.bind(0, '127.0.0.8', () => resolve()));
    const rand = prng(6601);
    const fakes = Array.from({ length: 20 }, () => Buffer.from(Array.from({ length: 12 }, () => Math.floor(rand() * 256))));
    let spent = 0;
    try {
      for (let round = 1; round <= 8; round++) {
        for (const f of fakes) {
          const d = forged(f, sink, round);
          spent += d.length;
          await new Promise<void>((resolve) => attacker.send(d, p.locators.metatrafficUnicast[0].port, '127.0.0.1', () => resolve()));
        }
        // The attacker's pace: re-announcing once a second, as real nodes do (a paced write to a real socket).
        await new Promise((r) => setTimeout(r, 1000));
      }
    } finally {
      attacker.close();
    }
    const stoppedAt = Date.now();
    expect(p.participantStats().tracked).toBeGreaterThanOrEqual(20);
    // One clamped lease, and the fakes are gone: nothing reaches the victim after that.
    await until(() => p.participantStats().tracked === 0, 'the fakes to expire', (REFLECT_LEASE_SEC + 5) * 1000);
    const atExpiry = { bytes: sink.bytes, at: Date.now() };
    // Nothing more reaches the victim while the participant goes on sending (announcements, heartbeats): an event
    // (40 more datagrams sent), not a duration.
    const out0 = p.trafficStats().datagramsOut;
    await until(() => p.trafficStats().datagramsOut >= out0 + 40, 'the participant to send 40 more datagrams', 30_000);
    console.log(`reflection: attacker ${spent} B in ${fakes.length * 8} datagrams; victim ${sink.bytes} B in ${sink.datagrams} datagrams (${(sink.bytes / spent).toFixed(2)}x), last ${sink.lastAt - stoppedAt} ms after the attacker stopped`);
    expect(sink.bytes, `the victim got ${sink.bytes} B for the attacker's ${spent} B`).toBeLessThanOrEqual(spent);
    expect(sink.bytes).toBe(atExpiry.bytes);
  });

  it('a flood of 3,000 forged participants naming the victim: it gets no more than the attacker sent', async () => {
    const p = await participant(DOMAIN, { userData: 'enclave=/;', peerIndexCount: 32, admission: { maxLeaseSec: REFLECT_LEASE_SEC } });
    p.createWriter({ topic: 'rt/reflect_w', typeName: 'T', qos: { reliability: 'reliable', durability: 'transient-local' } });
    const sink = await udpSink('127.0.0.9');
    sinks.push(sink);
    const spent = { n: 0 };
    const sent = await floodSpdp({ ports: [p.locators.metatrafficUnicast[0].port], domainId: DOMAIN, count: 3000, sources: SOURCES, batch: 25, pauseMs: 20, seed: 6602, blindAcknack: true, victim: sink, sentBytes: spent, leaseSec: REFLECT_LEASE_SEC });
    expect(sent).toBe(3000);
    expect(p.participantStats().underPressure).toBe(true);
    await until(() => p.participantStats().tracked === 0, 'the fakes to expire', (REFLECT_LEASE_SEC + 5) * 1000);
    console.log(`reflection under flood: attacker ${spent.n} B; victim ${sink.bytes} B in ${sink.datagrams} datagrams (${(sink.bytes / spent.n).toFixed(2)}x)`);
    expect(sink.bytes, `the victim got ${sink.bytes} B for the attacker's ${spent.n} B`).toBeLessThanOrEqual(spent.n);
  });
});
