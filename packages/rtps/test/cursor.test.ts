// The Cursor's integer reads, written out byte by byte (cursor.ts), against Node's own Buffer readers in both byte
// orders, at every alignment and for the extreme values; and their bounds checks.
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { Cursor, RtpsParseError } from '../src/cursor.js';

/** Bytes with the sign bit and the all-ones patterns at fixed places, then random ones. */
function sampleBytes(): Buffer {
  return Buffer.concat([Buffer.from([0xff, 0xff, 0xff, 0xff, 0x80, 0, 0, 0, 0, 0, 0, 0x80, 0x7f, 0xff, 0xff, 0xff, 0, 0, 0, 0]), randomBytes(64)]);
}

describe('Cursor integer reads', () => {
  for (const le of [true, false]) {
    it(`match Buffer's readers, ${le ? 'little' : 'big'}-endian, at every offset`, () => {
      const buf = sampleBytes();
      for (let at = 0; at + 4 <= buf.length; at++) {
        const c = () => new Cursor(buf, at, buf.length, le);
        expect(c().u16()).toBe(le ? buf.readUInt16LE(at) : buf.readUInt16BE(at));
        expect(c().i16()).toBe(le ? buf.readInt16LE(at) : buf.readInt16BE(at));
        expect(c().u32()).toBe(le ? buf.readUInt32LE(at) : buf.readUInt32BE(at));
        expect(c().i32()).toBe(le ? buf.readInt32LE(at) : buf.readInt32BE(at));
        // Entity ids are big-endian whatever the E flag says.
        expect(c().entityId()).toBe(buf.readUInt32BE(at));
      }
    });
  }

  it('advances by the width read', () => {
    const c = new Cursor(sampleBytes(), 3);
    c.u16();
    expect(c.pos).toBe(5);
    c.i16();
    expect(c.pos).toBe(7);
    c.u32();
    c.i32();
    c.entityId();
    expect(c.pos).toBe(19);
  });

  it('throws RtpsParseError instead of reading past its end, even inside a larger buffer', () => {
    const buf = sampleBytes();
    for (const [width, read] of [
      [2, (c: Cursor) => c.u16()],
      [2, (c: Cursor) => c.i16()],
      [4, (c: Cursor) => c.u32()],
      [4, (c: Cursor) => c.i32()],
      [4, (c: Cursor) => c.entityId()],
    ] as const) {
      for (let short = 0; short < width; short++) {
        const c = new Cursor(buf, 10, 10 + short);
        expect(() => read(c)).toThrow(RtpsParseError);
        expect(c.pos).toBe(10);
      }
      // And at the end of the buffer itself.
      expect(() => read(new Cursor(buf, buf.length - width + 1))).toThrow(RtpsParseError);
    }
  });
});
