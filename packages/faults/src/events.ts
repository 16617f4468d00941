// The one internal fault event stream (docs/faults.md, docs/architecture.md "Toward fleet scale"): REST SSE, triggers
// and a future fleet publisher all subscribe here. Events get increasing ids; replay for SSE
// `Last-Event-ID` (docs/faults.md) is the /faults/stream timeline's job, which also numbers relayed events.
import type { FaultEventType } from './engine.js';
import type { FaultRecord } from './model.js';
import type { Acknowledgement } from './history/model.js';
import type { FaultLogger } from './log.js';
import { silentLogger } from './log.js';

export interface FaultEvent {
  /** Monotonically increasing, starting at 1 for each manager instance. */
  id: number;
  event_type: FaultEventType;
  /** The fault after the change (a copy). */
  fault: FaultRecord;
  /** Wall clock, ns since the Unix epoch. */
  timestamp_ns: bigint;
  /** Symptoms cleared together with this root cause; non-empty only on a `fault_cleared` from clear. */
  auto_cleared_codes: string[];
  /** The acknowledgement of the fault's current occurrence when the event happened, if any. */
  acknowledgement?: Acknowledgement;
}

/**
 * A change of a muted symptom (correlation, docs/faults.md): it publishes no {@link FaultEvent} (the fault stays out of
 * the merged views, the fleet outbox and every other subscriber), only this, which `/faults/stream` sends as
 * `fault_muted` so a client that lists muted symptoms can follow them without reading the list again.
 */
export interface MutedFaultChange {
  /** The event the change would have published had the fault not been muted. */
  event_type: FaultEventType;
  /** The fault after the change (a copy). */
  fault: FaultRecord;
  /** Wall clock, ns since the Unix epoch. */
  timestamp_ns: bigint;
  /**
   * The root cause it is muted under, when a hierarchical rule muted it; for a member a cluster hid after the fact,
   * the representative (a member muted as it comes has none).
   */
  root_cause_code?: string;
  acknowledgement?: Acknowledgement;
}

type FaultEventListener = (event: FaultEvent) => void;
type MutedChangeListener = (change: MutedFaultChange) => void;

export class FaultEventStream {
  private readonly listeners = new Set<FaultEventListener>();
  private readonly mutedListeners = new Set<MutedChangeListener>();
  private nextId = 1;

  constructor(private readonly log: FaultLogger = silentLogger) {}

  /** Assigns the next id and delivers the event synchronously to every listener. */
  publish(e: Omit<FaultEvent, 'id'>): FaultEvent {
    return this.deliver(this.prepare(e));
  }

  /**
   * Assigns the next id without delivering: the manager journals the event inside the fault store's
   * transaction, then {@link deliver}s it once the change committed (a rolled-back event leaves an id gap).
   */
  prepare(e: Omit<FaultEvent, 'id'>): FaultEvent {
    return { ...e, id: this.nextId++ };
  }

  /** Delivers a prepared event synchronously to every listener. */
  deliver(event: FaultEvent): FaultEvent {
    this.fanOut(this.listeners, event);
    return event;
  }

  /** Delivers a muted symptom's change to the {@link subscribeMuted} listeners only (it has no id: not an event). */
  deliverMuted(change: MutedFaultChange): void {
    this.fanOut(this.mutedListeners, change);
  }

  /** Adds a listener; returns the function that removes it. */
  subscribe(listener: FaultEventListener): () => void {
    this.listeners.add(listener);
    return () => { this.listeners.delete(listener); };
  }

  /** Adds a listener for muted symptoms' changes (see {@link MutedFaultChange}); returns the function that removes it. */
  subscribeMuted(listener: MutedChangeListener): () => void {
    this.mutedListeners.add(listener);
    return () => { this.mutedListeners.delete(listener); };
  }

  private fanOut<T>(listeners: ReadonlySet<(x: T) => void>, x: T): void {
    for (const l of listeners) {
      try {
        l(x);
      } catch (err) {
        // A broken subscriber must never fail a fault report.
        this.log.error(`fault event listener threw: ${(err as Error).message}`);
      }
    }
  }

  /** Id of the newest event, 0 before the first. */
  get lastId(): number {
    return this.nextId - 1;
  }

  get subscriberCount(): number {
    return this.listeners.size;
  }

  /**
   * Async iteration over new events (for publishers that prefer pull). Buffers at most `maxQueued` events per
   * iterator; beyond that the oldest queued are dropped so a stalled consumer cannot grow memory.
   */
  async *iterate(signal?: AbortSignal, maxQueued = 1000): AsyncGenerator<FaultEvent> {
    const queue: FaultEvent[] = [];
    let wake: (() => void) | undefined;
    const off = this.subscribe((e) => {
      queue.push(e);
      if (queue.length > maxQueued) queue.shift();
      wake?.();
    });
    const onAbort = () => wake?.();
    signal?.addEventListener('abort', onAbort);
    try {
      while (!signal?.aborted) {
        if (queue.length > 0) {
          yield queue.shift()!;
          continue;
        }
        await new Promise<void>((resolve) => { wake = resolve; });
        wake = undefined;
      }
    } finally {
      off();
      signal?.removeEventListener('abort', onAbort);
    }
  }
}
