// Shared by the gateway's SROS2 tests with real peers: the gateway's ros.security.* settings for an enclave of a
// test keystore, and a peer spawned with an enclave of its own (SROS2's default governance, every topic granted).
import { allowAllPermissionsXml, governanceXml, type Sros2Keystore } from '../../../../test-support/sros2-keystore.js';
import type { FlatConfig } from '../../src/config/index.js';
import { spawnPeer, type PeerMode, type PeerOptions, type PeerProcess, type PeerVendor } from '../../../../test-support/peers/harness.js';

/** ros.security.* of a gateway joining secured under Enforce with `enclave` of `ks`. */
export function securedFlags(ks: Sros2Keystore, enclave: string): FlatConfig {
  return {
    'ros.security.enabled': true,
    'ros.security.strategy': 'Enforce',
    'ros.security.keystore': ks.keystore,
    'ros.security.enclave': enclave,
  };
}

/** A peer on `domain` with the enclave `/<vendor>/<node>` of `ks` (PEER_SECURITY_ENCLAVE). */
export function spawnSecuredPeer(ks: Sros2Keystore, domain: number, vendor: PeerVendor, mode: PeerMode, node: string, extra: Omit<PeerOptions, 'domain' | 'env' | 'node'> = {}): Promise<PeerProcess> {
  const name = `/${vendor}/${node}`;
  const dir = ks.makeEnclave(name, { governanceXml: governanceXml(domain), permissionsXml: allowAllPermissionsXml(`CN=${name}`, domain) }).dir;
  return spawnPeer(vendor, mode, { domain, node, ...extra, env: { PEER_SECURITY_ENCLAVE: dir } });
}

/** A parameter list without its first two entries (helpers that bind the keystore and the domain). */
export type DropFirst2<T extends unknown[]> = T extends [unknown, unknown, ...infer R] ? R : never;
