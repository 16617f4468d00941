// DDS-Security for test participants: participantSecurity() from an enclave directory made by
// test-support/sros2-keystore.ts, as @medkit/ros2's loadEnclave would give it (rtps tests cannot use ros2).
import { createPrivateKey, X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Participant, Reader, Writer } from '../../src/index.js';
import { until } from './loopback.js';
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

/** True when a (clear) datagram carries a SEC_PREFIX with key id 0: the volatile secure channel's Kx protection. */
export function kxRun(d: Buffer): boolean {
  for (let pos = 20; pos + 12 <= d.length; ) {
    if (d[pos] === 0x31 && d.readUInt32BE(pos + 8) === 0) return true;
    const len = (d[pos + 1] & 1) !== 0 ? d.readUInt16LE(pos + 2) : d.readUInt16BE(pos + 2);
    if (len === 0) break;
    pos += 4 + len;
  }
  return false;
}

/**
 * A reliable `rt/chatter` writer on `writerSide` and reader on `readerSide`, once the first (protected) sample got
 * through: proves the pair authenticated and exchanged keys before a test tampers with what follows.
 */
export async function chatterAfterFirstSample(writerSide: Participant, readerSide: Participant): Promise<{ writer: Writer; reader: Reader; got: string[] }> {
  const qos = { reliability: 'reliable' } as const;
  const writer = writerSide.createWriter({ topic: 'rt/chatter', typeName: 'std_msgs::msg::dds_::String_', qos });
  const reader = readerSide.createReader({ topic: 'rt/chatter', typeName: 'std_msgs::msg::dds_::String_', qos });
  const got: string[] = [];
  reader.on('sample', (x) => got.push(x.payload.toString('latin1', 8, x.payload.length - 1)));
  // Written again (as a new sample) only when the last one has not arrived for a while: the writer may match the
  // reader before the reader's side has the keys, and a volatile reader is not owed what came before it synced.
  // So `got` may still end up with more than one 'one'.
  let writtenAt = -Infinity;
  await until(() => {
    if (got.length === 0 && writer.matches.size === 1 && Date.now() - writtenAt > 1000) {
      writer.write(Buffer.from([0, 1, 0, 0, 4, 0, 0, 0, 0x6f, 0x6e, 0x65, 0]));
      writtenAt = Date.now();
    }
    return got.length > 0;
  }, 'the first protected sample', 20_000);
  return { writer, reader, got };
}
