// Forwards one request to another medkit server (a federation peer, a fleet robot; docs/aggregation.md): same
// method, query and body, the path re-addressed, X-Client-Id always and Authorization only when configured.
// Buffered answers are capped at 10 MB; event streams are piped until either side goes away.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Readable } from 'node:stream';
import { callErrorDetail, headerOf, outboundCall, readCapped, type OutboundAgent } from '@medkit/kit';

/** Largest response body a forwarded request passes on (a federation peer's, a robot's). */
export const MAX_FORWARD_RESPONSE_BYTES = 10 * 1024 * 1024;

/** Percent-decodes one path segment; undefined for malformed encoding (never throws on client or peer input). */
export function decodeSegment(segment: string): string | undefined {
  try {
    return decodeURIComponent(segment);
  } catch {
    return undefined;
  }
}

/** Request headers passed to the peer. */
const FORWARDED_REQUEST_HEADERS = ['content-type', 'accept', 'last-event-id', 'x-medkit-no-fan-out'];
/** Response headers copied back (hop-by-hop headers are not; no Accept-Encoding is sent, so bodies come unencoded). */
const COPIED_RESPONSE_HEADERS = [
  'content-type',
  'location',
  'content-location',
  'content-disposition',
  'cache-control',
  'retry-after',
  'etag',
  'last-modified',
  'www-authenticate',
  'x-medkit-local-only',
];

export interface ForwardTarget {
  peer: string;
  /** Peer base URL. */
  baseUrl: string;
  /** Path under the peer, starting with `/api/v1/`, with query. */
  path: string;
  /** Rewrites `Location` values from the peer's id space to ours. */
  rewriteLocation?: (location: string) => string;
}

export type ForwardOutcome =
  | { kind: 'buffered'; status: number; headers: Record<string, string>; body: Buffer }
  | { kind: 'stream'; status: number; headers: Record<string, string>; body: Readable; abort: () => void }
  | { kind: 'failed'; reason: 'unreachable' | 'timeout' | 'too_large'; detail: string };

export interface ForwardOptions {
  timeoutMs: number;
  forwardAuth: boolean;
  /** This gateway's own credential for the peer (aggregation.peer_auth_header), sent when the caller's is not. */
  credential?: string;
  maxBytes?: number;
  /** Sent as X-Client-Id: the caller's identity as this gateway established it (the token subject when auth is on). */
  clientId?: string;
  /** TLS towards the peer (CA, client certificate). */
  agent?: OutboundAgent;
}

/** True when the request carries a body to pass on. */
export function hasRequestBody(req: IncomingMessage): boolean {
  return req.headers['transfer-encoding'] !== undefined || Number(req.headers['content-length'] ?? 0) > 0;
}

/** True when `rest` (the part after the entity id) tries to climb out of the entity's path. */
export function escapesPath(rest: string): boolean {
  return rest.split('/').some((seg) => {
    const d = decodeSegment(seg);
    if (d === undefined) return true;
    return d === '.' || d === '..' || d.includes('/..') || d.includes('\\');
  });
}

/**
 * Sends `req` to the peer. The deadline covers connecting and the response head (and the whole body when
 * buffered); an event stream is handed back unbuffered with the deadline lifted.
 */
export async function forwardRequest(req: IncomingMessage, res: ServerResponse, target: ForwardTarget, o: ForwardOptions): Promise<ForwardOutcome> {
  if (!target.path.startsWith('/api/v1/')) return { kind: 'failed', reason: 'unreachable', detail: 'only /api/v1/ paths are forwarded' };
  const headers: Record<string, string> = {};
  for (const h of FORWARDED_REQUEST_HEADERS) {
    const v = req.headers[h];
    if (typeof v === 'string') headers[h] = v;
  }
  if (o.clientId !== undefined) headers['x-client-id'] = o.clientId;
  if (o.forwardAuth && typeof req.headers.authorization === 'string') headers.authorization = req.headers.authorization;
  else if (o.credential) headers.authorization = o.credential;
  const ac = new AbortController();
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    ac.abort();
  }, o.timeoutMs);
  // The response's close (not the request's, which fires once the body is read) tells that the client left.
  const onClientGone = () => ac.abort();
  res.once('close', onClientGone);
  const body = hasRequestBody(req) && req.method !== 'GET' && req.method !== 'HEAD' ? req : undefined;
  const cleanup = () => {
    clearTimeout(timer);
    res.off('close', onClientGone);
  };
  try {
    // The caller's body is piped as it arrives (a forwarded upload is not buffered here).
    if (body && typeof req.headers['content-length'] === 'string') headers['content-length'] = req.headers['content-length'];
    const answer = await outboundCall(`${target.baseUrl}${target.path}`, { method: req.method, headers, body, signal: ac.signal, agent: o.agent });
    const out: Record<string, string> = {};
    for (const h of COPIED_RESPONSE_HEADERS) {
      const v = headerOf(answer, h);
      // Content-Location names the item a download by another name served (a fault's newest recording): a path on
      // the peer, rewritten like Location.
      if (v !== undefined) out[h] = (h === 'location' || h === 'content-location') && target.rewriteLocation ? target.rewriteLocation(v) : v;
    }
    if ((headerOf(answer, 'content-type') ?? '').startsWith('text/event-stream')) {
      clearTimeout(timer);
      return { kind: 'stream', status: answer.status, headers: out, body: answer.body, abort: () => { cleanup(); ac.abort(); } };
    }
    const buf = await readCapped(answer.body, o.maxBytes ?? MAX_FORWARD_RESPONSE_BYTES);
    cleanup();
    if (!buf) return { kind: 'failed', reason: 'too_large', detail: `peer response larger than ${o.maxBytes ?? MAX_FORWARD_RESPONSE_BYTES} bytes` };
    return { kind: 'buffered', status: answer.status, headers: out, body: buf };
  } catch (err) {
    cleanup();
    if (timedOut) return { kind: 'failed', reason: 'timeout', detail: `peer did not answer within ${o.timeoutMs} ms` };
    return { kind: 'failed', reason: 'unreachable', detail: callErrorDetail(err) };
  }
}
