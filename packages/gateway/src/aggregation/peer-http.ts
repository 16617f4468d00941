// HTTP to peer gateways: every call has a deadline and a response size cap (docs/aggregation.md), and
// failures come back as values, never as exceptions, so callers can count them per peer.
import { callErrorDetail, outboundCall, readCapped, type OutboundAgent } from '@medkit/kit';
import { MAX_FORWARD_RESPONSE_BYTES } from '@medkit/server';

/** Largest peer response body read into memory (docs/aggregation.md). */
export const MAX_PEER_RESPONSE_BYTES = MAX_FORWARD_RESPONSE_BYTES;

/** Sent on every request a gateway makes on behalf of a fan-out or a fetch: the peer answers locally only. */
export const NO_FAN_OUT_HEADER = 'x-medkit-no-fan-out';

/** Headers of a peer call made for a client: its identity (the token subject when auth is on), its token only when `forwardAuth`. */
export function callerHeaders(clientId: string | undefined, authorization: unknown, forwardAuth: boolean): Record<string, string> {
  const h: Record<string, string> = {};
  if (clientId !== undefined) h['x-client-id'] = clientId;
  if (forwardAuth && typeof authorization === 'string') h.authorization = authorization;
  return h;
}

type PeerFailure = 'unreachable' | 'timeout' | 'too_large' | 'bad_json';

type PeerJsonResult = { ok: true; status: number; body: unknown } | { ok: false; failure: PeerFailure; detail: string };

interface PeerRequest {
  method?: string;
  headers?: Record<string, string>;
  body?: Uint8Array;
  timeoutMs: number;
  maxBytes?: number;
  /** Aborts together with the deadline (e.g. the client went away). */
  signal?: AbortSignal;
  /** TLS towards peers (CA, client certificate); the system CAs when absent. */
  agent?: OutboundAgent;
}

function describe(err: unknown, signal: AbortSignal): { failure: PeerFailure; detail: string } {
  if (signal.aborted && signal.reason instanceof DOMException && signal.reason.code === DOMException.TIMEOUT_ERR) return { failure: 'timeout', detail: 'peer did not answer in time' };
  return { failure: 'unreachable', detail: callErrorDetail(err) };
}

/** Sends a request and reads the whole body (capped) within the deadline, giving raw bytes. */
async function peerRequest(url: string, r: PeerRequest): Promise<{ ok: true; status: number; body: Buffer } | { ok: false; failure: PeerFailure; detail: string }> {
  // The deadline joined with the caller's signal; a timeout is told by its TimeoutError reason (describe).
  const timeout = AbortSignal.timeout(r.timeoutMs);
  const signal = r.signal ? AbortSignal.any([timeout, r.signal]) : timeout;
  try {
    const res = await outboundCall(url, { method: r.method, headers: r.headers, body: r.body, signal, agent: r.agent });
    const body = await readCapped(res.body, r.maxBytes ?? MAX_PEER_RESPONSE_BYTES);
    if (!body) return { ok: false, failure: 'too_large', detail: `response larger than ${r.maxBytes ?? MAX_PEER_RESPONSE_BYTES} bytes` };
    return { ok: true, status: res.status, body };
  } catch (err) {
    return { ok: false, ...describe(err, signal) };
  }
}

/** GET (or other method) expecting JSON. A non-JSON body on a 2xx is `bad_json`; error statuses parse leniently. */
export async function peerJson(url: string, r: PeerRequest): Promise<PeerJsonResult> {
  const res = await peerRequest(url, { ...r, headers: { accept: 'application/json', ...r.headers } });
  if (!res.ok) return res;
  const text = res.body.toString('utf8');
  try {
    return { ok: true, status: res.status, body: text.length > 0 ? JSON.parse(text) : undefined };
  } catch (err) {
    if (res.status >= 200 && res.status < 300) return { ok: false, failure: 'bad_json', detail: (err as Error).message };
    return { ok: true, status: res.status, body: undefined };
  }
}
