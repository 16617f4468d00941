// TLS for the gateway's own outbound HTTPS (federation peers, a fleet replica's live requests to robots): a CA
// bundle the peer's certificate is verified against, and optionally a client certificate for peers that
// require mutual TLS. Without any file, Node's defaults apply (system CAs, no client certificate).
import { createPrivateKey, X509Certificate } from 'node:crypto';
import { Agent } from 'node:https';
import type { OutboundAgent } from './outbound-http.js';
import { readPem, TlsConfigError } from './tls-settings.js';
import type { KeySpec, StringSpec } from '../config/key-spec.js';
import type { ConfigReader } from '../config/reader.js';

/** The string keys of a key table. */
type StringKey<T> = { [K in keyof T & string]: T[K] extends StringSpec ? K : never }[keyof T & string];

/** The keys of `T` naming the three files, e.g. `aggregation.ca_file`, `aggregation.client_cert_file`, `aggregation.client_key_file`. */
export interface OutboundTlsKeys<T> {
  ca: StringKey<T>;
  cert: StringKey<T>;
  key: StringKey<T>;
}

/** The PEM contents for a TLS client. */
export interface OutboundTlsMaterial {
  ca?: Buffer;
  cert?: Buffer;
  key?: Buffer;
}

/**
 * Reads and checks the files the keys name (read at start-up, so a key that cannot be honoured stops it);
 * undefined when none is set. Throws TlsConfigError naming the key at fault.
 */
export function readOutboundTls<T extends Record<string, KeySpec>>(config: ConfigReader, table: T, keys: OutboundTlsKeys<T>): OutboundTlsMaterial | undefined {
  const file = (k: StringKey<T>) => String(config.read(table, k) ?? '').trim();
  const caFile = file(keys.ca);
  const certFile = file(keys.cert);
  const keyFile = file(keys.key);
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
export function outboundAgent<T extends Record<string, KeySpec>>(config: ConfigReader, table: T, keys: OutboundTlsKeys<T>): OutboundAgent | undefined {
  const material = readOutboundTls(config, table, keys);
  if (!material) return undefined;
  return new Agent({ ...material, keepAlive: true });
}
