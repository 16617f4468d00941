// Parameter lists: a sequence of (pid uint16, length uint16, value), ended by PID_SENTINEL.
// Used by SPDP/SEDP payloads (PL_CDR) and inline QoS. Readers visit parameters in place.

import type { ByteWriter } from './byte-writer.js';
import { RtpsParseError, RtpsProtocolViolation } from './cursor.js';
import { PID } from './pids.js';

/** Encapsulation identifiers (big-endian on the wire). */
export const Encapsulation = {
  CDR_BE: 0x0000,
  CDR_LE: 0x0001,
  PL_CDR_BE: 0x0002,
  PL_CDR_LE: 0x0003,
  CDR2_BE: 0x0006,
  CDR2_LE: 0x0007,
  D_CDR2_BE: 0x0008,
  D_CDR2_LE: 0x0009,
  PL_CDR2_BE: 0x000a,
  PL_CDR2_LE: 0x000b,
} as const;

/** A parameter's location inside a buffer. */
interface ParameterRef {
  pid: number;
  /** Offset of the value. */
  offset: number;
  length: number;
}

/**
 * Parameters (PAD included) accepted in one list. Real SPDP/SEDP lists carry about 30; the
 * byte length already bounds the loop (4 bytes a parameter), this makes the bound explicit.
 */
export const MAX_PARAMETERS = 512;

/**
 * Visits each parameter from `pos` until PID_SENTINEL; returns the offset after the sentinel.
 * Throws RtpsParseError when the list is truncated or a length runs past `end`, and
 * RtpsProtocolViolation past MAX_PARAMETERS parameters.
 */
export function forEachParameter(buf: Buffer, pos: number, end: number, le: boolean, visit: (pid: number, offset: number, length: number) => void): number {
  const stop = Math.min(end, buf.length);
  for (let n = 0; ; n++) {
    if (n > MAX_PARAMETERS) throw new RtpsProtocolViolation(`parameter list longer than ${MAX_PARAMETERS} parameters`);
    if (pos + 4 > stop) throw new RtpsParseError('parameter list without sentinel');
    const pid = le ? buf.readUInt16LE(pos) : buf.readUInt16BE(pos);
    const length = le ? buf.readUInt16LE(pos + 2) : buf.readUInt16BE(pos + 2);
    pos += 4;
    if (pid === PID.SENTINEL) return pos;
    if (pos + length > stop) throw new RtpsParseError(`parameter 0x${pid.toString(16)} length ${length} runs past the end`);
    if (pid !== PID.PAD) visit(pid, pos, length);
    pos += length;
  }
}

/** Offset just after the sentinel of the list starting at `pos`. */
export function parameterListEnd(buf: Buffer, pos: number, end: number, le: boolean): number {
  return forEachParameter(buf, pos, end, le, noop);
}

function noop(): void {}

/** Collects a parameter list into an array (for golden tests and slow paths). */
export function readParameterList(buf: Buffer, pos: number, end: number, le: boolean): ParameterRef[] {
  const out: ParameterRef[] = [];
  forEachParameter(buf, pos, end, le, (pid, offset, length) => {
    if (out.length < 4096) out.push({ pid, offset, length });
  });
  return out;
}

/** Writes one parameter: `body` fills the value; the length is padded to 4 and patched. */
export function writeParameter(w: ByteWriter, pid: number, body: (w: ByteWriter) => void): void {
  w.u16(pid);
  const lenAt = w.pos;
  w.u16(0);
  const start = w.pos;
  body(w);
  w.align(4, start);
  w.patchU16(lenAt, w.pos - start);
}

export function writeSentinel(w: ByteWriter): void {
  w.u16(PID.SENTINEL).u16(0);
}

/** Reads the 4-byte encapsulation header of a serialized payload. */
export function readEncapsulation(payload: Buffer): { id: number; options: number; le: boolean } {
  if (payload.length < 4) throw new RtpsParseError('payload shorter than its encapsulation header');
  const id = payload.readUInt16BE(0);
  return { id, options: payload.readUInt16BE(2), le: (id & 1) === 1 };
}
