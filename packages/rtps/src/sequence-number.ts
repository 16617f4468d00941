// Sequence numbers are int64 on the wire (int32 high, uint32 low). We keep them as JS numbers
// and validate them where they are parsed: every SN that reaches the reader and writer state
// machines lies in 0..SN_MAX (2^52 - 1), so `sn + 1`, `sn + 256` and differences stay exact
// integers (float64 is exact to 2^53). A peer announcing more (2^53, 2^63 - 1) or a negative
// SN violates the protocol: no writer reaches 2^52 (a million samples a second for 142 years),
// so the submessage is refused at the parse boundary (see packages/rtps/README.md, "Hostile
// peers"). Numbers instead of BigInt keep the receive hot path allocation-free.

import type { ByteWriter } from './byte-writer.js';
import { RtpsProtocolViolation, type Cursor } from './cursor.js';

/** SEQUENCENUMBER_UNKNOWN (high -1, low 0). */
export const SN_UNKNOWN = -4294967296;

/** Largest sequence number accepted from a peer: 2^52 - 1, with 2^52 of exact headroom above. */
export const SN_MAX = 2 ** 52 - 1;

/** Bits in a SequenceNumberSet or FragmentNumberSet bitmap (RTPS 9.4.2.6: 0..256). */
export const MAX_SET_BITS = 256;

/** High words at or above this (and negative ones, as unsigned) put an SN past SN_MAX. */
const HIGH_LIMIT = 0x100000;

/** Reads an SN and refuses anything outside 0..SN_MAX (RtpsProtocolViolation). */
export function readSN(c: Cursor): number {
  const high = c.i32();
  const low = c.u32();
  if (high >>> 0 >= HIGH_LIMIT) throw new RtpsProtocolViolation(`sequence number out of range (high ${high}, low ${low})`);
  return high * 4294967296 + low;
}

/**
 * Reads an SN that is only compared, never computed with (a sample identity echoed by a reply):
 * SEQUENCENUMBER_UNKNOWN is legal there. Values past 2^53 lose precision, which only makes a
 * forged identity match nothing.
 */
export function readSNValue(c: Cursor): number {
  const high = c.i32();
  const low = c.u32();
  return high * 4294967296 + low;
}

/** Reads an SN that must be a real one (>= 1): DATA, HEARTBEAT first, GAP start, ... */
export function readPositiveSN(c: Cursor, what: string): number {
  const sn = readSN(c);
  if (sn < 1) throw new RtpsProtocolViolation(`${what} ${sn} < 1`);
  return sn;
}

export function writeSN(w: ByteWriter, sn: number): void {
  const high = Math.floor(sn / 4294967296);
  w.i32(high);
  w.u32(sn - high * 4294967296);
}

/** A SequenceNumberSet: base and the members of the bitmap (absolute numbers). */
export interface SequenceNumberSet {
  base: number;
  numBits: number;
  /** Members (absolute sequence numbers), ascending. */
  set: number[];
}

/**
 * Reads a SequenceNumberSet. The base must be >= 1 (RTPS 9.4.2.6); an empty set with base 0 is
 * tolerated because some implementations send it as their first ACKNACK. Members stay <= SN_MAX.
 */
export function readSNSet(c: Cursor): SequenceNumberSet {
  const base = readSN(c);
  const numBits = readNumBits(c, 'SequenceNumberSet');
  if (base < 1 && numBits > 0) throw new RtpsProtocolViolation(`SequenceNumberSet base ${base} < 1`);
  if (numBits > 0 && base + numBits - 1 > SN_MAX) throw new RtpsProtocolViolation(`SequenceNumberSet ${base}+${numBits} runs past ${SN_MAX}`);
  const set = readBitmap(c, numBits, base);
  return { base, numBits, set };
}

export function writeSNSet(w: ByteWriter, s: SequenceNumberSet): void {
  writeSN(w, s.base);
  writeBitmap(w, s.base, s.numBits, s.set);
}

/** FragmentNumberSet: uint32 base + bitmap. */
export interface FragmentNumberSet {
  base: number;
  numBits: number;
  set: number[];
}

/** Reads a FragmentNumberSet; fragment numbers start at 1, so base 0 is refused. */
export function readFragSet(c: Cursor): FragmentNumberSet {
  const base = c.u32();
  const numBits = readNumBits(c, 'FragmentNumberSet');
  if (base < 1) throw new RtpsProtocolViolation(`FragmentNumberSet base ${base} < 1`);
  return { base, numBits, set: readBitmap(c, numBits, base) };
}

export function writeFragSet(w: ByteWriter, s: FragmentNumberSet): void {
  w.u32(s.base);
  writeBitmap(w, s.base, s.numBits, s.set);
}

function readNumBits(c: Cursor, what: string): number {
  const numBits = c.u32();
  if (numBits > MAX_SET_BITS) throw new RtpsProtocolViolation(`${what} numBits ${numBits} > ${MAX_SET_BITS}`);
  return numBits;
}

/** At most MAX_SET_BITS members: the caller checked numBits. */
function readBitmap(c: Cursor, numBits: number, base: number): number[] {
  const words = (numBits + 31) >>> 5;
  const set: number[] = [];
  for (let i = 0; i < words; i++) {
    const word = c.u32();
    if (word === 0) continue;
    for (let b = 0; b < 32; b++) {
      const bit = i * 32 + b;
      if (bit >= numBits) break;
      if (word & (0x80000000 >>> b)) set.push(base + bit);
    }
  }
  return set;
}

function writeBitmap(w: ByteWriter, base: number, numBits: number, set: number[]): void {
  const words = (numBits + 31) >>> 5;
  w.u32(numBits);
  const bm = new Uint32Array(words);
  for (const sn of set) {
    const bit = sn - base;
    if (bit < 0 || bit >= numBits) continue;
    bm[bit >>> 5] |= 0x80000000 >>> (bit & 31);
  }
  for (let i = 0; i < words; i++) w.u32(bm[i]);
}

/** Builds a set from a base and the wanted members, clamped to MAX_SET_BITS bits. */
export function makeSet(base: number, members: readonly number[]): SequenceNumberSet {
  const inRange = members.filter((m) => m >= base && m < base + MAX_SET_BITS).sort((a, b) => a - b);
  const numBits = inRange.length === 0 ? 0 : inRange[inRange.length - 1] - base + 1;
  return { base, numBits, set: inRange };
}
