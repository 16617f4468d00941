// What a reader keeps of a received view (own-bytes.ts): never a large buffer held by a small view, whether kept by
// the application (a reader that gives its payloads) or by the out-of-order stash, which keeps it for any reader.
import { describe, expect, it } from 'vitest';
import { ownBuffer, ownBytes, ownCopy } from '../src/own-bytes.js';
import { VendorId } from '../src/vendor.js';
import { readerHarness } from './support/reader-harness.js';

const SLAB = 512 * 1024;

describe('own bytes', () => {
  it('copies a small view of a large buffer, and leaves a view that is most of its buffer, or of a small one', () => {
    const slab = Buffer.allocUnsafeSlow(SLAB).fill(7);
    const small = slab.subarray(1000, 2024);
    const own = ownBytes(small);
    expect(own).not.toBe(small);
    expect(own.equals(small)).toBe(true);
    expect(own.buffer.byteLength).toBeLessThan(SLAB);
    const most = slab.subarray(0, SLAB - 1000);
    expect(ownBytes(most)).toBe(most);
    const little = Buffer.allocUnsafeSlow(4096).subarray(0, 1024);
    expect(ownBytes(little)).toBe(little);
  });

  it('a copy holds no more than its own size or an 8 KiB chunk, whatever Buffer.poolSize the runtime has (64 KiB on Node 24)', () => {
    const was = Buffer.poolSize;
    try {
      for (const poolSize of [8 * 1024, 64 * 1024]) {
        Buffer.poolSize = poolSize;
        const slab = Buffer.allocUnsafeSlow(SLAB).fill(5);
        for (const n of [0, 1, 100, 1024, 4096, 4097, 20_000, 40_000]) {
          const copy = ownBytes(slab.subarray(10, 10 + n));
          expect(copy.equals(slab.subarray(10, 10 + n))).toBe(true);
          expect(copy.buffer.byteLength, `${n} bytes, pool ${poolSize}`).toBeLessThanOrEqual(Math.max(n, 8 * 1024));
          expect(copy.byteOffset % 8).toBe(0);
        }
        // A sample being reassembled: exactly its size, so the budget charged for it is what it holds.
        for (const n of [100, 10_000, 30_000]) expect(ownBuffer(n).buffer.byteLength).toBe(n);
      }
    } finally {
      Buffer.poolSize = was;
    }
    // Copies cut from one chunk do not overlap.
    const a = ownCopy(Buffer.alloc(100, 1));
    const b = ownCopy(Buffer.alloc(100, 2));
    expect(a.every((x) => x === 1) && b.every((x) => x === 2)).toBe(true);
  });

  it('a DATA stashed out of order is kept as its own bytes; one delivered in order is handed on as it came', () => {
    const h = readerHarness('volatile', VendorId.CYCLONE_DDS, false);
    const payloads = new Map<number, Buffer>();
    h.reader.deliver = (c) => payloads.set(c.sn, c.payload!);
    h.hb(1, 2);
    const slab = Buffer.allocUnsafeSlow(SLAB).fill(3);
    const change = (sn: number, at: number) => ({ writerGuid: h.proxy.guid, sn, payload: slab.subarray(at, at + 1024), key: false, inlineLe: true, vendorId: VendorId.CYCLONE_DDS });
    // SN 2 before SN 1: it waits in the stash.
    const second = change(2, 4096);
    h.reader.onData(h.proxy, second);
    expect(payloads.size).toBe(0);
    const first = change(1, 0);
    h.reader.onData(h.proxy, first);
    expect([...payloads.keys()]).toEqual([1, 2]);
    expect(payloads.get(1)).toBe(first.payload);
    expect(payloads.get(2)!.buffer.byteLength).toBeLessThan(SLAB);
    expect(payloads.get(2)!.equals(second.payload)).toBe(true);
  });
});
