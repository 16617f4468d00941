// Where a reliable reader starts with a newly matched writer (no sockets: the reader's output
// is decoded from the datagrams it builds). The wire scenarios are in loopback-late-match and
// interop-late-match; this covers the vendor rules and the give-up on unanswered SNs.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { VendorId } from '../src/vendor.js';
import { readerHarness as harness } from './support/reader-harness.js';

afterEach(() => {
  vi.useRealTimers();
});

describe('reliable reader start point', () => {
  it('volatile, medkit writer: a sample seen before the first HEARTBEAT waits, earlier announced SNs are asked for', () => {
    const h = harness('volatile', VendorId.MEDKIT, false);
    h.nacks();
    h.data(4);
    expect(h.delivered).toEqual([]);
    h.hb(2, 4);
    expect(h.nacks()).toEqual([[2, 3]]);
    h.data(2);
    h.data(3);
    expect(h.delivered).toEqual([2, 3, 4]);
  });

  it('volatile, Fast DDS transient-local writer: asks from first; its GAP of the old history is the start', () => {
    const h = harness('volatile', VendorId.FAST_DDS, true);
    h.nacks();
    h.hb(1, 3);
    expect(h.nacks()).toEqual([[1, 2, 3]]);
    h.gap(1, 4);
    h.data(4);
    expect(h.delivered).toEqual([4]);
  });

  it('volatile, Cyclone transient-local writer: starts after last (Cyclone would send the history), keeps a sample that raced ahead', () => {
    const h = harness('volatile', VendorId.CYCLONE_DDS, true);
    h.nacks();
    h.data(3);
    h.hb(1, 3);
    expect(h.nacks()).toEqual([[]]);
    expect(h.delivered).toEqual([3]);
    h.data(4);
    expect(h.delivered).toEqual([3, 4]);
  });

  it('volatile, Cyclone volatile writer: asks from first (it keeps only unacknowledged samples)', () => {
    const h = harness('volatile', VendorId.CYCLONE_DDS, false);
    h.nacks();
    h.hb(5, 6);
    expect(h.nacks()).toEqual([[5, 6]]);
  });

  it('transient-local reader asks for the whole history whatever the vendor', () => {
    const h = harness('transient-local', VendorId.CYCLONE_DDS, true);
    h.nacks();
    h.hb(1, 3);
    expect(h.nacks()).toEqual([[1, 2, 3]]);
  });

  it('a GAP that does not start at SN 1 is not a start point', () => {
    const h = harness('volatile', VendorId.MEDKIT, false);
    h.nacks();
    h.gap(5, 7);
    h.data(7);
    expect(h.proxy.synced).toBe(false);
    expect(h.delivered).toEqual([]);
    h.hb(3, 7);
    expect(h.nacks()).toEqual([[3, 4]]);
    h.data(3);
    h.data(4);
    expect(h.delivered).toEqual([3, 4, 7]);
  });

  it('a long GAP before the first HEARTBEAT (Fast DDS history of a KEEP_ALL writer) moves the start past it', () => {
    const h = harness('volatile', VendorId.FAST_DDS, false);
    h.nacks();
    h.gap(2, 1000);
    h.hb(2, 1002);
    expect(h.nacks()).toEqual([[1000, 1001, 1002]]);
  });

  it('gives up on pre-sync SNs the writer never answers after 3 heartbeats and 1 s, delivering what it has', () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(1_000_000);
    const h = harness('volatile', VendorId.FAST_DDS, false);
    h.hb(1, 3);
    h.data(3);
    h.data(4);
    expect(h.delivered).toEqual([]);
    for (let i = 0; i < 3; i++) {
      vi.setSystemTime(1_000_000 + 300 * (i + 1));
      h.hb(1, 4);
    }
    expect(h.delivered).toEqual([]);
    vi.setSystemTime(1_000_000 + 1500);
    h.hb(1, 4);
    expect(h.delivered).toEqual([3, 4]);
    h.data(5);
    expect(h.delivered).toEqual([3, 4, 5]);
    expect(h.proxy.presyncHigh).toBeUndefined();
  });
});
