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
  /** On events for the hub's muted listeners (peer-events.ts): what the merged view hides the fault under. */
  root_cause_code?: string;
}
