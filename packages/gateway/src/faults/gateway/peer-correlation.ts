// Correlation over federation (docs/faults.md "Correlation over federation"): the fault events this gateway relays
// from its aggregation peers take part in its correlation rules like its own reports. A peer's root cause (the
// safety island's PROTECTIVE_STOP) mutes this gateway's symptoms within the rule's window, and this gateway's root
// cause mutes a peer's symptoms in the merged list. A peer's cleared root clears the local symptoms it muted (with
// `auto_clear_with_root`); a peer that goes offline releases what its roots muted. Whenever correlation changes what it
// hides, the hub tells the peer faults it hides or shows otherwise than before (their last item, without waiting for
// the peer's next event).
import type { FaultManager, TimerHandle } from '@medkit/faults';
import { relayedFault, type RelayedFaultEvent } from './relayed-event.js';

/** Correlation changes come in bursts (a fault storm): the kept peer faults are looked at again at most this often. */
const REVISIT_EVERY_MS = 100;

/** What this needs of the aggregation feature's peer fault event hub (the seam; wired in faults/feature.ts). */
export interface PeerFaultFeed {
  subscribe(listener: (e: RelayedFaultEvent) => void): () => void;
  onPeerGone(listener: (peer: string) => void): () => void;
  /** Set here: what a peer's fault is left out of merged lists under (root cause, representative), if it is. */
  hiddenUnder: (code: string) => string | undefined;
  /** Called here when correlation changed what it hides. */
  revisit(nowMs: number): void;
}

/** The peer fault's reporting sources (for rules that name an entity); bounded, as a peer may send anything. */
const sourcesOf = (fault: Record<string, unknown>): string[] =>
  Array.isArray(fault.reporting_sources) ? fault.reporting_sources.slice(0, 64).filter((s): s is string => typeof s === 'string') : [];

/** Subscribes `manager` to the peers' fault events; returns the function that stops it. */
export function correlatePeerFaults(hub: PeerFaultFeed, manager: FaultManager): () => void {
  const offEvents = hub.subscribe((e) => {
    const relayed = relayedFault(e);
    if (!relayed) return;
    const { fault, code } = relayed;
    // A confirmation, or an update of a confirmed fault (a new occurrence: what a local FAILED report of a confirmed
    // fault is to correlation).
    if (e.event === 'fault_confirmed' || (e.event === 'fault_updated' && fault.status === 'CONFIRMED')) manager.correlatePeerFault(code, Number(fault.severity), e.peer, sourcesOf(fault));
    // `fault_cleared` also announces a heal (status HEALED): only an explicit clear clears what the root muted, as
    // locally.
    else if (e.event === 'fault_cleared' && fault.status === 'CLEARED') manager.peerFaultCleared(code);
  });
  const offGone = hub.onPeerGone((peer) => manager.releasePeerGateway(peer));
  const clock = manager.clock;
  let lastRevisit = -Infinity;
  let pending: TimerHandle | undefined;
  const revisit = () => {
    pending = undefined;
    lastRevisit = clock.monoMs();
    hub.revisit(Number(clock.wallNs() / 1_000_000n));
  };
  const offChange = manager.correlation?.onChange(() => {
    if (pending !== undefined) return;
    const wait = lastRevisit + REVISIT_EVERY_MS - clock.monoMs();
    if (wait <= 0) revisit();
    else pending = clock.setTimeout(revisit, wait);
  });
  hub.hiddenUnder = (code) => manager.correlation?.hiddenUnder(code);
  return () => {
    offEvents();
    offGone();
    offChange?.();
    clock.clear(pending);
    hub.hiddenUnder = () => undefined;
  };
}
