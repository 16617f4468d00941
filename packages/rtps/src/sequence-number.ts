// Sequence numbers are int64 on the wire (int32 high, uint32 low). We keep them as JS numbers,
// exact up to 2^53, far beyond what any writer reaches.

import type { ByteWriter } from './byte-writer.js';
import { RtpsParseError, type Cursor } from './cursor.js';

/** SEQUENCENUMBER_UNKNOWN (high -1, low 0). */
export const SN_UNKNOWN = -4294967296;

export function readSN(c: Cursor): number {
  const high = c.i32();
  const low = c.u32();
  return high * 4294967296 + low;
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

export function readSNSet(c: Cursor): SequenceNumberSet {
  const base = readSN(c);
  const numBits = c.u32();
  if (numBits > 256) throw new RtpsParseError(`SequenceNumberSet numBits ${numBits} > 256`);
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

export function readFragSet(c: Cursor): FragmentNumberSet {
  const base = c.u32();
  const numBits = c.u32();
  if (numBits > 256) throw new RtpsParseError(`FragmentNumberSet numBits ${numBits} > 256`);
  return { base, numBits, set: readBitmap(c, numBits, base) };
}

export function writeFragSet(w: ByteWriter, s: FragmentNumberSet): void {
  w.u32(s.base);
  writeBitmap(w, s.base, s.numBits, s.set);
}

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

/** Builds a set from a base and the wanted members, clamped to 256 bits. */
export function makeSet(base: number, members: number[]): SequenceNumberSet {
  const inRange = members.filter((m) => m >= base && m < base + 256).sort((a, b) => a - b);
  const numBits = inRange.length === 0 ? 0 : inRange[inRange.length - 1] - base + 1;
  return { base, numBits, set: inRange };
}
