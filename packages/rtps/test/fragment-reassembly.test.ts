// DATA_FRAG reassembly in place, against hostile fragment patterns: every byte is placed once, every
// allocation is bounded per writer and in all, and nothing a peer sends survives its bounds.
import { describe, expect, it } from 'vitest';
import { FragmentReassembly, ReassemblyBudget, type ReassemblyLimits } from '../src/fragment-reassembly.js';

const LIMITS: ReassemblyLimits = { maxSampleSize: 1 << 20, maxPerWriter: 4, maxBytesPerWriter: 1 << 20, timeoutMs: 1000 };

function sample(size: number, seed = 1): Buffer {
  const b = Buffer.alloc(size);
  for (let i = 0; i < size; i++) b[i] = (i * 31 + seed * 7) & 0xff;
  return b;
}

/** Fragments [start, start+count) of `s` in `fragmentSize` pieces, as one DATA_FRAG's data. */
function piece(s: Buffer, start: number, count: number, fragmentSize: number): Buffer {
  return s.subarray((start - 1) * fragmentSize, Math.min(s.length, (start - 1 + count) * fragmentSize));
}

function make(limits: Partial<ReassemblyLimits> = {}, budget = new ReassemblyBudget(8 << 20)): { r: FragmentReassembly; budget: ReassemblyBudget } {
  return { r: new FragmentReassembly({ ...LIMITS, ...limits }, budget), budget };
}

const add = (r: FragmentReassembly, sn: number, start: number, count: number, fragmentSize: number, sampleSize: number, data: Buffer, now = 0) =>
  r.add(sn, start, count, fragmentSize, sampleSize, data, now, undefined, true, undefined, false);

describe('fragment reassembly', () => {
  it('assembles out of order, with duplicates and overlapping runs, into exactly the sample; memory released on completion', () => {
    const { r, budget } = make();
    const s = sample(10_000);
    const fs = 1000;
    expect(add(r, 1, 10, 1, fs, s.length, piece(s, 10, 1, fs))).toBeUndefined();
    expect(budget.used).toBe(10_000); // the announced size, once
    expect(add(r, 1, 2, 3, fs, s.length, piece(s, 2, 3, fs))).toBeUndefined();
    // An overlapping run whose bytes differ: fragments already held are not overwritten.
    expect(add(r, 1, 3, 3, fs, s.length, Buffer.alloc(3 * fs, 0xee))).toBeUndefined();
    expect(r.missing(1)).toEqual({ base: 1, set: [1, 6, 7, 8, 9] });
    expect(add(r, 1, 1, 1, fs, s.length, piece(s, 1, 1, fs))).toBeUndefined();
    expect(add(r, 1, 6, 2, fs, s.length, piece(s, 6, 2, fs))).toBeUndefined();
    const done = add(r, 1, 8, 2, fs, s.length, piece(s, 8, 2, fs));
    expect(done?.payload.equals(Buffer.concat([s.subarray(0, 4000), Buffer.alloc(1000, 0xee), s.subarray(5000)]))).toBe(true);
    expect(budget.used).toBe(0);
    expect(r.size).toBe(0);
  });

  it('a short last fragment, and a fragment claiming more than the datagram carries keeps only whole fragments', () => {
    const { r } = make();
    const s = sample(2500);
    // Claims fragments 1..3 but carries 1.5 of them: only fragment 1 counts.
    expect(add(r, 1, 1, 3, 1000, s.length, s.subarray(0, 1500))).toBeUndefined();
    expect(r.missing(1)).toEqual({ base: 2, set: [2, 3] });
    const done = add(r, 1, 2, 2, 1000, s.length, s.subarray(1000));
    expect(done?.payload.equals(s)).toBe(true);
  });

  it('a fragment with another sampleSize, fragmentSize or K flag than the sample it names starts the sample over: a forged one ahead of it cannot hold the SN', () => {
    const { r, budget } = make();
    const s = sample(4000);
    // Forged, ahead of the writer's own fragments and in other sizes: the writer's first fragment takes the SN back.
    add(r, 1, 1, 1, 500, 4000, Buffer.alloc(500, 0x5a));
    add(r, 1, 1, 1, 1000, 4000, piece(s, 1, 1, 1000));
    expect(r.missing(1)?.set).toEqual([2, 3, 4]);
    // Forged in the middle (another sampleSize, then another fragmentSize): what the sample had is asked for again.
    add(r, 1, 2, 2, 1000, 3000, piece(s, 2, 2, 1000));
    expect(r.missing(1)?.set).toEqual([1]);
    add(r, 1, 2, 3, 500, 4000, piece(s, 2, 3, 1000));
    expect(r.missing(1)?.set).toEqual([1, 5, 6, 7, 8]);
    expect(add(r, 1, 2, 3, 1000, 4000, piece(s, 2, 3, 1000))).toBeUndefined();
    expect(r.missing(1)?.set).toEqual([1]);
    // A forged K flag (the sample would become a key-only change) starts it over too.
    r.add(1, 1, 1, 1000, 4000, piece(s, 1, 1, 1000), 0, undefined, true, undefined, true);
    expect(r.missing(1)?.set).toEqual([2, 3, 4]);
    add(r, 1, 2, 3, 1000, 4000, piece(s, 2, 3, 1000));
    const done = add(r, 1, 1, 1, 1000, 4000, piece(s, 1, 1, 1000));
    expect([done?.payload.equals(s), done?.key]).toEqual([true, false]);
    // One buffer served every start: nothing charged once the sample is out but the buffer kept for the next.
    expect(budget.used).toBeLessThanOrEqual(4000);
  });

  it('reserves nothing for fragments past the sample, huge fragment numbers, cut-short data, oversize or over-fine samples', () => {
    const { r, budget } = make();
    expect(add(r, 1, 0xffffffff, 1, 1000, 4000, Buffer.alloc(1000))).toBeUndefined();
    expect(add(r, 2, 5, 0xffff, 1000, 4000, Buffer.alloc(1000))).toBeUndefined();
    expect(add(r, 3, 1, 1, 1000, 4000, Buffer.alloc(999))).toBeUndefined();
    expect(add(r, 4, 1, 1, 1000, LIMITS.maxSampleSize + 1, Buffer.alloc(1000))).toBeUndefined();
    expect(add(r, 5, 1, 0xffff, 1, 0x1_0000_0000 - 1, Buffer.alloc(64))).toBeUndefined(); // 2^32 1-byte fragments
    expect(add(r, 6, 1, 1, 0, 4000, Buffer.alloc(64))).toBeUndefined();
    expect(add(r, 7, 0, 1, 1000, 4000, Buffer.alloc(1000))).toBeUndefined();
    expect(budget.used).toBe(0);
    expect(r.size).toBe(0);
  });

  it('one writer: at most maxPerWriter samples and maxBytesPerWriter bytes at once; its oldest make room, a too large one is refused', () => {
    const { r, budget } = make({ maxPerWriter: 4, maxBytesPerWriter: 100_000 });
    for (let sn = 1; sn <= 10; sn++) add(r, sn, 1, 1, 1000, 20_000, Buffer.alloc(1000), sn);
    expect(r.size).toBe(4);
    expect(r.sequenceNumbers()).toEqual([7, 8, 9, 10]);
    expect(r.heldBytes).toBeLessThanOrEqual(100_000);
    // A 90 kB sample: the oldest give way until it fits.
    add(r, 11, 1, 1, 1000, 90_000, Buffer.alloc(1000), 11);
    expect(r.has(11)).toBe(true);
    expect(r.heldBytes).toBeLessThanOrEqual(100_000);
    expect(budget.used).toBe(r.heldBytes);
    // Larger than the writer's cap: refused, though it is under maxSampleSize.
    expect(add(r, 12, 1, 1, 1000, 100_001, Buffer.alloc(1000), 12)).toBeUndefined();
    expect(r.has(12)).toBe(false);
    r.clear();
    expect(budget.used).toBe(0);
    expect(r.heldBytes).toBe(0);
  });

  it('a writer that starts sample after sample with a lying sampleSize and never finishes one reuses one buffer', () => {
    const { r, budget } = make({ maxPerWriter: 1, maxBytesPerWriter: 1 << 20 });
    for (let sn = 1; sn <= 1000; sn++) {
      add(r, sn, 1, 1, 1000, 1 << 20, Buffer.alloc(1000, sn & 0xff), sn);
      expect(budget.used).toBe(1 << 20);
    }
    // The kept buffer serves a smaller sample that completes: delivered as a view of it, the charge released.
    const s = sample(3000);
    const first = add(r, 2000, 1, 3, 1000, 3000, s)?.payload;
    expect(first?.equals(s)).toBe(true);
    expect(first?.length).toBe(3000);
    expect(budget.used).toBe(0);
  });

  it('many writers with partial samples stay within the shared budget; released when they go', () => {
    const budget = new ReassemblyBudget(4 << 20);
    const writers = Array.from({ length: 100 }, () => new FragmentReassembly(LIMITS, budget));
    for (const w of writers) for (let sn = 1; sn <= 8; sn++) add(w, sn, 1, 1, 1000, 512 * 1024, Buffer.alloc(1000), sn);
    expect(budget.used).toBeLessThanOrEqual(4 << 20);
    // The writers that got nothing stay empty: the budget is not taken from others.
    const holding = writers.filter((w) => w.heldBytes > 0).length;
    expect(holding).toBeGreaterThan(0);
    expect(holding).toBeLessThan(100);
    for (const w of writers) w.clear();
    expect(budget.used).toBe(0);
  });

  it('incomplete samples expire, and so does a buffer kept unused as long', () => {
    const { r, budget } = make({ timeoutMs: 1000 });
    add(r, 1, 1, 1, 1000, 5000, Buffer.alloc(1000), 0);
    r.expire(500);
    expect(r.size).toBe(1);
    r.expire(1500);
    expect(r.size).toBe(0);
    expect(budget.used).toBe(5000); // kept for the next sample
    r.expire(Date.now() + 2000);
    expect(budget.used).toBe(0);
    expect(r.heldBytes).toBe(0);
  });

  it('dropBelow gives up the samples below, keeping one buffer', () => {
    const { r, budget } = make();
    for (let sn = 1; sn <= 3; sn++) add(r, sn, 1, 1, 1000, 4000 * sn, Buffer.alloc(1000), sn);
    r.dropBelow(3);
    expect(r.sequenceNumbers()).toEqual([3]);
    expect(budget.used).toBe(12_000 + 8000);
    r.drop(3);
    expect(budget.used).toBe(12_000);
  });
});

describe('lent payloads given back', () => {
  /** Sample `sn` of `s` in two DATA_FRAGs, the second completing it. */
  const whole = (r: FragmentReassembly, sn: number, s: Buffer, now = 0) => {
    add(r, sn, 1, 1, 1000, s.length, piece(s, 1, 1, 1000), now);
    return add(r, sn, 2, Math.ceil(s.length / 1000) - 1, 1000, s.length, piece(s, 2, 100, 1000), now);
  };

  it('a completed sample\'s buffer given back receives a later sample, charged while kept; the writer\'s samples alternate between two buffers', () => {
    const { r, budget } = make();
    const first = whole(r, 1, sample(4000, 1))!;
    expect(budget.used).toBe(0); // handed on: the reader holds it, not the reassembly
    r.giveBack(first.backing, 0);
    expect(r.heldBytes).toBe(4000);
    expect(budget.used).toBe(4000);
    // The next sample goes into it, and has its own bytes.
    const second = whole(r, 2, sample(4000, 2))!;
    expect(second.backing).toBe(first.backing);
    expect(second.payload.equals(sample(4000, 2))).toBe(true);
    expect(budget.used).toBe(0);
    // Given back, and again.
    r.giveBack(second.backing, 0);
    const third = whole(r, 3, sample(4000, 3))!;
    expect(third.backing).toBe(first.backing);
    expect(third.payload.equals(sample(4000, 3))).toBe(true);
  });

  it('a smaller sample goes into a larger buffer given back (its payload the buffer\'s start), a larger one into a new buffer', () => {
    const { r, budget } = make();
    const big = whole(r, 1, sample(8000, 1))!;
    r.giveBack(big.backing, 0);
    const small = whole(r, 2, sample(3000, 2))!;
    expect(small.backing).toBe(big.backing);
    expect(small.payload.length).toBe(3000);
    expect(small.payload.equals(sample(3000, 2))).toBe(true);
    r.giveBack(small.backing, 0);
    const larger = whole(r, 3, sample(9000, 3))!;
    expect(larger.backing).not.toBe(big.backing);
    expect(larger.payload.equals(sample(9000, 3))).toBe(true);
    expect(budget.used).toBe(8000); // the 8000-byte buffer is still kept
  });

  it('keeps one buffer given back, the larger; none past the writer\'s cap or the budget, none after clear()', () => {
    const { r, budget } = make({ maxBytesPerWriter: 10_000 });
    const a = whole(r, 1, sample(6000, 1))!;
    const b = whole(r, 2, sample(4000, 2))!;
    r.giveBack(a.backing, 0);
    r.giveBack(b.backing, 0); // smaller than the one kept: left to the garbage collector
    expect(budget.used).toBe(6000);
    r.giveBack(a.backing, 0); // the same buffer twice: kept once
    expect(budget.used).toBe(6000);
    // A sample in progress holds 6000 of the cap (the buffer given back); one of 5000 more would pass it.
    add(r, 3, 1, 1, 1000, 6000, piece(sample(6000, 3), 1, 1, 1000), 0);
    expect(budget.used).toBe(6000);
    const c = Buffer.allocUnsafe(5000);
    r.giveBack(c, 0);
    expect(r.heldBytes).toBe(6000);
    // Nor past the participant's budget.
    const tight = make({}, new ReassemblyBudget(5000));
    const d = whole(tight.r, 1, sample(4000, 1))!;
    tight.budget.used = 2000; // another writer's
    tight.r.giveBack(d.backing, 0);
    expect(tight.r.heldBytes).toBe(0);
    // The writer gone: nothing more is kept, nothing charged.
    r.clear();
    expect(budget.used).toBe(0);
    r.giveBack(a.backing, 0);
    expect(budget.used).toBe(0);
    expect(r.heldBytes).toBe(0);
  });

  it('a buffer given back and unused for the timeout is released', () => {
    const { r, budget } = make({ timeoutMs: 1000 });
    const a = whole(r, 1, sample(4000, 1))!;
    r.giveBack(a.backing, 100);
    r.expire(1000);
    expect(budget.used).toBe(4000);
    r.expire(1200);
    expect(budget.used).toBe(0);
    expect(r.heldBytes).toBe(0);
  });
});
