// Fuzzing a live secured gateway with mutations of real secured traffic (issue 29; test domain offset 227): a
// gateway joins its domain through ros.security.* under SROS2's default governance (discovery and liveliness
// ENCRYPT, RTPS SIGN, topic data and submessages ENCRYPT); a real secured medkit participant authenticates with
// it and publishes an encrypted topic to a reader in the gateway's participant, while everything it sends the
// gateway is captured as it leaves (SPDP with its tokens, the PKI-DH handshake, volatile token messages in
// SEC_PREFIX/SEC_BODY/SEC_POSTFIX runs, SRTPS-signed messages holding secure SEDP, heartbeats and encrypted data).
// Then test-support/rtps-fuzz/secure-mutator.ts replays and mutates that capture (crypto headers, MACs, lengths,
// receiver-MAC counts, token CDR, spliced, stripped or nested protection, swapped prefixes, plain RTPS in the
// peer's name) from a worker thread, paced and capped. Every 2,000 datagrams the real peer writes a sample that
// must arrive within 10 s; throughout, /health must answer; afterwards RSS growth is bounded, the peer is still
// authenticated and its data still flows, and each kind of drop was counted by its reason. Then a flood of fake
// secured participants (the peer's captured SPDP under 400 made-up prefixes): a real peer joining behind it and the
// one from before both stay on /health's bounded peer list (issue 42).
// `npm run fuzz:rtps -- --secure --datagrams 200000` runs the same test longer (RTPS_FUZZ_DATAGRAMS).
import dgram from 'node:dgram';
import { writeFileSync } from 'node:fs';
import { createParticipant, type Participant } from '@medkit/rtps';
import { enclaveSecurity, loadEnclave } from '@medkit/ros2/security';
import type { SecureParticipant } from '@medkit/rtps/security';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDomain } from '../../../../test-support/domains.js';
import { describeWith, OPENSSL } from '../../../../test-support/requirements.js';
import { Campaign, type CampaignResult } from '../../../../test-support/rtps-fuzz/campaign.js';
import { healthSummary, pollHealth } from '../../../../test-support/rtps-fuzz/health.js';
import type { CapturedDatagram } from '../../../../test-support/rtps-fuzz/secure-mutator.js';
import { allowAllPermissionsXml, createSros2Keystore, governanceXml, type Sros2Keystore } from '../../../../test-support/sros2-keystore.js';
import { ROS_SERVICE, type RosConnection } from '../../src/ros/connection.js';
import { MAX_SECURITY_PEERS } from '../../src/ros/health.js';
import type { GatewayFeature } from '../../src/feature.js';
import type { TestGateway } from '../../../../test-support/gateway/gateway.js';
import { eventually, http, startRosGateway } from '../../../../test-support/gateway/ros-robot.js';

const DOMAIN = testDomain(227);
const DATAGRAMS = Number(process.env.RTPS_FUZZ_DATAGRAMS ?? 20_000);
const SEED = Number(process.env.RTPS_FUZZ_SEED ?? 20261129);
const RATE = Number(process.env.RTPS_FUZZ_RATE ?? 2000);
const PROBE_EVERY = 2000;
/** RSS may grow by this much over the run (tables at their caps, replay memories, GC lag). */
const RSS_GROWTH_BOUND = 256 * 1024 * 1024;
/** /health must answer within this even while fuzzed (generous: the machine is shared; the report has the real figures). */
const HEALTH_BOUND_MS = 1000;
const TOPIC = { topic: 'rt/fuzz_secure', typeName: 'std_msgs::msg::dds_::String_', qos: { reliability: 'reliable' as const } };

let ks: Sros2Keystore;
let g: TestGateway | undefined;
let ros: RosConnection;
let peer: Participant | undefined;
const captured: CapturedDatagram[] = [];
let capturing = true;

const capture: GatewayFeature = {
  name: 'test-capture-ros',
  init(ctx) {
    ros = ctx.services.get(ROS_SERVICE) as RosConnection;
  },
};

/** A std_msgs/String CDR payload. */
const cdr = (s: string): Buffer => {
  const b = Buffer.alloc(8 + s.length + 1);
  b.writeUInt16BE(0x0001, 0);
  b.writeUInt32LE(s.length + 1, 4);
  b.write(s, 8);
  return b;
};

describeWith(OPENSSL, 'secured RTPS fuzzing', () => {
  beforeAll(async () => {
    ks = createSros2Keystore();
    const make = (name: string) => ks.makeEnclave(name, { governanceXml: governanceXml(DOMAIN), permissionsXml: allowAllPermissionsXml(`CN=${name}`, DOMAIN) });
    make('/medkit/gateway');
    make('/fuzz/peer');
    g = await startRosGateway(DOMAIN, [capture], {
      'discovery.refresh_debounce_ms': 1000,
      'ros.security.enabled': true,
      'ros.security.strategy': 'Enforce',
      'ros.security.keystore': ks.keystore,
      'ros.security.enclave': '/medkit/gateway',
    });
  }, 60_000);

  afterAll(async () => {
    await peer?.close();
    await g?.close();
    ks?.remove();
  });

  describe(`a live secured gateway fuzzed with mutations of captured secured traffic (seed ${SEED}, ${DATAGRAMS} datagrams)`, () => {
    it('survives: /health answers throughout, bounded RSS, the real peer stays authenticated and its encrypted data keeps flowing, every drop counted by its reason', { timeout: 90_000 + (DATAGRAMS / RATE) * 3000 }, async () => {
      const p = ros.context.participant;
      const sec = ros.context.security as SecureParticipant;
      const ports = new Set([p.locators.metatrafficUnicast[0].port, p.locators.defaultUnicast[0].port]);
      // The real secured peer; what it sends the gateway is kept as it leaves (protected), up to 1,000 datagrams.
      const enclave = await loadEnclave({ keystore: ks.keystore, enclave: '/fuzz/peer' });
      peer = await createParticipant({
        domainId: DOMAIN,
        localhostOnly: true,
        peerIndexCount: 8,
        security: enclaveSecurity(enclave, DOMAIN),
        packetFilter: { outgoing: (data, to) => (capturing && ports.has(to.port) && captured.length < 1000 && captured.push({ data: Buffer.from(data), port: to.port }), true) },
      });
      const w = peer.createWriter(TOPIC);
      const r = p.createReader(TOPIC);
      const got: string[] = [];
      r.on('sample', (s) => got.push(s.payload.toString('utf8', 8, s.payload.length - 1)));
      let n = 0;
      /** The peer writes the next sample; it must reach the gateway's reader within 10 s. */
      const probe = async () => {
        const text = `sample ${++n}`;
        w.write(cdr(text));
        const end = Date.now() + 10_000;
        while (!got.includes(text)) {
          if (Date.now() > end) throw new Error(`'${text}' from the secured peer did not arrive within 10 s (peer ${JSON.stringify(sec.peerStatus().find((s) => s.guidPrefix === peer!.guidPrefix))})`);
          await new Promise((res) => setTimeout(res, 20));
        }
      };
      expect(await w.waitForMatch(1, 30_000)).toBe(true);
      // A few samples and heartbeats into the capture, then it is closed.
      for (let i = 0; i < 5; i++) await probe();
      await new Promise((res) => setTimeout(res, 1500));
      capturing = false;
      const has = (id: number) => captured.some((c) => c.data[20] === id || c.data.includes(Buffer.from([id])));
      expect(captured.length).toBeGreaterThan(20);
      expect(captured.some((c) => c.data[20] === 0x33)).toBe(true); // SRTPS-wrapped messages
      expect(has(0x31)).toBe(true); // SEC_PREFIX runs (volatile token messages)

      const before = { stats: { ...p.stats }, secured: { ...p.receiver.secured }, sec: { ...sec.stats, crypto: { ...sec.stats.crypto } } };
      expect((await fetch(`${g!.url}/api/v1/health`)).status).toBeLessThan(500);
      const campaign = await Campaign.open({
        target: { domainId: DOMAIN, metaPort: p.locators.metatrafficUnicast[0].port, userPort: p.locators.defaultUnicast[0].port, prefix: p.prefix },
        datagrams: DATAGRAMS,
        seed: SEED,
        rate: RATE,
        received: () => p.stats.datagrams,
        roundTripEvery: PROBE_EVERY,
        captured,
        probe,
        onProgress: DATAGRAMS > 100_000 ? (k, ms) => k % 50_000 < 1000 && console.log(`secure rtps fuzz: ${k} datagrams, ${(ms / 1000).toFixed(0)} s`) : undefined,
      });
      const health = pollHealth(g!.url);
      let result: CampaignResult;
      try {
        result = await campaign.run();
      } finally {
        await health.stop();
        await campaign.close();
      }
      // After the run: still authenticated (gateway side, /health), and the next samples flow.
      for (let i = 0; i < 3; i++) await probe();
      const peerHealth = await eventually(async () => {
        const s = (await http(`${g!.url}/api/v1/health`)).body['x-medkit-ros'].security;
        return s.peers.find((x: { guid_prefix: string }) => x.guid_prefix === peer!.guidPrefix);
      }, 'the peer on /health');

      const delta = <T extends Record<string, number>>(now: T, then: T) => Object.fromEntries(Object.keys(now).map((k) => [k, now[k] - then[k]])) as T;
      const s = sec.stats;
      const report = {
        ...result,
        captured: captured.length,
        malformed: p.stats.malformed - before.stats.malformed,
        violations: p.stats.violations - before.stats.violations,
        secured: delta(p.receiver.secured, before.secured),
        drops: {
          securedDropped: s.securedDropped - before.sec.securedDropped,
          noKey: s.noKey - before.sec.noKey,
          ...delta(s.crypto, before.sec.crypto),
          statelessMalformed: s.malformed - before.sec.malformed,
          statelessIgnored: s.ignored - before.sec.ignored,
          volatileDropped: s.volatileDropped - before.sec.volatileDropped,
        },
        handshakesStarted: s.handshakesStarted - before.sec.handshakesStarted,
        ...healthSummary(health),
        rssGrowthBytes: result.maxRssBytes - result.startRssBytes,
        peerAuthenticated: peerHealth.status === 'authenticated',
        samplesAfter: got.length,
      };
      if (process.env.RTPS_FUZZ_REPORT) writeFileSync(process.env.RTPS_FUZZ_REPORT, JSON.stringify(report, null, 2));

      expect(result.sent).toBe(DATAGRAMS);
      expect(result.receivedByTarget).toBeGreaterThanOrEqual(DATAGRAMS * 0.9);
      expect(result.roundTrips).toBeGreaterThanOrEqual(Math.floor(DATAGRAMS / PROBE_EVERY));
      expect(peerHealth).toMatchObject({ status: 'authenticated', subject: 'CN=/fuzz/peer' });
      // Every drop path was reached and counted: replays, tampering, malformed protection, keys it never had,
      // clear traffic in the authenticated peer's name, and broken handshake messages.
      expect(report.drops.replayed).toBeGreaterThan(0);
      expect(report.drops.tampered).toBeGreaterThan(0);
      expect(report.drops.malformed).toBeGreaterThan(0);
      expect(report.drops.noKey).toBeGreaterThan(0);
      expect(report.secured.clearRefused).toBeGreaterThan(0);
      expect(report.drops.statelessMalformed + report.drops.statelessIgnored).toBeGreaterThan(0);
      expect(report.rssGrowthBytes).toBeLessThan(RSS_GROWTH_BOUND);
      expect(health.failures).toEqual([]);
      expect(health.latencies.length).toBeGreaterThan(10);
      expect(report.maxHealthMs).toBeLessThan(HEALTH_BOUND_MS);
    });

    it('keeps the real authenticated peer listed on /health under a flood of 400 fake secured participants (its SPDP under made-up prefixes)', { timeout: 60_000 }, async () => {
      const p = ros.context.participant;
      const real = Buffer.from(peer!.guidPrefix, 'hex');
      // The peer's SPDP announcement as it left for the gateway: clear, with its identity and permissions tokens.
      const spdp = captured.find((c) => c.port === p.locators.metatrafficUnicast[0].port && c.data.includes(Buffer.from([0x00, 0x01, 0x00, 0xc2])) && c.data.includes(real, 20));
      expect(spdp, 'a captured SPDP datagram of the secured peer').toBeDefined();
      const sock = dgram.createSocket('udp4');
      try {
        for (let i = 0; i < 400; i++) {
          const fake = Buffer.alloc(12);
          fake.writeUInt32BE(0x0f5e0000 + i, 0);
          fake.writeUInt32BE(i * 2654435761 >>> 0, 4);
          fake.writeUInt32BE(0xc1, 8);
          // Every copy of the real prefix (header, participant GUID) becomes the fake one.
          const d = Buffer.from(spdp!.data);
          for (let at = d.indexOf(real); at >= 0; at = d.indexOf(real, at + 12)) fake.copy(d, at);
          await new Promise<void>((res, rej) => sock.send(d, p.locators.metatrafficUnicast[0].port, '127.0.0.1', (e) => (e ? rej(e) : res())));
          if (i % 50 === 49) await new Promise((res) => setTimeout(res, 20));
        }
      } finally {
        sock.close();
      }
      // The gateway meets those its per-source rate admits (hundreds: authenticating, then refused as their
      // handshakes time out), far more than the list holds.
      await eventually(async () => ((await http(`${g!.url}/api/v1/health`)).body['x-medkit-ros'].security.peers_not_listed >= 100 ? true : undefined), 'the fake participants counted on /health', 30_000);
      // A real peer that joins after the flood, behind hundreds of fakes, and the one from before: both listed.
      const late = await createParticipant({ domainId: DOMAIN, localhostOnly: true, peerIndexCount: 8, security: enclaveSecurity(await loadEnclave({ keystore: ks.keystore, enclave: '/fuzz/peer' }), DOMAIN) });
      try {
        const sec = await eventually(async () => {
          const s = (await http(`${g!.url}/api/v1/health`)).body['x-medkit-ros'].security;
          return s.peers_authenticated >= 2 ? s : undefined;
        }, 'the late peer authenticated', 30_000);
        expect(sec.peers).toHaveLength(MAX_SECURITY_PEERS);
        for (const prefix of [peer!.guidPrefix, late.guidPrefix]) {
          expect(sec.peers.find((x: { guid_prefix: string }) => x.guid_prefix === prefix), prefix).toMatchObject({ status: 'authenticated', subject: 'CN=/fuzz/peer' });
        }
        expect(sec.peers_not_listed_by_status.authenticated).toBe(0);
      } finally {
        await late.close();
      }
    });
  });
});
