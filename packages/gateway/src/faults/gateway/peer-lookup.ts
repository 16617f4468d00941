// The seam through which the robot-wide fault reads (`GET /faults/{code}`, `…/snapshots`, `…/incident`) reach faults that
// peer gateways hold. The faults feature defines and optionally consumes it; the aggregation feature provides
// it when federation is on. Neither side imports the other: the faults side knows the documents, the
// provider knows the peers, their deadlines and their id spaces.
import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http';
import { token, type Token } from '@medkit/server';

/** Who asks: forwarded the way entity forwarding forwards it (the provider decides what goes to peers). */
interface PeerFaultCaller {
  /** The caller's identity as this gateway established it (sent as X-Client-Id). */
  clientId?: string;
  /** The request's headers (Authorization is passed on only when the provider is configured to). */
  headers: IncomingHttpHeaders;
}

/** The answering peer, and how to turn its API paths into this gateway's. */
export interface PeerFaultSource {
  /** This gateway's name for the peer. */
  peer: string;
  /**
   * A path of the peer's API (`/api/v1/apps/<its id>/…`) re-addressed to this gateway's id of that entity;
   * returned unchanged when this gateway does not route that entity to the peer.
   */
  localPath(path: string): string;
}

export interface PeerFaultQuery<T> {
  /** Path under the API base, query included: `/faults/<code>` or `/faults/<code>/snapshots?topic=…`. */
  path: string;
  caller: PeerFaultCaller;
  /** Turns a peer's 200 JSON body into the answer, or undefined when it is not the expected document. */
  adopt(body: unknown, source: PeerFaultSource): T | undefined;
}

export type PeerFaultResult<T> =
  | { found: true; peer: string; value: T }
  /** `failedPeers`: peers that could not say (offline, unreachable, too slow, too large, wrong document), sorted. */
  | { found: false; failedPeers: string[] };

/** Asks the peer gateways for a fault this gateway does not hold. */
export interface PeerFaultLookup {
  /**
   * Asks the online peers in parallel, each within the provider's deadline, and settles with the first
   * adopted 200; otherwise (every peer said 404 or failed) `found: false`. Never rejects.
   */
  find<T>(q: PeerFaultQuery<T>): Promise<PeerFaultResult<T>>;
  /**
   * Passes the caller's request on to `peer` (a name {@link find} answered with) at `path` (under the API base) and
   * gives the peer's answer as it came, as an entity forward does: for answers that are no JSON document (an
   * incident file). A peer offline, too slow or failing throws the forward's 504 or 502.
   */
  forward(peer: string, path: string, call: PeerForwardCall): Promise<PeerAnswer>;
}

/** The client's call to pass on: its request, its response (whose close tells that it left), its identity. */
export interface PeerForwardCall {
  request: IncomingMessage;
  response: ServerResponse;
  clientId?: string;
}

/** A peer's answer as it came: its status, the headers a forward passes back, its body. */
export interface PeerAnswer {
  status: number;
  headers: Record<string, string>;
  body: Buffer;
}

/** Service the aggregation feature publishes when federation is on. */
export const PEER_FAULT_LOOKUP_SERVICE: Token<PeerFaultLookup> = token('faults.peer-lookup');
