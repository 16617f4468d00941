// Reads and checks the `server.tls.*` keys (docs/hardening.md) before anything listens: a key that is set
// but cannot be honoured (missing or unreadable file, a key that does not match its certificate, a CA file
// without TLS) stops start-up with an error naming the key, never a silent fall-back to cleartext.
import { loadTlsMaterial, parseClientRoles, TlsConfigError, type TlsSettings } from '@medkit/kit';
import type { ServerConfig } from '../config/load.js';

/** Reads `server.tls.*`; undefined when TLS is off (and nothing TLS-only is set). Throws TlsConfigError. */
export function readTlsSettings(config: ServerConfig): TlsSettings | undefined {
  const enabled = config.get('server.tls.enabled');
  const certFile = config.get('server.tls.cert_file').trim();
  const keyFile = config.get('server.tls.key_file').trim();
  const caFile = config.get('server.tls.ca_file').trim();
  const requireClientCert = config.get('server.tls.require_client_cert');
  const minVersion = config.get('server.tls.min_version');
  const rolesRaw = config.get('server.tls.client_roles');
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

