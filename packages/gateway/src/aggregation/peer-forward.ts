// One client request passed on to a peer gateway (docs/aggregation.md): the entity forwards of routes.ts and the
// robot-wide fault reads answered by the peer that holds the fault (an incident file) share the budget, the
// caller's identity, the peer's credential, and how a failing peer is told: 504 too slow, 502 otherwise.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { forwardRequest, hasRequestBody, type ForwardOutcome } from '@medkit/server';
import { SovdError } from '@medkit/sovd';
import type { PeerState } from './peers.js';
import type { AggregationService } from './service.js';

/** A forward's deadline: the forward budget, plus the write budget when a body is sent. */
function forwardBudget(svc: AggregationService, request: IncomingMessage): number {
  return svc.settings.forwardTimeoutMs + (hasRequestBody(request) ? svc.settings.writeTimeoutMs : 0);
}

/** The client's request and its response (whose close tells that the client left), and who it is to this gateway. */
export interface ForwardedCall {
  request: IncomingMessage;
  response: ServerResponse;
  clientId?: string;
}

interface PeerForward {
  peer: PeerState;
  /** Path under the peer, starting with `/api/v1/`, query included. */
  path: string;
  /** What the error names besides the peer (`entity_id`, `fault_code`). */
  subject: Record<string, string>;
  rewriteLocation?: (location: string) => string;
}

/** Forwards `request` to the peer; the peer's answer (buffered, or an event stream), or the SOVD error of a failure. */
export async function forwardToPeer(svc: AggregationService, call: ForwardedCall, to: PeerForward): Promise<Exclude<ForwardOutcome, { kind: 'failed' }>> {
  const s = svc.settings;
  const peer = to.peer.name;
  const timeoutMs = forwardBudget(svc, call.request);
  const out = await forwardRequest(
    call.request,
    call.response,
    { peer, baseUrl: to.peer.url, path: to.path, rewriteLocation: to.rewriteLocation },
    {
      // The reference's 0.7.0: a forward waits for the peer doing the work (its own budget), not for a listing's.
      timeoutMs,
      forwardAuth: s.forwardAuth,
      credential: svc.registry.credentialOf(peer).authorization,
      clientId: call.clientId,
      agent: s.agent,
    },
  );
  if (out.kind !== 'failed') return out;
  if (out.reason !== 'too_large') svc.suspect(peer);
  // The reference's 0.7.0: a peer that did not answer in the budget is 504, not 502 (it may be serving).
  if (out.reason === 'timeout') {
    throw new SovdError('not-responding', `Peer '${peer}' did not answer within ${timeoutMs} ms (aggregation.forward_timeout_ms)`, { ...to.subject, peer, details: out.detail });
  }
  throw new SovdError('x-medkit-peer-unavailable', `Peer '${peer}' is unavailable: ${out.detail}`, { ...to.subject, peer, details: out.detail });
}
