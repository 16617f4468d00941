// A reconnecting Server-Sent Events reader over fetch streaming (so it runs in Node 20 and in
// browsers, and can send Authorization and Last-Event-ID, which EventSource cannot). Every wait has
// a bound: the connect has a deadline, a silent connection is dropped after `idleTimeoutMs` (the
// gateway sends keep-alives every 15–30 s), reconnects back off exponentially, and the parser bounds
// line and event sizes.
import { errorFromBody, MedkitNetworkError, MedkitTimeoutError, SovdClientError } from '../errors.js';
import { SseParser, type SseMessage } from '@medkit/sovd';

export type StreamState = 'connecting' | 'open' | 'reconnecting' | 'closed';

export interface EventStreamOptions {
  /** Resume after this id (sent as `Last-Event-ID` on the first connect). */
  lastEventId?: string;
  /** Reconnect after a failure or the end of the stream (default true). */
  reconnect?: boolean;
  /** First reconnect delay, ms (default 1000; a `retry:` field from the server replaces it). */
  initialRetryMs?: number;
  /** Longest reconnect delay, ms (default 30000). */
  maxRetryMs?: number;
  /** Deadline for the response headers of each connect, ms (default 10000). */
  connectTimeoutMs?: number;
  /** A connection silent for this long is dropped and reconnected, ms (default 75000; 0 = never). */
  idleTimeoutMs?: number;
  /** Longest SSE line kept, bytes (default 256 KiB). */
  maxLineBytes?: number;
  /** Largest event data, bytes (default 1 MiB). */
  maxEventBytes?: number;
}

export interface EventStreamHandlers<T> {
  /** One parsed event. */
  onEvent(event: T, message: SseMessage): void;
  /** A connection was established (also after each reconnect). */
  onOpen?(): void;
  /** A failure: a refused connect, a dropped connection, an unparsable or oversized event. The stream goes on unless it is closed. */
  onError?(error: Error): void;
  onState?(state: StreamState): void;
  /** The stream ended for good: `close()`, a refusal that retrying cannot fix (4xx but 408/429, 501), or the end with `reconnect: false`. */
  onClose?(reason?: Error): void;
}

export interface EventStream {
  readonly state: StreamState;
  /** The last event id received (what the next reconnect resumes after). */
  readonly lastEventId: string | undefined;
  /** Stops the stream: aborts the connection and any pending reconnect. */
  close(): void;
  /** Settles when the stream has ended for good. */
  readonly done: Promise<void>;
}

/** Internal options: how to turn a message into an event, headers per connect, the fetch to use. */
export interface EventStreamSetup<T> extends EventStreamOptions {
  /** Returns the event, or undefined to skip a message (an error is reported for a throw). */
  parse(message: SseMessage): T | undefined;
  headers?: () => Promise<Record<string, string>> | Record<string, string>;
  fetch?: typeof globalThis.fetch;
}

/** Statuses a retry cannot fix: the stream closes on them. */
function isFinal(status: number): boolean {
  return status >= 400 && status < 500 ? status !== 408 && status !== 429 : status === 501;
}

/** Most bytes of a refusal's body read for its error message. */
const MAX_ERROR_BODY = 64 * 1024;

/** Opens a reconnecting SSE stream on `url`. */
export function openEventStream<T>(url: string, setup: EventStreamSetup<T>, handlers: EventStreamHandlers<T>): EventStream {
  const o = {
    reconnect: setup.reconnect ?? true,
    initialRetryMs: setup.initialRetryMs ?? 1000,
    maxRetryMs: setup.maxRetryMs ?? 30_000,
    connectTimeoutMs: setup.connectTimeoutMs ?? 10_000,
    idleTimeoutMs: setup.idleTimeoutMs ?? 75_000,
  };
  const doFetch = setup.fetch ?? ((input, init) => globalThis.fetch(input, init));
  let state: StreamState = 'connecting';
  let closed = false;
  let current: AbortController | undefined;
  let wake: (() => void) | undefined;
  let retryMs = o.initialRetryMs;
  let finish!: () => void;
  const done = new Promise<void>((r) => (finish = r));

  const report = (err: Error) => {
    try {
      handlers.onError?.(err);
    } catch {
      // A throwing handler must not kill the stream.
    }
  };
  /** Calls a handler; what it throws is reported, never allowed to end the read loop. */
  const call = (f: () => void) => {
    try {
      f();
    } catch (err) {
      report(err instanceof Error ? err : new Error(String(err)));
    }
  };
  const setState = (s: StreamState) => {
    if (state === s) return;
    state = s;
    call(() => handlers.onState?.(s));
  };
  const parser = new SseParser(
    { maxLineBytes: setup.maxLineBytes ?? 256 * 1024, maxEventBytes: setup.maxEventBytes ?? 1024 * 1024 },
    {
      message(m) {
        let ev: T | undefined;
        try {
          ev = setup.parse(m);
        } catch (err) {
          report(new Error(`unparsable event${m.id ? ` ${m.id}` : ''}: ${(err as Error).message}`));
          return;
        }
        if (ev !== undefined) call(() => handlers.onEvent(ev, m));
      },
      oversized(what, limit) {
        report(new Error(`dropped an event: its ${what} exceeds ${limit} bytes`));
      },
      retry(ms) {
        retryMs = Math.min(Math.max(ms, 100), o.maxRetryMs);
      },
    },
    setup.lastEventId,
  );

  const end = (reason?: Error) => {
    if (closed) return;
    closed = true;
    current?.abort();
    wake?.();
    setState('closed');
    call(() => handlers.onClose?.(reason));
    finish();
  };

  /**
   * One connection, until it ends. `final`: a reason to stop for good (already reported through
   * onError when `reported`); `opened`: the stream was established (the backoff starts over).
   */
  const connectOnce = async (): Promise<{ final?: Error; reported?: boolean; opened: boolean }> => {
    let opened = false;
    const ac = new AbortController();
    current = ac;
    let timer: ReturnType<typeof setTimeout> | undefined;
    let timedOut: MedkitTimeoutError | undefined;
    const arm = (ms: number, what: string) => {
      if (timer) clearTimeout(timer);
      timer = ms > 0 ? setTimeout(() => ac.abort((timedOut = new MedkitTimeoutError(`${what} within ${ms} ms`, ms))), ms) : undefined;
    };
    try {
      // Only headers the gateway's CORS default allows (Accept, Last-Event-ID, Authorization with auth
      // on): a Cache-Control header would fail the browser's preflight; `cache: 'no-store'` does its job.
      const headers: Record<string, string> = { accept: 'text/event-stream', ...(await setup.headers?.()) };
      if (parser.lastEventId !== undefined) headers['last-event-id'] = parser.lastEventId;
      arm(o.connectTimeoutMs, `${url}: no answer`);
      // As RequestInit: Node's type of it (the tests' view of this file) has no `cache`, the DOM's does.
      const res = await doFetch(url, { headers, signal: ac.signal, cache: 'no-store' } as RequestInit);
      if (!res.ok) {
        const text = await readText(res, MAX_ERROR_BODY);
        let body: unknown = text;
        try {
          body = JSON.parse(text);
        } catch {
          // not JSON: keep the text
        }
        const err = errorFromBody(res.status, body, `${url} refused the stream with HTTP ${res.status}`);
        if (isFinal(res.status)) return { final: err, opened };
        throw err;
      }
      if (!(res.headers.get('content-type') ?? '').startsWith('text/event-stream') || !res.body) {
        await res.body?.cancel();
        return { final: new SovdClientError(res.status, 'invalid-response', `${url} did not answer with an event stream`), opened };
      }
      parser.reset();
      opened = true;
      setState('open');
      call(() => handlers.onOpen?.());
      const reader = res.body.getReader();
      for (;;) {
        arm(o.idleTimeoutMs, `${url}: stream silent`);
        const { value, done: ended } = await reader.read();
        if (ended) break;
        parser.push(value);
      }
      // The server ended the stream: with reconnect off that is the end, not a failure.
      if (!o.reconnect) return { opened };
      report(new MedkitNetworkError(`${url}: the stream ended`));
    } catch (err) {
      if (closed) return { opened };
      const why = err instanceof SovdClientError ? err : (timedOut ?? new MedkitNetworkError(`${url}: ${err instanceof Error ? err.message : String(err)}`, { cause: err }));
      report(why);
      if (!o.reconnect) return { final: why, reported: true, opened };
    } finally {
      if (timer) clearTimeout(timer);
      ac.abort();
    }
    return { opened };
  };

  const run = async () => {
    let delay = 0;
    while (!closed) {
      const { final, reported, opened } = await connectOnce();
      if (closed) break;
      if (final || !o.reconnect) {
        if (final && !reported) report(final);
        end(final);
        break;
      }
      setState('reconnecting');
      delay = opened || delay === 0 ? retryMs : Math.min(delay * 2, o.maxRetryMs);
      // ±20 % jitter so many clients do not reconnect in step.
      const wait = Math.round(delay * (0.8 + Math.random() * 0.4));
      await new Promise<void>((r) => {
        const t = setTimeout(r, wait);
        wake = () => {
          clearTimeout(t);
          r();
        };
      });
      wake = undefined;
    }
  };
  void run();

  return {
    get state() {
      return state;
    },
    get lastEventId() {
      return parser.lastEventId;
    },
    close: () => end(),
    done,
  };
}

/** The body as text, at most `limit` bytes (a refusal's body is for a message, not to be trusted in size). */
async function readText(res: Response, limit: number): Promise<string> {
  if (!res.body) return '';
  const reader = res.body.getReader();
  const parts: Uint8Array[] = [];
  let n = 0;
  while (n < limit) {
    const { value, done } = await reader.read();
    if (done) break;
    parts.push(value);
    n += value.length;
  }
  await reader.cancel().catch(() => undefined);
  const all = new Uint8Array(Math.min(n, limit));
  let o = 0;
  for (const p of parts) {
    const take = Math.min(p.length, all.length - o);
    all.set(p.subarray(0, take), o);
    o += take;
  }
  return new TextDecoder().decode(all);
}
