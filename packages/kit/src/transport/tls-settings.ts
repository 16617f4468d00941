// Reads and checks the `server.tls.*` keys (docs/hardening.md) before anything listens: a key that is set
// but cannot be honoured (missing or unreadable file, a key that does not match its certificate, a CA file
// without TLS) stops start-up with an error naming the key, never a silent fall-back to cleartext.
import { readFileSync, statSync } from 'node:fs';
import { createPrivateKey, X509Certificate } from 'node:crypto';
import { createSecureContext, type SecureContextOptions } from 'node:tls';
import { ConfigError } from '../config/errors.js';
import { parseClientRoles, type ClientRoleRule } from './client-roles.js';

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

interface Reader {
  value<T = unknown>(key: string): T;
}

/** Reads `server.tls.*`; undefined when TLS is off (and nothing TLS-only is set). Throws TlsConfigError. */
export function readTlsSettings(config: Reader): TlsSettings | undefined {
  const enabled = config.value<boolean>('server.tls.enabled');
  const certFile = config.value<string>('server.tls.cert_file').trim();
  const keyFile = config.value<string>('server.tls.key_file').trim();
  const caFile = config.value<string>('server.tls.ca_file').trim();
  const requireClientCert = config.value<boolean>('server.tls.require_client_cert');
  const minVersion = config.value<string>('server.tls.min_version');
  const rolesRaw = config.value<string[]>('server.tls.client_roles');
  const problems: string[] = [];
  if (!enabled) {
    // Each of these only means something over TLS; set without it, the user believes in a protection that is not there.
    const setWithoutTls: [string, boolean][] = [
      ['server.tls.cert_file', certFile !== ''],
      ['server.tls.key_file', keyFile !== ''],
      ['server.tls.ca_file', caFile !== ''],
      ['server.tls.require_client_cert', requireClientCert],
      ['server.tls.min_version', minVersion !== '1.2'],
      ['server.tls.client_roles', rolesRaw.length > 0],
    ];
    for (const [key, set] of setWithoutTls) if (set) problems.push(`${key} is set but server.tls.enabled is false (set server.tls.enabled=true or remove ${key})`);
    if (problems.length > 0) throw new TlsConfigError(problems);
    return undefined;
  }
  if (certFile === '') problems.push('server.tls.cert_file is missing: server.tls.enabled needs a certificate (PEM)');
  if (keyFile === '') problems.push('server.tls.key_file is missing: server.tls.enabled needs the certificate\'s private key (PEM)');
  if (requireClientCert && caFile === '') problems.push('server.tls.require_client_cert needs server.tls.ca_file (the CA client certificates are verified against)');
  if (rolesRaw.length > 0 && caFile === '') problems.push('server.tls.client_roles needs server.tls.ca_file (only verified client certificates are an identity)');
  const roles = parseClientRoles(rolesRaw);
  problems.push(...roles.problems);
  if (problems.length > 0) throw new TlsConfigError(problems);
  const settings: TlsSettings = {
    certFile,
    keyFile,
    caFile,
    minVersion: minVersion === '1.3' ? 'TLSv1.3' : 'TLSv1.2',
    requireClientCert,
    clientRoles: roles.rules,
  };
  loadTlsMaterial(settings);
  return settings;
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
