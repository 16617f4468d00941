// DDS-Security for test participants: participantSecurity() from an enclave directory made by
// test-support/sros2-keystore.ts, as @medkit/ros2's loadEnclave would give it (rtps tests cannot use ros2).
import { createPrivateKey, X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { AccessControl, certAlgo, loadIdentity, parseCertificate, parseGovernance, parsePermissions, participantSecurity, verifySmime, type ParticipantSecurityOptions, type PeerAuthStatus, type Identity, type SecureParticipant } from '../../src/security/index.js';

function uncheckedIdentity(read: (f: string) => string): Identity {
  const cert = parseCertificate(read('cert.pem'), 'cert.pem');
  return { cert, certPem: cert.toString(), key: createPrivateKey(read('key.pem')), ca: parseCertificate(read('identity_ca.cert.pem'), 'identity_ca.cert.pem'), algo: certAlgo(cert) };
}

/** `unchecked`: take the identity as it is, without loadIdentity's checks (an expired certificate, a wrong clock). */
export async function securityFrom(dir: string, domain: number, extra: Partial<ParticipantSecurityOptions> = {}, identity: 'checked' | 'unchecked' = 'checked'): Promise<SecureParticipant> {
  const read = (f: string) => readFileSync(join(dir, f), 'utf8');
  const own = identity === 'checked' ? loadIdentity({ cert: read('cert.pem'), key: read('key.pem'), ca: read('identity_ca.cert.pem') }) : uncheckedIdentity(read);
  const permissionsCa = new X509Certificate(read('permissions_ca.cert.pem'));
  const governance = parseGovernance((await verifySmime(read('governance.p7s'), permissionsCa, 'governance')).content);
  const permissions = parsePermissions((await verifySmime(read('permissions.p7s'), permissionsCa, 'permissions')).content);
  return participantSecurity({ identity: own, permissionsDocument: read('permissions.p7s'), permissionsCa, access: new AccessControl(governance, permissions), domainId: domain, ...extra });
}

/** Polls a peer's authentication state until it is one of `states`. */
export async function waitForStatus(sec: SecureParticipant, prefix: string, states: PeerAuthStatus['state'][], timeoutMs = 15_000): Promise<PeerAuthStatus> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const s = sec.peerStatus().find((x) => x.guidPrefix === prefix);
    if (s && states.includes(s.state)) return s;
    if (Date.now() > deadline) throw new Error(`peer ${prefix}: still ${JSON.stringify(s)} after ${timeoutMs} ms, waiting for ${states.join('|')}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
