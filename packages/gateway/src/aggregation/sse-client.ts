// A small Server-Sent Events client over node:http: reads a peer's stream with the core's parser
// (@medkit/sovd's SseParser), reconnects with backoff and resumes with Last-Event-ID.
import { headerOf, outboundCall, type OutboundAgent } from '@medkit/kit';
import { Backoff, SseParser, type SseMessage } from '@medkit/sovd';

/** Largest line, and largest data of one event, a peer may send, in bytes; a larger one ends the connection. */
export const MAX_SSE_EVENT_BYTES = 1024 * 1024;

/**
 * The parser of a peer's stream. A line or an event past MAX_SSE_EVENT_BYTES throws out of `push`, which ends
 * the connection (where the client's stream drops the event and reads on): a peer that sends one is broken or
 * hostile, and the reconnect's backoff keeps it from being read at its own pace.
 */
export function peerStreamParser(sink: { message(m: SseMessage): void; retry?(ms: number): void }): SseParser {
  return new SseParser(
    { maxLineBytes: MAX_SSE_EVENT_BYTES, maxEventBytes: MAX_SSE_EVENT_BYTES },
    {
      ...sink,
      oversized(what, limit) {
        throw new Error(`event stream ${what === 'event' ? 'message' : 'line'} longer than ${limit} bytes`);
      },
    },
  );
}

interface SseClientOptions {
  url: string;
  headers?: Record<string, string>;
  /** TLS towards the server (CA, client certificate). */
  agent?: OutboundAgent;
  /** Deadline for connecting and receiving the response head. */
  connectTimeoutMs: number;
  onMessage: (m: SseMessage) => void;
  /** Connection state changes, for logs and tests. */
  onState?: (state: 'open' | 'closed', detail?: string) => void;
  minBackoffMs?: number;
  maxBackoffMs?: number;
}

/** Keeps one stream open until `stop()`: reconnects with exponential backoff, resuming from the last id. */
export class SseClient {
  private ac?: AbortController;
  private stopped = false;
  private wake?: () => void;
  /** The server's `retry:` advice. */
  private retryMs?: number;
  private readonly parser = peerStreamParser({
    message: (m) => {
      try {
        this.o.onMessage(m);
      } catch {
        // A consumer's bug must not kill the stream.
      }
    },
    retry: (ms) => (this.retryMs = ms),
  });
  private readonly loop: Promise<void>;

  constructor(private readonly o: SseClientOptions) {
    this.loop = this.run();
  }

  get lastEventId(): string | undefined {
    return this.parser.lastEventId;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.ac?.abort();
    this.wake?.();
    await this.loop;
  }

  private async run(): Promise<void> {
    const backoff = new Backoff({ initialMs: this.o.minBackoffMs ?? 250, maxMs: this.o.maxBackoffMs ?? 10_000 });
    while (!this.stopped) {
      const opened = await this.once();
      if (this.stopped) break;
      if (opened) backoff.reset();
      // The server's `retry:` advice lengthens a wait, never past the ceiling.
      const wait = backoff.next({ atLeast: this.retryMs });
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, wait);
        t.unref();
        this.wake = () => {
          clearTimeout(t);
          resolve();
        };
      });
    }
  }

  /** One connection; resolves when it ends. True when it got as far as an open stream. */
  private async once(): Promise<boolean> {
    const ac = new AbortController();
    this.ac = ac;
    const timer = setTimeout(() => ac.abort(), this.o.connectTimeoutMs);
    const headers: Record<string, string> = { accept: 'text/event-stream', ...this.o.headers };
    if (this.parser.lastEventId !== undefined) headers['last-event-id'] = this.parser.lastEventId;
    try {
      const res = await outboundCall(this.o.url, { headers, signal: ac.signal, agent: this.o.agent });
      clearTimeout(timer);
      if (res.status !== 200 || !(headerOf(res, 'content-type') ?? '').startsWith('text/event-stream')) {
        res.body.destroy();
        this.o.onState?.('closed', `status ${res.status}`);
        return false;
      }
      this.o.onState?.('open');
      this.parser.reset();
      for await (const chunk of res.body as AsyncIterable<Buffer>) this.parser.push(chunk);
      this.o.onState?.('closed', 'stream ended');
      return true;
    } catch (err) {
      clearTimeout(timer);
      this.o.onState?.('closed', (err as Error).message);
      return false;
    }
  }
}
