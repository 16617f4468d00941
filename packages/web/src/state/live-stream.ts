// One way the UI keeps a live stream (a gateway's or the fleet's /faults/stream) open for a view's life.
// The client's reader reconnects by itself and resumes with Last-Event-ID; a stream refused for good (404,
// 501, 503 over the client cap or before the fleet's broker is up) is started again later, after the
// caller's `before` step, since a fresh stream has no resume point and the caller's list must be fetched again.
import type { EventStream, EventStreamHandlers, EventStreamOptions } from '@medkit/client';

export type StreamState = 'connecting' | 'live' | 'reconnecting' | 'unavailable';

/** Wait before a refused stream is started again; also the reader's longest reconnect delay. */
const STREAM_RETRY_MS = 5000;

interface FollowStream<T> {
  /** Opens the stream with these handlers and reader options (e.g. `client.events(...)`). */
  open(handlers: EventStreamHandlers<T>, options: EventStreamOptions): EventStream;
  onEvent(event: T): void;
  setState(state: StreamState): void;
  /**
   * Runs before each start (`first` on the first one), e.g. loading the list the events apply to; when it
   * resolves false the stream is not started and the whole step is retried later.
   */
  before?(first: boolean): Promise<boolean> | void;
}

/** Starts following; returns the stop function (an effect's cleanup). */
export function followStream<T>(f: FollowStream<T>): () => void {
  let stopped = false;
  let source: EventStream | undefined;
  let retry: ReturnType<typeof setTimeout> | undefined;
  const later = () => {
    f.setState('unavailable');
    retry = setTimeout(() => void start(false), STREAM_RETRY_MS);
  };
  const start = async (first: boolean) => {
    const ready = await f.before?.(first);
    if (stopped) return;
    if (ready === false) return later();
    source = f.open(
      {
        onEvent: (ev) => f.onEvent(ev),
        onState: (st) => {
          if (st === 'open') f.setState('live');
          else if (st === 'reconnecting') f.setState('reconnecting');
        },
        onClose: () => {
          if (!stopped) later();
        },
      },
      { initialRetryMs: 1000, maxRetryMs: STREAM_RETRY_MS },
    );
  };
  f.setState('connecting');
  void start(true);
  return () => {
    stopped = true;
    source?.close();
    if (retry) clearTimeout(retry);
  };
}
