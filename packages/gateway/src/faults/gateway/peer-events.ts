// Peer fault events relayed into this gateway (docs/aggregation.md): the faults feature's contract, which the
// aggregation feature provides (so faults need not know aggregation). The stream timeline
// (faults/http/stream-timeline.ts) subscribes at start: each event gets this gateway's next /faults/stream id,
// from the same sequence and replay buffer as local events.
import { token, type Token } from '@medkit/server';
import { PeerFaultCopies } from './peer-fault-copies.js';
import { relayedFault, type RelayedFaultEvent } from './relayed-event.js';

export type { RelayedFaultEvent };

/** Where relayed events go. The faults feature may implement this directly instead of subscribing. */
export interface FaultEventSink {
  publishPeerEvent(e: RelayedFaultEvent): void;
}

export type RelayedFaultListener = (e: RelayedFaultEvent) => void;

/** Service name under which the aggregation feature publishes its {@link PeerFaultEventHub}. */
export const PEER_FAULT_EVENTS_SERVICE: Token<PeerFaultEventHub> = token('aggregation.fault-events');

/** Fan-in point for relayed events; synchronous delivery, a throwing listener does not affect others. */
export class PeerFaultEventHub implements FaultEventSink {
  private readonly listeners = new Set<RelayedFaultListener>();
  private readonly mergedListeners = new Set<RelayedFaultListener>();
  private readonly mutedListeners = new Set<RelayedFaultListener>();
  private readonly goneListeners = new Set<(peer: string) => void>();
  /**
   * What a peer's fault is hidden from merged lists under, if it is (a symptom's root cause, a cluster's
   * representative: this gateway's correlation); the faults feature sets it (docs/faults.md "Correlation over
   * federation").
   */
  hiddenUnder: (code: string) => string | undefined = () => undefined;
  /** Peers whose events come in now (online), to tell when one goes away. */
  private readonly online = new Set<string>();
  /** Each peer fault's last item and the view it was told to, to tell a change of visibility without its event. */
  private readonly copies = new PeerFaultCopies();

  constructor(private readonly onListenerError: (err: Error) => void = () => {}) {}

  /**
   * Every listener first (correlation among them, which may mute the event's fault), then, unless the event's
   * fault is {@link hiddenInMerge} by then, the merged-view listeners: the merged stream agrees with the merged list.
   * An event of a hidden fault goes to the {@link subscribeMuted} listeners instead.
   */
  publishPeerEvent(e: RelayedFaultEvent): void {
    this.deliver(this.listeners, e);
    const code = relayedFault(e)?.code;
    const root = code === undefined ? undefined : this.hiddenUnder(code);
    this.copies.note(e, root !== undefined);
    if (root === undefined) this.deliver(this.mergedListeners, e);
    else this.deliver(this.mutedListeners, { ...e, root_cause_code: root });
  }

  /** Whether a peer's fault is left out of the merged views (the merged list's rule). */
  hiddenInMerge(code: string): boolean {
    return this.hiddenUnder(code) !== undefined;
  }

  /**
   * Correlation changed what it hides: each kept peer fault now hidden or shown otherwise than last told goes to the
   * muted or the merged listeners as a `fault_updated` with its last item (docs/faults.md "Muted symptoms on the
   * stream"), so the merged stream agrees with the merged list without waiting for the peer's next event.
   */
  revisit(nowMs: number = Date.now()): void {
    for (const c of this.copies.changes(this.hiddenUnder, nowMs)) this.deliver(c.hidden ? this.mutedListeners : this.mergedListeners, c.event);
  }

  /** Calls each listener with `x`; one that throws is reported and does not stop the others. */
  private deliver<T>(listeners: ReadonlySet<(x: T) => void>, x: T): void {
    for (const l of listeners) {
      try {
        l(x);
      } catch (err) {
        this.onListenerError(err as Error);
      }
    }
  }

  /**
   * The peers online now; a peer that was online and is no more is told to the {@link onPeerGone} listeners (its
   * faults stop coming in: whatever this gateway derived from them, correlation muting, is released).
   */
  setOnline(peers: Iterable<string>): void {
    const now = new Set(peers);
    for (const p of this.online) {
      if (now.has(p)) continue;
      this.online.delete(p);
      this.copies.forget(p);
      this.deliver(this.goneListeners, p);
    }
    for (const p of now) this.online.add(p);
  }

  /** Adds a listener for peers that went offline; returns the function that removes it. */
  onPeerGone(listener: (peer: string) => void): () => void {
    this.goneListeners.add(listener);
    return () => {
      this.goneListeners.delete(listener);
    };
  }

  /** Adds a listener; returns the function that removes it. */
  subscribe(listener: RelayedFaultListener): () => void {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  }

  /**
   * Adds a listener for the merged view (this gateway's /faults/stream): it gets the events whose fault the merged
   * `GET /faults` shows, after every {@link subscribe} listener saw the event. Returns the function that removes it.
   */
  subscribeMerged(listener: RelayedFaultListener): () => void {
    this.mergedListeners.add(listener);
    return () => {
      this.mergedListeners.delete(listener);
    };
  }

  /**
   * Adds a listener for the events the merged view leaves out (a peer symptom this gateway's correlation muted), for
   * the merged stream's `fault_muted`. Returns the function that removes it.
   */
  subscribeMuted(listener: RelayedFaultListener): () => void {
    this.mutedListeners.add(listener);
    return () => {
      this.mutedListeners.delete(listener);
    };
  }

  get subscriberCount(): number {
    return this.listeners.size + this.mergedListeners.size + this.mutedListeners.size;
  }
}
