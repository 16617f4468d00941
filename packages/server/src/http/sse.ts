// Server-Sent Events (docs/api.md): one writer per connection, keep-alive comments when idle,
// a global cap on concurrent streams (503 above it), and back-pressure: a client that stops reading
// is dropped instead of buffering without bound.
import type { FastifyReply, FastifyRequest } from 'fastify';
import { SovdError } from '@medkit/sovd';
import { formatSseEvent, type EventStream } from '@medkit/kit';
import { isHeadRequest } from './head-requests.js';

export interface SseStream extends EventStream {
  /**
   * Writes events already formatted with {@link formatSseEvent}: one event, or several concatenated (a
   * batch goes out in one write). Pass a Buffer to share one encoding among many streams. Same back-pressure
   * rule as `send` (a stuck client is dropped); false when the stream is closed.
   */
  sendFrame(frame: string | Uint8Array): boolean;
  /**
   * Resolves once the socket has taken most of what was written (or the stream closed): a writer of a long
   * backlog (a Last-Event-ID replay) awaits it between batches instead of being dropped as a stuck client.
   */
  drained(): Promise<void>;
}

/** What a HEAD request gets: a stream that is already over. */
const CLOSED_STREAM: SseStream = { send: () => false, sendFrame: () => false, drained: () => Promise.resolve(), close: () => undefined, closed: true, done: Promise.resolve() };

/** Counts open streams across every SSE route of one gateway. */
export class SseHub {
  private open = 0;
  private readonly streams = new Set<SseStream>();
  constructor(
    private readonly maxClients: number,
    /** Bytes queued on one socket after which the client is considered stuck and dropped. */
    private readonly maxBufferedBytes = 1 << 20,
  ) {}

  get clients(): number {
    return this.open;
  }

  /** Ends every open stream (gateway shutdown). */
  closeAll(): void {
    for (const s of [...this.streams]) s.close();
  }

  /**
   * Starts a stream on this reply, or throws 503 when the cap is reached. A `HEAD` request gets the
   * stream's headers and an already closed stream: it takes no slot and nothing is sent to it.
   */
  start(request: FastifyRequest, reply: FastifyReply, keepaliveMs: number): SseStream {
    const head = isHeadRequest(request.raw);
    if (!head && this.open >= this.maxClients) {
      throw new SovdError('service-unavailable', `Too many SSE clients (limit ${this.maxClients})`, { max_clients: this.maxClients });
    }
    const raw = reply.raw;
    reply.hijack();
    raw.writeHead(200, {
      'Content-Type': 'text/event-stream',
      'Cache-Control': 'no-cache',
      Connection: 'keep-alive',
      'X-Accel-Buffering': 'no',
      ...(reply.getHeaders() as Record<string, string>),
    });
    if (head) {
      raw.end();
      return CLOSED_STREAM;
    }
    this.open++;
    raw.write(':ok\n\n');
    // Long-lived: the socket must not time out while idle.
    request.raw.socket.setTimeout(0);
    let closed = false;
    let lastWrite = Date.now();
    let resolveDone!: () => void;
    const done = new Promise<void>((r) => (resolveDone = r));
    const finish = () => {
      if (closed) return;
      closed = true;
      this.open--;
      this.streams.delete(stream);
      clearInterval(timer);
      resolveDone();
    };
    const write = (text: string | Uint8Array): boolean => {
      if (closed) return false;
      if (raw.writableLength > this.maxBufferedBytes) {
        raw.destroy();
        finish();
        return false;
      }
      lastWrite = Date.now();
      raw.write(text);
      return true;
    };
    const timer = setInterval(() => {
      if (Date.now() - lastWrite >= keepaliveMs) write(':keepalive\n\n');
    }, Math.max(250, Math.min(keepaliveMs, 5000)));
    timer.unref();
    raw.on('close', finish);
    raw.on('error', finish);
    const stream: SseStream = {
      send: (ev) => write(formatSseEvent(ev)),
      sendFrame: (frame) => write(frame),
      drained: () => (closed || raw.writableLength <= this.maxBufferedBytes / 4
        ? Promise.resolve()
        : new Promise<void>((resolve) => {
          raw.once('drain', resolve);
          void done.then(resolve);
        })),
      close: () => {
        if (!closed) raw.end();
        finish();
      },
      get closed() {
        return closed;
      },
      done,
    };
    this.streams.add(stream);
    return stream;
  }
}
