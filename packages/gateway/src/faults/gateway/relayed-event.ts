// The shape of a fault event relayed from an aggregation peer (docs/aggregation.md), apart from the hub that carries
// it, so the hub's helpers can name it without importing the hub.

/** One fault event received from a peer's /faults/stream. */
export interface RelayedFaultEvent {
  /** This gateway's name for the peer. */
  peer: string;
  /** SSE event name: `fault_confirmed` | `fault_updated` | `fault_cleared` (or whatever the peer sent). */
  event: string;
  /**
   * The peer's event body (docs/faults.md) with `x-medkit.gateway` = peer name and `x-medkit.via` = instance ids
   * of the gateways it passed through (loop guard: a gateway drops events that already went through it).
   */
  data: Record<string, unknown>;
  /** The id the peer gave the event (for diagnostics; local ids are the stream's own). */
  peer_event_id?: string;
  /** The length of the peer's `data` text, when the relay knows it: what keeping the event costs, without serialising it again. */
  data_length?: number;
  /** On events for the hub's muted listeners (peer-events.ts): what the merged view hides the fault under. */
  root_cause_code?: string;
}

/** A JSON object (not null, not an array): what a peer's body must be before a field of it is read. */
export const isJsonObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The fault item a relayed event carries and its code, if it carries one with a code (a peer may send anything). */
export function relayedFault(e: RelayedFaultEvent): { fault: Record<string, unknown>; code: string } | undefined {
  const fault = e.data.fault;
  return isJsonObject(fault) && typeof fault.fault_code === 'string' ? { fault, code: fault.fault_code } : undefined;
}
