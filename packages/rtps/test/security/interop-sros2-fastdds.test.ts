// SROS2 on the wire against Fast DDS 2.9.1 built with its DDS-Security plugins (builtin PKI-DH,
// Access-Permissions, AES-GCM-GMAC). The Fast DDS peer runs secured when PEER_SECURITY_ENCLAVE names an
// enclave made here by test-support/sros2-keystore.ts. First two secured Fast DDS peers talk to each other
// (so a later failure is medkit's, not the peer's). ROS domains: offsets 194, 198, 199.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeWith, FASTDDS, OPENSSL } from '../../../../test-support/requirements.js';
import { testDomain } from '../../../../test-support/domains.js';
import { allowAllPermissionsXml, createSros2Keystore, governanceXml, type GovernanceOptions, type Sros2Keystore } from '../../../../test-support/sros2-keystore.js';
import { buildPeer, killAllPeers, spawnPeer } from '../peers/harness.js';

const PEER_DOMAIN = testDomain(194);
/** Topic data ENCRYPT, everything else unprotected: the first governance phase 2 speaks. */
const DATA_ONLY: GovernanceOptions = { discovery: 'NONE', liveliness: 'NONE', rtps: 'NONE', data: 'ENCRYPT' };

let ks: Sros2Keystore;

function enclave(name: string, domain: number, gov: GovernanceOptions = DATA_ONLY, opts: { expired?: boolean; identityFromOtherCa?: boolean } = {}): string {
  return ks.makeEnclave(name, { ...opts, governanceXml: governanceXml(domain, gov), permissionsXml: allowAllPermissionsXml(`CN=${name}`, domain) }).dir;
}

describeWith([...FASTDDS, ...OPENSSL], 'SROS2 on the wire with Fast DDS', () => {
  beforeAll(async () => {
    ks = createSros2Keystore();
    await buildPeer('fastdds');
  }, 300_000);
  afterAll(async () => {
    await killAllPeers();
    ks?.remove();
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
});
