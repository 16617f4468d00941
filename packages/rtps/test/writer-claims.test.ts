// A writer's HEARTBEAT and GAP claims move a reader only as far as the writer's data showed (writer-claims.ts), and
// counts that restart after a re-match are heard (count floor on the reader, count gate on the writer). No sockets:
// the reader's and writer's output is decoded from the datagrams they build. Real peers: hostile-stream.test.ts,
// loopback-discovery.test.ts, interop-fastdds.test.ts.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { makeGuid } from '../src/guid.js';
import { decodeMessage } from '../src/message.js';
import { MessageBuilder } from '../src/outgoing.js';
import { LeaveConfirmation, LEAVE_CONFIRM_MS, LEAVE_PROBE_FIRST_MS } from '../src/participant-leave.js';
import { resolveQos } from '../src/qos.js';
import { ReliableWriter } from '../src/reliable-writer.js';
import { makeSet } from '../src/sequence-number.js';
import { freshProgress, noteHeartbeat, STUCK_AFTER_MS, stuckSince, type StreamProgress } from '../src/stuck-streams.js';
import { VendorId } from '../src/vendor.js';
import { preemptBase } from '../src/preempt-asks.js';
import { CLAIM_RATE_PER_MS, credibleLimit, noEvidence, noteWritten } from '../src/writer-claims.js';
import { readerHarness } from './support/reader-harness.js';

const FAR = 2 ** 40;

afterEach(() => {
  vi.useRealTimers();
});

/** A volatile reader of a medkit writer that delivered SNs 1..10. */
function flowing() {
  vi.useFakeTimers({ toFake: ['Date'] });
  vi.setSystemTime(1_000_000);
  const h = readerHarness('volatile', VendorId.MEDKIT, false);
  h.hb(1, 0);
  for (let sn = 1; sn <= 10; sn++) h.data(sn);
  expect(h.delivered).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
  h.nacks();
  return h;
}

describe('claims of a writer', () => {
  it('a forged GAP from 1 to 2^40 changes nothing: later samples are delivered, none counted lost', () => {
    const h = flowing();
    h.gap(1, FAR);
    h.data(11);
    h.data(12);
    expect(h.delivered.slice(-2)).toEqual([11, 12]);
    expect(h.proxy.lost).toBe(0);
    expect(h.proxy.nextExpected).toBe(13);
  });

  it('a forged GAP from the next expected SN to 4,000 past it changes nothing', () => {
    const h = flowing();
    h.gap(11, 4011);
    h.data(11);
    expect(h.delivered.at(-1)).toBe(11);
    expect(h.proxy.lost).toBe(0);
  });

  it('a forged GAP reaching past what the writer could have written is set aside whole: the samples being repaired are not lost', () => {
    const h = flowing();
    h.data(13); // 11 and 12 missing, asked for
    h.gap(11, FAR);
    expect(h.proxy.nextExpected).toBe(11);
    expect(h.proxy.lost).toBe(0);
    h.data(11);
    h.data(12);
    expect(h.delivered.slice(-3)).toEqual([11, 12, 13]);
  });

  it("GAPs for SNs we never see as data (directed service replies, filtered samples) are followed within the writer's rate", () => {
    const h = flowing();
    // The writer's next 40 samples went to other readers; a second later it answers our ACKNACK with a GAP.
    vi.setSystemTime(1_001_000);
    h.hb(1, 50);
    h.gap(11, 51);
    expect(h.proxy.nextExpected).toBe(51);
    h.data(51);
    expect(h.delivered.at(-1)).toBe(51);
    // A HEARTBEAT whose `first` left our SNs behind within that bound moves us too.
    vi.setSystemTime(1_002_000);
    h.hb(90, 90);
    expect(h.proxy.nextExpected).toBe(90);
  });

  it('a forged HEARTBEAT with first = last = 2^40 neither skips the stream nor asks past what the writer could have sent', () => {
    const h = flowing();
    h.hb(FAR, FAR);
    const asked = h.nacks().flat();
    expect(asked.every((sn) => sn <= credibleLimit(h.proxy.written, Date.now()))).toBe(true);
    expect(Math.max(...asked)).toBeLessThan(11 + 256);
    h.data(11);
    expect(h.delivered.at(-1)).toBe(11);
    expect(h.proxy.lost).toBe(0);
  });

  it('a real jump (the writer overwrote what we missed) is followed at once: it lies within what the writer could have written', () => {
    const h = flowing();
    // 5 s without the writer (a stalled link); it moved on by 1,000 samples and kept the last 10.
    vi.setSystemTime(1_005_000);
    h.hb(1001, 1010);
    expect(h.proxy.nextExpected).toBe(1001);
    h.data(1010);
    for (let sn = 1001; sn <= 1009; sn++) h.data(sn);
    expect(h.delivered.slice(-3)).toEqual([1008, 1009, 1010]);
    expect(h.proxy.lost).toBe(990);
  });

  it('a forged DATA far past what the writer could have written is dropped (it would confirm a forged claim)', () => {
    const h = flowing();
    h.data(FAR);
    h.gap(1, FAR + 1);
    h.data(11);
    expect(h.delivered.at(-1)).toBe(11);
    expect(h.delivered).not.toContain(FAR);
  });

  it('the rate bound: a writer silent for t ms is believed up to 256 + t × CLAIM_RATE_PER_MS SNs further', () => {
    const e = noEvidence();
    expect(noteWritten(e, 5_000_000, 0)).toBe(true); // the first one is the reference
    expect(noteWritten(e, 5_000_000 + 257, 0)).toBe(false);
    expect(noteWritten(e, 5_000_000 + 256 + 10 * CLAIM_RATE_PER_MS, 10)).toBe(true);
    expect(noteWritten(e, FAR, 60_000)).toBe(false);
  });
});

describe('counts after a re-match', () => {
  it("a new proxy of a writer continues the reader's ACKNACK counts (a writer that kept its proxy of us hears it)", () => {
    const h = readerHarness('volatile', VendorId.FAST_DDS, false);
    for (let i = 0; i < 5; i++) h.hb(1, 0);
    const before = h.proxy.ackNackCount;
    expect(before).toBeGreaterThanOrEqual(5);
    const { guid, prefix, entityId } = h.proxy;
    h.reader.unmatchWriter(guid);
    const again = h.reader.matchWriter({ guid, prefix, entityId, vendorId: VendorId.FAST_DDS, locators: h.proxy.locators, reliable: true, writerTransientLocal: false });
    expect(again.ackNackCount).toBeGreaterThan(before);
  });

  it('a writer that never heartbeated us is asked again every 1 s for 8 s, then backing off to 30 s', () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(2_000_000);
    const h = readerHarness('volatile', VendorId.FAST_DDS, false);
    expect(h.nacks()).toHaveLength(1); // the pre-emptive one
    const times: number[] = [];
    for (let t = 0; t <= 70_000; t += 50) {
      vi.setSystemTime(2_000_000 + t);
      h.reader.tick(Date.now());
      if (h.nacks().length > 0) times.push(t);
    }
    expect(times).toEqual([1000, 2000, 3000, 4000, 5000, 6000, 7000, 8000, 10_000, 14_000, 22_000, 38_000, 68_000]);
    h.hb(1, 0);
    h.nacks();
    vi.setSystemTime(2_200_000);
    h.reader.tick(Date.now());
    expect(h.nacks()).toEqual([]);
  });

  it('pre-emptive asks carry base 0 to a Fast DDS writer (its only "this reader has nothing"), base 1 to others, and name no SN', () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    for (const [vendor, base] of [[VendorId.FAST_DDS, 0], [VendorId.CYCLONE_DDS, 1], [VendorId.MEDKIT, 1]] as const) {
      for (const durability of ['transient-local', 'volatile'] as const) {
        vi.setSystemTime(3_000_000);
        const h = readerHarness(durability, vendor, durability !== 'volatile');
        const asks = h.ackNacks();
        for (let t = 50; t <= 40_000; t += 50) {
          vi.setSystemTime(3_000_000 + t);
          h.reader.tick(Date.now());
          asks.push(...h.ackNacks());
        }
        expect(asks.length, `${vendor} ${durability}`).toBe(13); // the first, 8 quick ones (1..8 s), then at 10, 14, 22 and 38 s
        for (const a of asks) expect(a, `${vendor} ${durability}`).toEqual({ base, set: [] });
        // Once heartbeated, the reader's ACKNACKs start from what it has, as ever.
        h.hb(1, 2);
        expect(h.ackNacks()).toEqual([{ base: 1, set: [1, 2] }]);
      }
    }
  });

  it("base 0 goes to Fast DDS's plain writers only: its DDS-Security built-in writers (0xff...) and other vendors get base 1", () => {
    expect(preemptBase(VendorId.FAST_DDS, 0x000003c2)).toBe(0);
    expect(preemptBase(VendorId.FAST_DDS, 0x00000103)).toBe(0);
    expect(preemptBase(VendorId.FAST_DDS, 0xff0003c2)).toBe(1);
    expect(preemptBase(VendorId.FAST_DDS, 0xff0200c2)).toBe(1);
    expect(preemptBase(VendorId.CYCLONE_DDS, 0x000003c2)).toBe(1);
  });

  it("a writer hears a reader whose new proxy counts from 1 again (the count gate resynchronises)", () => {
    const sent: Buffer[] = [];
    const out = new MessageBuilder(Buffer.alloc(12, 2), VendorId.MEDKIT, (d) => sent.push(Buffer.from(d)) > 0, 65000);
    const w = new ReliableWriter({ entityId: 0x102, prefixHex: '02'.repeat(12), qos: resolveQos({ reliability: 'reliable', durability: 'volatile' }), fragmentSize: 1000, maxSamples: 100, heartbeatPeriodMs: 100 }, out);
    const readerGuid = makeGuid('0a'.repeat(12), 0x107);
    w.matchReader({ guid: readerGuid, prefix: Buffer.from('0a'.repeat(12), 'hex'), entityId: 0x107, locators: [{ kind: 1, address: '127.0.0.1', port: 1 }], reliable: true }, true, 0);
    w.writeChange({ payload: Buffer.from([0, 1, 0, 0]), key: false, timestamp: { sec: 0, nanosec: 0 }, instance: '' });
    for (const c of [1, 2, 3]) w.onAckNack(readerGuid, makeSet(2, []), c, 0);
    sent.length = 0;
    // The reader lost and found us: its new proxy asks for SN 1 again with counts 1, 2.
    const asks = (count: number) => {
      w.onAckNack(readerGuid, makeSet(1, [1]), count, 0);
      return sent.splice(0).flatMap((d) => decodeMessage(d).submessages).filter((s) => s.kind === 'DATA').length;
    };
    expect(asks(1)).toBe(0);
    expect(asks(2)).toBe(1);
  });
});

describe('a dispose is believed once the participant stays silent', () => {
  function leaves(probeable = true) {
    const removed: string[] = [];
    const probes: number[] = [];
    const l = new LeaveConfirmation({
      probe: (_h, now, dryRun) => {
        if (!dryRun) probes.push(now);
        return probeable;
      },
      remove: (h) => removed.push(h),
    });
    return { l, removed, probes };
  }
  const A = 'aa'.repeat(12);
  const B = 'bb'.repeat(12);

  it('a dispose naming another participant than its source is ignored', () => {
    const { l, removed } = leaves();
    l.onDispose(A, B, 0);
    l.tick(10_000);
    expect(removed).toEqual([]);
    expect(l.stats.foreign).toBe(1);
  });

  it('a participant that answers the probe stays; one that does not is removed after LEAVE_CONFIRM_MS', () => {
    const { l, removed, probes } = leaves();
    l.onDispose(A, A, 0);
    l.onDispose(B, B, 0);
    l.onAlive(A, false); // before the probe: a leaving participant's last words, not life
    l.tick(LEAVE_PROBE_FIRST_MS);
    expect(probes).toHaveLength(2);
    l.onAlive(A, false);
    l.tick(LEAVE_CONFIRM_MS);
    expect(removed).toEqual([B]);
    expect(l.stats).toEqual({ confirmed: 1, refuted: 1, foreign: 0 });
  });

  it('an SPDP announcement after the dispose refutes it at once; with nothing to probe the dispose is taken as it is', () => {
    const a = leaves();
    a.l.onDispose(A, A, 0);
    a.l.onAlive(A, true);
    a.l.tick(LEAVE_CONFIRM_MS);
    expect(a.removed).toEqual([]);
    const b = leaves(false);
    b.l.onDispose(A, A, 0);
    expect(b.removed).toEqual([A]);
  });
});

describe('a stuck stream', () => {
  const stream = (): StreamProgress => ({ synced: true, reliable: true, nextExpected: 5, ...freshProgress(0) });

  it('is one whose writer keeps announcing SNs we do not get for STUCK_AFTER_MS', () => {
    const p = stream();
    for (let t = 0; t <= STUCK_AFTER_MS; t += 1000) noteHeartbeat(p, 9, t);
    expect(stuckSince(p, STUCK_AFTER_MS)).toBe(0);
    p.nextExpected = 6; // it moved
    noteHeartbeat(p, 9, STUCK_AFTER_MS + 100);
    expect(stuckSince(p, STUCK_AFTER_MS + 200)).toBeUndefined();
  });

  it('is not one whose writer fell silent (a dead or paused peer: its lease says so) or owes us nothing', () => {
    const p = stream();
    noteHeartbeat(p, 9, 0);
    noteHeartbeat(p, 9, 1000);
    expect(stuckSince(p, 1000 + STUCK_AFTER_MS)).toBeUndefined();
    const q = stream();
    for (let t = 0; t <= STUCK_AFTER_MS; t += 1000) noteHeartbeat(q, 4, t);
    expect(stuckSince(q, STUCK_AFTER_MS)).toBeUndefined();
  });
});
