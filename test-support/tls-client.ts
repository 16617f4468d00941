// An HTTPS client for transport tests: one request on a fresh connection (no agent reuse), so each call is
// its own TLS handshake with exactly the given client certificate and protocol versions.
import { request } from 'node:https';
import { readFileSync } from 'node:fs';
import type { SecureVersion, TLSSocket } from 'node:tls';

export interface TlsCall {
  /** CA file the server certificate is verified against. */
  ca: string;
  cert?: string;
  key?: string;
  maxVersion?: SecureVersion;
  method?: string;
  headers?: Record<string, string>;
}

export interface TlsAnswer {
  status: number;
  body: string;
  json: () => Record<string, unknown>;
  /** CN of the certificate the server presented. */
  serverCn: string;
}

/** Resolves with the answer; rejects on any TLS or connection failure (a refused handshake). */
export function tlsRequest(url: string, c: TlsCall): Promise<TlsAnswer> {
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      {
        method: c.method ?? 'GET',
        headers: c.headers,
        ca: readFileSync(c.ca),
        ...(c.cert ? { cert: readFileSync(c.cert), key: readFileSync(c.key!) } : {}),
        ...(c.maxVersion ? { maxVersion: c.maxVersion } : {}),
        agent: false,
        timeout: 10_000,
      },
      (res) => {
        const serverCn = String((res.socket as TLSSocket).getPeerCertificate().subject?.CN ?? '');
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (d) => (body += d));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body, json: () => JSON.parse(body), serverCn }));
        res.on('error', reject);
      },
    );
    req.on('timeout', () => req.destroy(new Error('timed out')));
    req.on('error', reject);
    req.end();
  });
}
