// Loads and validates an SROS2 enclave: all six files present and readable, the identity certificate and key
// (RSA-2048 or P-256, matching, chaining to the identity CA, in date), governance.p7s and permissions.p7s
// signed by the permissions CA, both documents well-formed, and a grant in the permissions for this identity's
// subject. Every failure is a KeystoreError naming the file and the reason. This module loads pkijs (through
// @medkit/rtps/security): import it only when security is on.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { X509Certificate } from 'node:crypto';
import {
  AccessControl,
  loadIdentity,
  parseGovernance,
  parsePermissions,
  SecurityError,
  verifySmime,
  type Governance,
  type Identity,
  type Permissions,
  type SecurityReason,
} from '@medkit/rtps/security';
import { ENCLAVE_FILES, enclaveDir, enclaveProblem } from './settings.js';

/** Largest enclave file read (certificates are ~1–2 KiB; permissions documents tens of KiB). */
const MAX_FILE_BYTES = 1024 * 1024;

export class KeystoreError extends Error {
  readonly code: string = 'sros2-keystore-invalid';
  override name = 'KeystoreError';
  constructor(
    message: string,
    /** The file the error is about (absolute), when there is one. */
    readonly file: string | undefined,
    readonly reason: SecurityReason | 'missing' | 'not-configured',
  ) {
    super(message);
  }
}

export interface LoadedEnclave {
  /** The enclave path, e.g. `/medkit/gateway`. */
  enclave: string;
  dir: string;
  identity: Identity;
  permissionsCa: X509Certificate;
  governance: Governance;
  permissions: Permissions;
  /** permissions.p7s as read (what c.perm carries in a handshake). */
  permissionsDocument: string;
  /** The identity certificate's subject (Node's one-attribute-per-line form). */
  subject: string;
  access: AccessControl;
}

function read(dir: string, name: string): string {
  const file = join(dir, name);
  let buf: Buffer;
  try {
    buf = readFileSync(file);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new KeystoreError(`${file} cannot be read: ${code ?? (err as Error).message}`, file, code === 'ENOENT' ? 'missing' : 'unreadable');
  }
  if (buf.length > MAX_FILE_BYTES) throw new KeystoreError(`${file} is larger than ${MAX_FILE_BYTES} bytes`, file, 'too-large');
  return buf.toString('utf8');
}

/** Re-throws a SecurityError about `file` as a KeystoreError naming it. */
async function about<T>(file: string, fn: () => T | Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    if (err instanceof SecurityError) throw new KeystoreError(`${file}: ${err.message.replace(/^[\w.]+: /, '')}`, file, err.reason);
    throw err;
  }
}

/** Loads the enclave `enclave` of `keystore`; throws KeystoreError. */
export async function loadEnclave(settings: { keystore: string; enclave: string }, opts: { now?: Date } = {}): Promise<LoadedEnclave> {
  if (!settings.keystore) throw new KeystoreError('no keystore is configured (ros.security.keystore / ROS_SECURITY_KEYSTORE)', undefined, 'not-configured');
  const problem = enclaveProblem(settings.enclave);
  if (problem) throw new KeystoreError(problem, undefined, 'not-configured');
  const dir = enclaveDir(settings.keystore, settings.enclave);
  const f = ENCLAVE_FILES;
  // Read all six first, so a missing file is reported before anything is parsed.
  const text = {
    cert: read(dir, f.cert),
    key: read(dir, f.key),
    identityCa: read(dir, f.identityCa),
    permissionsCa: read(dir, f.permissionsCa),
    governance: read(dir, f.governance),
    permissions: read(dir, f.permissions),
  };
  const now = opts.now ?? new Date();
  const path = (name: string) => join(dir, name);
  let identity: Identity;
  try {
    identity = loadIdentity({ cert: text.cert, key: text.key, ca: text.identityCa, now, names: { cert: path(f.cert), key: path(f.key), ca: path(f.identityCa) } });
  } catch (err) {
    if (err instanceof SecurityError) {
      const file = [f.key, f.identityCa, f.cert].map(path).find((p) => err.message.startsWith(p)) ?? path(f.cert);
      throw new KeystoreError(err.message, file, err.reason);
    }
    throw err;
  }
  const permissionsCa = await about(path(f.permissionsCa), () => {
    try {
      return new X509Certificate(text.permissionsCa);
    } catch (err) {
      throw new SecurityError('not-pem', `x: not an X.509 certificate (${(err as Error).message})`);
    }
  });
  const gov = await about(path(f.governance), () => verifySmime(text.governance, permissionsCa, f.governance, { now }));
  const perm = await about(path(f.permissions), () => verifySmime(text.permissions, permissionsCa, f.permissions, { now }));
  const governance = await about(path(f.governance), () => parseGovernance(gov.content, f.governance));
  const permissions = await about(path(f.permissions), () => parsePermissions(perm.content, f.permissions));
  const access = new AccessControl(governance, permissions);
  const subject = identity.cert.subject;
  const grant = access.grantFor(subject);
  if (!grant) throw new KeystoreError(`${path(f.permissions)}: no grant for this enclave's subject '${subject.replace(/\n/g, ',')}'`, path(f.permissions), 'no-grant');
  if (now > grant.notAfter) throw new KeystoreError(`${path(f.permissions)}: the grant '${grant.name}' expired ${grant.notAfter.toISOString()}`, path(f.permissions), 'expired');
  if (now < grant.notBefore) throw new KeystoreError(`${path(f.permissions)}: the grant '${grant.name}' is not valid before ${grant.notBefore.toISOString()}`, path(f.permissions), 'not-yet-valid');
  return { enclave: settings.enclave, dir, identity, permissionsCa, governance, permissions, permissionsDocument: text.permissions, subject, access };
}
