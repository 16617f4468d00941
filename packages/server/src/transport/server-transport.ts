// What the HTTP server needs from the transport configuration, read once at start-up: HTTPS options (with
// client certificates asked for when a CA is configured and required when `require_client_cert`), the
// client-certificate identity reader, and the Host allow-list.
import type { ServerOptions as HttpsServerOptions } from 'node:https';
import { buildHostAllowList, type HostAllowList } from './allowed-hosts.js';
import { certificateIdentityReader, type CertificateIdentity } from '@medkit/kit';
import { keyFileWarning, loadTlsMaterial, secureContextOptions, type TlsSettings } from '@medkit/kit';
import { readTlsSettings } from './tls-settings.js';
import type { ServerConfig } from '../config/load.js';
import type { Socket } from 'node:net';

export interface ServerTransport {
  scheme: 'http' | 'https';
  tls?: TlsSettings;
  https?: HttpsServerOptions;
  certificates?: (socket: Socket) => CertificateIdentity | undefined;
  allowedHosts: HostAllowList;
  /** Start-up warnings (e.g. a group-readable key file). */
  warnings: string[];
}

/** Reads and checks the transport keys; throws TlsConfigError when a set key cannot be honoured. */
export function readServerTransport(config: ServerConfig): ServerTransport {
  const tls = readTlsSettings(config);
  const allowedHosts = buildHostAllowList(config.get('server.allowed_hosts'), config.get('server.host'));
  if (!tls) return { scheme: 'http', allowedHosts, warnings: [] };
  const material = loadTlsMaterial(tls);
  const https: HttpsServerOptions = {
    ...secureContextOptions(tls, material),
    // With a CA, a client certificate is asked for; verified ones are an identity. Required only when configured.
    requestCert: tls.caFile !== '',
    rejectUnauthorized: tls.requireClientCert,
  };
  const warning = keyFileWarning(tls);
  return {
    scheme: 'https',
    tls,
    https,
    ...(tls.caFile ? { certificates: certificateIdentityReader(tls.clientRoles) } : {}),
    allowedHosts,
    warnings: warning ? [warning] : [],
  };
}
