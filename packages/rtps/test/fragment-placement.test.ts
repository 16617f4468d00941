// Fragments received in place (src/fragment-placement.ts, the aim in src/fragment-reassembly.ts), against a model of
// the addon: before each batch it takes the current aim, writes each datagram that matches a predicted one into the
// sample's buffer, and writes the bytes of every mispredicted one over its predicted region (the worst a stray
// datagram can do), then hands the batch on. Under loss, duplicates, reordering, repairs, other samples' datagrams,
// drops and expiry, every sample delivered is exactly its bytes, also at the end of the run (nothing was written
// into a buffer after it was handed on), and most datagrams of a clean stream are placed.
import { describe, expect, it } from 'vitest';
import { FragmentPlacement, LAYOUT_CONFIRMATIONS, LayoutLearner, SampleShape, type AimableReceiver, type FragmentAim, type FragmentOrigin } from '../src/fragment-placement.js';
import { FragmentReassembly, ReassemblyBudget } from '../src/fragment-reassembly.js';
import { prng } from '../../../test-support/rtps-fuzz/prng.js';

const FS = 100;
const SIZE = 1_050; // 11 fragments
const TOTAL = Math.ceil(SIZE / FS);
const PER_FIRST = 3;
const PER = 4;
const HEAD_FIRST = 68;
const HEAD = 56;
const PREFIX = Buffer.alloc(12, 9);

const content = (sn: number) => Buffer.from(Array.from({ length: SIZE }, (_, i) => (i * 13 + sn * 101) & 0xff));

interface Datagram {
  sn: number;
  start: number;
  count: number;
  head: number;
}

/** The addon's prediction of the next datagrams from an aim (udp_placement.c's plan_slots). */
function plan(a: FragmentAim): { first: number; last: number; head: number; offset: number; length: number }[] {
  const slots = [];
  for (let f = a.next; f <= Math.ceil(a.sampleSize / a.fragmentSize); ) {
    const l = f === 1 ? a.first : a.rest;
    const last = Math.min(f + l.per - 1, Math.ceil(a.sampleSize / a.fragmentSize));
    const offset = (f - 1) * a.fragmentSize;
    slots.push({ first: f, last, head: l.head, offset, length: Math.min(last * a.fragmentSize, a.sampleSize) - offset });
    f = last + 1;
  }
  return slots;
}

class ModelReceiver implements AimableReceiver {
  buffer: Buffer | null = null;
  current: FragmentAim | undefined;
  tenure: object | undefined;
  batchTenure: object | undefined;
  aims = 0;
  aim(buffer: Buffer | null, a?: FragmentAim, tenure?: object): void {
    this.buffer = buffer && a ? buffer : null;
    this.current = buffer && a ? { ...a, prefix: Buffer.from(a.prefix) } : undefined;
    this.tenure = buffer && a ? tenure : undefined;
    if (this.buffer) this.aims++;
  }
}

/** The writer's datagrams of sample `sn`: the first carries PER_FIRST fragments after INFO_TS, the others PER. */
function datagramsOf(sn: number): Datagram[] {
  const out: Datagram[] = [];
  for (let f = 1; f <= TOTAL; ) {
    const per = f === 1 ? PER_FIRST : PER;
    const count = Math.min(per, TOTAL - f + 1);
    out.push({ sn, start: f, count, head: f === 1 ? HEAD_FIRST : HEAD });
    f += count;
  }
  return out;
}

function run(seed: number, samples: number, hostile: boolean) {
  const rand = prng(seed);
  const model = new ModelReceiver();
  const placement = new FragmentPlacement(model);
  const r = new FragmentReassembly({ maxSampleSize: 1 << 20, maxPerWriter: 3, maxBytesPerWriter: 8 * SIZE, timeoutMs: 50 }, new ReassemblyBudget(1 << 20));
  const delivered: { sn: number; payload: Buffer }[] = [];
  let placedDatagrams = 0;
  let datagrams = 0;
  let now = 0;
  // The wire: each sample's datagrams, some lost, some twice, some swapped, some repaired later, older samples mixed in.
  const wire: Datagram[] = [];
  for (let sn = 1; sn <= samples; sn++) {
    for (const d of datagramsOf(sn)) {
      if (hostile && rand() < 0.15) {
        // Lost, then repaired later one fragment at a time (a NACK_FRAG's answer).
        for (let f = d.start; f < d.start + d.count; f++) wire.splice(Math.min(wire.length, wire.length + Math.floor(rand() * 8)), 0, { sn, start: f, count: 1, head: HEAD });
        continue;
      }
      wire.push(d);
      if (hostile && rand() < 0.1) wire.push(d);
      if (hostile && rand() < 0.1 && wire.length > 2) [wire[wire.length - 1], wire[wire.length - 2]] = [wire[wire.length - 2], wire[wire.length - 1]];
      if (hostile && rand() < 0.05 && sn > 1) wire.push({ sn: sn - 1, start: 1 + Math.floor(rand() * TOTAL), count: 1, head: HEAD });
    }
  }
  while (wire.length > 0) {
    // The addon: the aim as it stands before the batch (an aimed batch reads no more datagrams than it predicts),
    // each predicted datagram checked after the read.
    const a = model.current;
    const buffer = model.buffer;
    const slots = a ? plan(a) : [];
    const batch = wire.splice(0, Math.min(1 + Math.floor(rand() * 6), slots.length || Infinity));
    const placed = batch.map((d, i) => {
      const s = slots[i];
      if (!a || !buffer || !s) return 0;
      const match = d.sn === a.sn && d.start === s.first && d.count >= s.last - s.first + 1 && d.head === s.head;
      const bytes = match ? content(d.sn).subarray(s.offset, s.offset + s.length) : Buffer.alloc(s.length, 0xa5);
      bytes.copy(buffer, s.offset);
      return match ? s.length : 0;
    });
    model.batchTenure = model.tenure;
    if (a && slots.length > 0 && !placed.some((p) => p > 0)) model.aim(null);
    batch.forEach((d, i) => {
      datagrams++;
      if (placed[i] > 0) placedDatagrams++;
      const origin: FragmentOrigin = { placement, prefix: PREFIX, writerId: 0x102, readerId: 0x107, head: d.head, le: true, placedBytes: placed[i] };
      const from = (d.start - 1) * FS + placed[i];
      const data = content(d.sn).subarray(from, Math.min((d.start - 1 + d.count) * FS, SIZE));
      const done = r.add(d.sn, d.start, d.count, FS, SIZE, data, now, undefined, true, undefined, false, origin);
      if (done) delivered.push({ sn: d.sn, payload: done.payload });
    });
    now += 1;
    if (hostile && rand() < 0.05) r.drop(1 + Math.floor(rand() * samples));
    if (hostile && rand() < 0.05) now += 60;
    r.expire(now);
  }
  return { delivered, placedDatagrams, datagrams, model, r };
}

describe('fragments received in place', () => {
  it('places nearly every datagram of a clean stream, and every sample is its bytes', () => {
    const { delivered, placedDatagrams, datagrams, model } = run(1, 200, false);
    expect(delivered.map((d) => d.sn)).toEqual(Array.from({ length: 200 }, (_, i) => i + 1));
    for (const d of delivered) expect(d.payload.equals(content(d.sn)), `sample ${d.sn}`).toBe(true);
    // Only the first sample's first datagrams come before the layouts are known.
    expect(placedDatagrams).toBeGreaterThan(datagrams * 0.9);
    expect(model.aims).toBeGreaterThan(0);
  });

  it('under loss, duplicates, reordering, repairs, older samples, drops and expiry: never a wrong byte in a sample, then or later', () => {
    for (let seed = 1; seed <= 100; seed++) {
      const { delivered, placedDatagrams, r } = run(seed, 60, true);
      expect(delivered.length, `seed ${seed}`).toBeGreaterThan(0);
      for (const d of delivered) expect(d.payload.equals(content(d.sn)), `seed ${seed}, sample ${d.sn}`).toBe(true);
      expect(placedDatagrams, `seed ${seed}`).toBeGreaterThan(0);
      r.clear();
      expect(r.heldBytes).toBe(0);
    }
  });

  it('takes the aim back before a buffer is handed on, given up or kept, and holds one buffer ready for the next sample', () => {
    const model = new ModelReceiver();
    const placement = new FragmentPlacement(model);
    const budget = new ReassemblyBudget(1 << 20);
    const r = new FragmentReassembly({ maxSampleSize: 1 << 20, maxPerWriter: 3, maxBytesPerWriter: 8 * SIZE, timeoutMs: 50 }, budget);
    const origin = (d: Datagram): FragmentOrigin => ({ placement, prefix: PREFIX, writerId: 0x102, readerId: 0x107, head: d.head, le: true, placedBytes: 0 });
    const feed = (d: Datagram, now = 0) => r.add(d.sn, d.start, d.count, FS, SIZE, content(d.sn).subarray((d.start - 1) * FS, Math.min((d.start - 1 + d.count) * FS, SIZE)), now, undefined, true, undefined, false, origin(d));
    const [d1, d2, d3] = datagramsOf(1);
    feed(d1);
    feed(d2);
    // The layout is learned from a completed sample, not from its datagrams as they come: no aim yet.
    expect(model.current).toBeUndefined();
    const done = feed(d3);
    expect(done?.payload.equals(content(1))).toBe(true);
    // Handed on: the aim moved to a buffer of its own for sample 2, from fragment 1, charged to the writer.
    expect(model.current).toMatchObject({ sn: 2, next: 1, first: { head: HEAD_FIRST, per: PER_FIRST }, rest: { head: HEAD, per: PER } });
    const [x, y] = [model.buffer!, done!.payload];
    expect(x.buffer !== y.buffer || x.byteOffset + x.length <= y.byteOffset || y.byteOffset + y.length <= x.byteOffset).toBe(true);
    expect(r.heldBytes).toBe(SIZE);
    // A fragment out of order: what was received is no longer a prefix, so no aim. (A repair of one fragment does
    // not change the learned layout: the aims below still predict four fragments a datagram.)
    feed({ sn: 2, start: 5, count: 1, head: HEAD });
    expect(model.current).toBeUndefined();
    feed({ sn: 2, start: 1, count: 3, head: HEAD_FIRST });
    expect(model.current).toBeUndefined();
    feed({ sn: 2, start: 4, count: 1, head: HEAD });
    expect(model.current).toMatchObject({ sn: 2, next: 6, rest: { head: HEAD, per: PER } });
    // Given up: the aim goes with it.
    r.drop(2);
    expect(model.current).toBeUndefined();
    // The kept buffer is aimed at only for the sample it was made ready for; taken by another, the aim goes.
    for (const d of datagramsOf(3)) feed(d);
    expect(model.current).toMatchObject({ sn: 4, next: 1 });
    feed({ sn: 6, start: 1, count: 3, head: HEAD_FIRST });
    expect(model.current).toMatchObject({ sn: 6, next: 4 });
    // Expired: nothing held, no aim.
    const clock = Date.now(); // a kept buffer's wait is timed by the clock, a sample's by the `now` it was given
    r.expire(clock + 1000);
    r.expire(clock + 2000);
    expect(model.current).toBeUndefined();
    expect(r.heldBytes).toBe(0);
    expect(budget.used).toBe(0);
  });

  it("learns a writer's layouts from completed regular samples: no claimed count, repair or reordering moves it", () => {
    /** A sample's shape from its datagrams: [head, start, count] and, when not all of them were new, what they brought. */
    const shape = (total: number, ...ds: [number, number, number, number?][]) => {
      const s = new SampleShape();
      for (const [head, start, count, brought] of ds) s.note(head, start, count, brought ?? count, total);
      return s;
    };
    const l = new LayoutLearner();
    // One datagram: nothing about the others.
    l.learn(shape(3, [68, 1, 3]));
    expect(l.first).toBeUndefined();
    // The first regular sample sets it; a duplicate that brought nothing is not looked at.
    l.learn(shape(11, [68, 1, 3], [56, 4, 4], [56, 4, 4, 0], [56, 8, 4]));
    expect([l.first, l.rest]).toEqual([{ head: 68, per: 3 }, { head: 56, per: 4 }]);
    const learned = [l.first, l.rest];
    // Forged counts (fragment 1 or 2 of 65,535, carrying one fragment), a repair, fragments out of order, a DATA_FRAG
    // with inline QoS (no fixed head), middle datagrams that disagree: each sample is irregular and teaches nothing,
    // however often it comes.
    for (let i = 0; i < 2 * LAYOUT_CONFIRMATIONS; i++) {
      l.learn(shape(11, [68, 1, 65535, 1], [56, 2, 2], [56, 4, 4], [56, 8, 4]));
      l.learn(shape(11, [68, 1, 3], [56, 4, 65535, 8]));
      l.learn(shape(11, [68, 1, 3], [56, 4, 4], [56, 8, 1], [56, 9, 1], [56, 10, 2]));
      l.learn(shape(11, [68, 1, 3], [56, 8, 4], [56, 4, 4]));
      l.learn(shape(11, [68, 1, 3], [-1, 4, 4], [56, 8, 4]));
      l.learn(shape(11, [68, 1, 3], [56, 4, 2], [56, 6, 4], [56, 10, 2]));
      l.learn(shape(11, [68, 1, 3], [56, 4, 4], [84, 8, 4]));
      expect([l.first, l.rest]).toEqual(learned);
    }
    // A sample of two datagrams agrees when its last one carries no more than the others do.
    l.learn(shape(5, [68, 1, 3], [56, 4, 2]));
    expect([l.first, l.rest]).toEqual(learned);
    // A new layout needs LAYOUT_CONFIRMATIONS regular samples in a row: one (a forged first datagram that covered two
    // of the writer's could make one sample look so) is not enough, and a sample agreeing with the old one starts over.
    const moved = shape(11, [68, 1, 7], [56, 8, 4]);
    l.learn(moved);
    expect([l.first, l.rest]).toEqual(learned);
    l.learn(shape(11, [68, 1, 3], [56, 4, 4], [56, 8, 4]));
    l.learn(moved);
    expect([l.first, l.rest]).toEqual(learned);
    for (let i = 1; i < LAYOUT_CONFIRMATIONS; i++) l.learn(shape(11, [68, 1, 7], [56, 8, 4]));
    expect([l.first, l.rest]).toEqual([{ head: 68, per: 7 }, { head: 56, per: 4 }]);
  });
});
