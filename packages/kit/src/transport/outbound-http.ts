// The gateway's own outbound HTTP (federation peers, their event streams, trigger webhooks, a fleet replica's
// requests to robots), on node:http and node:https. Not fetch: Node's fetch is undici, whose HTTP parser is
// WebAssembly; compiling and tiering it up cost a federating gateway about 4 MB of code space and 10 MB of
// compiler memory kept by the malloc arenas (issue 32, docs/benchmarks.md "Fourth round").
import http from 'node:http';
import https from 'node:https';
import type { IncomingHttpHeaders, IncomingMessage } from 'node:http';
import { Readable } from 'node:stream';

/** TLS towards HTTPS servers (CA bundle, client certificate); an `https:` URL without one uses the system CAs. */
export type OutboundAgent = https.Agent;

export interface OutboundCall {
  method?: string;
  headers?: Record<string, string>;
  /** The whole body, or a stream piped as it comes (a forwarded request's body). */
  body?: Uint8Array | string | Readable;
  /** Aborts the call at any point, the response body included. Every caller passes a deadline. */
  signal: AbortSignal;
  agent?: OutboundAgent;
}

export interface OutboundAnswer {
  status: number;
  headers: IncomingHttpHeaders;
  /** The response body as it arrives; ends, or errors once the signal aborts. */
  body: IncomingMessage;
}

/** One header of an answer as a single string (a repeated header's values joined as fetch does). */
export function headerOf(a: OutboundAnswer, name: string): string | undefined {
  const v = a.headers[name.toLowerCase()];
  return Array.isArray(v) ? v.join(', ') : v;
}

/** An error of the call (refused, reset, DNS, TLS): `code` is Node's error code when there is one. */
export function callErrorDetail(err: unknown): string {
  const e = err as Error & { code?: string };
  return e.code ?? e.message;
}

/**
 * Sends a request and resolves with the response head; rejects when the server cannot be reached, the
 * request fails before the head, or the signal aborts. Redirects are not followed.
 */
export function outboundCall(url: string, o: OutboundCall): Promise<OutboundAnswer> {
  let target: URL;
  try {
    target = new URL(url);
  } catch {
    return Promise.reject(new TypeError(`not a URL: ${url.slice(0, 200)}`));
  }
  const secure = target.protocol === 'https:';
  if (!secure && target.protocol !== 'http:') return Promise.reject(new TypeError(`unsupported protocol ${target.protocol}`));
  return new Promise<OutboundAnswer>((resolve, reject) => {
    const req = (secure ? https : http).request(
      target,
      { method: o.method ?? 'GET', headers: o.headers, signal: o.signal, ...(secure && o.agent ? { agent: o.agent } : {}) },
      (res) => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: res }),
    );
    req.once('error', reject);
    const body = o.body;
    if (body instanceof Readable) {
      body.once('error', (err) => req.destroy(err));
      body.pipe(req);
    } else {
      req.end(body);
    }
  });
}

/** Reads a body up to `max` bytes; undefined when it is longer (the body is destroyed). */
export async function readCapped(body: Readable | undefined, max: number): Promise<Buffer | undefined> {
  if (!body) return Buffer.alloc(0);
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body as AsyncIterable<Buffer>) {
    size += chunk.byteLength;
    if (size > max) {
      body.destroy();
      return undefined;
    }
    chunks.push(chunk);
  }
  return Buffer.concat(chunks, size);
}

/** Reads and discards a body (so a kept-alive connection can be reused); never throws. */
export async function drain(body: Readable): Promise<void> {
  try {
    for await (const _ of body) void _;
  } catch {
    // The connection went away; nothing to reuse.
  }
}
