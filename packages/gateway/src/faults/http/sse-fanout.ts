// Fan-out of the fault stream timeline (local and relayed peer events) to `/faults/stream` clients
// (docs/faults.md). Each event's SSE frame is built and encoded once; every client gets the frames of one
// flush window (`faults.stream_flush_ms`, else one event-loop turn) in a single write of shared bytes, so a
// report never waits for socket writes and the per-client work of a pass is one write call. The window
// matters under a stream of reports arriving one per turn (100/s over ROS): one write per report per client
// was the largest share of the gateway's CPU under the standard load (docs/benchmarks.md, "Footprint"). Each client remembers the last id it got, so an event
// replayed on connect is never sent twice.
import { formatSseEvent } from '@medkit/kit';
import type { FaultStreamTimeline, TimelineEntry } from './stream-timeline.js';

/** What the fan-out needs of one SSE connection (an SseStream). */
export interface FaultStreamClient {
  /** Writes preformatted SSE text or bytes (one or several events). */
  sendFrame(frame: string | Uint8Array): boolean;
  readonly closed: boolean;
}

interface Client {
  stream: FaultStreamClient;
  lastId: number;
}

/** How a `Last-Event-ID` reconnect was served. */
interface ReplayInfo {
  /** Events sent from the replay buffer. */
  replayed: number;
  /** True when events after the client's id were already evicted (or the id is from an earlier run). */
  truncated: boolean;
}

/** Named event sent before a replay that cannot be complete ([ours]): data `{requested_id, first_id, last_id}`. */
export const REPLAY_TRUNCATED_EVENT = 'replay_truncated';

/** The frames of `entries` as one buffer (one write per client). */
function joinFrames(entries: readonly TimelineEntry[]): Buffer {
  return entries.length === 1 ? entries[0].frame() : Buffer.concat(entries.map((e) => e.frame()));
}

export class FaultSseFanout {
  private readonly clients = new Set<Client>();
  private queue: TimelineEntry[] = [];
  private scheduled = false;
  private timer: NodeJS.Timeout | undefined;
  private readonly off: () => void;

  /** `flushMs`: the window whose events go out together (0 = the next event-loop turn). */
  constructor(
    readonly timeline: FaultStreamTimeline,
    private readonly flushMs = 0,
  ) {
    this.off = timeline.subscribe((e) => this.enqueue(e));
  }

  get clientCount(): number {
    return this.clients.size;
  }

  private enqueue(e: TimelineEntry): void {
    if (this.clients.size === 0) return;
    this.queue.push(e);
    if (!this.scheduled) {
      this.scheduled = true;
      if (this.flushMs > 0) {
        // Unref'd: the clients' sockets keep the process alive, a pending flush must not.
        this.timer = setTimeout(() => this.flush(), this.flushMs).unref();
      } else setImmediate(() => this.flush());
    }
  }

  /** Writes every queued event to every client. */
  flush(): void {
    this.scheduled = false;
    clearTimeout(this.timer);
    this.timer = undefined;
    const batch = this.queue;
    this.queue = [];
    if (batch.length === 0) return;
    const first = batch[0].id;
    const last = batch[batch.length - 1].id;
    let all: Buffer | undefined;
    for (const c of this.clients) {
      if (c.stream.closed) {
        this.clients.delete(c);
        continue;
      }
      if (c.lastId >= last) continue;
      if (c.lastId < first) {
        all ??= joinFrames(batch);
        c.stream.sendFrame(all);
      } else {
        // Attached during this turn: part of the batch already came with its replay.
        c.stream.sendFrame(joinFrames(batch.filter((e) => e.id > c.lastId)));
      }
      c.lastId = last;
    }
  }

  /**
   * Adds a client. With `lastEventId` (the `Last-Event-ID` header) the buffered events newer than it are sent
   * first; when some were lost a `replay_truncated` event says so and every buffered event follows.
   * Returns the function that removes the client.
   */
  attach(stream: FaultStreamClient, lastEventId?: number): { detach: () => void; replay?: ReplayInfo } {
    const client: Client = { stream, lastId: this.timeline.lastId };
    let replay: ReplayInfo | undefined;
    if (lastEventId !== undefined) {
      const r = this.timeline.since(lastEventId);
      let text = '';
      if (!r.ok) {
        text = formatSseEvent({ event: REPLAY_TRUNCATED_EVENT, data: { requested_id: lastEventId, first_id: r.events[0]?.id ?? null, last_id: this.timeline.lastId } });
      }
      const frames = r.events.length > 0 ? joinFrames(r.events) : undefined;
      if (text || frames) stream.sendFrame(frames ? Buffer.concat([Buffer.from(text), frames]) : text);
      replay = { replayed: r.events.length, truncated: !r.ok };
    }
    this.clients.add(client);
    return { detach: () => this.clients.delete(client), replay };
  }

  /** Stops listening to the timeline (shutdown). */
  close(): void {
    this.off();
    clearTimeout(this.timer);
    this.clients.clear();
    this.queue = [];
  }
}
