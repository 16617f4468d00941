// How a reliable reader repairs what a burst of loss took (no sockets: its requests are decoded from the datagrams it
// builds). Issue 40: asking again for every missing fragment on each HEARTBEAT / HEARTBEAT_FRAG made a repair storm
// that starved live data (70% of a 50 MB/s KEEP_LAST stream lost); now a window of fragments of the oldest
// incomplete sample is asked, topped up as they arrive. What the writer no longer has is counted lost, never silent.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { VendorId } from '../src/vendor.js';
import { readerHarness } from './support/reader-harness.js';

const FS = 100;
/** A sample of 300 fragments of 100 bytes. */
const SIZE = 300 * FS;
const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);

/** A transient-local reader (no presync) synced to a Cyclone writer at SN 1. */
function synced() {
  const h = readerHarness('transient-local', VendorId.CYCLONE_DDS, false);
  h.hb(1, 0);
  h.nacks();
  return h;
}

/** Milliseconds from the start of a test (HEARTBEATs read the clock: it is faked). */
const T0 = 1_000_000;
const at = (ms: number) => {
  vi.setSystemTime(T0 + ms);
  return T0 + ms;
};

beforeEach(() => {
  vi.useFakeTimers({ toFake: ['Date'] });
  at(0);
});
afterEach(() => {
  vi.useRealTimers();
});

describe('reliable reader repair (issue 40)', () => {
  it('HEARTBEAT_FRAGs count on their own: one with a count below the HEARTBEATs\' still asks for missing fragments', () => {
    const h = synced();
    h.reader.onHeartbeat(h.proxy, 1, 0, 1000, true);
    h.dataFrag(1, 1, 1, FS, SIZE, at(0));
    h.hbFrag(1, 3, 5, at(0));
    expect(h.nackFrags()).toEqual([{ sn: 1, frags: [2, 3] }]);
    // A repeated or older HEARTBEAT_FRAG count is ignored.
    h.hbFrag(1, 300, 5, at(100));
    expect(h.nackFrags()).toEqual([]);
  });

  it('asks a window of 128 fragments; more HEARTBEATs and HEARTBEAT_FRAGs ask nothing again; arrivals top it up; no progress for 50 ms asks again', () => {
    const h = synced();
    h.dataFrag(1, 1, 1, FS, SIZE, at(0));
    h.hbFrag(1, 300, 1, at(0));
    expect(h.nackFrags()).toEqual([{ sn: 1, frags: range(2, 129) }]);
    // A writer heartbeats after each repair it sends: none of these asks again (before: each asked all 299).
    for (let i = 0; i < 20; i++) {
      h.hbFrag(1, 300, 2 + i, at(10));
      h.reader.onHeartbeat(h.proxy, 1, 1, 100 + i, false);
    }
    expect(h.nackFrags()).toEqual([]);
    // Half the window arrived: topped up to 128 in flight, past what was asked.
    h.dataFrag(1, 2, 64, FS, SIZE, at(20));
    expect(h.nackFrags()).toEqual([{ sn: 1, frags: range(130, 193) }]);
    // Fragment 66 never comes: 50 ms after the last request without an answer, asked again from the first missing one.
    h.dataFrag(1, 67, 10, FS, SIZE, at(30));
    h.hbFrag(1, 300, 50, at(69));
    expect(h.nackFrags()).toEqual([]);
    h.hbFrag(1, 300, 51, at(70));
    expect(h.nackFrags()).toEqual([{ sn: 1, frags: [66, ...range(77, 203)] }]);
  });

  it('repairs the oldest incomplete sample first, the next one as soon as it is complete; not the sample still being sent', () => {
    const h = synced();
    h.dataFrag(1, 1, 1, FS, 3 * FS, 0);
    h.dataFrag(2, 1, 1, FS, 3 * FS, 0);
    h.dataFrag(3, 1, 1, FS, 3 * FS, 0);
    // The writer is sending sample 3 (fragment 1 so far): only 1 and 2 may lack fragments.
    h.hbFrag(3, 1, 1, 0);
    expect(h.nackFrags()).toEqual([{ sn: 1, frags: [2, 3] }]);
    h.dataFrag(1, 2, 2, FS, 3 * FS, 1);
    expect(h.delivered).toEqual([1]);
    expect(h.nackFrags()).toEqual([{ sn: 2, frags: [2, 3] }]);
    h.dataFrag(2, 2, 2, FS, 3 * FS, 2);
    expect(h.delivered).toEqual([1, 2]);
    expect(h.nackFrags()).toEqual([]);
  });

  it('a HEARTBEAT past SNs not received delivers those that did arrive, in order, and counts the others lost', () => {
    const h = synced();
    const lost: number[] = [];
    h.reader.onSamplesLost = (_g, n) => lost.push(n);
    h.data(1);
    h.data(3);
    h.data(5);
    h.data(6);
    expect(h.delivered).toEqual([1]);
    // A KEEP_LAST writer overwrote 2..4 before they were repaired (before: 3 was dropped too).
    h.hb(5, 6);
    expect(h.delivered).toEqual([1, 3, 5, 6]);
    expect(h.proxy.lost).toBe(2);
    expect(h.reader.samplesLost).toBe(2);
    expect(lost).toEqual([2]);
  });

  it('a GAP over SNs not received counts them lost, delivering what arrived; an irrelevant GAP before the start point does not', () => {
    const h = synced();
    h.data(1);
    h.data(3);
    h.gap(2, 5, [6]);
    // 2, 4 and 6 are lost; 5 is still to come.
    expect(h.delivered).toEqual([1, 3]);
    expect(h.reader.samplesLost).toBe(3);
    h.data(7);
    h.data(5);
    expect(h.delivered).toEqual([1, 3, 5, 7]);
    expect(h.reader.samplesLost).toBe(3);
    // A volatile reader waiting for SNs its writer may not owe it (presync) counts none of them.
    const v = readerHarness('volatile', VendorId.FAST_DDS, false);
    v.hb(1, 5);
    v.gap(1, 5);
    expect(v.reader.samplesLost).toBe(0);
  });

  it('hostile values: a HEARTBEAT jumping to SN 2^52-1 moves nothing, a HEARTBEAT_FRAG past the sample, a huge fragment count stay bounded', () => {
    const h = synced();
    for (let sn = 2; sn < 2050; sn++) h.data(sn);
    h.hb(2 ** 52 - 1, 2 ** 52 - 1);
    // Past what the writer could have written: the claim moves nothing, SN 1 is still asked for, nothing is lost.
    expect(h.delivered).toHaveLength(0);
    expect(h.reader.samplesLost).toBe(0);
    h.data(1);
    h.data(2050);
    expect(h.delivered).toHaveLength(2050);
    const g = synced();
    g.dataFrag(1, 1, 1, FS, SIZE, 0);
    g.hbFrag(1, 0xffffffff, 0x7fffffff, 0);
    const asked = g.nackFrags();
    expect(asked).toHaveLength(1);
    expect(asked[0].frags).toEqual(range(2, 129));
  });
});
