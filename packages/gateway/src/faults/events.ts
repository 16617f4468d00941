// The one internal fault event stream (faults.md §3.8, design.md "Toward fleet scale"): REST SSE, triggers
// and a future fleet publisher all subscribe here. Events get increasing ids and the newest N are kept for
// SSE `Last-Event-ID` replay (api.md §9.7).
import type { FaultEventType } from './engine.js';
import type { FaultRecord } from './model.js';
import type { FaultLogger } from './log.js';
import { silentLogger } from './log.js';
import { ReplayRing, type ReplayResult as RingReplay } from './replay-ring.js';

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
}

export type FaultEventListener = (event: FaultEvent) => void;

/** Result of `eventsSince`: the missed events, or `too_old` when some were already evicted. */
export type ReplayResult = RingReplay<FaultEvent>;

export class FaultEventStream {
  private readonly listeners = new Set<FaultEventListener>();
  private readonly ring: ReplayRing<FaultEvent>;
  private nextId = 1;

  constructor(capacity = 100, private readonly log: FaultLogger = silentLogger) {
    this.ring = new ReplayRing(capacity);
  }

  /** Assigns the next id, buffers and delivers the event synchronously to every listener. */
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

  /** Buffers and delivers a prepared event synchronously to every listener. */
  deliver(event: FaultEvent): FaultEvent {
    this.ring.push(event);
    for (const l of this.listeners) {
      try {
        l(event);
      } catch (err) {
        // A broken subscriber must never fail a fault report.
        this.log.error(`fault event listener threw: ${(err as Error).message}`);
      }
    }
    return event;
  }

  /** Adds a listener; returns the function that removes it. */
  subscribe(listener: FaultEventListener): () => void {
    this.listeners.add(listener);
    return () => { this.listeners.delete(listener); };
  }

  /** Id of the newest event, 0 before the first. */
  get lastId(): number {
    return this.nextId - 1;
  }

  get subscriberCount(): number {
    return this.listeners.size;
  }

  /**
   * Events with id > `lastEventId`, oldest first. When events after `lastEventId` were already evicted the
   * result is `{ok: false, reason: 'too_old'}` with whatever is still buffered. An id newer than anything
   * published (e.g. from a previous gateway run) is also `too_old` with every buffered event.
   */
  eventsSince(lastEventId: number): ReplayResult {
    return this.ring.since(lastEventId, this.lastId);
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
