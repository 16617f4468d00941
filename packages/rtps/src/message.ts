// Splitting a datagram into its header and submessages.

import { RtpsParseError } from './cursor.js';
import { decodeHeader, RTPS_HEADER_SIZE, type RtpsHeader } from './header.js';
import { decodeSubmessage, type Submessage } from './submessages/index.js';
import { FLAG_E, SubmessageId } from './submessages/ids.js';

/**
 * Visits each submessage of a datagram (with the offset of its header); throws RtpsParseError on malformed
 * framing or bodies. A visitor may return the offset to continue at (past a secured run it consumed).
 */
export function forEachSubmessage(buf: Buffer, visit: (sm: Submessage, at: number) => number | void, consume?: (id: number, at: number) => number): RtpsHeader {
  const header = decodeHeader(buf);
  forEachSubmessageFrom(buf, RTPS_HEADER_SIZE, visit, consume);
  return header;
}

/**
 * forEachSubmessage from `pos` on, without a header (the submessages of an opened SRTPS message). `consume`, when
 * given, sees each submessage's id first and may take it undecoded: it returns the offset to go on at (past what
 * it took), or -1 to have it decoded and visited as usual.
 */
export function forEachSubmessageFrom(buf: Buffer, pos: number, visit: (sm: Submessage, at: number) => number | void, consume?: (id: number, at: number) => number): void {
  const total = buf.length;
  while (pos < total) {
    if (pos + 4 > total) throw new RtpsParseError(`truncated submessage header at ${pos}`);
    const id = buf[pos];
    const flags = buf[pos + 1];
    const le = (flags & FLAG_E) !== 0;
    let len = le ? buf[pos + 2] | (buf[pos + 3] << 8) : (buf[pos + 2] << 8) | buf[pos + 3];
    const start = pos + 4;
    // Length 0 means "to the end of the message" except for PAD and INFO_TS, which can be empty.
    if (len === 0 && id !== SubmessageId.PAD && id !== SubmessageId.INFO_TS) len = total - start;
    const end = start + len;
    if (end > total) throw new RtpsParseError(`submessage 0x${id.toString(16)} length ${len} runs past the datagram (${total - start} left)`);
    const taken = consume ? consume(id, pos) : -1;
    if (taken > pos) {
      pos = taken;
      continue;
    }
    const next = visit(decodeSubmessage(id, flags, buf, start, end), pos);
    pos = typeof next === 'number' && next > pos ? next : end;
  }
}

export interface RtpsMessage {
  header: RtpsHeader;
  submessages: Submessage[];
}

/** Decodes a whole datagram (tests, tools). The receive path uses forEachSubmessage. */
export function decodeMessage(buf: Buffer): RtpsMessage {
  const submessages: Submessage[] = [];
  const header = forEachSubmessage(buf, (sm) => submessages.push(sm));
  return { header, submessages };
}
