// The receiver-state submessages: INFO_TS, INFO_SRC, INFO_DST, and PAD. They are tiny, so one file.

import type { ByteWriter } from '../byte-writer.js';
import type { Cursor } from '../cursor.js';
import { fractionToNanos, nanosToFraction, type RtpsTime } from '../time.js';
import { beginSubmessage, endSubmessage } from './frame.js';
import { FLAG_INVALIDATE, SubmessageId } from './ids.js';

export interface InfoTsSubmessage {
  kind: 'INFO_TS';
  /** Undefined when the I flag invalidates the timestamp. */
  timestamp?: RtpsTime;
}

export interface InfoSrcSubmessage {
  kind: 'INFO_SRC';
  major: number;
  minor: number;
  vendorId: number;
  guidPrefix: Buffer;
}

export interface InfoDstSubmessage {
  kind: 'INFO_DST';
  guidPrefix: Buffer;
}

export interface PadSubmessage {
  kind: 'PAD';
}

export function decodeInfoTs(c: Cursor, flags: number): InfoTsSubmessage {
  if (flags & FLAG_INVALIDATE) return { kind: 'INFO_TS' };
  const sec = c.u32();
  const frac = c.u32();
  return { kind: 'INFO_TS', timestamp: { sec, nanosec: fractionToNanos(frac) } };
}

export function encodeInfoTs(w: ByteWriter, ts: RtpsTime | undefined, le: boolean): void {
  const at = beginSubmessage(w, SubmessageId.INFO_TS, ts ? 0 : FLAG_INVALIDATE, le);
  if (ts) w.u32(ts.sec).u32(nanosToFraction(ts.nanosec));
  endSubmessage(w, at, le);
}

export function decodeInfoSrc(c: Cursor): InfoSrcSubmessage {
  c.skip(4);
  const major = c.u8();
  const minor = c.u8();
  const vendorId = (c.u8() << 8) | c.u8();
  return { kind: 'INFO_SRC', major, minor, vendorId, guidPrefix: c.bytes(12) };
}

export function encodeInfoSrc(w: ByteWriter, m: Omit<InfoSrcSubmessage, 'kind'>, le: boolean): void {
  const at = beginSubmessage(w, SubmessageId.INFO_SRC, 0, le);
  w.u32(0).u8(m.major).u8(m.minor).u16(m.vendorId, false).bytes(m.guidPrefix);
  endSubmessage(w, at, le);
}

export function decodeInfoDst(c: Cursor): InfoDstSubmessage {
  return { kind: 'INFO_DST', guidPrefix: c.bytes(12) };
}

export function encodeInfoDst(w: ByteWriter, guidPrefix: Uint8Array, le: boolean): void {
  const at = beginSubmessage(w, SubmessageId.INFO_DST, 0, le);
  w.bytes(guidPrefix.subarray(0, 12));
  endSubmessage(w, at, le);
}

export function encodePad(w: ByteWriter, bytes: number, le: boolean): void {
  const at = beginSubmessage(w, SubmessageId.PAD, 0, le);
  w.zeros(bytes);
  endSubmessage(w, at, le);
}
