// SROS2 on the wire against Fast DDS 2.9.1 built with its DDS-Security plugins (builtin PKI-DH,
// Access-Permissions, AES-GCM-GMAC). The Fast DDS peer runs secured when PEER_SECURITY_ENCLAVE names an
// enclave made here by test-support/sros2-keystore.ts. First two secured Fast DDS peers talk to each other
// (so a later failure is medkit's, not the peer's). ROS domains: offsets 194, 198, 199.
import { X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, expect, it } from 'vitest';
import { describeWith, FASTDDS, OPENSSL } from '../../../../test-support/requirements.js';
import { testDomain } from '../../../../test-support/domains.js';
import { allowAllPermissionsXml, createSros2Keystore, governanceXml, type GovernanceOptions, type Sros2Keystore } from '../../../../test-support/sros2-keystore.js';
import { buildPeer, killAllPeers, spawnPeer, type PeerProcess } from '../peers/harness.js';
import { createParticipant, type Participant } from '../../src/index.js';
import { adjustedGuidPrefix, type ParticipantSecurityOptions, type SecureParticipant } from '../../src/security/index.js';
import { securityFrom, waitForStatus } from '../support/secure.js';
import { cdrString, readCdrString, until } from '../support/loopback.js';

const STRING = 'std_msgs::msg::dds_::String_';

const PEER_DOMAIN = testDomain(194);
const AUTH_DOMAIN = testDomain(198);
/** Topic data ENCRYPT, everything else unprotected: the first governance phase 2 speaks. */
const DATA_ONLY: GovernanceOptions = { discovery: 'NONE', liveliness: 'NONE', rtps: 'NONE', data: 'ENCRYPT' };
/** Only the serialized payload encrypted: plain SEDP (with PID_ENDPOINT_SECURITY_INFO) and clear submessages. */
const PAYLOAD_ONLY: GovernanceOptions = { ...DATA_ONLY, metadata: 'NONE', topicDiscovery: false };
/** Payload and submessages (DATA, HEARTBEAT, GAP; our ACKNACKs) encrypted; plain discovery. */
const SUBMESSAGES_TOO: GovernanceOptions = { ...DATA_ONLY, topicDiscovery: false };
/** Secure SEDP protected too (with the participant key). */
const DISCOVERY_ENCRYPTED: GovernanceOptions = { ...DATA_ONLY, discovery: 'ENCRYPT' };
/** What SROS2 writes by default (test-support's governanceXml without options). */
const SROS2_DEFAULT: GovernanceOptions = {};

let ks: Sros2Keystore;
let other: Sros2Keystore;
const participants: Participant[] = [];

async function secureParticipant(dir: string, domain: number, extra: Partial<ParticipantSecurityOptions> = {}): Promise<{ p: Participant; sec: SecureParticipant }> {
  const sec = await securityFrom(dir, domain, extra);
  const p = await createParticipant({ domainId: domain, localhostOnly: true, userData: 'enclave=/;', security: sec });
  participants.push(p);
  return { p, sec };
}

/** The first 6 bytes of the GUID prefix DDS-Security gives an enclave's certificate (they decide who initiates). */
function prefixHead(dir: string): string {
  const cert = new X509Certificate(readFileSync(join(dir, 'cert.pem')));
  return Buffer.from(adjustedGuidPrefix(cert, new Uint8Array(12))).toString('hex', 0, 6);
}

/** A peer enclave whose prefix sorts before (`smaller`) or after medkit's, so medkit replies or initiates. */
function peerEnclaveAround(medkitDir: string, domain: number, smaller: boolean, tag: string, keystore = ks): string {
  const mine = prefixHead(medkitDir);
  for (let i = 0; i < 64; i++) {
    const name = `/peer/${tag}${i}`;
    const dir = keystore.makeEnclave(name, { governanceXml: governanceXml(domain, DATA_ONLY), permissionsXml: allowAllPermissionsXml(`CN=${name}`, domain) }).dir;
    if (prefixHead(dir) < mine === smaller) return dir;
  }
  throw new Error('no enclave name found on the wanted side of medkit\'s prefix');
}

function enclave(name: string, domain: number, gov: GovernanceOptions = DATA_ONLY, opts: { expired?: boolean; identityFromOtherCa?: boolean } = {}): string {
  return ks.makeEnclave(name, { ...opts, governanceXml: governanceXml(domain, gov), permissionsXml: allowAllPermissionsXml(`CN=${name}`, domain) }).dir;
}

describeWith([...FASTDDS, ...OPENSSL], 'SROS2 on the wire with Fast DDS', () => {
  beforeAll(async () => {
    ks = createSros2Keystore();
    other = createSros2Keystore();
    await buildPeer('fastdds');
  }, 300_000);
  afterEach(async () => {
    await Promise.all(participants.splice(0).map((p) => p.close()));
    await killAllPeers();
  });
  afterAll(async () => {
    ks?.remove();
    other?.remove();
  });

  it('two secured Fast DDS peers authenticate and exchange encrypted samples (the peer works)', async () => {
    const talkerDir = enclave('/peer/talker', PEER_DOMAIN);
    const listenerDir = enclave('/peer/listener', PEER_DOMAIN);
    const listener = await spawnPeer('fastdds', 'listener', { domain: PEER_DOMAIN, env: { PEER_SECURITY_ENCLAVE: listenerDir } });
    const talker = await spawnPeer('fastdds', 'talker', { domain: PEER_DOMAIN, count: 3, periodMs: 200, waitMatch: 1, env: { PEER_SECURITY_ENCLAVE: talkerDir } });
    await talker.waitForLine(new RegExp(`^auth ok guid=${listener.guid.slice(0, 24)}`), 15_000);
    await listener.waitForLine(new RegExp(`^auth ok guid=${talker.guid.slice(0, 24)}`), 15_000);
    const heard = await listener.waitForLines(/^heard /, 3, 15_000);
    expect(heard[0].input).toContain('Hello World: 1');
    await talker.stop();
    await listener.stop();
  }, 60_000);

  for (const role of ['replier', 'initiator'] as const) {
    it(`medkit completes the PKI-DH handshake with the secured Fast DDS peer as ${role}`, async () => {
      const medkitDir = enclave('/medkit/gateway', AUTH_DOMAIN);
      // The participant with the smaller GUID initiates: a peer below medkit makes medkit the replier.
      const peerDir = peerEnclaveAround(medkitDir, AUTH_DOMAIN, role === 'replier', role);
      const { p, sec } = await secureParticipant(medkitDir, AUTH_DOMAIN);
      expect(p.guidPrefix.slice(0, 12)).toBe(prefixHead(medkitDir));
      const peer = await spawnPeer('fastdds', 'talker', { domain: AUTH_DOMAIN, env: { PEER_SECURITY_ENCLAVE: peerDir } });
      const peerPrefix = peer.guid.slice(0, 24);
      await peer.waitForLine(new RegExp(`^auth ok guid=${p.guidPrefix}`), 15_000);
      const st = await waitForStatus(sec, peerPrefix, ['authenticated', 'failed']);
      expect(st, JSON.stringify(st)).toMatchObject({ state: 'authenticated', role });
      expect(st.subject).toContain('/peer/');
      expect(sec.sharedSecret(peerPrefix)?.sharedSecret.length).toBe(32);
      expect(sec.stats.malformed).toBe(0);
      // The peer then sends its participant crypto token over ParticipantVolatileMessageSecure, protected with
      // the Kx keys both sides derive from the handshake: reading it proves the shared secret, the Kx derivation,
      // SEC_PREFIX/SEC_BODY/SEC_POSTFIX, AES-256-GCM and the CryptoToken layout against Fast DDS.
      await until(() => sec.cryptoTokens(peerPrefix).some((t) => t.kind === 'participant'), 'the peer participant crypto token', 10_000);
      const tok = sec.cryptoTokens(peerPrefix).find((t) => t.kind === 'participant')!;
      expect(tok.source).toBe(`${peerPrefix}000001c1`);
      expect(tok.transformation).toMatch(/^AES(128|256)_(GCM|GMAC)$/);
      expect(sec.stats.volatileDropped).toBe(0);
    }, 60_000);
  }

  it('after authentication, samples on a topic the governance leaves unprotected (rt/public_*) flow both ways with the secured Fast DDS peer', async () => {
    const medkitDir = enclave('/medkit/gateway', AUTH_DOMAIN);
    const { p, sec } = await secureParticipant(medkitDir, AUTH_DOMAIN);
    const r = p.createReader({ topic: 'rt/public_chatter', typeName: STRING, qos: { reliability: 'reliable' } });
    const got: string[] = [];
    r.on('sample', (s) => got.push(readCdrString(s.payload)));
    const w = p.createWriter({ topic: 'rt/public_news', typeName: STRING });
    const talker = await spawnPeer('fastdds', 'talker', { domain: AUTH_DOMAIN, topic: 'rt/public_chatter', count: 3, periodMs: 200, waitMatch: 1, env: { PEER_SECURITY_ENCLAVE: enclave('/peer/public_talker', AUTH_DOMAIN) } });
    const listener = await spawnPeer('fastdds', 'listener', { domain: AUTH_DOMAIN, topic: 'rt/public_news', env: { PEER_SECURITY_ENCLAVE: enclave('/peer/public_listener', AUTH_DOMAIN) } });
    await waitForStatus(sec, talker.guid.slice(0, 24), ['authenticated']);
    await waitForStatus(sec, listener.guid.slice(0, 24), ['authenticated']);
    await until(() => got.length === 3, 'three samples from the secured talker', 15_000);
    expect(got.map((t) => t.slice(0, 14))).toEqual(['Hello World: 1', 'Hello World: 2', 'Hello World: 3']);
    expect(await w.waitForMatch(1, 15_000)).toBe(true);
    for (let i = 1; i <= 3; i++) w.write(cdrString(`From medkit: ${i}`));
    await listener.waitForLines(/^heard \d+ From medkit: \d/, 3, 15_000);
  }, 60_000);

  for (const [what, gov] of [['data ENCRYPT, clear submessages', PAYLOAD_ONLY], ['data and metadata ENCRYPT: payload and submessages', SUBMESSAGES_TOO], ['and discovery over the secure SEDP endpoints', DATA_ONLY], ['and discovery_protection_kind ENCRYPT', DISCOVERY_ENCRYPTED], ['SROS2\'s default governance: discovery and liveliness ENCRYPT, rtps SIGN', SROS2_DEFAULT]] as const) {
  it(`a medkit reader receives the secured Fast DDS talker's encrypted samples decrypted (${what})`, async () => {
    const { p, sec } = await secureParticipant(enclave('/medkit/gateway', PEER_DOMAIN, gov), PEER_DOMAIN);
    const r = p.createReader({ topic: 'rt/chatter', typeName: STRING, qos: { reliability: 'reliable' } });
    const got: string[] = [];
    r.on('sample', (s) => got.push(readCdrString(s.payload)));
    const talker = await spawnPeer('fastdds', 'talker', { domain: PEER_DOMAIN, count: 3, periodMs: 200, waitMatch: 1, env: { PEER_SECURITY_ENCLAVE: enclave('/peer/secret_talker', PEER_DOMAIN, gov) } });
    const prefix = talker.guid.slice(0, 24);
    await waitForStatus(sec, prefix, ['authenticated']);
    await until(() => got.length === 3, 'three decrypted samples', 15_000);
    expect(got.map((t) => t.slice(0, 14))).toEqual(['Hello World: 1', 'Hello World: 2', 'Hello World: 3']);
    const writerGuid = p.endpoints().find((e) => e.topicName === 'rt/chatter' && e.kind === 'writer')?.guid;
    const writerToken = sec.cryptoTokens(prefix).find((t) => t.kind === 'datawriter' && t.source === writerGuid);
    // With discovery protection, the secure SEDP endpoints have keys of their own, exchanged the same way.
    if (gov === DISCOVERY_ENCRYPTED) expect(sec.cryptoTokens(prefix).some((t) => t.source === `${prefix}ff0003c2`)).toBe(true);
    if (gov !== PAYLOAD_ONLY) expect(p.receiver.secured.opened).toBeGreaterThan(3);
    expect(writerToken?.source).toBe(writerGuid);
    expect(writerToken?.destination).toBe(r.guid);
    expect(writerToken?.transformation).toBe('AES256_GCM');
    // The talker matched our reader only after our datareader token reached it over the volatile channel.
    await talker.waitForLine(/^matched pub 1 /);
  }, 60_000);
  }

  for (const [what, gov] of [['secure discovery, data and metadata ENCRYPT', DATA_ONLY], ['SROS2\'s default governance', SROS2_DEFAULT]] as const) {
  it(`a secured Fast DDS listener receives medkit's encrypted samples (${what})`, async () => {
    const { p } = await secureParticipant(enclave('/medkit/gateway', PEER_DOMAIN, gov), PEER_DOMAIN);
    const w = p.createWriter({ topic: 'rt/chatter', typeName: STRING, userData: 'typehash=RIHS01_x;' });
    const listener = await spawnPeer('fastdds', 'listener', { domain: PEER_DOMAIN, env: { PEER_SECURITY_ENCLAVE: enclave('/peer/secret_listener', PEER_DOMAIN, gov) } });
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

  it('a late-joining transient-local medkit reader gets the secured talker\'s history with protected submessages', async () => {
    // The talker publishes before medkit exists, then serves its history to our reader (its DATA, HEARTBEATs
    // and our ACKNACKs all protected; whether Fast DDS pushed the history or answered our ACKNACKs is not seen).
    const talker = await spawnPeer('fastdds', 'talker', { domain: PEER_DOMAIN, count: 3, periodMs: 50, durability: 'transient_local', env: { PEER_SECURITY_ENCLAVE: enclave('/peer/history_talker', PEER_DOMAIN, SUBMESSAGES_TOO) } });
    await talker.waitForLine(/^done sent=3/);
    const { p } = await secureParticipant(enclave('/medkit/gateway', PEER_DOMAIN, SUBMESSAGES_TOO), PEER_DOMAIN);
    const r = p.createReader({ topic: 'rt/chatter', typeName: STRING, qos: { reliability: 'reliable', durability: 'transient-local', history: { kind: 'keep-last', depth: 10 } } });
    const got: string[] = [];
    r.on('sample', (s) => got.push(readCdrString(s.payload)));
    await until(() => got.length === 3, 'the three samples of the history', 15_000);
    expect(got.map((t) => t.slice(0, 14))).toEqual(['Hello World: 1', 'Hello World: 2', 'Hello World: 3']);
  }, 60_000);

  it('medkit refuses a secured Fast DDS peer whose identity comes from another CA, and keeps the reason', async () => {
    const medkitDir = enclave('/medkit/gateway', AUTH_DOMAIN);
    // Its GUID sorts below medkit's, so it sends the request and medkit sees (and names) its certificate.
    const strangerDir = peerEnclaveAround(medkitDir, AUTH_DOMAIN, true, 'stranger', other);
    const { sec } = await secureParticipant(medkitDir, AUTH_DOMAIN, { handshakeTimeoutMs: 3000 });
    const peer: PeerProcess = await spawnPeer('fastdds', 'talker', { domain: AUTH_DOMAIN, env: { PEER_SECURITY_ENCLAVE: strangerDir } });
    const st = await waitForStatus(sec, peer.guid.slice(0, 24), ['failed', 'authenticated'], 20_000);
    expect(st.state).toBe('failed');
    expect(st.reason).toMatch(/untrusted/);
    expect(peer.lines.some((l) => l.startsWith('auth ok'))).toBe(false);
  }, 60_000);
});
