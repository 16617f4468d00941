// TLS for the gateway's own outbound HTTPS (federation peers, a fleet replica's live requests to robots): a CA
// bundle the peer's certificate is verified against, and optionally a client certificate for peers that
// require mutual TLS. Without any file, fetch's defaults apply (system CAs, no client certificate).
import { readFileSync } from 'node:fs';
import { createPrivateKey, X509Certificate } from 'node:crypto';
import { Agent, type Dispatcher } from 'undici';
import { TlsConfigError } from './tls-settings.js';

/** The three files under one key prefix, e.g. `aggregation.ca_file`, `aggregation.client_cert_file`, `aggregation.client_key_file`. */
export interface OutboundTlsKeys {
  caFile: string;
  certFile: string;
  keyFile: string;
}

function read(key: string, file: string, problems: string[]): Buffer | undefined {
  try {
    return readFileSync(file);
  } catch (err) {
    problems.push(`${key} '${file}' cannot be read: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
    return undefined;
  }
}

/**
 * A fetch dispatcher that verifies peers against `<prefix>.ca_file` and presents the client certificate;
 * undefined when no file is configured. Throws TlsConfigError naming the key that cannot be honoured.
 */
export function outboundDispatcher(prefix: string, files: OutboundTlsKeys): Dispatcher | undefined {
  const caFile = files.caFile.trim();
  const certFile = files.certFile.trim();
  const keyFile = files.keyFile.trim();
  if (!caFile && !certFile && !keyFile) return undefined;
  const problems: string[] = [];
  if ((certFile === '') !== (keyFile === '')) problems.push(`${prefix}.client_cert_file and ${prefix}.client_key_file go together (one is missing)`);
  const ca = caFile ? read(`${prefix}.ca_file`, caFile, problems) : undefined;
  const cert = certFile ? read(`${prefix}.client_cert_file`, certFile, problems) : undefined;
  const key = keyFile ? read(`${prefix}.client_key_file`, keyFile, problems) : undefined;
  if (ca && !ca.toString('latin1').includes('-----BEGIN CERTIFICATE-----')) problems.push(`${prefix}.ca_file '${caFile}' holds no PEM certificate`);
  if (cert && key && problems.length === 0) {
    try {
      if (!new X509Certificate(cert).checkPrivateKey(createPrivateKey(key))) problems.push(`${prefix}.client_key_file does not match ${prefix}.client_cert_file`);
    } catch (err) {
      problems.push(`${prefix}.client_cert_file / client_key_file are not a PEM certificate and key: ${(err as Error).message}`);
    }
  }
  if (problems.length > 0) throw new TlsConfigError(problems);
  return new Agent({ connect: { ...(ca ? { ca } : {}), ...(cert && key ? { cert, key } : {}) } });
}
