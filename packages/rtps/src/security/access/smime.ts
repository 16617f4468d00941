// Signed governance and permissions documents: S/MIME multipart/signed (RFC 8551 / RFC 1847) with a detached
// PKCS#7 (CMS SignedData) signature, as `openssl smime -sign -text` writes them and SROS2 uses them. The first
// MIME part, canonicalised to CRLF line ends, is what was signed; the signature must verify and chain to the
// permissions CA (DDS-Security 1.1 §9.4.1.1). CMS is parsed and verified by pkijs; only the MIME framing is
// read here. Bounded: the whole document is capped before anything is parsed.
import { X509Certificate } from 'node:crypto';
import { fromBER } from 'asn1js';
import { Certificate, ContentInfo, SignedData } from 'pkijs';
import { SecurityError } from '../errors.js';

export interface SmimeLimits {
  maxBytes: number;
}
export const SMIME_LIMITS: SmimeLimits = { maxBytes: 1024 * 1024 };

const SIGNED_DATA_OID = '1.2.840.113549.1.7.2';

export interface SignedDocument {
  /** The signed content (the XML), line ends as signed (CRLF). */
  content: string;
  /** Subject of the certificate that signed it. */
  signer: string;
}

interface Part {
  headers: Map<string, string>;
  body: string;
}

/** Splits a MIME entity into lower-cased headers (continuation lines unfolded) and body. */
function entity(text: string, what: string): Part {
  const m = /\r?\n\r?\n/.exec(text);
  if (!m) throw new SecurityError('bad-smime', `${what}: a MIME part has no header/body separator`);
  const headers = new Map<string, string>();
  for (const line of text.slice(0, m.index).replace(/\r?\n[ \t]+/g, ' ').split(/\r?\n/)) {
    const colon = line.indexOf(':');
    if (colon > 0) headers.set(line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim());
  }
  return { headers, body: text.slice(m.index + m[0].length) };
}

function param(header: string, name: string): string | undefined {
  const m = new RegExp(`(?:^|;)\\s*${name}\\s*=\\s*(?:"([^"]*)"|([^;\\s]+))`, 'i').exec(header);
  return m ? (m[1] ?? m[2]) : undefined;
}

/** Splits an S/MIME multipart/signed document into the signed bytes and the DER signature. */
export function splitSmime(text: string, what: string): { signed: Buffer; content: string; signature: Buffer } {
  const top = entity(text, what);
  const type = top.headers.get('content-type') ?? '';
  if (!/^multipart\/signed\b/i.test(type)) throw new SecurityError('bad-smime', `${what}: not S/MIME multipart/signed (Content-Type '${type.slice(0, 80)}')`);
  const protocol = param(type, 'protocol') ?? '';
  if (!/^application\/(x-)?pkcs7-signature$/i.test(protocol)) throw new SecurityError('bad-smime', `${what}: signature protocol '${protocol}' is not PKCS#7`);
  const boundary = param(type, 'boundary');
  if (!boundary || boundary.length > 200) throw new SecurityError('bad-smime', `${what}: multipart/signed without a usable boundary`);
  const delim = `--${boundary}`;
  const lines = top.body.split(/(?<=\n)/);
  const parts: string[] = [];
  let cur: string[] | undefined;
  let closed = false;
  for (const line of lines) {
    const bare = line.replace(/\r?\n$/, '').trimEnd();
    if (bare === delim || bare === `${delim}--`) {
      if (cur) parts.push(cur.join('').replace(/\r?\n$/, '')); // the line end before a delimiter belongs to it
      cur = [];
      if (bare !== delim) {
        closed = true;
        break;
      }
    } else cur?.push(line);
  }
  if (!closed || parts.length !== 2) throw new SecurityError('bad-smime', `${what}: expected 2 MIME parts closed by the boundary, found ${parts.length}${closed ? '' : ' (unclosed)'}`);
  const canonical = parts[0].replace(/\r?\n/g, '\r\n');
  const sig = entity(parts[1], what);
  const sigType = sig.headers.get('content-type') ?? '';
  if (!/^application\/(x-)?pkcs7-signature\b/i.test(sigType)) throw new SecurityError('bad-smime', `${what}: the second part is '${sigType.slice(0, 80)}', not a PKCS#7 signature`);
  if (!/^base64$/i.test(sig.headers.get('content-transfer-encoding') ?? '')) throw new SecurityError('bad-smime', `${what}: the signature part is not base64`);
  const b64 = sig.body.replace(/\s+/g, '');
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(b64)) throw new SecurityError('bad-smime', `${what}: the signature part is not valid base64`);
  return { signed: Buffer.from(canonical, 'utf8'), content: entity(canonical, what).body, signature: Buffer.from(b64, 'base64') };
}

function toArrayBuffer(b: Uint8Array): ArrayBuffer {
  return b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength) as ArrayBuffer;
}

/** pkijs Certificate of a PEM or DER certificate. */
function pkijsCertificate(cert: X509Certificate): Certificate {
  return Certificate.fromBER(toArrayBuffer(cert.raw));
}

/**
 * Verifies an S/MIME signed document against the permissions CA: the detached signature over the first part,
 * the signer certificate chaining to `ca`, all valid at `now`. Returns the signed content. Throws SecurityError
 * ('too-large' | 'bad-smime' | 'bad-signature' | 'untrusted').
 */
export async function verifySmime(document: string | Uint8Array, ca: X509Certificate, what: string, opts: { now?: Date; limits?: SmimeLimits } = {}): Promise<SignedDocument> {
  const limits = opts.limits ?? SMIME_LIMITS;
  const size = typeof document === 'string' ? Buffer.byteLength(document, 'utf8') : document.byteLength;
  if (size > limits.maxBytes) throw new SecurityError('too-large', `${what}: ${size} bytes, at most ${limits.maxBytes} accepted`);
  const text = typeof document === 'string' ? document : Buffer.from(document).toString('utf8');
  const { signed, content, signature } = splitSmime(text, what);

  const asn = fromBER(toArrayBuffer(signature));
  if (asn.offset === -1) throw new SecurityError('bad-smime', `${what}: the signature is not DER/BER`);
  let signedData: SignedData;
  try {
    const info = new ContentInfo({ schema: asn.result });
    if (info.contentType !== SIGNED_DATA_OID) throw new Error(`content type ${info.contentType}`);
    signedData = new SignedData({ schema: info.content });
  } catch (err) {
    throw new SecurityError('bad-smime', `${what}: the signature is not a PKCS#7 SignedData (${(err as Error).message})`);
  }
  if (signedData.signerInfos.length === 0) throw new SecurityError('bad-smime', `${what}: the signature holds no signer`);
  const now = opts.now ?? new Date();
  let result;
  try {
    result = await signedData.verify({ signer: 0, data: toArrayBuffer(signed), trustedCerts: [pkijsCertificate(ca)], checkChain: true, checkDate: now, extendedMode: true });
  } catch (err) {
    // pkijs reports a failed check by throwing its result object (message, code) in extended mode.
    const e = err as { message?: string; code?: number; signatureVerified?: boolean | null };
    const msg = e.message ?? String(err);
    const chain = /chain|trusted|issuer|certificate/i.test(msg) && e.signatureVerified !== false;
    throw new SecurityError(chain ? 'untrusted' : 'bad-signature', `${what}: ${chain ? 'not signed by the permissions CA' : 'signature does not verify'} (${msg})`);
  }
  if (!result.signatureVerified) throw new SecurityError('bad-signature', `${what}: signature does not verify`);
  const signer = result.signerCertificate;
  if (!signer) throw new SecurityError('untrusted', `${what}: signer certificate not found`);
  const signerCert = new X509Certificate(Buffer.from(signer.toSchema().toBER(false)));
  return { content, signer: signerCert.subject };
}
