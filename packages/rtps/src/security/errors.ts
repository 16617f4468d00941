// One error type for everything DDS-Security refuses: a document, a certificate, a token or a handshake
// message. `reason` is a stable code a caller (or a test) can branch on; the message names the file or the
// property and says why in words.

export type SecurityReason =
  | 'unreadable' // a file cannot be read
  | 'not-pem' // a file holds no PEM certificate / key
  | 'bad-key' // a private key that cannot be used (wrong type, size or curve)
  | 'key-mismatch' // the private key is not the certificate's
  | 'untrusted' // a certificate not issued by the expected CA
  | 'expired' // a certificate or grant past its validity
  | 'not-yet-valid' // a certificate or grant before its validity
  | 'bad-smime' // an S/MIME document that is not multipart/signed with a detached PKCS#7 signature
  | 'bad-signature' // a signature that does not verify (document or handshake)
  | 'bad-xml' // malformed or unexpected XML
  | 'too-large' // a document, token or field above its cap
  | 'bad-token' // a token or message that does not decode or lacks what it must hold
  | 'bad-hash' // hash_c1 / hash_c2 that does not match the certificate data sent
  | 'bad-challenge' // a challenge that does not match the one sent or announced
  | 'bad-dh' // a DH / ECDH public key that is not valid for the agreed group
  | 'unsupported-algorithm' // a signature or key agreement algorithm we do not speak
  | 'bad-pdata' // c.pdata does not belong to the certificate's participant
  | 'no-grant'; // permissions hold no grant for the certificate's subject

export class SecurityError extends Error {
  override name = 'SecurityError';
  readonly code: string = 'dds-security-refused';
  constructor(
    readonly reason: SecurityReason,
    message: string,
    /** The file the error is about, when there is one. */
    readonly file?: string,
  ) {
    super(message);
  }
}

/** An error as one line for a status or a counter's last error: a SecurityError with its reason code first. */
export const reasonOf = (err: unknown): string => (err instanceof SecurityError ? `${err.reason}: ${err.message}` : err instanceof Error ? err.message : String(err));
