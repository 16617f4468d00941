// The text/event-stream parser of medkit (the WHATWG "event stream interpretation"), bytes in, with bounds. The
// typed client's stream (fetch, browsers and Node.js) and the gateway's client of its peers' streams (node:http)
// both feed it, each from its own connection loop; it lives in the SOVD core, the lowest package both may import.
//
// A line longer than `maxLineBytes` or an event whose data passes `maxEventBytes` is not buffered: the event is
// dropped and reported through `oversized`, while its `id:` still counts, so a resume skips it instead of
// fetching it again. Memory stays under the two bounds whatever the server sends. What a dropped event means
// is the user's choice: the client reports it and reads on; the gateway throws from `oversized`, which ends
// the peer's connection.

/** One dispatched event. */
export interface SseMessage {
  /** The last event id in force when the event was dispatched (the `id:` field of it or an earlier one). */
  id?: string;
  /** `event:` field, `message` when absent. */
  event: string;
  /** `data:` lines joined with `\n`. */
  data: string;
}

export interface SseLimits {
  /** Longest line kept, in bytes. */
  maxLineBytes: number;
  /** Largest data of one event, in bytes (UTF-8 of the joined data lines). */
  maxEventBytes: number;
}

/**
 * Where the parser's results go. What a callback throws leaves `push` at once (the rest of the chunk is not
 * read): a user stops a connection that way, and calls `reset()` before the parser reads the next one.
 */
export interface SseSink {
  message(msg: SseMessage): void;
  /**
   * An event is dropped for exceeding a bound: called once per event, as soon as a line or the data passes
   * the bound (not at the line's end, which a hostile server may never send).
   */
  oversized(what: 'line' | 'event', limit: number): void;
  /** The server asked for this reconnection delay (`retry:`). */
  retry?(ms: number): void;
}

// The ES library has no TextDecoder and this package compiles without the DOM's and Node.js's types
// (tsconfig.json), yet every runtime medkit runs on has it as a global (browsers, Node.js ≥ 11). What the
// parser uses of it is declared here, private to this module, instead of widening the package's types.
interface Utf8Decoder {
  decode(input: Uint8Array): string;
}
declare const TextDecoder: new () => Utf8Decoder;

const LF = 0x0a;
const CR = 0x0d;

export class SseParser {
  /** Last event id (what a reconnect sends as `Last-Event-ID`). */
  lastEventId: string | undefined;
  private readonly decoder = new TextDecoder();
  private line: Uint8Array[] = [];
  private lineBytes = 0;
  private lineTooLong = false;
  private afterCR = false;
  private data: string[] = [];
  private dataBytes = 0;
  private event = '';
  private dropped: 'line' | 'event' | undefined;

  constructor(
    private readonly limits: SseLimits,
    private readonly sink: SseSink,
    lastEventId?: string,
  ) {
    this.lastEventId = lastEventId;
  }

  /** Feeds bytes as they arrive. */
  push(chunk: Uint8Array): void {
    let start = 0;
    for (let i = 0; i < chunk.length; i++) {
      const b = chunk[i];
      if (b !== LF && b !== CR) continue;
      // CRLF split across the previous byte: the LF ends nothing new.
      if (b === LF && this.afterCR && i === start && this.lineBytes === 0 && !this.lineTooLong) {
        this.afterCR = false;
        start = i + 1;
        continue;
      }
      this.append(chunk.subarray(start, i));
      this.endLine();
      this.afterCR = b === CR;
      start = i + 1;
      if (this.afterCR && i + 1 < chunk.length && chunk[i + 1] === LF) {
        this.afterCR = false;
        i++;
        start = i + 1;
      }
    }
    if (start < chunk.length) {
      this.afterCR = false;
      this.append(chunk.subarray(start));
    }
  }

  /** Resets the per-connection state (a new connection starts with no partial line or event). */
  reset(): void {
    this.line = [];
    this.lineBytes = 0;
    this.lineTooLong = false;
    this.afterCR = false;
    this.data = [];
    this.dataBytes = 0;
    this.event = '';
    this.dropped = undefined;
  }

  private append(bytes: Uint8Array): void {
    if (bytes.length === 0 || this.lineTooLong) return;
    if (this.lineBytes + bytes.length > this.limits.maxLineBytes) {
      this.lineTooLong = true;
      this.line = [];
      this.lineBytes = 0;
      this.drop('line', this.limits.maxLineBytes);
      return;
    }
    // A copy, as the caller may reuse its chunk's memory; `new Uint8Array` because a Node.js Buffer's slice() does not copy.
    this.line.push(new Uint8Array(bytes));
    this.lineBytes += bytes.length;
  }

  private endLine(): void {
    if (this.lineTooLong) {
      // Already dropped when it passed the bound.
      this.lineTooLong = false;
      return;
    }
    const bytes = this.line.length === 1 ? this.line[0] : concat(this.line, this.lineBytes);
    this.line = [];
    this.lineBytes = 0;
    this.field(bytes);
  }

  private field(bytes: Uint8Array): void {
    if (bytes.length === 0) return this.dispatch();
    if (bytes[0] === 0x3a) return; // ':' comment (keep-alives)
    const colon = bytes.indexOf(0x3a);
    const name = this.decoder.decode(colon < 0 ? bytes : bytes.subarray(0, colon));
    let valueBytes = colon < 0 ? new Uint8Array(0) : bytes.subarray(colon + 1);
    if (valueBytes[0] === 0x20) valueBytes = valueBytes.subarray(1);
    switch (name) {
      case 'data': {
        if (this.dropped) return;
        this.dataBytes += valueBytes.length + 1;
        if (this.dataBytes > this.limits.maxEventBytes + 1) return this.drop('event', this.limits.maxEventBytes);
        this.data.push(this.decoder.decode(valueBytes));
        return;
      }
      case 'event':
        this.event = this.decoder.decode(valueBytes);
        return;
      case 'id': {
        const id = this.decoder.decode(valueBytes);
        if (!id.includes('\0')) this.lastEventId = id;
        return;
      }
      case 'retry': {
        const v = this.decoder.decode(valueBytes);
        if (/^\d{1,9}$/.test(v)) this.sink.retry?.(Number(v));
        return;
      }
      default:
        return;
    }
  }

  /** Drops the current event; the state is settled before the sink hears of it, since the sink may throw. */
  private drop(what: 'line' | 'event', limit: number): void {
    const first = !this.dropped;
    this.dropped = what;
    this.data = [];
    this.dataBytes = 0;
    if (first) this.sink.oversized(what, limit);
  }

  private dispatch(): void {
    const dropped = this.dropped;
    const data = this.data;
    const event = this.event || 'message';
    this.data = [];
    this.dataBytes = 0;
    this.event = '';
    this.dropped = undefined;
    if (dropped || data.length === 0) return;
    this.sink.message({ id: this.lastEventId, event, data: data.join('\n') });
  }
}

function concat(parts: Uint8Array[], total: number): Uint8Array {
  const out = new Uint8Array(total);
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}
