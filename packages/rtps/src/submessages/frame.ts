// Submessage header framing shared by every encoder: id, flags (E set for little-endian),
// length patched after the body is written.

import type { ByteWriter } from '../byte-writer.js';
import { RtpsParseError, type Cursor } from '../cursor.js';
import { parameterListEnd } from '../parameter-list.js';
import { FLAG_E } from './ids.js';

/** Writes the 4-byte submessage header and returns the position of its length field. */
export function beginSubmessage(w: ByteWriter, id: number, flags: number, le: boolean): number {
  w.le = le;
  w.u8(id);
  w.u8((flags & ~FLAG_E) | (le ? FLAG_E : 0));
  const at = w.pos;
  w.u16(0);
  return at;
}

/** Patches the length of the submessage started at `lengthAt`. */
export function endSubmessage(w: ByteWriter, lengthAt: number, le: boolean): void {
  const len = w.pos - (lengthAt + 2);
  if (len > 0xffff) throw new RangeError(`submessage body ${len} bytes exceeds 65535`);
  w.patchU16(lengthAt, len, le);
}

/**
 * Moves `c` to where DATA/DATA_FRAG inline QoS starts (octetsToInlineQos) and, when the Q flag
 * is set, returns the parameter list (sentinel included) leaving `c` after it.
 */
export function readInlineQos(c: Cursor, qosStart: number, present: boolean): Buffer | undefined {
  if (qosStart > c.end || qosStart < c.pos) throw new RtpsParseError(`octetsToInlineQos points outside the submessage`);
  c.pos = qosStart;
  if (!present) return undefined;
  const end = parameterListEnd(c.buf, c.pos, c.end, c.le);
  const q = c.buf.subarray(c.pos, end);
  c.pos = end;
  return q;
}
