// PKI-DH authentication primitives with identities made here by the openssl CLI: identity load and checks,
// IdentityToken / PermissionsToken, the bounded DataHolder CDR, and the three-message handshake between two
// medkit-side identities in memory (every token goes through its CDR encoding on the way), which must end in
// the same SharedSecret on both sides, and refuse tampering with a named reason.
import { createPrivateKey, randomBytes, X509Certificate } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeWith, OPENSSL } from '../../../../test-support/requirements.js';
import { createSros2Keystore, type Enclave, type Sros2Keystore } from '../../../../test-support/sros2-keystore.js';
import {
  adjustedGuidPrefix,
  authRequestToken,
  DATA_HOLDER_LIMITS,
  decodeDataHolder,
  encodeDataHolder,
  encodeParticipantPdata,
  futureChallenge,
  HandshakeInitiator,
  HandshakeReplier,
  identityToken,
  loadIdentity,
  permissionsToken,
  SecurityError,
  type DataHolder,
  type Identity,
  type KagreeAlgo,
  type LocalParticipant,
} from '../../src/security/index.js';

function reasonOf(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(SecurityError);
    return `${(err as SecurityError).reason}: ${(err as Error).message}`;
  }
  return 'accepted';
}

/** Through the wire format and back, little- or big-endian. */
const wire = (h: DataHolder, le = true): DataHolder => decodeDataHolder(encodeDataHolder(h, le), le);

/** Replaces one binary property's value. */
function withProp(h: DataHolder, name: string, value: Uint8Array): DataHolder {
  return { ...h, binaryProperties: h.binaryProperties.map((p) => (p.name === name ? { name, value } : p)) };
}
function flipLast(v: Uint8Array): Uint8Array {
  const c = Uint8Array.from(v);
  c[c.length - 1] ^= 1;
  return c;
}
const prop = (h: DataHolder, name: string) => h.binaryProperties.find((p) => p.name === name)!.value;

describe('DataHolder CDR', () => {
  const token: DataHolder = { classId: 'DDS:Auth:PKI-DH:1.0', properties: [{ name: 'dds.cert.sn', value: 'CN=/a' }], binaryProperties: [{ name: 'x', value: Uint8Array.from([1, 2, 3]) }, { name: 'y', value: new Uint8Array(0) }] };
  it('round-trips in both byte orders, with CDR alignment', () => {
    for (const le of [true, false]) expect(wire(token, le)).toEqual(token);
    const be = encodeDataHolder(token, false);
    expect(be.subarray(0, 4)).toEqual(Buffer.from([0, 0, 0, 20])); // class_id length incl. NUL, big-endian
    expect(be.length % 4).toBe(0);
  });
  it('is bounded: counts, lengths and truncation are refused with a reason', () => {
    const big = encodeDataHolder({ ...token, properties: Array.from({ length: 33 }, (_, i) => ({ name: `p${i}`, value: '' })) });
    expect(reasonOf(() => decodeDataHolder(big))).toMatch(/^too-large: properties: 33 entries, at most 32/);
    expect(reasonOf(() => decodeDataHolder(encodeDataHolder({ ...token, classId: 'x'.repeat(5000) })))).toMatch(/^too-large: class_id: string of 5001 bytes/);
    expect(reasonOf(() => decodeDataHolder(encodeDataHolder({ ...token, binaryProperties: [{ name: 'c.id', value: new Uint8Array(300_000) }] })))).toMatch(/^too-large: binary property 'c.id'/);
    const full = encodeDataHolder(token);
    expect(reasonOf(() => decodeDataHolder(full.subarray(0, full.length - 3)))).toMatch(/^bad-token: DataHolder does not decode/);
    const lying = Buffer.from(full);
    lying.writeUInt32BE(0xffffffff, lying.length - 4); // the last binary property's length (it is empty)
    expect(reasonOf(() => decodeDataHolder(lying))).toMatch(/^(too-large|bad-token)/);
    expect(DATA_HOLDER_LIMITS.maxProperties).toBe(32);
  });
});

describeWith(OPENSSL, 'PKI-DH with openssl-made identities', () => {
  let ks: Sros2Keystore;
  let ec: Enclave;
  let rsa: Enclave;
  let expired: Enclave;
  let stranger: Enclave;
  let caPem: string;
  beforeAll(() => {
    ks = createSros2Keystore({ separateCas: true });
    ec = ks.makeEnclave('/robot/ec');
    rsa = ks.makeEnclave('/robot/rsa', { algo: 'rsa' });
    expired = ks.makeEnclave('/robot/old', { expired: true });
    stranger = ks.makeEnclave('/robot/stranger', { identityFromOtherCa: true });
    caPem = readFileSync(ks.identityCaCert, 'utf8');
  }, 60_000);
  afterAll(() => ks?.remove());

  const load = (e: Enclave, now?: Date, ca = caPem) => loadIdentity({ cert: readFileSync(e.cert, 'utf8'), key: readFileSync(e.key, 'utf8'), ca, now });
  function participant(e: Enclave): LocalParticipant {
    // The stranger trusts its own CA; everyone else the keystore's.
    const identity = load(e, undefined, e === stranger ? readFileSync(ks.otherCaCert, 'utf8') : caPem);
    const pdata = encodeParticipantPdata(adjustedGuidPrefix(identity.cert, randomBytes(12)));
    return { identity, permissions: readFileSync(join(e.dir, 'permissions.p7s'), 'utf8'), pdata };
  }

  describe('identity', () => {
    it('loads EC P-256 and RSA-2048 identities and builds their tokens', () => {
      const a = load(ec);
      expect(a.algo).toBe('EC-prime256v1');
      expect(load(rsa).algo).toBe('RSA-2048');
      const tok = wire(identityToken(a));
      expect(tok.classId).toBe('DDS:Auth:PKI-DH:1.0');
      expect(Object.fromEntries(tok.properties.map((p) => [p.name, p.value]))).toEqual({ 'dds.cert.sn': '/CN=\\/robot\\/ec', 'dds.cert.algo': 'EC-prime256v1', 'dds.ca.sn': '/CN=sros2testCA', 'dds.ca.algo': 'EC-prime256v1' });
      const perm = permissionsToken(new X509Certificate(readFileSync(ks.permissionsCaCert)));
      expect(perm).toEqual({ classId: 'DDS:Access:Permissions:1.0', properties: [{ name: 'dds.perm_ca.sn', value: '/CN=sros2 permissions CA' }, { name: 'dds.perm_ca.algo', value: 'ECDSA-SHA256' }], binaryProperties: [] });
    });
    it('refuses a foreign CA, an expired certificate, a key that is not the certificate\'s, and non-PEM', () => {
      expect(reasonOf(() => load(stranger))).toMatch(/^untrusted: cert\.pem: not issued by the identity CA 'CN=sros2testCA'/);
      expect(reasonOf(() => load(expired))).toMatch(/^expired: cert\.pem: expired 2020-01-02T00:00:00\.000Z/);
      expect(reasonOf(() => load(ec, new Date('2000-01-01')))).toMatch(/^not-yet-valid: cert\.pem: its CA: not valid before/);
      expect(reasonOf(() => loadIdentity({ cert: readFileSync(ec.cert, 'utf8'), key: readFileSync(rsa.key, 'utf8'), ca: caPem }))).toMatch(/^key-mismatch: key\.pem: not the private key of cert\.pem/);
      expect(reasonOf(() => loadIdentity({ cert: 'hello', key: readFileSync(ec.key, 'utf8'), ca: caPem }))).toMatch(/^not-pem: cert\.pem/);
      expect(reasonOf(() => loadIdentity({ cert: readFileSync(ec.cert, 'utf8'), key: 'nope', ca: caPem }))).toMatch(/^bad-key: key\.pem/);
    });
    it('refuses keys other than RSA-2048 and P-256', () => {
      const dir = join(ks.keystore, '..', 'ca');
      execFileSync('openssl', ['req', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:secp384r1', '-nodes', '-keyout', 'p384.key', '-out', 'p384.csr', '-subj', '/CN=p384'], { cwd: dir, stdio: 'pipe' });
      execFileSync('openssl', ['ca', '-batch', '-config', 'ca.cnf', '-cert', 'identity_ca.pem', '-keyfile', 'identity_ca.key', '-in', 'p384.csr', '-out', 'p384.pem', '-notext', '-days', '2'], { cwd: dir, stdio: 'pipe' });
      expect(reasonOf(() => loadIdentity({ cert: readFileSync(join(dir, 'p384.pem'), 'utf8'), key: readFileSync(join(dir, 'p384.key'), 'utf8'), ca: caPem }))).toMatch(/^unsupported-algorithm: cert\.pem: key ec secp384r1/);
    });
  });

  describe('handshake', () => {
    function run(a: LocalParticipant, b: LocalParticipant, kagree: KagreeAlgo) {
      const init = new HandshakeInitiator(a, { kagree });
      const rep = new HandshakeReplier(b);
      const reply = wire(rep.processRequest(wire(init.request())), false);
      const { final, result: ra } = init.processReply(reply);
      const rb = rep.processFinal(wire(final));
      return { ra, rb };
    }

    it.each<[string, KagreeAlgo]>([
      ['EC ↔ EC over ECDH', 'ECDH+prime256v1-CEUM'],
      ['EC ↔ RSA over MODP-2048', 'DH+MODP-2048-256'],
      ['RSA ↔ EC over ECDH', 'ECDH+prime256v1-CEUM'],
    ])('%s completes with one shared secret on both sides', (name, kagree) => {
      const [a, b] = name.startsWith('RSA') ? [participant(rsa), participant(ec)] : name.includes('RSA') ? [participant(ec), participant(rsa)] : [participant(ec), participant(ks.makeEnclave('/robot/ec2'))];
      const { ra, rb } = run(a, b, kagree);
      expect(Buffer.from(ra.secret.sharedSecret)).toEqual(Buffer.from(rb.secret.sharedSecret));
      expect(ra.secret.sharedSecret).toHaveLength(32);
      expect(Buffer.from(ra.secret.challenge1)).toEqual(Buffer.from(rb.secret.challenge1));
      expect(Buffer.from(ra.secret.challenge2)).toEqual(Buffer.from(rb.secret.challenge2));
      expect(Buffer.from(ra.secret.challenge1)).not.toEqual(Buffer.from(ra.secret.challenge2));
      expect(ra.peerCert.subject).toBe(b.identity.cert.subject);
      expect(rb.peerCert.subject).toBe(a.identity.cert.subject);
      expect(rb.peerPermissions).toBe(a.permissions);
    });

    it('the messages carry what the spec lists', () => {
      const a = participant(ec);
      const init = new HandshakeInitiator(a);
      const req = init.request();
      expect(req.classId).toBe('DDS:Auth:PKI-DH:1.0+Req');
      expect(req.binaryProperties.map((p) => p.name)).toEqual(['c.id', 'c.perm', 'c.pdata', 'c.dsign_algo', 'c.kagree_algo', 'hash_c1', 'dh1', 'challenge1']);
      expect(Buffer.from(prop(req, 'c.dsign_algo')).toString()).toBe('ECDSA-SHA256');
      expect(Buffer.from(prop(req, 'c.kagree_algo')).toString()).toBe('ECDH+prime256v1-CEUM');
      expect(prop(req, 'dh1')).toHaveLength(65);
      const reply = new HandshakeReplier(participant(rsa)).processRequest(req);
      expect(reply.binaryProperties.map((p) => p.name)).toEqual(['c.id', 'c.perm', 'c.pdata', 'c.dsign_algo', 'c.kagree_algo', 'hash_c2', 'dh2', 'challenge1', 'challenge2', 'dh1', 'hash_c1', 'signature']);
      expect(Buffer.from(prop(reply, 'c.dsign_algo')).toString()).toBe('RSASSA-PSS-SHA256');
      const { final } = init.processReply(reply);
      expect(final.classId).toBe('DDS:Auth:PKI-DH:1.0+Final');
      expect(final.binaryProperties.map((p) => p.name)).toEqual(['hash_c1', 'hash_c2', 'dh1', 'dh2', 'challenge1', 'challenge2', 'signature']);
    });

    it('a tampered signature is refused on either side', () => {
      const init = new HandshakeInitiator(participant(ec));
      const rep = new HandshakeReplier(participant(rsa));
      const reply = rep.processRequest(init.request());
      expect(reasonOf(() => init.processReply(withProp(reply, 'signature', flipLast(prop(reply, 'signature')))))).toMatch(/^bad-signature: handshake reply: signature does not verify/);
      const { final } = init.processReply(reply);
      expect(reasonOf(() => rep.processFinal(withProp(final, 'signature', flipLast(prop(final, 'signature')))))).toMatch(/^bad-signature: handshake final/);
    });

    it('a certificate from another CA, or an expired one, is refused', () => {
      expect(reasonOf(() => new HandshakeReplier(participant(ec)).processRequest(new HandshakeInitiator(participant(stranger)).request()))).toMatch(/^untrusted: handshake request: c\.id: not issued by the identity CA/);
      // An identity whose certificate has expired since it was loaded (loadIdentity would refuse it today).
      const cert = new X509Certificate(readFileSync(expired.cert));
      const old: Identity = { cert, certPem: cert.toString(), key: createPrivateKey(readFileSync(expired.key)), ca: new X509Certificate(caPem), algo: 'EC-prime256v1' };
      const oldP: LocalParticipant = { identity: old, permissions: '', pdata: encodeParticipantPdata(adjustedGuidPrefix(old.cert, randomBytes(12))) };
      expect(reasonOf(() => new HandshakeReplier(participant(ec)).processRequest(new HandshakeInitiator(oldP).request()))).toMatch(/^expired: handshake request: c\.id: expired/);
      const init = new HandshakeInitiator(participant(ec));
      expect(reasonOf(() => init.processReply(new HandshakeReplier(oldP).processRequest(init.request())))).toMatch(/^expired: handshake reply: c\.id/);
    });

    it('a wrong hash is refused: a changed c.perm no longer matches hash_c2, a forged hash_c1 is caught', () => {
      const init = new HandshakeInitiator(participant(ec));
      const rep = new HandshakeReplier(participant(rsa));
      const req = init.request();
      expect(reasonOf(() => new HandshakeReplier(participant(rsa)).processRequest(withProp(req, 'hash_c1', flipLast(prop(req, 'hash_c1')))))).toMatch(/^bad-hash: handshake request: hash_c1 does not match/);
      const reply = rep.processRequest(req);
      expect(reasonOf(() => init.processReply(withProp(reply, 'c.perm', new Uint8Array(Buffer.from('all topics please')))))).toMatch(/^bad-hash: handshake reply: hash_c2 does not match/);
      // Without the optional hash_c2 the changed c.perm breaks the signature instead.
      const stripped = { ...reply, binaryProperties: reply.binaryProperties.filter((p) => p.name !== 'hash_c2') };
      expect(reasonOf(() => init.processReply(withProp(stripped, 'c.perm', new Uint8Array(Buffer.from('x')))))).toMatch(/^bad-signature/);
    });

    it('wrong challenges, a bad DH key, a foreign pdata and the wrong class are refused', () => {
      const a = participant(ec);
      const init = new HandshakeInitiator(a);
      const rep = new HandshakeReplier(participant(rsa));
      const reply = rep.processRequest(init.request());
      expect(reasonOf(() => init.processReply(withProp(reply, 'challenge1', randomBytes(32))))).toMatch(/^bad-challenge: handshake reply: challenge1 is not the one we sent/);
      expect(reasonOf(() => init.processReply(withProp(reply, 'challenge2', randomBytes(16))))).toMatch(/^bad-challenge: .*challenge2 is 16 bytes/);
      const bad = Uint8Array.from(prop(reply, 'dh2'));
      bad[40] ^= 0xff; // no longer on the curve
      expect(reasonOf(() => init.processReply(withProp({ ...reply, binaryProperties: reply.binaryProperties.filter((p) => p.name !== 'dh1') }, 'dh2', bad)))).toMatch(/^(bad-dh|bad-signature)/);
      const req2 = new HandshakeInitiator(a).request();
      expect(reasonOf(() => new HandshakeReplier(participant(rsa)).processRequest(withProp(req2, 'dh1', new Uint8Array(10))))).toMatch(/^bad-dh/);
      const foreign = withProp(req2, 'c.pdata', encodeParticipantPdata(randomBytes(12)));
      expect(reasonOf(() => new HandshakeReplier(participant(rsa)).processRequest(foreign))).toMatch(/^bad-pdata: handshake request: c\.pdata's participant GUID does not belong/);
      expect(reasonOf(() => new HandshakeReplier(participant(rsa)).processRequest({ ...req2, classId: 'DDS:Auth:PKI-DH:1.0+Reply' }))).toMatch(/^bad-token: handshake request: class_id/);
      expect(reasonOf(() => new HandshakeReplier(participant(rsa)).processRequest(withProp(req2, 'c.kagree_algo', new Uint8Array(Buffer.from('DH+WEAK')))))).toMatch(/^unsupported-algorithm/);
    });

    it('an announced future_challenge must be the one used', () => {
      const announced = authRequestToken();
      const fc = futureChallenge(wire(announced));
      const init = new HandshakeInitiator(participant(ec), { challenge: fc });
      expect(() => new HandshakeReplier(participant(rsa), { peerChallenge: fc }).processRequest(init.request())).not.toThrow();
      const other = new HandshakeInitiator(participant(ec));
      expect(reasonOf(() => new HandshakeReplier(participant(rsa), { peerChallenge: fc }).processRequest(other.request()))).toMatch(/^bad-challenge: handshake request: challenge1 is not the future_challenge/);
    });
  });
});
