// SROS2 through the gateway on the wire (issue 29): a gateway with a valid enclave (ros.security.*, as
// ROS_SECURITY_* set them) joins its domain SECURED, authenticates a secured Fast DDS 2.9.1 talker under SROS2's
// default governance (discovery and liveliness ENCRYPT, rtps SIGN, topic data ENCRYPT), lists its node and reads
// its encrypted /chatter through the data route; /health shows the peer authenticated. /health names what it
// refuses and why: a talker whose identity comes from another CA, one whose certificate expired while it ran
// (peers refused), and a Cyclone DDS talker whose permissions do not grant /chatter (authenticated, its writer
// refused). Domains: offsets 210 (authenticated talker), 211 (another CA), 223 (expired), 224 (no grant).
import { X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, expect, it } from 'vitest';
import { adjustedGuidPrefix } from '@medkit/rtps/security';
import { CYCLONE_SECURITY, describeWith, FASTDDS, OPENSSL } from '../../../../test-support/requirements.js';
import { testDomain } from '../../../../test-support/domains.js';
import { allowAllPermissionsXml, createSros2Keystore, denyPublishPermissionsXml, governanceXml, type EnclaveOptions, type Sros2Keystore } from '../../../../test-support/sros2-keystore.js';
import { buildPeer, killAllPeers, spawnPeer } from '../../../../test-support/peers/harness.js';
import { createDataFeature } from '../../src/data/index.js';
import { eventually, http, startRosGateway } from '../../../../test-support/gateway/ros-robot.js';
import type { TestGateway } from '../../../../test-support/gateway/gateway.js';

const SECURED_DOMAIN = testDomain(210);
const OTHER_CA_DOMAIN = testDomain(211);
const EXPIRED_DOMAIN = testDomain(223);
const NO_GRANT_DOMAIN = testDomain(224);

/** The first 6 bytes of the GUID prefix DDS-Security gives an enclave's certificate (the smaller one initiates). */
const prefixHead = (dir: string): string => Buffer.from(adjustedGuidPrefix(new X509Certificate(readFileSync(join(dir, 'cert.pem'))), new Uint8Array(12))).toString('hex', 0, 6);

interface PeerEntry {
  guid_prefix: string;
  status: string;
  state: string;
  subject?: string;
  reason?: string;
  refused_endpoints?: { kind: string; topic: string; reason: string }[];
}

let ks: Sros2Keystore;
/** An unrelated keystore (its own identity and permissions CA): its participants are strangers to ks's. */
let other: Sros2Keystore;
let g: TestGateway | undefined;
/** An enclave of `ks` with SROS2's default governance for `domain` and permission for every topic. */
const enclave = (name: string, domain: number, keystore = ks, opts: EnclaveOptions = {}) =>
  keystore.makeEnclave(name, { governanceXml: governanceXml(domain), permissionsXml: allowAllPermissionsXml(`CN=${name}`, domain), ...opts }).dir;
/** An enclave of `keystore` whose GUID prefix sorts below `mine`: that peer sends the handshake request, so the gateway sees (and names) its certificate. */
const enclaveBelow = (mine: string, tag: string, domain: number, keystore = ks, opts: EnclaveOptions = {}): string => {
  for (let i = 0; i < 64; i++) {
    const dir = enclave(`/peer/${tag}${i}`, domain, keystore, opts);
    if (prefixHead(dir) < mine) return dir;
  }
  throw new Error('no enclave name found below the gateway\'s prefix');
};
/**
 * A refused peer counts as refused only when its handshake times out (a refused message does not end a handshake:
 * anyone can forge one with the peer's prefix). The cases that wait for that give the gateway 5 s, not the 20 s
 * default; a handshake that times out before anything was refused is tried again, so a slow peer is not missed.
 */
const REFUSING_HANDSHAKE_MS = 5000;
const securedGateway = (domain: number, name: string, handshakeTimeoutMs?: number) =>
  startRosGateway(domain, [createDataFeature()], {
    'ros.security.enabled': true,
    'ros.security.strategy': 'Enforce',
    'ros.security.keystore': ks.keystore,
    'ros.security.enclave': name,
    ...(handshakeTimeoutMs === undefined ? {} : { 'ros.security.handshake_timeout_ms': handshakeTimeoutMs }),
  });
const rosHealth = async () => (await http(`${g!.url}/api/v1/health`)).body;
/** Waits until /health lists the peer with `prefix` as `status` and returns the whole body. */
const healthWithPeer = (prefix: string, ok: (p: PeerEntry) => boolean, what: string, timeoutMs = 45_000) =>
  eventually(async () => {
    const body = await rosHealth();
    return (body['x-medkit-ros'].security.peers as PeerEntry[]).some((p) => p.guid_prefix === prefix && ok(p)) ? body : undefined;
  }, what, timeoutMs);

function keystoreHooks(vendor: 'fastdds' | 'cyclone'): void {
  beforeAll(async () => {
    await buildPeer(vendor);
    [ks, other] = [createSros2Keystore(), createSros2Keystore()];
  }, 300_000);
  afterEach(async () => {
    await g?.close();
    g = undefined;
    await killAllPeers();
  });
  afterAll(() => {
    ks?.remove();
    other?.remove();
  });
}

describeWith([...FASTDDS, ...OPENSSL], 'SROS2 through the gateway with a secured Fast DDS peer', () => {
  keystoreHooks('fastdds');

  it('joins secured under Enforce, authenticates the talker, lists its node and reads its encrypted /chatter; /health shows the peer authenticated', async () => {
    enclave('/medkit/gateway', SECURED_DOMAIN);
    const talkerDir = enclave('/peer/talker', SECURED_DOMAIN);
    g = await securedGateway(SECURED_DOMAIN, '/medkit/gateway');
    const talker = await spawnPeer('fastdds', 'talker', { domain: SECURED_DOMAIN, periodMs: 100, env: { PEER_SECURITY_ENCLAVE: talkerDir } });
    const prefix = talker.guid.slice(0, 24);
    const apps = await eventually(async () => {
      const items = (await http(`${g!.url}/api/v1/apps`)).body.items as { id: string }[];
      return items.some((a) => a.id === 'talker') ? items : undefined;
    }, 'the secured talker node in the tree', 30_000);
    expect(apps.map((a) => a.id)).toContain('talker');
    const read = await eventually(async () => {
      const r = await http(`${g!.url}/api/v1/apps/talker/data/chatter`);
      return r.status === 200 && r.body['x-medkit'].status === 'data' ? r : undefined;
    }, 'a decrypted /chatter sample through the data route', 30_000);
    expect(read.body.data.data).toMatch(/^Hello World: \d+/);
    expect(read.body['x-medkit'].ros2).toEqual({ topic: '/chatter', type: 'std_msgs/msg/String' });
    const h = await rosHealth();
    const sec = h['x-medkit-ros'].security;
    expect(sec).toMatchObject({ enabled: true, secured: true, enclave: '/medkit/gateway', peers_refused: 0, peers_not_listed: 0 });
    expect(sec.peers as PeerEntry[]).toContainEqual(expect.objectContaining({ guid_prefix: prefix, status: 'authenticated', subject: expect.stringContaining('/peer/talker') }));
    expect((h.warnings ?? []).map((w: { code: string }) => w.code)).not.toContain('ros_unsecured');
  }, 120_000);

  it('refuses a talker whose identity comes from another CA: /health names it and why, and its node stays out of the tree', async () => {
    const mine = prefixHead(enclave('/medkit/gateway_b', OTHER_CA_DOMAIN));
    // A stranger whose GUID sorts below the gateway's sends the handshake request, so the gateway sees (and
    // names) its certificate rather than waiting out a handshake the stranger ignores.
    const strangerDir = enclaveBelow(mine, 'stranger', OTHER_CA_DOMAIN, other);
    g = await securedGateway(OTHER_CA_DOMAIN, '/medkit/gateway_b', REFUSING_HANDSHAKE_MS);
    const stranger = await spawnPeer('fastdds', 'talker', { domain: OTHER_CA_DOMAIN, periodMs: 100, env: { PEER_SECURITY_ENCLAVE: strangerDir } });
    const prefix = stranger.guid.slice(0, 24);
    const h = await healthWithPeer(prefix, (p) => p.status === 'refused', 'the stranger refused in /health', 30_000);
    const sec = h['x-medkit-ros'].security;
    const entry = (sec.peers as PeerEntry[]).find((p) => p.guid_prefix === prefix)!;
    expect(entry).toMatchObject({ status: 'refused', state: 'failed', reason: expect.stringMatching(/untrusted/) });
    expect(sec.peers_refused).toBe(1);
    const w = (h.warnings as { code: string; message: string }[]).find((x) => x.code === 'ros_peers_refused');
    expect(w?.message).toContain(prefix);
    const apps = (await http(`${g.url}/api/v1/apps`)).body.items as { id: string }[];
    expect(apps.map((a) => a.id)).not.toContain('talker');
  }, 90_000);

  it('refuses a talker whose certificate expired while it ran: /health names it with reason expired, and its node stays out of the tree', async () => {
    const mine = prefixHead(enclave('/medkit/gateway_c', EXPIRED_DOMAIN));
    // Valid when the talker starts (Fast DDS refuses to start with an expired identity, and keeps running after),
    // expired when the gateway meets it.
    const dir = enclaveBelow(mine, 'expiring', EXPIRED_DOMAIN, ks, { expiresInSeconds: 4 });
    const notAfter = new Date(new X509Certificate(readFileSync(join(dir, 'cert.pem'))).validTo).getTime();
    const talker = await spawnPeer('fastdds', 'talker', { domain: EXPIRED_DOMAIN, periodMs: 100, env: { PEER_SECURITY_ENCLAVE: dir } });
    await new Promise((r) => setTimeout(r, Math.max(0, notAfter - Date.now() + 1500)));
    g = await securedGateway(EXPIRED_DOMAIN, '/medkit/gateway_c', REFUSING_HANDSHAKE_MS);
    const prefix = talker.guid.slice(0, 24);
    // The reason shows at once (status authenticating); the peer counts as refused when the handshake times out.
    await healthWithPeer(prefix, (p) => /^expired: /.test(p.reason ?? ''), 'the expired certificate named in /health', 15_000);
    const h = await healthWithPeer(prefix, (p) => p.status === 'refused', 'the expired talker refused in /health');
    const entry = (h['x-medkit-ros'].security.peers as PeerEntry[]).find((p) => p.guid_prefix === prefix)!;
    expect(entry).toMatchObject({ status: 'refused', state: 'failed', reason: expect.stringMatching(/^expired: handshake request: c\.id: expired /) });
    expect((h.warnings as { code: string; message: string }[]).find((x) => x.code === 'ros_peers_refused')?.message).toContain(prefix);
    const apps = (await http(`${g.url}/api/v1/apps`)).body.items as { id: string }[];
    expect(apps.map((a) => a.id)).not.toContain('talker');
  }, 90_000);
});

describeWith([...CYCLONE_SECURITY, ...OPENSSL], 'SROS2 through the gateway with a secured Cyclone DDS peer', () => {
  keystoreHooks('cyclone');

  it('refuses the writer of a talker whose permissions do not grant /chatter: /health shows the peer authenticated with the refused endpoint and why', async () => {
    enclave('/medkit/gateway_d', NO_GRANT_DOMAIN);
    // The talker's own governance does not control writing rt/chatter, so it creates the writer its permissions
    // deny; the gateway's (SROS2's default) does, checks the talker's permissions and refuses that writer.
    const name = '/peer/unlicensed_talker';
    const dir = ks.makeEnclave(name, { governanceXml: governanceXml(NO_GRANT_DOMAIN, { uncontrolledWrites: ['rt/chatter'] }), permissionsXml: denyPublishPermissionsXml(`CN=${name}`, NO_GRANT_DOMAIN, ['rt/chatter']) }).dir;
    g = await securedGateway(NO_GRANT_DOMAIN, '/medkit/gateway_d');
    const talker = await spawnPeer('cyclone', 'talker', { domain: NO_GRANT_DOMAIN, periodMs: 100, env: { PEER_SECURITY_ENCLAVE: dir } });
    const prefix = talker.guid.slice(0, 24);
    const h = await healthWithPeer(prefix, (p) => (p.refused_endpoints ?? []).length > 0, 'the refused writer in /health', 30_000);
    const sec = h['x-medkit-ros'].security;
    const entry = (sec.peers as PeerEntry[]).find((p) => p.guid_prefix === prefix)!;
    expect(entry).toMatchObject({ status: 'authenticated', subject: expect.stringContaining(name) });
    expect(entry.refused_endpoints).toEqual([{ kind: 'writer', topic: 'rt/chatter', reason: expect.stringMatching(/^its permissions do not let it publish 'rt\/chatter': deny_rule 1 of grant/) }]);
    expect(sec).toMatchObject({ peers_refused: 0, endpoints_refused: 1 });
    expect((h.warnings as { code: string; message: string }[]).find((x) => x.code === 'ros_endpoints_refused')?.message).toContain(`${prefix} writer 'rt/chatter'`);
    // Its node is there (its graph topics are granted), but not the refused topic.
    await eventually(async () => ((await http(`${g!.url}/api/v1/apps`)).body.items as { id: string }[]).some((a) => a.id === 'talker'), 'the talker node', 30_000);
    const data = await http(`${g.url}/api/v1/apps/talker/data/chatter`);
    expect(data.status, JSON.stringify(data.body)).toBe(404);
  }, 90_000);
});
