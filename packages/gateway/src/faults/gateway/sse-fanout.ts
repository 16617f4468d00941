// Fan-out of the fault event stream to `/faults/stream` clients (api.md §9.7). Events are formatted once and
// written to every client in one batch per event-loop turn (corked), so a report never waits for hundreds of
// socket writes and a burst of events costs one syscall per client. Each client remembers the last id it got,
// so an event replayed on connect is never sent twice.
import type { FaultEvent, FaultEventStream } from '../events.js';
import { faultSseMessage } from '../query/rest-views.js';
import type { EntityRef } from '../query/rest-views.js';

/** What the fan-out needs of one SSE connection (SseStream plus optional socket corking). */
export interface FaultStreamClient {
  send(ev: { event?: string; id?: string | number; data: unknown }): boolean;
  readonly closed: boolean;
  cork?(): void;
  uncork?(): void;
}

interface Entry {
  client: FaultStreamClient;
  lastId: number;
}

/** How a `Last-Event-ID` reconnect was served. */
export interface ReplayInfo {
  /** Events sent from the replay buffer. */
  replayed: number;
  /** True when events after the client's id were already evicted (or the id is from an earlier run). */
  truncated: boolean;
}

/** Named event sent before a replay that cannot be complete ([ours]): data `{requested_id, first_id, last_id}`. */
export const REPLAY_TRUNCATED_EVENT = 'replay_truncated';

export class FaultSseFanout {
  private readonly clients = new Set<Entry>();
  private queue: { event: FaultEvent; message: { id: string; event: string; data: string } }[] = [];
  private scheduled = false;
  private readonly off: () => void;

  constructor(private readonly events: FaultEventStream, private readonly entityOf: (e: FaultEvent) => EntityRef | undefined) {
    this.off = events.subscribe((e) => this.enqueue(e));
  }

  get clientCount(): number {
    return this.clients.size;
  }

  private format(e: FaultEvent) {
    return faultSseMessage(e, this.entityOf(e));
  }

  private enqueue(e: FaultEvent): void {
    if (this.clients.size === 0) return;
    this.queue.push({ event: e, message: this.format(e) });
    if (!this.scheduled) {
      this.scheduled = true;
      setImmediate(() => this.flush());
    }
  }

  /** Writes every queued event to every client. */
  flush(): void {
    this.scheduled = false;
    const batch = this.queue;
    this.queue = [];
    if (batch.length === 0) return;
    // Corking only pays when several events go to the same socket in this pass.
    const cork = batch.length > 1;
    for (const entry of this.clients) {
      if (entry.client.closed) {
        this.clients.delete(entry);
        continue;
      }
      if (cork) entry.client.cork?.();
      for (const { event, message } of batch) {
        if (event.id <= entry.lastId) continue;
        entry.client.send(message);
        entry.lastId = event.id;
      }
      if (cork) entry.client.uncork?.();
    }
  }

  /**
   * Adds a client. With `lastEventId` (the `Last-Event-ID` header) the buffered events newer than it are sent
   * first; when some were lost a `replay_truncated` event says so and every buffered event follows.
   * Returns the function that removes the client.
   */
  attach(client: FaultStreamClient, lastEventId?: number): { detach: () => void; replay?: ReplayInfo } {
    const entry: Entry = { client, lastId: this.events.lastId };
    let replay: ReplayInfo | undefined;
    if (lastEventId !== undefined) {
      const r = this.events.eventsSince(lastEventId);
      if (!r.ok) {
        client.send({ event: REPLAY_TRUNCATED_EVENT, data: { requested_id: lastEventId, first_id: r.events[0]?.id ?? null, last_id: this.events.lastId } });
      }
      for (const e of r.events) client.send(this.format(e));
      replay = { replayed: r.events.length, truncated: !r.ok };
    }
    this.clients.add(entry);
    return { detach: () => this.clients.delete(entry), replay };
  }

  /** Stops listening to the event stream (shutdown). */
  close(): void {
    this.off();
    this.clients.clear();
    this.queue = [];
  }
}
