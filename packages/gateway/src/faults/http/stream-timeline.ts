// The sequence `/faults/stream` clients see (docs/faults.md, docs/aggregation.md "one timeline"): this gateway's
// fault events and the events relayed from its peers, numbered by ONE id sequence and kept in one replay
// buffer, so a `Last-Event-ID` reconnect gets exactly the missed events of both kinds.
import type { RelayedFaultEvent } from '../gateway/peer-events.js';
import { formatSseEvent } from '@medkit/kit';
import type { FaultEvent, FaultEventStream } from '@medkit/faults';
import { FAULT_MUTED_EVENT, faultMutedSseData, faultSseMessage, type EntityRef } from '@medkit/faults';
import { ReplayRing, type ReplayResult } from '@medkit/faults';

/** One event of the stream. */
export interface TimelineEntry {
  readonly id: number;
  /** SSE event name: `fault_confirmed` | `fault_updated` | `fault_cleared` | `fault_muted`. */
  readonly event: string;
  /** The peer's name for relayed events; absent for this gateway's own. */
  readonly peer?: string;
  /** The complete SSE frame (`event:`, `id:`, `data:`), built on first use and shared by every client. */
  frame(): Buffer;
}

class Entry implements TimelineEntry {
  private bytes?: Buffer;

  constructor(readonly id: number, readonly event: string, private data: (() => string) | undefined, readonly peer?: string) {}

  frame(): Buffer {
    if (!this.bytes) {
      this.bytes = Buffer.from(formatSseEvent({ id: this.id, event: this.event, data: this.data!() }));
      this.data = undefined;
    }
    return this.bytes;
  }
}

/** Where relayed peer events come from (the aggregation feature's PeerFaultEventHub). */
interface PeerEventSource {
  /** The events of faults the merged `GET /faults` shows (a symptom correlation muted is left out of both). */
  subscribeMerged(listener: (e: RelayedFaultEvent) => void): () => void;
  /** The events of the faults left out (muted symptoms): the stream sends them as `fault_muted`. */
  subscribeMuted?(listener: (e: RelayedFaultEvent) => void): () => void;
}

type TimelineListener = (e: TimelineEntry) => void;

// A peer's event name goes onto an `event:` line: refuse anything that could break the framing.
const EVENT_NAME = /^[A-Za-z0-9_.-]{1,64}$/;

export class FaultStreamTimeline {
  private readonly ring: ReplayRing<TimelineEntry>;
  private readonly listeners = new Set<TimelineListener>();
  private readonly offLocal: () => void;
  private offPeers?: () => void;
  private nextId = 1;
  private relayed = 0;

  /**
   * `entityOf` names the entity of a local event (resolved when the event happens); the data of a local
   * event is formatted only when a client or a replay needs it.
   */
  constructor(events: FaultEventStream, entityOf: (e: Pick<FaultEvent, 'fault'>) => EntityRef | undefined, capacity: number) {
    this.ring = new ReplayRing(capacity);
    const offEvents = events.subscribe((e) => {
      const entity = entityOf(e);
      this.add(e.event_type, () => faultSseMessage(e, entity).data);
    });
    // A muted symptom's change is an event too (`fault_muted`), so clients that list muted symptoms need not poll.
    const offMuted = events.subscribeMuted((c) => {
      const entity = entityOf(c);
      this.add(FAULT_MUTED_EVENT, () => faultMutedSseData(c, entity));
    });
    this.offLocal = () => {
      offEvents();
      offMuted();
    };
  }

  /** Appends a relayed peer event (its data already carries `x-medkit.gateway` and `x-medkit.via`). */
  addPeerEvent(e: RelayedFaultEvent): TimelineEntry | undefined {
    if (!EVENT_NAME.test(e.event)) return undefined;
    const data = JSON.stringify(e.data);
    this.relayed++;
    return this.add(e.event, () => data, e.peer);
  }

  /** Appends a relayed event of a peer fault this gateway's correlation muted, as `fault_muted`. */
  addMutedPeerEvent(e: RelayedFaultEvent): TimelineEntry | undefined {
    if (!EVENT_NAME.test(e.event)) return undefined;
    const { fault, ...rest } = e.data;
    const data = JSON.stringify({ ...rest, event_type: FAULT_MUTED_EVENT, muted_event_type: e.event, muted_fault: fault, ...(e.root_cause_code !== undefined ? { root_cause_code: e.root_cause_code } : {}) });
    this.relayed++;
    return this.add(FAULT_MUTED_EVENT, () => data, e.peer);
  }

  /** Takes relayed events from `source` from now on (replacing an earlier source). */
  connectPeers(source: PeerEventSource): void {
    this.offPeers?.();
    const offMerged = source.subscribeMerged((e) => this.addPeerEvent(e));
    const offMuted = source.subscribeMuted?.((e) => this.addMutedPeerEvent(e));
    this.offPeers = () => {
      offMerged();
      offMuted?.();
    };
  }

  /** Adds a listener for new entries; returns the function that removes it. */
  subscribe(listener: TimelineListener): () => void {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  }

  /** Id of the newest entry, 0 before the first. */
  get lastId(): number {
    return this.nextId - 1;
  }

  /** Relayed peer events taken so far. */
  get relayedCount(): number {
    return this.relayed;
  }

  /** Entries after `lastEventId` (docs/faults.md replay), `too_old` when some were evicted or the id is unknown. */
  since(lastEventId: number): ReplayResult<TimelineEntry> {
    return this.ring.since(lastEventId, this.lastId);
  }

  /** Stops taking local and relayed events. */
  close(): void {
    this.offLocal();
    this.offPeers?.();
    this.offPeers = undefined;
    this.listeners.clear();
  }

  private add(event: string, data: () => string, peer?: string): TimelineEntry {
    const entry = new Entry(this.nextId++, event, data, peer);
    this.ring.push(entry);
    for (const l of this.listeners) l(entry);
    return entry;
  }
}
