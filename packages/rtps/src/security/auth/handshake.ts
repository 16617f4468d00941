// The PKI-DH handshake (DDS-Security 1.1 §9.3.2.5): three HandshakeMessageTokens on the stateless message
// endpoint.
//   request  (initiator):  c.id, c.perm, c.pdata, c.dsign_algo, c.kagree_algo, hash_c1, dh1, challenge1
//   reply    (replier):    c.id, c.perm, c.pdata, c.dsign_algo, c.kagree_algo, hash_c2, dh2, challenge1,
//                          challenge2, dh1, hash_c1, signature over [hash_c2, challenge2, dh2, challenge1, dh1, hash_c1]
//   final    (initiator):  hash_c1, hash_c2, dh1, dh2, challenge1, challenge2,
//                          signature over [hash_c1, challenge1, dh1, challenge2, dh2, hash_c2]
// hash_cN = SHA-256 of the big-endian CDR of the BinaryProperty sequence [c.id, c.perm, c.pdata, c.dsign_algo,
// c.kagree_algo]; a signature is over the big-endian CDR of the listed BinaryProperty sequence (names
// included). The optional properties (hash_c1 in a request, dh1/hash_c1/hash_c2 in a reply, ...) are sent
// and, when a peer sends them, must match. Both ends come out with the same SharedSecret: challenge1,
// challenge2 and SHA-256 of the DH / ECDH agreement. Pure functions of their inputs, no I/O: phase 2 puts
// the tokens into ParticipantStatelessMessages.
import { constants, createHash, randomBytes, sign, verify, type X509Certificate } from 'node:crypto';
import { binaryProperty, encodeBinaryProperties, propertyString, stringProperty, type BinaryProperty, type DataHolder } from '../data-holder.js';
import { SecurityError } from '../errors.js';
import { certAlgo, dsignAlgoOf, parseCertificate, verifyCertificate, adjustedGuidPrefix, type DsignAlgo, type Identity } from './identity.js';
import { checkPublicKey, KAGREE_ALGOS, newKeyAgreement, type KagreeAlgo, type KeyAgreement } from './key-agreement.js';
import { pdataGuidPrefix } from './pdata.js';
import { CHALLENGE_BYTES } from './tokens.js';

export const HANDSHAKE_REQUEST_CLASS = 'DDS:Auth:PKI-DH:1.0+Req';
export const HANDSHAKE_REPLY_CLASS = 'DDS:Auth:PKI-DH:1.0+Reply';
export const HANDSHAKE_FINAL_CLASS = 'DDS:Auth:PKI-DH:1.0+Final';

export interface LocalParticipant {
  identity: Identity;
  /** The signed permissions document (permissions.p7s text) sent as c.perm. */
  permissions: string;
  /** The local participant's serialized ParticipantBuiltinTopicData (c.pdata). */
  pdata: Uint8Array;
}

export interface SharedSecret {
  challenge1: Uint8Array;
  challenge2: Uint8Array;
  /** SHA-256 of the key agreement's result. */
  sharedSecret: Uint8Array;
}

export interface HandshakeResult {
  peerCert: X509Certificate;
  /** The peer's signed permissions document (c.perm), for the access control to verify. */
  peerPermissions: string;
  peerPdata: Uint8Array;
  secret: SharedSecret;
}

export interface HandshakeOptions {
  /** Key agreement the initiator proposes (default ECDH, as Cyclone DDS does). */
  kagree?: KagreeAlgo;
  /** Time for certificate validity (default now). */
  now?: Date;
  /** A challenge announced in our auth request token (future_challenge) to use as ours. */
  challenge?: Uint8Array;
  /** The challenge the peer announced in its auth request token: its first message must carry it. */
  peerChallenge?: Uint8Array;
  /** Check that c.pdata's GUID belongs to the certificate (default true). */
  checkPdata?: boolean;
}

const sha256 = (b: Uint8Array): Uint8Array => new Uint8Array(createHash('sha256').update(b).digest());
const equal = (a: Uint8Array | undefined, b: Uint8Array | undefined): boolean => !!a && !!b && a.length === b.length && Buffer.compare(Buffer.from(a), Buffer.from(b)) === 0;
const bin = (name: string, value: Uint8Array): BinaryProperty => ({ name, value });

function required(token: DataHolder, name: string, what: string, size?: number): Uint8Array {
  const v = binaryProperty(token, name);
  if (!v) throw new SecurityError('bad-token', `${what}: property ${name} is missing`);
  if (size !== undefined && v.length !== size) throw new SecurityError(name.startsWith('challenge') ? 'bad-challenge' : 'bad-token', `${what}: property ${name} is ${v.length} bytes, not ${size}`);
  return v;
}

/** hash_c1 / hash_c2 over the five c.* properties as sent. */
function credentialHash(props: BinaryProperty[]): Uint8Array {
  return sha256(encodeBinaryProperties(props));
}

function signProps(identity: Identity, props: BinaryProperty[]): Uint8Array {
  const data = encodeBinaryProperties(props);
  return identity.algo === 'RSA-2048'
    ? new Uint8Array(sign('sha256', data, { key: identity.key, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: constants.RSA_PSS_SALTLEN_DIGEST }))
    : new Uint8Array(sign('sha256', data, { key: identity.key, dsaEncoding: 'der' }));
}

function verifyProps(cert: X509Certificate, algo: DsignAlgo, props: BinaryProperty[], signature: Uint8Array, what: string): void {
  const data = encodeBinaryProperties(props);
  let ok = false;
  try {
    ok =
      algo === 'RSASSA-PSS-SHA256'
        ? verify('sha256', data, { key: cert.publicKey, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: constants.RSA_PSS_SALTLEN_AUTO }, signature)
        : verify('sha256', data, { key: cert.publicKey, dsaEncoding: 'der' }, signature);
  } catch {
    ok = false;
  }
  if (!ok) throw new SecurityError('bad-signature', `${what}: signature does not verify with the peer's certificate`);
}

/** The five credential properties of a request or reply we send. */
function credentials(local: LocalParticipant, kagree: KagreeAlgo): BinaryProperty[] {
  return [
    bin('c.id', new Uint8Array(Buffer.from(local.identity.certPem, 'utf8'))),
    stringProperty('c.perm', local.permissions),
    bin('c.pdata', local.pdata),
    stringProperty('c.dsign_algo', dsignAlgoOf(local.identity.algo)),
    stringProperty('c.kagree_algo', kagree),
  ];
}

interface PeerCredentials {
  cert: X509Certificate;
  dsign: DsignAlgo;
  kagree: KagreeAlgo;
  hash: Uint8Array;
  permissions: string;
  pdata: Uint8Array;
}

/** Reads and checks the c.* properties of a request or reply. */
function peerCredentials(token: DataHolder, trustedCa: X509Certificate, opts: HandshakeOptions, what: string): PeerCredentials {
  const cId = required(token, 'c.id', what);
  const cert = parseCertificate(cId, `${what}: c.id`);
  verifyCertificate(cert, trustedCa, opts.now ?? new Date(), `${what}: c.id`);
  const cPerm = required(token, 'c.perm', what);
  const cPdata = required(token, 'c.pdata', what);
  const cDsign = required(token, 'c.dsign_algo', what);
  const cKagree = required(token, 'c.kagree_algo', what);
  const dsign = propertyString(cDsign);
  if (dsign !== 'RSASSA-PSS-SHA256' && dsign !== 'ECDSA-SHA256') throw new SecurityError('unsupported-algorithm', `${what}: c.dsign_algo '${dsign.slice(0, 64)}' is not supported`);
  if (dsign !== dsignAlgoOf(certAlgo(cert, `${what}: c.id`))) throw new SecurityError('unsupported-algorithm', `${what}: c.dsign_algo '${dsign}' does not fit the certificate's key`);
  const kagree = propertyString(cKagree) as KagreeAlgo;
  if (!KAGREE_ALGOS.includes(kagree)) throw new SecurityError('unsupported-algorithm', `${what}: c.kagree_algo '${kagree.slice(0, 64)}' is not supported`);
  if (opts.checkPdata !== false) {
    const prefix = pdataGuidPrefix(cPdata);
    const expected = adjustedGuidPrefix(cert, prefix);
    if (!equal(prefix.subarray(0, 6), expected.subarray(0, 6))) throw new SecurityError('bad-pdata', `${what}: c.pdata's participant GUID does not belong to the certificate's subject`);
  }
  const hash = credentialHash([bin('c.id', cId), bin('c.perm', cPerm), bin('c.pdata', cPdata), bin('c.dsign_algo', cDsign), bin('c.kagree_algo', cKagree)]);
  return { cert, dsign, kagree, hash, permissions: propertyString(cPerm), pdata: cPdata };
}

function checkClass(token: DataHolder, expected: string, what: string): void {
  if (token.classId !== expected) throw new SecurityError('bad-token', `${what}: class_id '${token.classId.slice(0, 64)}', expected '${expected}'`);
}

/** An optional property that must match when present. */
function optionalMatches(token: DataHolder, name: string, expected: Uint8Array, what: string): void {
  const v = binaryProperty(token, name);
  if (v && !equal(v, expected)) throw new SecurityError(name.startsWith('hash') ? 'bad-hash' : name.startsWith('dh') ? 'bad-dh' : 'bad-challenge', `${what}: ${name} does not match`);
}

function newChallenge(given?: Uint8Array): Uint8Array {
  if (given && given.length !== CHALLENGE_BYTES) throw new SecurityError('bad-challenge', `a challenge must be ${CHALLENGE_BYTES} bytes`);
  return given ?? new Uint8Array(randomBytes(CHALLENGE_BYTES));
}

/** The initiating side: sends the request, checks the reply, sends the final message. */
export class HandshakeInitiator {
  private readonly kagree: KeyAgreement;
  private readonly challenge1: Uint8Array;
  private readonly hashC1: Uint8Array;
  private done = false;

  constructor(
    private readonly local: LocalParticipant,
    private readonly opts: HandshakeOptions = {},
  ) {
    this.kagree = newKeyAgreement(opts.kagree ?? 'ECDH+prime256v1-CEUM');
    this.challenge1 = newChallenge(opts.challenge);
    this.hashC1 = credentialHash(credentials(local, this.kagree.algo));
  }

  request(): DataHolder {
    return {
      classId: HANDSHAKE_REQUEST_CLASS,
      properties: [],
      binaryProperties: [...credentials(this.local, this.kagree.algo), bin('hash_c1', this.hashC1), bin('dh1', this.kagree.publicKey), bin('challenge1', this.challenge1)],
    };
  }

  /** Checks the reply; returns the final message to send and the result. Throws SecurityError with the reason. */
  processReply(reply: DataHolder): { final: DataHolder; result: HandshakeResult } {
    const what = 'handshake reply';
    if (this.done) throw new SecurityError('bad-token', `${what}: this handshake is already complete`);
    checkClass(reply, HANDSHAKE_REPLY_CLASS, what);
    const peer = peerCredentials(reply, this.local.identity.ca, this.opts, what);
    if (peer.kagree !== this.kagree.algo) throw new SecurityError('unsupported-algorithm', `${what}: c.kagree_algo '${peer.kagree}' is not the '${this.kagree.algo}' we proposed`);
    const dh2 = required(reply, 'dh2', what);
    checkPublicKey(peer.kagree, dh2);
    const challenge1 = required(reply, 'challenge1', what, CHALLENGE_BYTES);
    if (!equal(challenge1, this.challenge1)) throw new SecurityError('bad-challenge', `${what}: challenge1 is not the one we sent`);
    const challenge2 = required(reply, 'challenge2', what, CHALLENGE_BYTES);
    if (this.opts.peerChallenge && !equal(challenge2, this.opts.peerChallenge)) throw new SecurityError('bad-challenge', `${what}: challenge2 is not the future_challenge the peer announced`);
    optionalMatches(reply, 'dh1', this.kagree.publicKey, what);
    optionalMatches(reply, 'hash_c1', this.hashC1, what);
    optionalMatches(reply, 'hash_c2', peer.hash, what);
    const signature = required(reply, 'signature', what);
    const dh1 = this.kagree.publicKey;
    verifyProps(peer.cert, peer.dsign, [bin('hash_c2', peer.hash), bin('challenge2', challenge2), bin('dh2', dh2), bin('challenge1', challenge1), bin('dh1', dh1), bin('hash_c1', this.hashC1)], signature, what);
    const sharedSecret = this.kagree.sharedSecret(dh2);
    const finalSig = signProps(this.local.identity, [bin('hash_c1', this.hashC1), bin('challenge1', challenge1), bin('dh1', dh1), bin('challenge2', challenge2), bin('dh2', dh2), bin('hash_c2', peer.hash)]);
    this.done = true;
    return {
      final: {
        classId: HANDSHAKE_FINAL_CLASS,
        properties: [],
        binaryProperties: [bin('hash_c1', this.hashC1), bin('hash_c2', peer.hash), bin('dh1', dh1), bin('dh2', dh2), bin('challenge1', challenge1), bin('challenge2', challenge2), bin('signature', finalSig)],
      },
      result: { peerCert: peer.cert, peerPermissions: peer.permissions, peerPdata: peer.pdata, secret: { challenge1, challenge2, sharedSecret } },
    };
  }
}

/** The replying side: checks the request and answers it, then checks the final message. */
export class HandshakeReplier {
  private state?: { peer: PeerCredentials; kagree: KeyAgreement; dh1: Uint8Array; dh2: Uint8Array; challenge1: Uint8Array; challenge2: Uint8Array; hashC1: Uint8Array; hashC2: Uint8Array };
  private done = false;

  constructor(
    private readonly local: LocalParticipant,
    private readonly opts: HandshakeOptions = {},
  ) {}

  processRequest(request: DataHolder): DataHolder {
    const what = 'handshake request';
    if (this.state) throw new SecurityError('bad-token', `${what}: a request was already answered`);
    checkClass(request, HANDSHAKE_REQUEST_CLASS, what);
    const peer = peerCredentials(request, this.local.identity.ca, this.opts, what);
    const dh1 = required(request, 'dh1', what);
    checkPublicKey(peer.kagree, dh1);
    const challenge1 = required(request, 'challenge1', what, CHALLENGE_BYTES);
    if (this.opts.peerChallenge && !equal(challenge1, this.opts.peerChallenge)) throw new SecurityError('bad-challenge', `${what}: challenge1 is not the future_challenge the peer announced`);
    optionalMatches(request, 'hash_c1', peer.hash, what);
    const kagree = newKeyAgreement(peer.kagree);
    const challenge2 = newChallenge(this.opts.challenge);
    const creds = credentials(this.local, peer.kagree);
    const hashC2 = credentialHash(creds);
    const dh2 = kagree.publicKey;
    const signature = signProps(this.local.identity, [bin('hash_c2', hashC2), bin('challenge2', challenge2), bin('dh2', dh2), bin('challenge1', challenge1), bin('dh1', dh1), bin('hash_c1', peer.hash)]);
    this.state = { peer, kagree, dh1, dh2, challenge1, challenge2, hashC1: peer.hash, hashC2 };
    return {
      classId: HANDSHAKE_REPLY_CLASS,
      properties: [],
      binaryProperties: [...creds, bin('hash_c2', hashC2), bin('dh2', dh2), bin('challenge1', challenge1), bin('challenge2', challenge2), bin('dh1', dh1), bin('hash_c1', peer.hash), bin('signature', signature)],
    };
  }

  processFinal(final: DataHolder): HandshakeResult {
    const what = 'handshake final';
    const s = this.state;
    if (!s || this.done) throw new SecurityError('bad-token', `${what}: ${s ? 'the handshake is already complete' : 'no request was answered'}`);
    checkClass(final, HANDSHAKE_FINAL_CLASS, what);
    const challenge1 = required(final, 'challenge1', what, CHALLENGE_BYTES);
    const challenge2 = required(final, 'challenge2', what, CHALLENGE_BYTES);
    if (!equal(challenge1, s.challenge1)) throw new SecurityError('bad-challenge', `${what}: challenge1 is not the initiator's`);
    if (!equal(challenge2, s.challenge2)) throw new SecurityError('bad-challenge', `${what}: challenge2 is not the one we sent`);
    optionalMatches(final, 'dh1', s.dh1, what);
    optionalMatches(final, 'dh2', s.dh2, what);
    optionalMatches(final, 'hash_c1', s.hashC1, what);
    optionalMatches(final, 'hash_c2', s.hashC2, what);
    const signature = required(final, 'signature', what);
    verifyProps(s.peer.cert, s.peer.dsign, [bin('hash_c1', s.hashC1), bin('challenge1', s.challenge1), bin('dh1', s.dh1), bin('challenge2', s.challenge2), bin('dh2', s.dh2), bin('hash_c2', s.hashC2)], signature, what);
    const sharedSecret = s.kagree.sharedSecret(s.dh1);
    this.done = true;
    return { peerCert: s.peer.cert, peerPermissions: s.peer.permissions, peerPdata: s.peer.pdata, secret: { challenge1: s.challenge1, challenge2: s.challenge2, sharedSecret } };
  }
}
