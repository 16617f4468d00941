// A small Server-Sent Events client (WHATWG event-stream format) over node:http: parses `event`, `data`, `id`,
// `retry` and comments, reconnects with backoff and resumes with Last-Event-ID.
import { headerOf, outboundCall, type OutboundAgent } from '@medkit/kit';
import { Backoff } from '@medkit/sovd';

export interface SseMessage {
  event: string;
  data: string;
  id?: string;
}

/** Largest event (a line, or the data lines of one message) a peer may send; a larger one ends the connection. */
export const MAX_SSE_EVENT_CHARS = 1024 * 1024;

/** Incremental event-stream parser: feed text chunks, get complete messages. */
export class SseParser {
  private buf = '';
  private data: string[] = [];
  private dataChars = 0;
  private event = '';
  private id?: string;
  /** Last `id:` seen (kept across messages, as the spec's "last event ID buffer"). */
  lastEventId?: string;
  retryMs?: number;

  /** Forgets a message cut off by a lost connection (the last id and retry are kept, as the spec says). */
  restart(): void {
    this.buf = '';
    this.data = [];
    this.dataChars = 0;
    this.event = '';
    this.id = undefined;
  }

  /** Throws when a line or a message grows past MAX_SSE_EVENT_CHARS (a peer must not grow our memory without bound). */
  feed(chunk: string): SseMessage[] {
    this.buf += chunk;
    if (this.buf.length > MAX_SSE_EVENT_CHARS) throw new Error(`event stream line longer than ${MAX_SSE_EVENT_CHARS} characters`);
    const out: SseMessage[] = [];
    for (;;) {
      const m = /\r\n|\r|\n/.exec(this.buf);
      if (!m) break;
      // A lone \r at the very end may be the first half of \r\n: wait for more.
      if (m[0] === '\r' && m.index === this.buf.length - 1) break;
      const line = this.buf.slice(0, m.index);
      this.buf = this.buf.slice(m.index + m[0].length);
      const msg = this.line(line);
      if (msg) out.push(msg);
    }
    return out;
  }

  private line(line: string): SseMessage | undefined {
    if (line === '') {
      const msg = this.data.length > 0 ? { event: this.event || 'message', data: this.data.join('\n'), ...(this.id !== undefined ? { id: this.id } : {}) } : undefined;
      this.data = [];
      this.dataChars = 0;
      this.event = '';
      this.id = undefined;
      return msg;
    }
    if (line.startsWith(':')) return undefined;
    const colon = line.indexOf(':');
    const field = colon < 0 ? line : line.slice(0, colon);
    let value = colon < 0 ? '' : line.slice(colon + 1);
    if (value.startsWith(' ')) value = value.slice(1);
    switch (field) {
      case 'data':
        this.dataChars += value.length + 1;
        if (this.dataChars > MAX_SSE_EVENT_CHARS) throw new Error(`event stream message longer than ${MAX_SSE_EVENT_CHARS} characters`);
        this.data.push(value);
        break;
      case 'event':
        this.event = value;
        break;
      case 'id':
        if (!value.includes('\0')) {
          this.id = value;
          this.lastEventId = value;
        }
        break;
      case 'retry':
        if (/^\d+$/.test(value)) this.retryMs = Number(value);
        break;
    }
    return undefined;
  }
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
  private readonly parser = new SseParser();
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
      const wait = backoff.next({ atLeast: this.parser.retryMs });
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
      this.parser.restart();
      const decoder = new TextDecoder();
      for await (const chunk of res.body as AsyncIterable<Buffer>) {
        for (const m of this.parser.feed(decoder.decode(chunk, { stream: true }))) {
          try {
            this.o.onMessage(m);
          } catch {
            // A consumer's bug must not kill the stream.
          }
        }
      }
      this.o.onState?.('closed', 'stream ended');
      return true;
    } catch (err) {
      clearTimeout(timer);
      this.o.onState?.('closed', (err as Error).message);
      return false;
    }
  }
}
