// TLS for the gateway's own outbound HTTPS (federation peers, a fleet replica's live requests to robots): a CA
// bundle the peer's certificate is verified against, and optionally a client certificate for peers that
// require mutual TLS. Without any file, Node's defaults apply (system CAs, no client certificate).
import { createPrivateKey, X509Certificate } from 'node:crypto';
import { Agent } from 'node:https';
import type { OutboundAgent } from './outbound-http.js';
import { readPem, TlsConfigError } from './tls-settings.js';

/** The configuration keys naming the three files, e.g. `aggregation.ca_file`, `aggregation.client_cert_file`, `aggregation.client_key_file`. */
export interface OutboundTlsKeys {
  ca: string;
  cert: string;
  key: string;
}

/** The PEM contents for a TLS client. */
export interface OutboundTlsMaterial {
  ca?: Buffer;
  cert?: Buffer;
  key?: Buffer;
}

interface Reader {
  value<T = unknown>(key: string): T;
}

/**
 * Reads and checks the files the keys name (read at start-up, so a key that cannot be honoured stops it);
 * undefined when none is set. Throws TlsConfigError naming the key at fault.
 */
export function readOutboundTls(config: Reader, keys: OutboundTlsKeys): OutboundTlsMaterial | undefined {
  const caFile = (config.value<string>(keys.ca) ?? '').trim();
  const certFile = (config.value<string>(keys.cert) ?? '').trim();
  const keyFile = (config.value<string>(keys.key) ?? '').trim();
  if (!caFile && !certFile && !keyFile) return undefined;
  const problems: string[] = [];
  if ((certFile === '') !== (keyFile === '')) problems.push(`${keys.cert} and ${keys.key} go together (one is missing)`);
  const ca = caFile ? readPem(keys.ca, caFile, problems) : undefined;
  const cert = certFile ? readPem(keys.cert, certFile, problems) : undefined;
  const key = keyFile ? readPem(keys.key, keyFile, problems) : undefined;
  if (ca && !ca.toString('latin1').includes('-----BEGIN CERTIFICATE-----')) problems.push(`${keys.ca} '${caFile}' holds no PEM certificate`);
  if (cert && key && problems.length === 0) {
    try {
      if (!new X509Certificate(cert).checkPrivateKey(createPrivateKey(key))) problems.push(`${keys.key} does not match ${keys.cert}`);
    } catch (err) {
      problems.push(`${keys.cert} / ${keys.key} are not a PEM certificate and key: ${(err as Error).message}`);
    }
  }
  if (problems.length > 0) throw new TlsConfigError(problems);
  return { ...(ca ? { ca } : {}), ...(cert && key ? { cert, key } : {}) };
}

/** An HTTPS agent verifying servers against the CA and presenting the client certificate; undefined when no file is set. */
export function outboundAgent(config: Reader, keys: OutboundTlsKeys): OutboundAgent | undefined {
  const material = readOutboundTls(config, keys);
  if (!material) return undefined;
  return new Agent({ ...material, keepAlive: true });
}
