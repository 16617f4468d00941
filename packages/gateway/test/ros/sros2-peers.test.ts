// SROS2 through the gateway on the wire (issue 29): a gateway with a valid enclave (ros.security.*, as
// ROS_SECURITY_* set them) joins its domain SECURED, authenticates a secured Fast DDS 2.9.1 talker under SROS2's
// default governance (discovery and liveliness ENCRYPT, rtps SIGN, topic data ENCRYPT), lists its node and reads
// its encrypted /chatter through the data route; /health shows the peer authenticated. A talker whose identity
// comes from another CA is refused, and /health names it and why. Domains: offsets 210 (authenticated talker)
// and 211 (talker from another CA).
import { X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, expect, it } from 'vitest';
import { adjustedGuidPrefix } from '@medkit/rtps/security';
import { describeWith, FASTDDS, OPENSSL } from '../../../../test-support/requirements.js';
import { testDomain } from '../../../../test-support/domains.js';
import { allowAllPermissionsXml, createSros2Keystore, governanceXml, type Sros2Keystore } from '../../../../test-support/sros2-keystore.js';
import { buildPeer, killAllPeers, spawnPeer } from '../../../rtps/test/peers/harness.js';
import { createDataFeature } from '../../src/data/index.js';
import { eventually, http, startRosGateway } from './robot.js';
import type { TestGateway } from '../support/gateway.js';

const SECURED_DOMAIN = testDomain(210);
const OTHER_CA_DOMAIN = testDomain(211);

/** The first 6 bytes of the GUID prefix DDS-Security gives an enclave's certificate (the smaller one initiates). */
const prefixHead = (dir: string): string => Buffer.from(adjustedGuidPrefix(new X509Certificate(readFileSync(join(dir, 'cert.pem'))), new Uint8Array(12))).toString('hex', 0, 6);

interface PeerEntry {
  guid_prefix: string;
  status: string;
  state: string;
  subject?: string;
  reason?: string;
}

describeWith([...FASTDDS, ...OPENSSL], 'SROS2 through the gateway with a secured Fast DDS peer', () => {
  let ks: Sros2Keystore;
  /** An unrelated keystore (its own identity and permissions CA): its participants are strangers to ks's. */
  let other: Sros2Keystore;
  let g: TestGateway | undefined;
  /** An enclave of `ks` with SROS2's default governance for `domain` and permission for every topic. */
  const enclave = (name: string, domain: number, keystore = ks) =>
    keystore.makeEnclave(name, { governanceXml: governanceXml(domain), permissionsXml: allowAllPermissionsXml(`CN=${name}`, domain) }).dir;
  const securedGateway = (domain: number, name: string) =>
    startRosGateway(domain, [createDataFeature()], {
      'ros.security.enabled': true,
      'ros.security.strategy': 'Enforce',
      'ros.security.keystore': ks.keystore,
      'ros.security.enclave': name,
    });
  const rosHealth = async () => (await http(`${g!.url}/api/v1/health`)).body;

  beforeAll(async () => {
    await buildPeer('fastdds');
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
    let strangerDir = '';
    for (let i = 0; i < 64 && !strangerDir; i++) {
      const dir = enclave(`/peer/stranger${i}`, OTHER_CA_DOMAIN, other);
      if (prefixHead(dir) < mine) strangerDir = dir;
    }
    expect(strangerDir).not.toBe('');
    g = await securedGateway(OTHER_CA_DOMAIN, '/medkit/gateway_b');
    const stranger = await spawnPeer('fastdds', 'talker', { domain: OTHER_CA_DOMAIN, periodMs: 100, env: { PEER_SECURITY_ENCLAVE: strangerDir } });
    const prefix = stranger.guid.slice(0, 24);
    const h = await eventually(async () => {
      const body = await rosHealth();
      return (body['x-medkit-ros'].security.peers as PeerEntry[]).some((p) => p.guid_prefix === prefix && p.status === 'refused') ? body : undefined;
    }, 'the stranger refused in /health', 30_000);
    const sec = h['x-medkit-ros'].security;
    const entry = (sec.peers as PeerEntry[]).find((p) => p.guid_prefix === prefix)!;
    expect(entry).toMatchObject({ status: 'refused', state: 'failed', reason: expect.stringMatching(/untrusted/) });
    expect(sec.peers_refused).toBe(1);
    const w = (h.warnings as { code: string; message: string }[]).find((x) => x.code === 'ros_peers_refused');
    expect(w?.message).toContain(prefix);
    const apps = (await http(`${g.url}/api/v1/apps`)).body.items as { id: string }[];
    expect(apps.map((a) => a.id)).not.toContain('talker');
  }, 90_000);
});
