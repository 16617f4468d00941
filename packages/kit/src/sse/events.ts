// A server-pushed event stream as the domain sees it: events go in, the transport (SSE framing in
// http/sse.ts) is someone else's concern, so triggers and subscriptions never import HTTP code.

/** One pushed event. */
export interface StreamEvent {
  /** Named event; omitted for plain `message` events. */
  event?: string;
  /** Event id, used by Last-Event-ID resumption. */
  id?: string | number;
  /** Objects are sent as JSON. */
  data: unknown;
}

/** One open client stream. */
export interface EventStream {
  /** False when the stream is closed (or the client was dropped for not reading). */
  send(ev: StreamEvent): boolean;
  /** Ends the stream from the server side. */
  close(): void;
  readonly closed: boolean;
  /** Resolves when the client goes away or close() is called. */
  readonly done: Promise<void>;
}
