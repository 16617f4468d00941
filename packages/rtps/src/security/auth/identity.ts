// The local identity of PKI-DH (DDS-Security 1.1 §9.3.1): an X.509 identity certificate and its private key,
// issued by the identity CA, RSA-2048 or ECDSA P-256, valid now. Certificates received in a handshake are
// checked the same way (chain to the identity CA, dates). Node's crypto does the X.509 work.
import { createHash, createPrivateKey, X509Certificate, type KeyObject } from 'node:crypto';
import { Certificate } from 'pkijs';
import { SecurityError } from '../errors.js';

export type CertAlgo = 'RSA-2048' | 'EC-prime256v1';
export type DsignAlgo = 'RSASSA-PSS-SHA256' | 'ECDSA-SHA256';

export interface Identity {
  cert: X509Certificate;
  /** The certificate as PEM text (what c.id carries). */
  certPem: string;
  key: KeyObject;
  ca: X509Certificate;
  algo: CertAlgo;
}

/** The key algorithm of a certificate, as the IdentityToken names it; anything else is refused. */
export function certAlgo(cert: X509Certificate, what = 'certificate'): CertAlgo {
  const k = cert.publicKey;
  const d = k.asymmetricKeyDetails ?? {};
  if (k.asymmetricKeyType === 'rsa' && d.modulusLength === 2048) return 'RSA-2048';
  if (k.asymmetricKeyType === 'ec' && d.namedCurve === 'prime256v1') return 'EC-prime256v1';
  const desc = k.asymmetricKeyType === 'rsa' ? `RSA-${d.modulusLength}` : `${k.asymmetricKeyType}${d.namedCurve ? ` ${d.namedCurve}` : ''}`;
  throw new SecurityError('unsupported-algorithm', `${what}: key ${desc} is neither RSA-2048 nor EC prime256v1`);
}

export const dsignAlgoOf = (algo: CertAlgo): DsignAlgo => (algo === 'RSA-2048' ? 'RSASSA-PSS-SHA256' : 'ECDSA-SHA256');

/** Parses one PEM (or DER) certificate; throws SecurityError('not-pem'). */
export function parseCertificate(data: string | Uint8Array, what: string): X509Certificate {
  try {
    return new X509Certificate(typeof data === 'string' ? data : Buffer.from(data));
  } catch (err) {
    throw new SecurityError('not-pem', `${what}: not an X.509 certificate (${(err as Error).message})`);
  }
}

/** Dates of a certificate against `now`. */
function checkDates(cert: X509Certificate, now: Date, what: string): void {
  if (now < new Date(cert.validFrom)) throw new SecurityError('not-yet-valid', `${what}: not valid before ${new Date(cert.validFrom).toISOString()}`);
  if (now > new Date(cert.validTo)) throw new SecurityError('expired', `${what}: expired ${new Date(cert.validTo).toISOString()}`);
}

/** `cert` must be issued and signed by `ca`, and both valid at `now`. */
export function verifyCertificate(cert: X509Certificate, ca: X509Certificate, now: Date, what: string): void {
  if (!cert.checkIssued(ca) || !cert.verify(ca.publicKey)) throw new SecurityError('untrusted', `${what}: not issued by the identity CA '${ca.subject.replace(/\n/g, ',')}'`);
  checkDates(ca, now, `${what}: its CA`);
  checkDates(cert, now, what);
}

/** Loads and checks the local identity: certificate, key (matching, RSA-2048 or P-256), chain to the CA, dates. */
export function loadIdentity(input: { cert: string; key: string; ca: string; password?: string; now?: Date; names?: { cert?: string; key?: string; ca?: string } }): Identity {
  const n = { cert: 'cert.pem', key: 'key.pem', ca: 'identity_ca.cert.pem', ...input.names };
  const now = input.now ?? new Date();
  const ca = parseCertificate(input.ca, n.ca);
  const cert = parseCertificate(input.cert, n.cert);
  let key: KeyObject;
  try {
    key = createPrivateKey({ key: input.key, format: 'pem', passphrase: input.password });
  } catch (err) {
    throw new SecurityError('bad-key', `${n.key}: not a usable private key (${(err as Error).message})`);
  }
  const algo = certAlgo(cert, n.cert);
  if (!cert.checkPrivateKey(key)) throw new SecurityError('key-mismatch', `${n.key}: not the private key of ${n.cert}`);
  verifyCertificate(cert, ca, now, n.cert);
  return { cert, certPem: cert.toString(), key, ca, algo };
}

/** The DER of a certificate's subject Name, as encoded in the certificate. */
export function subjectDer(cert: X509Certificate): Uint8Array {
  const raw = cert.raw;
  const parsed = Certificate.fromBER(raw.buffer.slice(raw.byteOffset, raw.byteOffset + raw.byteLength) as ArrayBuffer);
  return new Uint8Array(parsed.subject.valueBeforeDecode);
}

/**
 * The participant GUID prefix DDS-Security binds to an identity (packages/rtps/README.md): bit 0 set, 47 bits of SHA-256 of the
 * certificate subject (DER), then 48 bits of SHA-256 of the candidate prefix. Peers check that the GUID in c.pdata
 * starts with the first 6 bytes of this.
 */
export function adjustedGuidPrefix(cert: X509Certificate, candidate: Uint8Array): Uint8Array {
  const high = createHash('sha256').update(subjectDer(cert)).digest();
  const low = createHash('sha256').update(candidate).digest();
  const out = new Uint8Array(12);
  let carry = 0x80;
  for (let i = 0; i < 6; i++) {
    out[i] = carry | (high[i] >> 1);
    carry = (high[i] << 7) & 0xff;
  }
  out.set(low.subarray(0, 6), 6);
  return out;
}
