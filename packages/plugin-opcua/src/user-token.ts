// The user identity token the session is activated with (docs/opcua.md "Connection and security keys"):
// Anonymous, user name + password, or an X509 certificate whose private key signs the server's nonce.
// The X509 files are read and checked once at start-up (fail closed: a missing, unreadable, malformed or
// mismatched key disables the plugin with the key named), never again on reconnect.
import { X509Certificate, createPrivateKey, type KeyObject } from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';
import type { UserIdentityInfo } from 'node-opcua-client';
import type { OpcuaConfig, UserCertificate } from './config-model.js';

export type { UserCertificate } from './config-model.js';
import type { OpcuaLib } from './lib.js';

/** A certificate or key file larger than this is not one. */
const MAX_FILE_BYTES = 64 * 1024;

/** A refused X509 file: `key` is the configuration key to name. */
export class UserCertificateError extends Error {
  readonly code: string = 'opcua-user-certificate';
  constructor(
    readonly key: 'user_cert_path' | 'user_key_path',
    problem: string,
  ) {
    super(problem);
    this.name = 'UserCertificateError';
  }
}

async function readBounded(path: string, key: 'user_cert_path' | 'user_key_path'): Promise<Buffer> {
  try {
    const s = await stat(path);
    if (!s.isFile()) throw new UserCertificateError(key, `'${path}' is not a file`);
    if (s.size > MAX_FILE_BYTES) throw new UserCertificateError(key, `'${path}' is larger than ${MAX_FILE_BYTES} bytes`);
    return await readFile(path);
  } catch (err) {
    if (err instanceof UserCertificateError) throw err;
    throw new UserCertificateError(key, `cannot read '${path}': ${(err as NodeJS.ErrnoException).code ?? 'error'}`);
  }
}

/** Reads the X509 user certificate (PEM or DER) and its private key (PEM or DER) and checks they belong together. */
export async function loadUserCertificate(certPath: string, keyPath: string): Promise<UserCertificate> {
  const certBytes = await readBounded(certPath, 'user_cert_path');
  const keyBytes = await readBounded(keyPath, 'user_key_path');
  let cert: X509Certificate;
  try {
    cert = new X509Certificate(certBytes);
  } catch {
    throw new UserCertificateError('user_cert_path', `'${certPath}' is not an X509 certificate (PEM or DER)`);
  }
  let key: KeyObject;
  try {
    const pem = keyBytes.includes('-----BEGIN');
    key = pem ? createPrivateKey(keyBytes) : createPrivateKey({ key: keyBytes, format: 'der', type: 'pkcs8' });
  } catch {
    // The message of the crypto library may quote key material: say only what is wrong.
    throw new UserCertificateError('user_key_path', `'${keyPath}' is not an unencrypted private key (PEM or PKCS#8 DER)`);
  }
  if (key.asymmetricKeyType !== 'rsa') throw new UserCertificateError('user_key_path', `'${keyPath}' is a ${key.asymmetricKeyType ?? 'non-RSA'} key; OPC-UA user certificates use RSA`);
  if (!cert.checkPrivateKey(key)) throw new UserCertificateError('user_key_path', `'${keyPath}' is not the private key of ${certPath}`);
  return {
    certificateDer: cert.raw,
    privateKeyPem: key.export({ format: 'pem', type: 'pkcs8' }).toString(),
    subject: cert.subject.replace(/\n/g, ', '),
    fingerprint256: cert.fingerprint256,
  };
}

/** The token for ActivateSession. */
export function userIdentity(lib: OpcuaLib, cfg: OpcuaConfig): UserIdentityInfo {
  if (cfg.user_auth_mode === 'UsernamePassword') return { type: lib.UserTokenType.UserName, userName: cfg.username!, password: cfg.password! };
  if (cfg.user_auth_mode === 'X509' && cfg.x509) {
    return { type: lib.UserTokenType.Certificate, certificateData: cfg.x509.certificateDer, privateKey: cfg.x509.privateKeyPem };
  }
  return { type: lib.UserTokenType.Anonymous };
}
