// Authentication on the wire between medkit participants on loopback (ROS domain offset 199): two secured
// participants authenticate each other and only then match (unprotected topics; protected ones are refused
// at creation); an expired identity is refused with its reason; hostile stateless messages (garbage,
// truncations, bit flips, forged requests from 1,000 made-up participants) and forged secured runs are
// counted and dropped, never thrown, and grow nothing without bound; a handshake message in DATA_FRAG fragments
// (Cyclone DDS sends them so) is reassembled, within bounds.
import { randomBytes, X509Certificate } from 'node:crypto';
import { createSocket } from 'node:dgram';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, expect, it } from 'vitest';
import { describeWith, OPENSSL } from '../../../../test-support/requirements.js';
import { testDomain } from '../../../../test-support/domains.js';
import { allowAllPermissionsXml, createSros2Keystore, denyPermissionsXml, governanceXml, type Sros2Keystore } from '../../../../test-support/sros2-keystore.js';
import { ByteWriter } from '../../src/byte-writer.js';
import { encodeHeader } from '../../src/header.js';
import { encodeData } from '../../src/submessages/data.js';
import { encodeDataFrag } from '../../src/submessages/data-frag.js';
import { encodeInfoDst } from '../../src/submessages/info.js';
import { EndpointRefusedError, EntityId, VendorId, type Participant } from '../../src/index.js';
import { encodeInlineQos } from '../../src/inline-qos.js';
import { encodeParticipantKey } from '../../src/discovery-spdp-data.js';
import { AUTH_MESSAGE_CLASS, encodeGenericMessage, HandshakeInitiator, loadIdentity, type SecureParticipant } from '../../src/security/index.js';
import { closeAll, hasDataFrom, hasSubmessage, participant, until } from '../support/loopback.js';
import { chatterAfterFirstSample, kxRun, securityFrom, waitForStatus } from '../support/secure.js';

/** The EndpointRefusedError `make` throws, undefined when it throws nothing (any other error fails the test). */
function refusal(make: () => unknown): EndpointRefusedError | undefined {
  try {
    make();
    return undefined;
  } catch (err) {
    if (err instanceof EndpointRefusedError) return err;
    throw err;
  }
}

const DOMAIN = testDomain(199);
const GOV = governanceXml(DOMAIN, { discovery: 'NONE', liveliness: 'NONE', rtps: 'NONE', data: 'ENCRYPT' });
let ks: Sros2Keystore;

function enclave(name: string, opts: { expired?: boolean } = {}): string {
  return ks.makeEnclave(name, { ...opts, governanceXml: GOV, permissionsXml: allowAllPermissionsXml(`CN=${name}`, DOMAIN) }).dir;
}

async function secured(name: string, extra: Parameters<typeof securityFrom>[2] = {}, opts: { expired?: boolean } = {}): Promise<{ p: Participant; sec: SecureParticipant; dir: string }> {
  const dir = enclave(name, opts);
  const sec = await securityFrom(dir, DOMAIN, extra, opts.expired ? 'unchecked' : 'checked');
  const p = await participant(DOMAIN, { security: sec });
  return { p, sec, dir };
}

/** A datagram from `srcPrefix` to `dst` carrying one ParticipantStatelessMessage DATA with `payload`. */
function statelessDatagram(srcPrefix: Buffer, dst: Buffer, payload: Buffer): Buffer {
  const w = new ByteWriter(payload.length + 128, true);
  encodeHeader(w, VendorId.MEDKIT, srcPrefix);
  encodeInfoDst(w, dst, true);
  encodeData(w, { readerId: EntityId.STATELESS_READER, writerId: EntityId.STATELESS_WRITER, writerSN: 1, payload, key: false }, true);
  return w.finish();
}

/** A datagram carrying fragments [start, start + pieces.length) of stateless sample `sn` (as Cyclone DDS sends them). */
function statelessFragDatagram(srcPrefix: Buffer, dst: Buffer, sn: number, start: number, pieces: Buffer[], fragmentSize: number, sampleSize: number): Buffer {
  const data = Buffer.concat(pieces);
  const w = new ByteWriter(data.length + 128, true);
  encodeHeader(w, VendorId.MEDKIT, srcPrefix);
  encodeInfoDst(w, dst, true);
  encodeDataFrag(w, { readerId: EntityId.STATELESS_READER, writerId: EntityId.STATELESS_WRITER, writerSN: sn, fragmentStartingNum: start, fragmentsInSubmessage: pieces.length, fragmentSize, sampleSize, data, key: false }, true);
  return w.finish();
}

/** Participants a and b under SROS2's default governance, permitted everything; aSec is a's security. */
async function defaultGovernancePair(tag: string): Promise<{ aSec: SecureParticipant; a: Participant; b: Participant }> {
  const gov = governanceXml(DOMAIN);
  const mk = (name: string) => ks.makeEnclave(name, { governanceXml: gov, permissionsXml: allowAllPermissionsXml(`CN=${name}`, DOMAIN) }).dir;
  const aSec = await securityFrom(mk(`/medkit/${tag}_a`), DOMAIN);
  const a = await participant(DOMAIN, { security: aSec });
  const b = await participant(DOMAIN, { security: await securityFrom(mk(`/medkit/${tag}_b`), DOMAIN) });
  return { aSec, a, b };
}

/** How long the volatile-channel case loses a's token messages to b. */
const LOST_MS = 16_000;

describeWith(OPENSSL, 'DDS-Security authentication between medkit participants', () => {
  beforeAll(() => {
    ks = createSros2Keystore();
  });
  afterEach(closeAll);
  afterAll(() => ks?.remove());

  it('two secured participants authenticate each other (one initiates, one replies) and only then match endpoints', async () => {
    const a = await secured('/medkit/a');
    const b = await secured('/medkit/b');
    // Endpoints created before authentication: SEDP must wait for it. rt/public_* is unprotected in the governance.
    const w = a.p.createWriter({ topic: 'rt/public_chatter', typeName: 'std_msgs::msg::dds_::String_' });
    b.p.createReader({ topic: 'rt/public_chatter', typeName: 'std_msgs::msg::dds_::String_' });
    // A protected topic (secure discovery, data and metadata ENCRYPT) too, medkit to medkit.
    const sw = a.p.createWriter({ topic: 'rt/chatter', typeName: 'std_msgs::msg::dds_::String_' });
    const sr = b.p.createReader({ topic: 'rt/chatter', typeName: 'std_msgs::msg::dds_::String_' });
    const got: Buffer[] = [];
    sr.on('sample', (x) => got.push(x.payload));
    const sa = await waitForStatus(a.sec, b.p.guidPrefix, ['authenticated', 'failed']);
    const sb = await waitForStatus(b.sec, a.p.guidPrefix, ['authenticated', 'failed']);
    expect([sa.state, sb.state]).toEqual(['authenticated', 'authenticated']);
    expect(new Set([sa.role, sb.role])).toEqual(new Set(['initiator', 'replier']));
    expect(Buffer.from(a.sec.sharedSecret(b.p.guidPrefix)!.sharedSecret)).toEqual(Buffer.from(b.sec.sharedSecret(a.p.guidPrefix)!.sharedSecret));
    await until(() => w.matches.size === 1, 'the writer to match the reader after authentication');
    expect(await sw.waitForMatch(1, 10_000)).toBe(true);
    const secret = Buffer.from([0, 1, 0, 0, 7, 0, 0, 0, 0x73, 0x65, 0x63, 0x72, 0x65, 0x74, 0]);
    await until(() => {
      if (got.length === 0) sw.write(secret); // the reader may still wait for the writer's token
      return got.length > 0;
    }, 'the protected sample');
    expect(got[0]).toEqual(secret);
  }, 30_000);

  it('under SROS2\'s default governance (protected discovery and liveliness, RTPS SIGN) a protected sample flows; origin authentication is refused, naming why', async () => {
    const gov = governanceXml(DOMAIN);
    const mk = (name: string) => ks.makeEnclave(name, { governanceXml: gov, permissionsXml: allowAllPermissionsXml(`CN=${name}`, DOMAIN) }).dir;
    const a = await participant(DOMAIN, { security: await securityFrom(mk('/medkit/default_a'), DOMAIN) });
    const b = await participant(DOMAIN, { security: await securityFrom(mk('/medkit/default_b'), DOMAIN) });
    const w = a.createWriter({ topic: 'rt/chatter', typeName: 'std_msgs::msg::dds_::String_' });
    const r = b.createReader({ topic: 'rt/chatter', typeName: 'std_msgs::msg::dds_::String_' });
    const got: Buffer[] = [];
    r.on('sample', (x) => got.push(x.payload));
    const sample = Buffer.from([0, 1, 0, 0, 3, 0, 0, 0, 0x68, 0x69, 0]);
    await until(() => {
      if (got.length === 0 && w.matches.size === 1) w.write(sample);
      return got.length > 0;
    }, 'the protected sample under the default governance', 20_000);
    expect(got[0]).toEqual(sample);
    expect(a.receiver.secured.opened).toBeGreaterThan(0);
    // A clear DATA claiming to come from b (anyone can put b's prefix in a header) is refused: b's messages
    // must come RTPS-protected.
    const refusedBefore = a.receiver.secured.clearRefused;
    const forged = new ByteWriter(128, true);
    encodeHeader(forged, VendorId.MEDKIT, Buffer.from(b.guidPrefix, 'hex'));
    encodeInfoDst(forged, Buffer.from(a.guidPrefix, 'hex'), true);
    encodeData(forged, { readerId: 0, writerId: 0x00000103, writerSN: 99, payload: sample, key: false }, true);
    const sock = createSocket('udp4');
    await new Promise<void>((res) => sock.send(forged.finish(), a.locators.metatrafficUnicast[0].port, '127.0.0.1', () => res()));
    sock.close();
    await until(() => a.receiver.secured.clearRefused > refusedBefore, 'the forged clear DATA to be refused');
    const originAuth = ks.makeEnclave('/medkit/origin', { governanceXml: governanceXml(DOMAIN, { rtps: 'SIGN_WITH_ORIGIN_AUTHENTICATION' }), permissionsXml: allowAllPermissionsXml('CN=/medkit/origin', DOMAIN) }).dir;
    const o = await participant(DOMAIN, { security: await securityFrom(originAuth, DOMAIN) });
    expect(() => o.createWriter({ topic: 'rt/chatter', typeName: 'std_msgs::msg::dds_::String_' })).toThrow(/rtps_protection_kind SIGN_WITH_ORIGIN_AUTHENTICATION/);
    // What createWriter / createReader throw says why, in a form the gateway turns into a SOVD error: a protection
    // medkit lacks is `unsupported`, a topic our permissions deny is `denied`.
    expect(refusal(() => o.createWriter({ topic: 'rt/chatter', typeName: 'std_msgs::msg::dds_::String_' }))).toMatchObject({ name: 'EndpointRefusedError', kind: 'writer', topic: 'rt/chatter', refusal: 'unsupported' });
    const denyDir = ks.makeEnclave('/medkit/denied', { governanceXml: gov, permissionsXml: denyPermissionsXml('CN=/medkit/denied', DOMAIN, { subscribe: ['rt/secret'] }) }).dir;
    const d = await participant(DOMAIN, { security: await securityFrom(denyDir, DOMAIN) });
    expect(refusal(() => d.createReader({ topic: 'rt/secret', typeName: 'std_msgs::msg::dds_::String_' }))).toMatchObject({ kind: 'reader', topic: 'rt/secret', refusal: 'denied', reason: expect.stringMatching(/^our permissions: deny_rule 1 /) });
    expect(refusal(() => d.createReader({ topic: 'rt/chatter', typeName: 'std_msgs::msg::dds_::String_' }))).toBeUndefined();
  }, 40_000);

  it('with protected liveliness (SROS2\'s default ENCRYPT, and SIGN) each asserts its liveliness on the secure participant-message writer (0xff0200c2, bits 20/21) and the other reads it there, none on the plain one', async () => {
    for (const liveliness of ['ENCRYPT', 'SIGN'] as const) {
      // With rtps NONE the secure liveliness DATA must travel in its own SEC_PREFIX run (GCM for ENCRYPT, GMAC for SIGN).
      const gov = governanceXml(DOMAIN, liveliness === 'ENCRYPT' ? {} : { liveliness, rtps: 'NONE' });
      const mk = (name: string) => ks.makeEnclave(name, { governanceXml: gov, permissionsXml: allowAllPermissionsXml(`CN=${name}`, DOMAIN) }).dir;
      // What a sends on its secure participant-message writer, as it leaves (after protection): how many, and how many not in a SEC_PREFIX run.
      const sent = { data: 0, clear: 0 };
      const outgoing = (d: Buffer) => {
        if (hasDataFrom(d, EntityId.PARTICIPANT_MESSAGE_SECURE_WRITER)) {
          sent.data++;
          if (!hasSubmessage(d, 0x31)) sent.clear++;
        }
        return true;
      };
      const a = await participant(DOMAIN, { security: await securityFrom(mk(`/medkit/live_a_${liveliness}`), DOMAIN), leaseDurationSec: 3, packetFilter: { outgoing } });
      const b = await participant(DOMAIN, { security: await securityFrom(mk(`/medkit/live_b_${liveliness}`), DOMAIN), leaseDurationSec: 3 });
      const secureBits = (1 << 20) | (1 << 21);
      const seen = (x: Participant, y: Participant) => x.participants().find((d) => d.guidPrefix === y.guidPrefix);
      await until(() => (seen(b, a)?.livelinessAsserted.secure ?? 0) >= 3 && (seen(a, b)?.livelinessAsserted.secure ?? 0) >= 3, `three secure liveliness assertions each way (${liveliness})`, 20_000);
      for (const [x, y] of [[a, b], [b, a]] as const) {
        const d = seen(x, y)!;
        expect((d.builtinEndpoints & secureBits) >>> 0).toBe(secureBits);
        expect(d.livelinessAsserted.plain).toBe(0);
      }
      // ENCRYPT: the DATA is inside an encrypted SEC_BODY (GCM), never visible on the wire; SIGN: it goes readable
      // but inside its SEC_PREFIX run (GMAC), never outside one.
      if (liveliness === 'ENCRYPT') expect(sent.data).toBe(0);
      else expect(sent.data).toBeGreaterThan(0);
      expect(sent.clear).toBe(0);
      await closeAll();
    }
  }, 60_000);

  it('drops and counts replayed and tampered protected traffic by reason (SRTPS messages, SEC runs, payloads), while the real data keeps flowing', async () => {
    const gov = governanceXml(DOMAIN);
    const mk = (name: string) => ks.makeEnclave(name, { governanceXml: gov, permissionsXml: allowAllPermissionsXml(`CN=${name}`, DOMAIN) }).dir;
    const aSec = await securityFrom(mk('/medkit/tamper_a'), DOMAIN);
    const a = await participant(DOMAIN, { security: aSec });
    // b records what it sends a (every datagram as it leaves, protected): real secured traffic to replay and tamper with.
    const sent: { data: Buffer; port: number }[] = [];
    const aPorts = new Set([a.locators.metatrafficUnicast[0].port, a.locators.defaultUnicast[0].port]);
    const b = await participant(DOMAIN, { security: await securityFrom(mk('/medkit/tamper_b'), DOMAIN), packetFilter: { outgoing: (data, to) => (aPorts.has(to.port) && sent.length < 2000 && sent.push({ data: Buffer.from(data), port: to.port }), true) } });
    const { writer: w, got } = await chatterAfterFirstSample(b, a);
    // What the reader has before the replays (a first sample written twice arrives twice, each its own sample).
    await new Promise((res) => setTimeout(res, 300));
    const gotBefore = [...got];
    const srtps = sent.filter((d) => d.data[20] === 0x33);
    const secRun = sent.filter((d) => d.data[20] !== 0x33 && hasSubmessage(d.data, 0x31));
    expect(srtps.length).toBeGreaterThan(0);
    expect(secRun.length).toBeGreaterThan(0); // the volatile token messages (Kx keys)

    const sock = createSocket('udp4');
    const send = (d: Buffer, port: number) => new Promise<void>((res) => sock.send(d, port, '127.0.0.1', () => res()));
    const before = { ...aSec.stats.crypto };
    const droppedBefore = aSec.stats.securedDropped;
    const noKeyBefore = aSec.stats.noKey;
    // Replays: each captured protected message and SEC run again, byte for byte.
    const replays = [...srtps.slice(0, 5), ...secRun.slice(0, 3)];
    for (const d of replays) await send(d.data, d.port);
    await until(() => aSec.stats.crypto.replayed >= before.replayed + replays.length, 'the replays to be dropped as replayed');
    // Tampering: one bit flipped in the protected part (the MAC no longer verifies), or in the MAC itself.
    const flip = (d: Buffer, at: number) => {
      const c = Buffer.from(d);
      c[at] ^= 0x10;
      return c;
    };
    const m = srtps[srtps.length - 1].data;
    await send(flip(m, 20 + 4 + 20 + 6), srtps[srtps.length - 1].port); // inside the first protected submessage
    await send(flip(m, m.length - 20 + 3), srtps[srtps.length - 1].port); // in the common MAC of SRTPS_POSTFIX
    const v = secRun[0].data;
    await send(flip(v, v.length - 10), secRun[0].port);
    await until(() => aSec.stats.crypto.tampered >= before.tampered + 3, 'the tampered messages to be dropped as tampered');
    // A key id b never sent a: no receiver for it.
    const unknown = Buffer.from(m);
    unknown.writeUInt32BE(0x0badf00d, 28);
    await send(unknown, srtps[0].port);
    await until(() => aSec.stats.noKey > noKeyBefore, 'the message under an unknown key to be dropped');
    sock.close();
    // Every drop has its reason (a datagram of the volatile channel may hold several runs: its DATA, a HEARTBEAT).
    const c = aSec.stats.crypto;
    const byReason = c.replayed - before.replayed + (c.tampered - before.tampered) + (c.malformed - before.malformed) + (c.unknownKey - before.unknownKey) + (aSec.stats.noKey - noKeyBefore);
    expect(aSec.stats.securedDropped - droppedBefore).toBe(byReason);
    expect(byReason).toBeGreaterThanOrEqual(replays.length + 3 + 1);
    expect(a.receiver.secured.dropped).toBeGreaterThan(0);
    // Nothing of it reached the reader, and b's data still flows.
    expect(got).toEqual(gotBefore);
    w.write(Buffer.from([0, 1, 0, 0, 4, 0, 0, 0, 0x74, 0x77, 0x6f, 0]));
    await until(() => got.length === gotBefore.length + 1, 'the next real sample');
    expect(got).toEqual([...gotBefore, 'two']);
  }, 40_000);

  it('runs the volatile secure channel reliably: token messages lost for 16 s (past the 15 s a message was once given up after) still arrive, and once acknowledged they are not sent again', async () => {
    const gov = governanceXml(DOMAIN);
    const mk = (name: string) => ks.makeEnclave(name, { governanceXml: gov, permissionsXml: allowAllPermissionsXml(`CN=${name}`, DOMAIN) }).dir;
    const b = await participant(DOMAIN, { security: await securityFrom(mk('/medkit/volatile_b'), DOMAIN) });
    const bPorts = new Set([b.locators.metatrafficUnicast[0].port, b.locators.defaultUnicast[0].port]);
    // a's messages on the volatile channel (SEC_PREFIX with the Kx key id 0) to b: all lost for the first 16 s.
    const start = Date.now();
    const sent = { lost: 0, passed: 0, lastAt: 0 };
    const aSec = await securityFrom(mk('/medkit/volatile_a'), DOMAIN);
    const a = await participant(DOMAIN, {
      security: aSec,
      packetFilter: {
        outgoing: (d, to) => {
          if (!bPorts.has(to.port) || d[20] === 0x33 || !kxRun(d)) return true;
          if (Date.now() - start < LOST_MS) return (sent.lost++, false);
          sent.passed++;
          sent.lastAt = Date.now();
          return true;
        },
      },
    });
    const w = a.createWriter({ topic: 'rt/chatter', typeName: 'std_msgs::msg::dds_::String_', qos: { reliability: 'reliable' } });
    const r = b.createReader({ topic: 'rt/chatter', typeName: 'std_msgs::msg::dds_::String_', qos: { reliability: 'reliable' } });
    const got: Buffer[] = [];
    r.on('sample', (x) => got.push(x.payload));
    const sample = Buffer.from([0, 1, 0, 0, 3, 0, 0, 0, 0x68, 0x69, 0]);
    // While they are lost, a's status of b says how many wait and since when (/health warns past 30 s).
    const waiting = () => aSec.peerStatus().find((p) => p.guidPrefix === b.guidPrefix)?.tokensUnacknowledged;
    await until(() => (waiting()?.count ?? 0) > 0, 'a\'s token messages waiting for b', 10_000);
    expect(waiting()!.since).toBeGreaterThanOrEqual(start);
    // b needs a's tokens (participant, secure SEDP, writer) to read anything of it: only after the loss ends.
    await until(() => {
      if (got.length === 0 && w.matches.size === 1) w.write(sample);
      return got.length > 0;
    }, 'the protected sample once a\'s token messages got through', LOST_MS + 15_000);
    expect(Date.now() - start).toBeGreaterThan(LOST_MS);
    expect(sent.lost).toBeGreaterThan(0);
    // b acknowledged them: a stops sending on the channel (nothing more within the next 10 s of its backoff).
    const passed = sent.passed;
    await new Promise((res) => setTimeout(res, 9000));
    expect(sent.passed).toBe(passed);
    expect(waiting()).toBeUndefined();
  }, 60_000);

  it('keeps the keys of a peer with many protected endpoints (a component container\'s worth), and forgets those of endpoints it disposed', async () => {
    const { aSec, a, b } = await defaultGovernancePair('many');
    // 80 protected writers of b, each with its own key, and a reader of a for each: more keys from one peer than
    // the 64 that were once kept (the keys past them were dropped and their writers never read).
    const N = 80;
    const type = 'std_msgs::msg::dds_::String_';
    const writers = Array.from({ length: N }, (_, i) => b.createWriter({ topic: `rt/many_${i}`, typeName: type, qos: { reliability: 'reliable' } }));
    const got = new Set<number>();
    Array.from({ length: N }, (_, i) => a.createReader({ topic: `rt/many_${i}`, typeName: type, qos: { reliability: 'reliable' } }).on('sample', () => got.add(i)));
    const sample = Buffer.from([0, 1, 0, 0, 3, 0, 0, 0, 0x68, 0x69, 0]);
    const written = new Set<number>();
    await until(() => {
      writers.forEach((w, i) => {
        if (written.has(i) || w.matches.size !== 1) return;
        w.write(sample);
        written.add(i);
      });
      return got.size === N;
    }, `a sample on each of the ${N} protected topics`, 30_000);
    const writerTokens = () => aSec.cryptoTokens(b.guidPrefix).filter((t) => t.kind === 'datawriter' && writers.some((w) => w.guid === t.source));
    expect(new Set(writerTokens().map((t) => t.source)).size).toBe(N);
    // b disposes half of them (through its protected discovery): a forgets their keys, the others keep working.
    for (const w of writers.slice(0, N / 2)) w.close();
    await until(() => new Set(writerTokens().map((t) => t.source)).size === N / 2, 'the disposed writers\' keys forgotten', 15_000);
    expect(writerTokens().every((t) => writers.slice(N / 2).some((w) => w.guid === t.source))).toBe(true);
    got.clear();
    await until(() => {
      writers.slice(N / 2).forEach((w) => w.write(sample));
      return got.size === N / 2;
    }, 'the writers left still read', 15_000);
  }, 90_000);

  it('reads a peer\'s protected topic with a new reader each time, 70 times over (a gateway reading topics for days), holding keys only for the readers that exist', async () => {
    const { aSec, a, b } = await defaultGovernancePair('churn');
    const type = 'std_msgs::msg::dds_::String_';
    const w = b.createWriter({ topic: 'rt/churn', typeName: type, qos: { reliability: 'reliable' } });
    const sample = Buffer.from([0, 1, 0, 0, 3, 0, 0, 0, 0x68, 0x69, 0]);
    const timer = setInterval(() => w.write(sample), 20);
    try {
      // Each reader of a gets its own key, and its token goes to b's writer. The 64 pairs once kept per peer, never
      // forgotten, left the 65th reader without a token: Fast DDS and Cyclone DDS writers match a reader only once its
      // token came, so it never had data (a medkit writer does not wait for it; here the counts below show it).
      for (let i = 0; i < 70; i++) {
        const r = a.createReader({ topic: 'rt/churn', typeName: type, qos: { reliability: 'reliable' } });
        let got = false;
        r.on('sample', () => (got = true));
        await until(() => got, `a sample on reader ${i + 1}`, 10_000);
        r.close();
      }
    } finally {
      clearInterval(timer);
    }
    const counts = aSec.cryptography.keyCounts();
    // a's own built-in endpoints' keys and none of the 70 closed readers'; one pair or none left with b.
    expect(counts.local).toBeLessThan(16);
    expect(counts.peers[b.guidPrefix].readerTokensSent).toBeLessThan(16);
  }, 120_000);

  it('keeps an authenticated peer when anyone sends a clear SPDP dispose in its name (under RTPS protection only its protected dispose counts); its real one still ends it', async () => {
    const gov = governanceXml(DOMAIN);
    const mk = (name: string) => ks.makeEnclave(name, { governanceXml: gov, permissionsXml: allowAllPermissionsXml(`CN=${name}`, DOMAIN) }).dir;
    const aSec = await securityFrom(mk('/medkit/dispose_a'), DOMAIN);
    const a = await participant(DOMAIN, { security: aSec });
    const b = await participant(DOMAIN, { security: await securityFrom(mk('/medkit/dispose_b'), DOMAIN) });
    const { writer: w, got } = await chatterAfterFirstSample(b, a);
    // The forged dispose: b's prefix, b's key hash, disposed and unregistered, as b itself would send it.
    const bPrefix = Buffer.from(b.guidPrefix, 'hex');
    const forged = new ByteWriter(128, true);
    encodeHeader(forged, VendorId.MEDKIT, bPrefix);
    const inlineQos = encodeInlineQos({ keyHash: Buffer.concat([bPrefix, Buffer.from([0, 0, 1, 0xc1])]), statusInfo: 3 });
    encodeData(forged, { readerId: EntityId.SPDP_READER, writerId: EntityId.SPDP_WRITER, writerSN: 1000, inlineQos, payload: encodeParticipantKey(b.guidPrefix), key: true }, true);
    const sock = createSocket('udp4');
    await new Promise<void>((res) => sock.send(forged.finish(), a.locators.metatrafficUnicast[0].port, '127.0.0.1', () => res()));
    sock.close();
    await until(() => a.receiver.secured.clearRefused > 0 && a.participants().some((p) => p.guid.startsWith(b.guidPrefix)), 'the forged dispose to be refused');
    await new Promise((res) => setTimeout(res, 200));
    expect(a.participants().some((p) => p.guid.startsWith(b.guidPrefix))).toBe(true);
    w.write(Buffer.from([0, 1, 0, 0, 4, 0, 0, 0, 0x74, 0x77, 0x6f, 0]));
    await until(() => got.at(-1) === 'two', 'the next real sample after the forged dispose');
    // b's own dispose (protected with its participant key) still takes it out at once.
    await b.close();
    await until(() => !a.participants().some((p) => p.guid.startsWith(b.guidPrefix)), 'b gone after its own dispose', 3000);
  }, 40_000);

  it('under RTPS protection removes a crashed peer at its lease although clear datagrams in its name keep coming; a live idle one stays (participant-liveness.ts)', async () => {
    const gov = governanceXml(DOMAIN);
    const mk = (name: string) => ks.makeEnclave(name, { governanceXml: gov, permissionsXml: allowAllPermissionsXml(`CN=${name}`, DOMAIN) }).dir;
    const aSec = await securityFrom(mk('/medkit/live_a'), DOMAIN);
    const a = await participant(DOMAIN, { security: aSec });
    const b = await participant(DOMAIN, { security: await securityFrom(mk('/medkit/live_b'), DOMAIN), leaseDurationSec: 2 });
    const c = await participant(DOMAIN, { security: await securityFrom(mk('/medkit/live_c'), DOMAIN), leaseDurationSec: 2 });
    for (const x of [b, c]) expect((await waitForStatus(aSec, x.guidPrefix, ['authenticated', 'failed'])).state).toBe('authenticated');
    const removed: string[] = [];
    a.on('participant', (e) => e.type === 'removed' && removed.push(`${e.participant.guidPrefix} ${e.reason}`));
    // A clear header with an INFO_TS in b's name: it renewed b's lease for good before.
    const keepAlive = new ByteWriter(64, true);
    encodeHeader(keepAlive, VendorId.MEDKIT, Buffer.from(b.guidPrefix, 'hex'));
    keepAlive.u8(0x09).u8(0x01).u16(8).u32(0).u32(0);
    const datagram = keepAlive.finish();
    const sock = createSocket('udp4');
    b.crash();
    const timer = setInterval(() => sock.send(datagram, a.locators.metatrafficUnicast[0].port, '127.0.0.1'), 200);
    try {
      await until(() => removed.length > 0, 'b removed', 15_000);
      expect(removed).toEqual([`${b.guidPrefix} lease-expired`]);
      expect(a.participantStats().expiredUnconfirmed).toBe(1);
      // c stays past 1.5 of its leases: its protected liveliness assertions (every third of a lease) count them.
      const asserted = () => a.participants().find((p) => p.guidPrefix === c.guidPrefix)?.livelinessAsserted.secure;
      const assertedBefore = asserted()!;
      await until(() => asserted() === undefined || asserted()! - assertedBefore >= 6, 'six more of c\'s liveliness assertions (two of its leases)', 15_000);
      expect(removed).toEqual([`${b.guidPrefix} lease-expired`]);
      expect(a.participants().map((p) => p.guidPrefix)).toEqual([c.guidPrefix]);
    } finally {
      clearInterval(timer);
      sock.close();
    }
  }, 60_000);

  it('refuses a participant whose certificate expired, keeping the reason, and never matches it', async () => {
    const a = await secured('/medkit/a', { handshakeTimeoutMs: 3000 });
    // The expired identity is loaded without its own checks (a participant whose clock is wrong); `a` checks it.
    const old = await secured('/medkit/old', { handshakeTimeoutMs: 3000 }, { expired: true });
    const w = a.p.createWriter({ topic: 'rt/public_chatter', typeName: 'std_msgs::msg::dds_::String_' });
    old.p.createReader({ topic: 'rt/public_chatter', typeName: 'std_msgs::msg::dds_::String_' });
    const st = await waitForStatus(a.sec, old.p.guidPrefix, ['failed', 'authenticated']);
    expect(st.state).toBe('failed');
    expect(st.reason).toMatch(/expired/);
    expect(w.matches.size).toBe(0);
    expect(a.p.endpoints().filter((e) => e.guid.startsWith(old.p.guidPrefix))).toEqual([]);
  }, 30_000);

  it('tries a handshake that timed out with nothing refused (its messages lost) again, backing off, and then authenticates', async () => {
    const b = await secured('/medkit/retry_b', { handshakeTimeoutMs: 1500, handshakeRetryMs: 1000 });
    const bPorts = new Set([b.p.locators.metatrafficUnicast[0].port, b.p.locators.defaultUnicast[0].port]);
    // Every handshake message of a's to b is lost for the first 4 s: each side's first handshake times out.
    const start = Date.now();
    let lost = 0;
    const dir = enclave('/medkit/retry_a');
    const aSec = await securityFrom(dir, DOMAIN, { handshakeTimeoutMs: 1500, handshakeRetryMs: 1000 });
    const statesOfB: string[] = [];
    const a = await participant(DOMAIN, {
      security: aSec,
      packetFilter: {
        outgoing: (d, to) => {
          if (!bPorts.has(to.port) || !hasDataFrom(d, EntityId.STATELESS_WRITER) || Date.now() - start > 4000) return true;
          lost++;
          return false;
        },
      },
    });
    const w = a.createWriter({ topic: 'rt/public_chatter', typeName: 'std_msgs::msg::dds_::String_' });
    b.p.createReader({ topic: 'rt/public_chatter', typeName: 'std_msgs::msg::dds_::String_' });
    await until(() => {
      const st = aSec.peerStatus().find((x) => x.guidPrefix === b.p.guidPrefix)?.state;
      if (st && statesOfB[statesOfB.length - 1] !== st) statesOfB.push(st);
      return st === 'authenticated';
    }, 'a to authenticate b after the loss', 25_000);
    expect(lost).toBeGreaterThan(0);
    expect(statesOfB).toContain('failed');
    expect(Date.now() - start).toBeGreaterThan(4000);
    expect((await waitForStatus(b.sec, a.guidPrefix, ['authenticated'])).state).toBe('authenticated');
    await until(() => w.matches.size === 1, 'the writer to match after the retried handshake');
  }, 40_000);

  it('does not try again a handshake that refused the peer (its certificate expired)', async () => {
    const a = await secured('/medkit/a', { handshakeTimeoutMs: 1500, handshakeRetryMs: 500 });
    const old = await secured('/medkit/old', { handshakeTimeoutMs: 1500 }, { expired: true });
    const st = await waitForStatus(a.sec, old.p.guidPrefix, ['failed', 'authenticated']);
    expect(st.reason).toMatch(/expired/);
    const started = a.sec.stats.handshakesStarted;
    await new Promise((r) => setTimeout(r, 3000));
    expect(a.sec.peerStatus().find((x) => x.guidPrefix === old.p.guidPrefix)?.state).toBe('failed');
    expect(a.sec.stats.handshakesStarted).toBe(started);
  }, 30_000);

  it('revokes an authenticated peer once its certificate ends while it runs: unmatched, its protected data no longer opened, the reason kept, not authenticated again', async () => {
    // `a` reads certificate and grant validity from a clock the test moves; everything else runs on real time.
    let skewMs = 0;
    const a = await secured('/medkit/a', { now: () => new Date(Date.now() + skewMs) });
    const b = await secured('/medkit/b');
    const w = a.p.createWriter({ topic: 'rt/public_chatter', typeName: 'std_msgs::msg::dds_::String_' });
    b.p.createReader({ topic: 'rt/public_chatter', typeName: 'std_msgs::msg::dds_::String_' });
    const sw = b.p.createWriter({ topic: 'rt/chatter', typeName: 'std_msgs::msg::dds_::String_' });
    const sr = a.p.createReader({ topic: 'rt/chatter', typeName: 'std_msgs::msg::dds_::String_' });
    let got = 0;
    sr.on('sample', () => got++);
    const sample = Buffer.from([0, 1, 0, 0, 3, 0, 0, 0, 0x68, 0x69, 0]);
    expect((await waitForStatus(a.sec, b.p.guidPrefix, ['authenticated', 'failed'])).state).toBe('authenticated');
    await until(() => {
      sw.write(sample);
      return got > 0 && w.matches.size === 1;
    }, 'b matched and its protected samples read');

    const certEnd = Date.parse(new X509Certificate(readFileSync(join(b.dir, 'cert.pem'))).validTo);
    skewMs = certEnd - Date.now() + 60_000;
    const st = await waitForStatus(a.sec, b.p.guidPrefix, ['failed']);
    expect(st.reason).toMatch(/^expired: identity certificate ended .* while authenticated$/);
    expect(a.sec.stats.revoked).toBe(1);
    await until(() => w.matches.size === 0 && sr.matches.size === 0, 'b unmatched');
    expect(a.p.endpoints().filter((e) => e.guid.startsWith(b.p.guidPrefix))).toEqual([]);

    // b goes on announcing and writing: nothing of it is read, and it stays refused.
    const before = got;
    for (let i = 0; i < 10; i++) {
      sw.write(sample);
      await new Promise((r) => setTimeout(r, 200));
    }
    expect(got).toBe(before);
    const after = a.sec.peerStatus().find((x) => x.guidPrefix === b.p.guidPrefix);
    expect(after?.state).toBe('failed');
    expect(w.matches.size).toBe(0);
  }, 40_000);

  it('reassembles a stateless message sent as DATA_FRAG (as Cyclone DDS sends its handshake), bounded: unknown senders, oversize and piled-up fragments cost at most one buffer', async () => {
    const a = await secured('/medkit/fa');
    const b = await secured('/medkit/fb');
    await waitForStatus(a.sec, b.p.guidPrefix, ['authenticated']);
    const bPrefix = Buffer.from(b.p.guidPrefix, 'hex');
    const aPrefix = Buffer.from(a.p.guidPrefix, 'hex');
    const sock = createSocket('udp4');
    const port = a.p.locators.metatrafficUnicast[0].port;
    const send = (d: Buffer) => new Promise<void>((r) => sock.send(d, port, '127.0.0.1', () => r()));
    // A 3,600-byte message in 1,344-byte fragments, the last one first: handed on once, when complete.
    const message = randomBytes(3600);
    const frag = (i: number) => message.subarray((i - 1) * 1344, i * 1344);
    const before = a.sec.stats.received;
    for (const i of [3, 1, 2, 2]) await send(statelessFragDatagram(bPrefix, aPrefix, 7, i, [frag(i)], 1344, message.length));
    await until(() => a.sec.stats.received === before + 1, 'the reassembled stateless message');
    // From a participant not in the table: ignored, nothing kept.
    for (let i = 0; i < 50; i++) await send(statelessFragDatagram(randomBytes(12), aPrefix, 1, 1, [frag(1)], 1344, message.length));
    // A sample above 1 MiB, and 200 incomplete samples from b (one is kept at a time).
    await send(statelessFragDatagram(bPrefix, aPrefix, 8, 1, [frag(1)], 1344, 1024 * 1024 + 1));
    for (let sn = 10; sn < 210; sn++) await send(statelessFragDatagram(bPrefix, aPrefix, sn, 1, [frag(1)], 1344, 64 * 1024));
    // Garbage fragments: inconsistent sizes, a zero fragment size, more fragments claimed than carried.
    await send(statelessFragDatagram(bPrefix, aPrefix, 300, 1, [frag(1)], 0, 4000));
    await send(statelessFragDatagram(bPrefix, aPrefix, 301, 1, [frag(1)], 1344, 0));
    await send(statelessFragDatagram(bPrefix, aPrefix, 302, 5, [frag(1)], 1344, 2000));
    const marker = a.sec.stats.received;
    await send(statelessDatagram(bPrefix, aPrefix, randomBytes(16)));
    await until(() => a.sec.stats.received === marker + 1, 'the datagrams before the marker to be processed');
    sock.close();
    expect(a.sec.stats.received).toBe(before + 2);
    // One buffer of the announced size is held for b's next message (its 200 unfinished ones reused it): no more.
    expect(a.p.internalSizes().reassemblyBytes).toBeLessThanOrEqual(64 * 1024);
    expect(a.p.stats.malformed).toBeLessThanOrEqual(3); // at most the three garbage fragments, refused when parsed
    expect(a.sec.peerStatus().find((s) => s.guidPrefix === b.p.guidPrefix)?.state).toBe('authenticated');
  }, 30_000);

  it('drops garbage, truncated, bit-flipped and forged stateless messages without throwing, and stays bounded under 1,000 bogus handshake starts', async () => {
    const a = await secured('/medkit/a', { maxHandshakes: 4 });
    const b = await secured('/medkit/b');
    await waitForStatus(a.sec, b.p.guidPrefix, ['authenticated']);
    const before = { ...a.sec.stats };
    const bPrefix = Buffer.from(b.p.guidPrefix, 'hex');
    const aPrefix = Buffer.from(a.p.guidPrefix, 'hex');
    // A genuine-looking request (a fresh identity), to mutate.
    const bogus = enclave('/medkit/bogus');
    const read = (f: string) => readFileSync(join(bogus, f), 'utf8');
    const identity = loadIdentity({ cert: read('cert.pem'), key: read('key.pem'), ca: read('identity_ca.cert.pem') });
    const req = new HandshakeInitiator({ identity, permissions: read('permissions.p7s'), pdata: new Uint8Array(8) }).request();
    const valid = encodeGenericMessage({
      messageIdentity: { guid: Buffer.concat([bPrefix, Buffer.from([0, 2, 1, 0xc3])]), sn: Buffer.alloc(8, 1) },
      relatedMessageIdentity: { guid: Buffer.alloc(16), sn: Buffer.alloc(8) },
      destinationParticipant: Buffer.concat([aPrefix, Buffer.from([0, 0, 1, 0xc1])]),
      destinationEndpoint: Buffer.alloc(16),
      sourceEndpoint: Buffer.alloc(16),
      classId: AUTH_MESSAGE_CLASS,
      data: [req],
    });
    const payloads: Buffer[] = [randomBytes(0), randomBytes(3), randomBytes(64), randomBytes(4096)];
    for (let cut = 4; cut < valid.length; cut += 97) payloads.push(valid.subarray(0, cut));
    for (let i = 0; i < 200; i++) {
      const m = Buffer.from(valid);
      m[4 + Math.floor(Math.random() * (m.length - 4))] ^= 1 << Math.floor(Math.random() * 8);
      payloads.push(m);
    }
    // A sequence count of 2^32-1 and a 2 GiB property length must be refused before any allocation.
    const huge = Buffer.from(valid);
    huge.writeUInt32LE(0xffffffff, 4 + 96 + 4 + 16); // message_data length right after 'dds.sec.auth\0' + pad
    payloads.push(huge);
    const now = Date.now();
    // Straight into the plugin (as the receive path calls it) and over UDP (the real receive path).
    for (const pl of payloads) expect(() => a.sec.authentication.onStateless(b.p.guidPrefix, pl, now)).not.toThrow();
    const sock = createSocket('udp4');
    const port = a.p.locators.metatrafficUnicast[0].port;
    const send = (d: Buffer) => new Promise<void>((r) => sock.send(d, port, '127.0.0.1', () => r()));
    for (const pl of payloads.slice(0, 60)) await send(statelessDatagram(bPrefix, aPrefix, pl));
    // Secured runs (SEC_PREFIX … SEC_POSTFIX) that are garbage, cut short or under an unknown key, and a
    // volatile-secure DATA in the clear (forged: it is only ever read out of a secured run).
    const secDropped = a.sec.stats.securedDropped;
    const sub = (id: number, body: Buffer) => Buffer.concat([Buffer.from([id, 1, body.length & 0xff, body.length >> 8]), body]);
    const runs = [
      Buffer.concat([sub(0x31, randomBytes(20)), sub(0x30, randomBytes(40)), sub(0x32, randomBytes(20))]),
      Buffer.concat([sub(0x31, Buffer.alloc(20)), sub(0x32, Buffer.alloc(20))]),
      sub(0x31, randomBytes(3)),
      Buffer.concat([sub(0x31, randomBytes(20)), Buffer.from([0x30, 1, 0xff, 0xff])]),
    ];
    for (const run of runs) {
      const w = new ByteWriter(256, true);
      encodeHeader(w, VendorId.MEDKIT, bPrefix);
      encodeInfoDst(w, aPrefix, true);
      w.bytes(run);
      await send(w.finish());
    }
    const clearVolatile = new ByteWriter(256, true);
    encodeHeader(clearVolatile, VendorId.MEDKIT, bPrefix);
    encodeData(clearVolatile, { readerId: EntityId.VOLATILE_SECURE_READER, writerId: EntityId.VOLATILE_SECURE_WRITER, writerSN: 1, payload: valid, key: false }, true);
    await send(clearVolatile.finish());
    // 1,000 handshake starts from made-up participants that never announced themselves.
    for (let i = 0; i < 1000; i++) await send(statelessDatagram(randomBytes(12), aPrefix, valid));
    sock.close();
    await until(() => a.sec.stats.received >= before.received + payloads.length + 60 + 1000, 'the hostile datagrams to be received', 10_000);
    expect(a.sec.stats.malformed).toBeGreaterThan(before.malformed);
    await until(() => a.sec.stats.securedDropped >= secDropped + 3, 'the forged secured runs to be dropped');
    expect(a.sec.stats.volatileDropped).toBe(0); // the clear one never reached the plugin
    expect(a.sec.cryptoTokens(b.p.guidPrefix).filter((t) => t.kind !== 'participant')).toEqual([]);
    expect(a.sec.stats.ignored).toBeGreaterThanOrEqual(1000);
    expect(a.sec.activeHandshakes()).toBeLessThanOrEqual(4);
    expect(a.sec.peerStatus().length).toBeLessThanOrEqual(a.p.participants().length);
    // b stays authenticated and a still works: a new genuine participant authenticates.
    expect(a.sec.peerStatus().find((s) => s.guidPrefix === b.p.guidPrefix)?.state).toBe('authenticated');
    const c = await secured('/medkit/c');
    expect((await waitForStatus(a.sec, c.p.guidPrefix, ['authenticated', 'failed'])).state).toBe('authenticated');
    expect(a.p.stats.malformed).toBe(0);
  }, 60_000);
});
