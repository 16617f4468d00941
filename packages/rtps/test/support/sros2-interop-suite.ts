// SROS2 on the wire against one vendor's secured peer (interop-sros2-fastdds / interop-sros2-cyclone): the peer
// runs DDS-Security with its builtin plugins when PEER_SECURITY_ENCLAVE names an enclave made here by
// test-support/sros2-keystore.ts. First two secured peers of the vendor talk to each other (so a later failure is
// medkit's, not the peer's). `peer`: the domain of data tests, `auth`: the one of handshakes and refusals.
import { X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, expect, it } from 'vitest';
import { allowAllPermissionsXml, createSros2Keystore, denyPublishPermissionsXml, governanceXml, type EnclaveOptions, type GovernanceOptions, type Sros2Keystore } from '../../../../test-support/sros2-keystore.js';
import { buildPeer, killAllPeers, spawnPeer, type PeerProcess } from '../../../../test-support/peers/harness.js';
import { createParticipant, EntityId, type Participant, type ParticipantOptions } from '../../src/index.js';
import { adjustedGuidPrefix, type ParticipantSecurityOptions, type SecureParticipant } from '../../src/security/index.js';
import { kxRun, securityFrom, waitForStatus } from './secure.js';
import { cdrString, hasDataFrom, readCdrString, until } from './loopback.js';

const STRING = 'std_msgs::msg::dds_::String_';

/** Topic data ENCRYPT, everything else unprotected: the first governance phase 2 speaks. */
export const DATA_ONLY: GovernanceOptions = { discovery: 'NONE', liveliness: 'NONE', rtps: 'NONE', data: 'ENCRYPT' };
/** Only the serialized payload encrypted: plain SEDP (with PID_ENDPOINT_SECURITY_INFO) and clear submessages. */
const PAYLOAD_ONLY: GovernanceOptions = { ...DATA_ONLY, metadata: 'NONE', topicDiscovery: false };
/** Payload and submessages (DATA, HEARTBEAT, GAP; our ACKNACKs) encrypted; plain discovery. */
const SUBMESSAGES_TOO: GovernanceOptions = { ...DATA_ONLY, topicDiscovery: false };
/** Secure SEDP protected too (with keys of its own). */
const DISCOVERY_ENCRYPTED: GovernanceOptions = { ...DATA_ONLY, discovery: 'ENCRYPT' };
/** What SROS2 writes by default (test-support's governanceXml without options). */
export const SROS2_DEFAULT: GovernanceOptions = {};
/** Signed (GMAC) submessages of the topic and of secure discovery, the payload still encrypted. */
const SIGNED_SUBMESSAGES: GovernanceOptions = { ...DATA_ONLY, metadata: 'SIGN', discovery: 'SIGN' };
/** SROS2's default with whole messages encrypted rather than signed. */
const RTPS_ENCRYPTED: GovernanceOptions = { rtps: 'ENCRYPT' };

/** The first 6 bytes of the GUID prefix DDS-Security gives an enclave's certificate (they decide who initiates). */
export function prefixHead(dir: string): string {
  const cert = new X509Certificate(readFileSync(join(dir, 'cert.pem')));
  return Buffer.from(adjustedGuidPrefix(cert, new Uint8Array(12))).toString('hex', 0, 6);
}

type Vendor = 'cyclone' | 'fastdds';
const LABEL: Record<Vendor, string> = { cyclone: 'Cyclone DDS', fastdds: 'Fast DDS' };


export function sros2InteropSuite(vendor: Vendor, domains: { peer: number; auth: number }): void {
  const label = LABEL[vendor];
  const PEER_DOMAIN = domains.peer;
  const AUTH_DOMAIN = domains.auth;
  let ks: Sros2Keystore;
  let other: Sros2Keystore;
  /** An SROS2 keystore made with RSA-2048 throughout (its CA and every identity). */
  let rsa: Sros2Keystore;
  const participants: Participant[] = [];

  async function secureParticipant(dir: string, domain: number, extra: Partial<ParticipantSecurityOptions> = {}, options: ParticipantOptions = {}): Promise<{ p: Participant; sec: SecureParticipant }> {
    const sec = await securityFrom(dir, domain, extra);
    const p = await createParticipant({ ...options, domainId: domain, localhostOnly: true, userData: 'enclave=/;', security: sec });
    participants.push(p);
    return { p, sec };
  }

  function enclave(name: string, domain: number, gov: GovernanceOptions = DATA_ONLY, opts: EnclaveOptions = {}, keystore = ks): string {
    return keystore.makeEnclave(name, { governanceXml: governanceXml(domain, gov), permissionsXml: allowAllPermissionsXml(`CN=${name}`, domain), ...opts }).dir;
  }

  /** A peer enclave whose prefix sorts before (`smaller`) or after medkit's, so medkit replies or initiates. */
  function peerEnclaveAround(medkitDir: string, domain: number, smaller: boolean, tag: string, keystore = ks, opts: EnclaveOptions = {}): string {
    const mine = prefixHead(medkitDir);
    for (let i = 0; i < 64; i++) {
      const dir = enclave(`/peer/${tag}${i}`, domain, DATA_ONLY, opts, keystore);
      if (prefixHead(dir) < mine === smaller) return dir;
    }
    throw new Error('no enclave name found on the wanted side of medkit\'s prefix');
  }

  const spawnSecured = (mode: Parameters<typeof spawnPeer>[1], dir: string, o: Omit<Parameters<typeof spawnPeer>[2], 'env'>): Promise<PeerProcess> =>
    spawnPeer(vendor, mode, { ...o, env: { PEER_SECURITY_ENCLAVE: dir } });

  beforeAll(async () => {
    ks = createSros2Keystore();
    other = createSros2Keystore();
    rsa = createSros2Keystore({ algo: 'rsa' });
    await buildPeer(vendor);
  }, 300_000);
  afterEach(async () => {
    await Promise.all(participants.splice(0).map((p) => p.close()));
    await killAllPeers();
  });
  afterAll(async () => {
    ks?.remove();
    other?.remove();
    rsa?.remove();
  });

  it(`two secured ${label} peers authenticate and exchange encrypted samples (the peer works)`, async () => {
    const listener = await spawnSecured('listener', enclave('/peer/listener', PEER_DOMAIN), { domain: PEER_DOMAIN });
    const talker = await spawnSecured('talker', enclave('/peer/talker', PEER_DOMAIN), { domain: PEER_DOMAIN, count: 3, periodMs: 200, waitMatch: 1 });
    if (vendor === 'fastdds') {
      // Fast DDS reports authentication (Cyclone 0.10 has no listener for it: the samples below show it).
      await talker.waitForLine(new RegExp(`^auth ok guid=${listener.guid.slice(0, 24)}`), 15_000);
      await listener.waitForLine(new RegExp(`^auth ok guid=${talker.guid.slice(0, 24)}`), 15_000);
    }
    const heard = await listener.waitForLines(/^heard /, 3, 15_000);
    expect(heard[0].input).toContain('Hello World: 1');
    await talker.stop();
    await listener.stop();
  }, 60_000);

  for (const role of ['replier', 'initiator'] as const) {
    it(`medkit completes the PKI-DH handshake with the secured ${label} peer as ${role}`, async () => {
      const medkitDir = enclave('/medkit/gateway', AUTH_DOMAIN);
      // The participant with the smaller GUID initiates: a peer below medkit makes medkit the replier.
      const peerDir = peerEnclaveAround(medkitDir, AUTH_DOMAIN, role === 'replier', role);
      const { p, sec } = await secureParticipant(medkitDir, AUTH_DOMAIN);
      expect(p.guidPrefix.slice(0, 12)).toBe(prefixHead(medkitDir));
      const peer = await spawnSecured('talker', peerDir, { domain: AUTH_DOMAIN });
      const peerPrefix = peer.guid.slice(0, 24);
      if (vendor === 'fastdds') await peer.waitForLine(new RegExp(`^auth ok guid=${p.guidPrefix}`), 15_000);
      const st = await waitForStatus(sec, peerPrefix, ['authenticated', 'failed']);
      expect(st, JSON.stringify(st)).toMatchObject({ state: 'authenticated', role });
      expect(st.subject).toContain('/peer/');
      expect(sec.sharedSecret(peerPrefix)?.sharedSecret.length).toBe(32);
      expect(sec.stats.malformed).toBe(0);
      // The peer then sends its participant crypto token over ParticipantVolatileMessageSecure, protected with
      // the Kx keys both sides derive from the handshake: reading it proves the shared secret, the Kx derivation,
      // SEC_PREFIX/SEC_BODY/SEC_POSTFIX, AES-256-GCM and the CryptoToken layout against the peer.
      await until(() => sec.cryptoTokens(peerPrefix).some((t) => t.kind === 'participant'), 'the peer participant crypto token', 10_000);
      const tok = sec.cryptoTokens(peerPrefix).find((t) => t.kind === 'participant')!;
      expect(tok.source).toBe(`${peerPrefix}000001c1`);
      expect(tok.transformation).toMatch(/^(AES(128|256)_(GCM|GMAC)|NONE)$/);
      expect(sec.stats.volatileDropped).toBe(0);
    }, 60_000);
  }

  for (const role of ['replier', 'initiator'] as const) {
    it(`with RSA-2048 identities (RSASSA-PSS-SHA256) medkit authenticates the secured ${label} peer as ${role} and reads its encrypted samples (SROS2's default governance)`, async () => {
      const medkitDir = enclave('/medkit/rsa_gateway', PEER_DOMAIN, SROS2_DEFAULT, {}, rsa);
      const peerDir = peerEnclaveAround(medkitDir, PEER_DOMAIN, role === 'replier', `rsa_${role}`, rsa, { governanceXml: governanceXml(PEER_DOMAIN, SROS2_DEFAULT) });
      for (const dir of [medkitDir, peerDir]) expect(new X509Certificate(readFileSync(join(dir, 'cert.pem'))).publicKey.asymmetricKeyDetails).toMatchObject({ modulusLength: 2048 });
      const { p, sec } = await secureParticipant(medkitDir, PEER_DOMAIN);
      const r = p.createReader({ topic: 'rt/chatter', typeName: STRING, qos: { reliability: 'reliable' } });
      const got: string[] = [];
      r.on('sample', (s) => got.push(readCdrString(s.payload)));
      const talker = await spawnSecured('talker', peerDir, { domain: PEER_DOMAIN, count: 3, periodMs: 200, waitMatch: 1 });
      const prefix = talker.guid.slice(0, 24);
      // Each side verified the other's RSASSA-PSS signature (the replier signs the reply, the initiator the final).
      if (vendor === 'fastdds') await talker.waitForLine(new RegExp(`^auth ok guid=${p.guidPrefix}`), 15_000);
      const st = await waitForStatus(sec, prefix, ['authenticated', 'failed']);
      expect(st, JSON.stringify(st)).toMatchObject({ state: 'authenticated', role });
      await until(() => got.length === 3, 'three decrypted samples', 15_000);
      expect(got.map((t) => t.slice(0, 14))).toEqual(['Hello World: 1', 'Hello World: 2', 'Hello World: 3']);
      expect(sec.stats.malformed).toBe(0);
    }, 90_000);
  }

  it(`after authentication, samples on a topic the governance leaves unprotected (rt/public_*) flow both ways with the secured ${label} peer`, async () => {
    const { p, sec } = await secureParticipant(enclave('/medkit/gateway', AUTH_DOMAIN), AUTH_DOMAIN);
    const r = p.createReader({ topic: 'rt/public_chatter', typeName: STRING, qos: { reliability: 'reliable' } });
    const got: string[] = [];
    r.on('sample', (s) => got.push(readCdrString(s.payload)));
    const w = p.createWriter({ topic: 'rt/public_news', typeName: STRING });
    const talker = await spawnSecured('talker', enclave('/peer/public_talker', AUTH_DOMAIN), { domain: AUTH_DOMAIN, topic: 'rt/public_chatter', count: 3, periodMs: 200, waitMatch: 1 });
    const listener = await spawnSecured('listener', enclave('/peer/public_listener', AUTH_DOMAIN), { domain: AUTH_DOMAIN, topic: 'rt/public_news' });
    await waitForStatus(sec, talker.guid.slice(0, 24), ['authenticated']);
    await waitForStatus(sec, listener.guid.slice(0, 24), ['authenticated']);
    await until(() => got.length === 3, 'three samples from the secured talker', 15_000);
    expect(got.map((t) => t.slice(0, 14))).toEqual(['Hello World: 1', 'Hello World: 2', 'Hello World: 3']);
    expect(await w.waitForMatch(1, 15_000)).toBe(true);
    for (let i = 1; i <= 3; i++) w.write(cdrString(`From medkit: ${i}`));
    await listener.waitForLines(/^heard \d+ From medkit: \d/, 3, 15_000);
  }, 60_000);

  for (const [what, gov] of [['data ENCRYPT, clear submessages', PAYLOAD_ONLY], ['data and metadata ENCRYPT: payload and submessages', SUBMESSAGES_TOO], ['and discovery over the secure SEDP endpoints', DATA_ONLY], ['and discovery_protection_kind ENCRYPT', DISCOVERY_ENCRYPTED], ['SROS2\'s default governance: discovery and liveliness ENCRYPT, rtps SIGN', SROS2_DEFAULT], ['rtps_protection_kind ENCRYPT', RTPS_ENCRYPTED], ['metadata and discovery SIGN', SIGNED_SUBMESSAGES]] as const) {
    it(`a medkit reader receives the secured ${label} talker's encrypted samples decrypted (${what})`, async () => {
      const { p, sec } = await secureParticipant(enclave('/medkit/gateway', PEER_DOMAIN, gov), PEER_DOMAIN);
      const r = p.createReader({ topic: 'rt/chatter', typeName: STRING, qos: { reliability: 'reliable' } });
      const got: string[] = [];
      r.on('sample', (s) => got.push(readCdrString(s.payload)));
      const talker = await spawnSecured('talker', enclave('/peer/secret_talker', PEER_DOMAIN, gov), { domain: PEER_DOMAIN, count: 3, periodMs: 200, waitMatch: 1 });
      const prefix = talker.guid.slice(0, 24);
      await waitForStatus(sec, prefix, ['authenticated']);
      await until(() => got.length === 3, 'three decrypted samples', 15_000);
      expect(got.map((t) => t.slice(0, 14))).toEqual(['Hello World: 1', 'Hello World: 2', 'Hello World: 3']);
      const writerGuid = p.endpoints().find((e) => e.topicName === 'rt/chatter' && e.kind === 'writer')?.guid;
      const writerTokens = sec.cryptoTokens(prefix).filter((t) => t.kind === 'datawriter' && t.source === writerGuid);
      const writerToken = writerTokens[0];
      // With discovery protection, the secure SEDP endpoints have keys of their own, exchanged the same way.
      if (gov === DISCOVERY_ENCRYPTED) expect(sec.cryptoTokens(prefix).some((t) => t.source === `${prefix}ff0003c2`)).toBe(true);
      if (gov !== PAYLOAD_ONLY) expect(p.receiver.secured.opened).toBeGreaterThan(3);
      expect(writerToken?.source).toBe(writerGuid);
      expect(writerToken?.destination).toBe(r.guid);
      // Signed submessages come with a GMAC key (the vendors send it first; the payload key may follow).
      expect(writerToken?.transformation).toBe(gov === SIGNED_SUBMESSAGES ? 'AES256_GMAC' : 'AES256_GCM');
      // The talker matched our reader only after our datareader token reached it over the volatile channel.
      await talker.waitForLine(/^matched pub 1 /);
    }, 60_000);
  }

  for (const [what, gov] of [['secure discovery, data and metadata ENCRYPT', DATA_ONLY], ['SROS2\'s default governance', SROS2_DEFAULT], ['rtps_protection_kind ENCRYPT', RTPS_ENCRYPTED], ['metadata and discovery SIGN', SIGNED_SUBMESSAGES]] as const) {
    it(`a secured ${label} listener receives medkit's encrypted samples (${what})`, async () => {
      const { p } = await secureParticipant(enclave('/medkit/gateway', PEER_DOMAIN, gov), PEER_DOMAIN);
      const w = p.createWriter({ topic: 'rt/chatter', typeName: STRING, userData: 'typehash=RIHS01_x;' });
      const listener = await spawnSecured('listener', enclave('/peer/secret_listener', PEER_DOMAIN, gov), { domain: PEER_DOMAIN });
      expect(await w.waitForMatch(1, 15_000)).toBe(true);
      await listener.waitForLine(/^matched sub 1 /, 15_000);
      for (let i = 1; i <= 3; i++) {
        w.write(cdrString(`From medkit: ${i}`));
        await new Promise((r) => setTimeout(r, 100));
      }
      const heard = await listener.waitForLines(/^heard \d+ From medkit: \d/, 3, 15_000);
      expect(heard.map((m) => m.input!.replace(/^heard \d+ /, ''))).toEqual(['From medkit: 1', 'From medkit: 2', 'From medkit: 3']);
      // Its ACKNACKs, protected with its reader key (its datareader token), acknowledge everything.
      expect(await w.waitForAcknowledgments(5000)).toBe(true);
    }, 60_000);
  }

  // Liveliness with a finite lease under SROS2's default governance (liveliness_protection_kind ENCRYPT): it travels
  // on the secure participant-message endpoints (0xff0200c2/c7), which medkit must announce, key and read.
  const LEASE_MS = 2000;
  /** medkit under SROS2's default governance with a reader on rt/chatter, and a secured talker with a finite liveliness lease. */
  async function livelyTalker(options: ParticipantOptions = {}) {
    const { p, sec } = await secureParticipant(enclave('/medkit/gateway', PEER_DOMAIN, SROS2_DEFAULT), PEER_DOMAIN, {}, options);
    p.createReader({ topic: 'rt/chatter', typeName: STRING, qos: { reliability: 'reliable', liveliness: { kind: 'automatic', leaseSec: LEASE_MS / 1000 } } });
    const talker = await spawnPeer(vendor, 'talker', { domain: PEER_DOMAIN, count: 1, periodMs: 200, waitMatch: 1, env: { PEER_SECURITY_ENCLAVE: enclave('/peer/lively_talker', PEER_DOMAIN, SROS2_DEFAULT), PEER_LIVELINESS_LEASE_MS: String(LEASE_MS) } });
    const prefix = talker.guid.slice(0, 24);
    await waitForStatus(sec, prefix, ['authenticated']);
    const heard = () => p.participants().find((d) => d.guidPrefix === prefix)?.livelinessAsserted ?? { plain: 0, secure: 0 };
    const announced = () => p.participants().find((d) => d.guidPrefix === prefix)?.builtinEndpoints ?? 0;
    // Its secure participant-message writer's key comes as a datawriter token, like the secure SEDP ones.
    await until(() => sec.cryptoTokens(prefix).some((t) => t.kind === 'datawriter' && t.source === `${prefix}ff0200c2`), 'the datawriter token of its secure participant-message writer', 15_000);
    return { p, heard, announced };
  }

  if (vendor === 'fastdds') {
    it(`medkit reads the secured ${label} talker's protected liveliness on the secure participant-message endpoints: its assertions keep arriving over 10 s, none on the plain reader (SROS2's default governance, ${LEASE_MS / 1000} s lease)`, async () => {
      const { heard } = await livelyTalker();
      await until(() => heard().secure > 0, 'the first secure liveliness assertion', 15_000);
      const first = heard().secure;
      await new Promise((r) => setTimeout(r, 10_000));
      // The peer asserts every quarter lease (about 20 in 10 s); counted, not timed, so a loaded machine's stalls
      // in this test process do not count as the peer's gaps. The code before the secure reader heard none.
      expect(heard().secure - first).toBeGreaterThanOrEqual(5);
      expect(heard().plain).toBe(0);
    }, 60_000);
  } else {
    it(`the secured ${label} talker announces and keys the secure participant-message endpoints but sends its liveliness on the plain writer outside RTPS protection, which medkit refuses (SROS2's default governance)`, async () => {
      // What Cyclone DDS 0.10.2 does (seen on the wire): bits 20/21 announced, a datawriter token for 0xff0200c2 sent,
      // then its participant-message DATA from the plain writer 0x000200c2 in clear (not SRTPS) datagrams.
      let clearPlain = 0;
      const incoming = (d: Buffer) => {
        if (d[20] !== 0x33 && hasDataFrom(d, EntityId.PARTICIPANT_MESSAGE_WRITER)) clearPlain++;
        return true;
      };
      const { p, heard, announced } = await livelyTalker({ packetFilter: { incoming } });
      expect((announced() & ((1 << 20) | (1 << 21))) >>> 0).toBe(((1 << 20) | (1 << 21)) >>> 0);
      const refused = p.receiver.secured.clearRefused;
      await until(() => clearPlain >= 2 && p.receiver.secured.clearRefused > refused, 'its clear liveliness DATA, refused', 15_000);
      expect(heard()).toEqual({ plain: 0, secure: 0 });
    }, 60_000);
  }

  it(`an idle secured ${label} peer stays past four of its leases: messages of its that open with its keys confirm it (participant-liveness.ts, SROS2's default governance)`, async () => {
    // Its lease clamped to 2 s on our side; ours long, so that our own announcements and assertions are rare.
    const { p, sec } = await secureParticipant(enclave('/medkit/gateway', PEER_DOMAIN, SROS2_DEFAULT), PEER_DOMAIN, {}, { leaseDurationSec: 60, admission: { maxLeaseSec: 2 } });
    const removed: string[] = [];
    p.on('participant', (e) => e.type === 'removed' && removed.push(e.participant.guidPrefix));
    const listener = await spawnPeer(vendor, 'listener', { domain: PEER_DOMAIN, node: 'idle_listener', env: { PEER_SECURITY_ENCLAVE: enclave('/peer/idle_listener', PEER_DOMAIN, SROS2_DEFAULT) } });
    await waitForStatus(sec, listener.guid.slice(0, 24), ['authenticated']);
    // Four of its leases, counted by our probes (one a second at most, from 1 s after its last answer), not timed.
    const gone = () => removed.length > 0;
    await until(() => gone() || p.participantStats().livenessProbes! >= 4, 'four probes answered', 20_000);
    expect(removed).toEqual([]);
    expect(p.participantStats()).toMatchObject({ expiredUnconfirmed: 0 });
    // It was asked (so the check applies to it) and answered: 4–6 probes in a quiet run.
    expect(p.participantStats().livenessProbes).toBeGreaterThan(0);
    // And it acknowledged every crypto-token message of ours (else /health warns ros_security_tokens_unacknowledged).
    expect(sec.peerStatus().find((x) => x.guidPrefix === listener.guid.slice(0, 24))?.tokensUnacknowledged).toBeUndefined();
  }, 60_000);

  it(`a secured ${label} listener with a ${LEASE_MS / 1000} s liveliness lease sees medkit's writer stay alive for 10 s (medkit's liveliness on the secure writer, SROS2's default governance)`, async () => {
    // The participant lease is the default 20 s (announcements every 5 s): medkit asserts its automatic liveliness
    // every 2/3 s for the writer's 2 s lease.
    // Fast DDS 2.9.1 also takes liveliness from the plain participant-message writer under protected liveliness:
    // anything that still went there (it is signed, not encrypted, so it can be seen) is dropped, so only the
    // secure writer's (encrypted) assertions can keep the writer alive.
    let plainDropped = 0;
    const outgoing = (d: Buffer) => !(hasDataFrom(d, EntityId.PARTICIPANT_MESSAGE_WRITER) && ++plainDropped > 0);
    const { p } = await secureParticipant(enclave('/medkit/gateway', PEER_DOMAIN, SROS2_DEFAULT), PEER_DOMAIN, {}, { packetFilter: { outgoing } });
    const w = p.createWriter({ topic: 'rt/chatter', typeName: STRING, userData: 'typehash=RIHS01_x;', qos: { reliability: 'reliable', liveliness: { kind: 'automatic', leaseSec: LEASE_MS / 1000 } } });
    const listener = await spawnPeer(vendor, 'listener', { domain: PEER_DOMAIN, env: { PEER_SECURITY_ENCLAVE: enclave('/peer/lively_listener', PEER_DOMAIN, SROS2_DEFAULT), PEER_LIVELINESS_LEASE_MS: String(LEASE_MS) } });
    expect(await w.waitForMatch(1, 15_000)).toBe(true);
    await listener.waitForLine(/^matched sub 1 /, 15_000);
    w.write(cdrString('From medkit: alive'));
    await listener.waitForLine(/^liveliness alive=1 /, 15_000);
    // One sample, then nothing but liveliness (and the reliable protocol's HEARTBEATs) for 10 s.
    await new Promise((r) => setTimeout(r, 10_000));
    expect(listener.matches(/^liveliness alive=0 /).map((m) => m.input)).toEqual([]);
    expect(plainDropped).toBe(0);
  }, 60_000);

  it(`medkit asks the secured ${label} talker again for the token messages it lost (ACKNACK on the volatile secure channel) and then reads its encrypted samples`, async () => {
    // Everything the talker sends on the volatile channel (SEC_PREFIX with the Kx key id 0) is lost for 3 s from the
    // first such message: its datawriter token among it. Its reliable writer sends such a message again only when
    // asked. The window opens with the first loss, not at a fixed time, so a slow handshake on a loaded box still loses.
    let firstLossAt: number | undefined;
    let lost = 0;
    const losing = (d: Buffer): boolean => {
      if (d[20] === 0x33 || !kxRun(d)) return false;
      firstLossAt ??= Date.now();
      return Date.now() - firstLossAt < 3000;
    };
    const { p, sec } = await secureParticipant(enclave('/medkit/gateway', PEER_DOMAIN, SROS2_DEFAULT), PEER_DOMAIN, {}, {
      packetFilter: { incoming: (d) => !(losing(d) && ++lost > 0) },
    });
    const r = p.createReader({ topic: 'rt/chatter', typeName: STRING, qos: { reliability: 'reliable' } });
    const got: string[] = [];
    r.on('sample', (s) => got.push(readCdrString(s.payload)));
    const talker = await spawnSecured('talker', enclave('/peer/lossy_talker', PEER_DOMAIN, SROS2_DEFAULT), { domain: PEER_DOMAIN, count: 3, periodMs: 200, waitMatch: 1 });
    await waitForStatus(sec, talker.guid.slice(0, 24), ['authenticated']);
    await until(() => got.length === 3, 'three decrypted samples after the loss', 30_000);
    expect(lost).toBeGreaterThan(0);
    expect(got.map((t) => t.slice(0, 14))).toEqual(['Hello World: 1', 'Hello World: 2', 'Hello World: 3']);
  }, 60_000);

  it(`two secured ${label} listeners at once both receive medkit's encrypted samples (SROS2's default governance)`, async () => {
    // Each listener gets its own token messages over the volatile secure channel: their sequence numbers must not
    // leave gaps a reliable reader waits on.
    const { p } = await secureParticipant(enclave('/medkit/gateway', PEER_DOMAIN, SROS2_DEFAULT), PEER_DOMAIN);
    const w = p.createWriter({ topic: 'rt/chatter', typeName: STRING, userData: 'typehash=RIHS01_x;' });
    const listeners = [
      await spawnSecured('listener', enclave('/peer/listener_a', PEER_DOMAIN, SROS2_DEFAULT), { domain: PEER_DOMAIN }),
      await spawnSecured('listener', enclave('/peer/listener_b', PEER_DOMAIN, SROS2_DEFAULT), { domain: PEER_DOMAIN }),
    ];
    for (const l of listeners) await l.waitForLine(/^matched sub 1 /, 15_000);
    expect(await w.waitForMatch(2, 15_000)).toBe(true);
    for (let i = 1; i <= 3; i++) {
      w.write(cdrString(`From medkit: ${i}`));
      await new Promise((r) => setTimeout(r, 100));
    }
    for (const l of listeners) await l.waitForLines(/^heard \d+ From medkit: \d/, 3, 15_000);
  }, 60_000);

  it('a late-joining transient-local medkit reader gets the secured talker\'s history with protected submessages', async () => {
    // The talker publishes before medkit exists, then serves its history to our reader (its DATA, HEARTBEATs
    // and our ACKNACKs all protected; whether the peer pushed the history or answered our ACKNACKs is not seen).
    const talker = await spawnSecured('talker', enclave('/peer/history_talker', PEER_DOMAIN, SUBMESSAGES_TOO), { domain: PEER_DOMAIN, count: 3, periodMs: 50, durability: 'transient_local' });
    await talker.waitForLine(/^done sent=3/);
    const { p } = await secureParticipant(enclave('/medkit/gateway', PEER_DOMAIN, SUBMESSAGES_TOO), PEER_DOMAIN);
    const r = p.createReader({ topic: 'rt/chatter', typeName: STRING, qos: { reliability: 'reliable', durability: 'transient-local', history: { kind: 'keep-last', depth: 10 } } });
    const got: string[] = [];
    r.on('sample', (s) => got.push(readCdrString(s.payload)));
    await until(() => got.length === 3, 'the three samples of the history', 15_000);
    expect(got.map((t) => t.slice(0, 14))).toEqual(['Hello World: 1', 'Hello World: 2', 'Hello World: 3']);
  }, 60_000);

  it(`medkit refuses a secured ${label} peer whose certificate expired, and keeps the reason`, async () => {
    const medkitDir = enclave('/medkit/gateway', AUTH_DOMAIN);
    let peerDir: string;
    let clock: (() => Date) | undefined;
    if (vendor === 'fastdds') {
      // Valid when the peer starts (it refuses to start with an expired identity), expired when it meets medkit.
      peerDir = peerEnclaveAround(medkitDir, AUTH_DOMAIN, true, 'expiring', ks, { expiresInSeconds: 4 });
    } else {
      // Cyclone DDS drops its own participant when its identity expires (no more SPDP; "Remote secure participant
      // not allowed"), so there is no live expired Cyclone peer to meet: medkit's clock runs 40 days ahead instead.
      peerDir = peerEnclaveAround(medkitDir, AUTH_DOMAIN, true, 'expiring');
      clock = () => new Date(Date.now() + 40 * 86_400_000);
    }
    const notAfter = new Date(new X509Certificate(readFileSync(join(peerDir, 'cert.pem'))).validTo).getTime();
    const peer = await spawnSecured('talker', peerDir, { domain: AUTH_DOMAIN });
    if (!clock) await new Promise((r) => setTimeout(r, Math.max(0, notAfter - Date.now() + 1500)));
    const { sec } = await secureParticipant(medkitDir, AUTH_DOMAIN, { handshakeTimeoutMs: 3000, now: clock });
    const st = await waitForStatus(sec, peer.guid.slice(0, 24), ['failed', 'authenticated'], 20_000);
    expect(st.state).toBe('failed');
    expect(st.reason).toMatch(/^expired: handshake request: c\.id: /);
  }, 60_000);

  it(`medkit refuses the secured ${label} talker's writer on a topic its permissions do not grant, and keeps the refusal with the peer`, async () => {
    // The talker's own governance does not control writing rt/chatter, so it creates the writer its permissions
    // deny (a misconfigured or hostile node); medkit's governance does, checks its permissions and refuses it.
    const { p, sec } = await secureParticipant(enclave('/medkit/gateway', AUTH_DOMAIN, SROS2_DEFAULT), AUTH_DOMAIN);
    const r = p.createReader({ topic: 'rt/chatter', typeName: STRING, qos: { reliability: 'reliable' } });
    const got: string[] = [];
    r.on('sample', (s) => got.push(readCdrString(s.payload)));
    const name = '/peer/unlicensed_talker';
    const dir = ks.makeEnclave(name, { governanceXml: governanceXml(AUTH_DOMAIN, { uncontrolledWrites: ['rt/chatter'] }), permissionsXml: denyPublishPermissionsXml(`CN=${name}`, AUTH_DOMAIN, ['rt/chatter']) }).dir;
    const talker = await spawnSecured('talker', dir, { domain: AUTH_DOMAIN, periodMs: 100 });
    const prefix = talker.guid.slice(0, 24);
    await waitForStatus(sec, prefix, ['authenticated']);
    await until(() => (sec.peerStatus().find((s) => s.guidPrefix === prefix)?.refusedEndpoints ?? []).length > 0, 'the refused writer', 15_000);
    const st = sec.peerStatus().find((s) => s.guidPrefix === prefix)!;
    expect(st.state).toBe('authenticated');
    expect(st.refusedEndpoints).toEqual([{ kind: 'writer', topic: 'rt/chatter', reason: expect.stringMatching(/^its permissions do not let it publish 'rt\/chatter': deny_rule 1 of grant/) }]);
    expect(st.refusedEndpointCount).toBe(1);
    await talker.waitForLine(/^sent seq=3 /, 15_000);
    await new Promise((res) => setTimeout(res, 500));
    expect(got).toEqual([]);
    expect(r.matches.size).toBe(0);
  }, 60_000);

  it(`medkit refuses a secured ${label} peer whose identity comes from another CA, and keeps the reason`, async () => {
    const medkitDir = enclave('/medkit/gateway', AUTH_DOMAIN);
    // Its GUID sorts below medkit's, so it sends the request and medkit sees (and names) its certificate.
    const strangerDir = peerEnclaveAround(medkitDir, AUTH_DOMAIN, true, 'stranger', other);
    const { sec } = await secureParticipant(medkitDir, AUTH_DOMAIN, { handshakeTimeoutMs: 3000 });
    const peer = await spawnSecured('talker', strangerDir, { domain: AUTH_DOMAIN });
    const st = await waitForStatus(sec, peer.guid.slice(0, 24), ['failed', 'authenticated'], 20_000);
    expect(st.state).toBe('failed');
    expect(st.reason).toMatch(/untrusted/);
    expect(peer.lines.some((l) => l.startsWith('auth ok'))).toBe(false);
  }, 60_000);
}
