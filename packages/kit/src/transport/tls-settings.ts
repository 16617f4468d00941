// A server's TLS material: the checked settings (read from `server.tls.*` by @medkit/server), the files they
// name loaded and checked before anything listens (docs/hardening.md): a file that cannot be honoured (missing,
// unreadable, a key that does not match its certificate) stops start-up with an error naming the key.
import { readFileSync, statSync } from 'node:fs';
import { createPrivateKey, X509Certificate } from 'node:crypto';
import { createSecureContext, type SecureContextOptions } from 'node:tls';
import { ConfigError } from '../config/errors.js';
import type { ClientRoleRule } from './client-roles.js';

/** The `server.tls.*` configuration stopped start-up; the message names every key at fault. */
export class TlsConfigError extends ConfigError {
  override readonly code: string = 'tls-config-invalid';
  constructor(problems: string[]) {
    super(problems.length === 1 ? problems[0] : `TLS configuration cannot be honoured:\n  ${problems.join('\n  ')}`);
    this.name = 'TlsConfigError';
  }
}

/** Checked TLS settings of the HTTP server. */
export interface TlsSettings {
  certFile: string;
  keyFile: string;
  /** CA bundle for client certificates; empty = no client certificates asked for. */
  caFile: string;
  minVersion: 'TLSv1.2' | 'TLSv1.3';
  requireClientCert: boolean;
  clientRoles: ClientRoleRule[];
}

/** The PEM files of one load (start-up or reload). */
export interface TlsMaterial {
  cert: Buffer;
  key: Buffer;
  ca?: Buffer;
}

/** Reads the file a key names; a failure is added to `problems` with the key, path and reason. */
export function readPem(key: string, file: string, problems: string[]): Buffer | undefined {
  try {
    return readFileSync(file);
  } catch (err) {
    problems.push(`${key} '${file}' cannot be read: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
    return undefined;
  }
}

/**
 * Reads the files and checks that they make a working server context (a certificate, its matching key, a
 * parsable CA bundle). Used at start-up and on every reload. Throws TlsConfigError naming the key at fault.
 */
export function loadTlsMaterial(s: TlsSettings): TlsMaterial {
  const problems: string[] = [];
  const cert = readPem('server.tls.cert_file', s.certFile, problems);
  const key = readPem('server.tls.key_file', s.keyFile, problems);
  const ca = s.caFile ? readPem('server.tls.ca_file', s.caFile, problems) : undefined;
  if (problems.length > 0) throw new TlsConfigError(problems);
  let x509: X509Certificate | undefined;
  try {
    x509 = new X509Certificate(cert!);
  } catch (err) {
    problems.push(`server.tls.cert_file '${s.certFile}' is not a PEM certificate: ${(err as Error).message}`);
  }
  let privateKey;
  try {
    privateKey = createPrivateKey(key!);
  } catch (err) {
    problems.push(`server.tls.key_file '${s.keyFile}' is not a PEM private key: ${(err as Error).message}`);
  }
  if (x509 && privateKey && !x509.checkPrivateKey(privateKey)) {
    problems.push(`server.tls.key_file '${s.keyFile}' does not match the certificate in server.tls.cert_file '${s.certFile}'`);
  }
  if (ca && !ca.toString('latin1').includes('-----BEGIN CERTIFICATE-----')) problems.push(`server.tls.ca_file '${s.caFile}' holds no PEM certificate`);
  if (problems.length > 0) throw new TlsConfigError(problems);
  const material: TlsMaterial = { cert: cert!, key: key!, ...(ca ? { ca } : {}) };
  try {
    createSecureContext(secureContextOptions(s, material));
  } catch (err) {
    throw new TlsConfigError([`server.tls files cannot make a TLS context: ${(err as Error).message}`]);
  }
  return material;
}

/** The secure-context part of the server options (what a reload replaces). */
export function secureContextOptions(s: TlsSettings, m: TlsMaterial): SecureContextOptions {
  return { cert: m.cert, key: m.key, ...(m.ca ? { ca: m.ca } : {}), minVersion: s.minVersion };
}

/** A warning when the private key is readable by group or others (spec: keep it mode 600). */
export function keyFileWarning(s: TlsSettings): string | undefined {
  try {
    const mode = statSync(s.keyFile).mode & 0o077;
    return mode !== 0 ? `server.tls.key_file '${s.keyFile}' is readable by group or others (mode ${(statSync(s.keyFile).mode & 0o777).toString(8)}); chmod 600 it` : undefined;
  } catch {
    return undefined;
  }
}
