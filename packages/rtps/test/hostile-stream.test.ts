// A real Cyclone DDS stream (ddsperf, reliable, 200 samples/s of 16 KiB, so its writer stalls once a few
// hundred kilobytes go unacknowledged) attacked by someone on the robot's network who
// read the writer's GUID from discovery (issue 54), on both receive paths (the addon's batches and dgram):
// - one HEARTBEAT in the writer's name with count 0x7fffffff: every later real count looked old, the reader
//   stopped acknowledging and the writer stalled for good (200/s before, 0 after). Now it costs one heartbeat;
//   HEARTBEAT_FRAG counts go through the same gate, and a forged one is sent the same way;
// - forged fragmented samples at future sequence numbers: each completed one left the reassembly budget and was
//   kept whole in the out-of-order stash (1,000 forged 1 MiB samples took the process from 55 to 1,081 MiB). Now
//   SNs far ahead are not kept and the stash is charged to the byte budgets.
// - on the addon's path, with 64 KiB samples received in place: a DATA_FRAG claiming fragment 1 of 65,535 (and
//   variants) taught the layout learner a layout the addon cannot follow, and placement was off until three real
//   datagrams agreed again. Now layouts are learned from completed samples: the forged one changes nothing.
// - a forged DATA_FRAG in other sizes sent ahead of a sample held its SN until the reassembly expired (10 s without
//   the stream); now the writer's own fragments start the sample over.
// - one GAP or HEARTBEAT in the writer's name claiming SNs up to 2^40 (or 4,000 ahead) stopped the stream for good or for
//   thousands of samples (issue 66); now claims move it only as far as the writer's data showed (writer-claims.ts).
// After each attack the stream is still delivered at its rate and memory is back within a bound. Offset 183.
import { spawn, type ChildProcess } from 'node:child_process';
import { afterEach, describe, expect, it } from 'vitest';
import { CYCLONE, describeWith } from '../../../test-support/requirements.js';
import { testDomain } from '../../../test-support/domains.js';
import { peerEnv } from '../../../test-support/peers/harness.js';
import { Bytes, dataFrag, gap, header, heartbeat, heartbeatFrag, infoDst, infoTs, sn } from '../../../test-support/rtps-fuzz/datagrams.js';
import { FakePeer } from '../../../test-support/rtps-fuzz/fake-peer.js';
import { nativeReceiveAvailable } from '../src/native-udp.js';
import { CountGate } from '../src/count-gate.js';
import { PendingChanges } from '../src/pending-changes.js';
import { ReassemblyBudget } from '../src/fragment-reassembly.js';
import type { Participant, Reader } from '../src/index.js';
import { cdrString, closeAll, participant, readCdrString, until } from './support/loopback.js';
import { KEYED_SEQ } from './support/keyed-type.js';

const DOMAIN = testDomain(183);
const RATE = 200;
let perf: ChildProcess | undefined;
let attacker: FakePeer | undefined;

afterEach(async () => {
  perf?.kill('SIGKILL');
  perf = undefined;
  attacker?.close();
  attacker = undefined;
  await closeAll();
});

/** Our reader of ddsperf's KeyedSeq topic, ddsperf publishing to it, and the stream flowing. */
async function stream(nativeReceive: boolean, size = 16384): Promise<{ p: Participant; r: Reader; count: () => number; writer: string }> {
  // The transport reads the user-data socket with the addon unless the environment says 0.
  const saved = process.env.MEDKIT_RTPS_NATIVE_RECEIVE;
  process.env.MEDKIT_RTPS_NATIVE_RECEIVE = nativeReceive ? '1' : '0';
  const p = await participant(DOMAIN, { peerIndexCount: 32 }).finally(() => {
    if (saved === undefined) delete process.env.MEDKIT_RTPS_NATIVE_RECEIVE;
    else process.env.MEDKIT_RTPS_NATIVE_RECEIVE = saved;
  });
  const r = p.createReader({ topic: 'DDSPerfRDataKS', typeName: 'KeyedSeq', key: KEYED_SEQ, qos: { reliability: 'reliable' } });
  let n = 0;
  r.on('sample', () => n++);
  perf = spawn('ddsperf', ['-D', '60', '-i', String(DOMAIN), 'pub', `${RATE}Hz`, 'size', String(size)], { env: peerEnv(DOMAIN), stdio: 'ignore' });
  await until(() => n >= 50, 'the ddsperf stream', 20_000);
  const writer = r.matchedWriters()[0];
  return { p, r, count: () => n, writer };
}

/** Samples delivered over `ms` (the stream's rate times the window when healthy). */
async function deliveredOver(count: () => number, ms: number): Promise<number> {
  const before = count();
  await new Promise((res) => setTimeout(res, ms));
  return count() - before;
}

function userPort(p: Participant): number {
  return p.locators.defaultUnicast[0].port;
}

const paths = [
  { name: 'the addon', native: true },
  { name: 'dgram', native: false },
].filter((x) => !x.native || nativeReceiveAvailable);

describeWith(CYCLONE, 'a ddsperf stream under forged datagrams', () => {
  for (const path of paths) {
    it(`${path.name}: a forged HEARTBEAT count of 0x7fffffff costs at most a heartbeat, not the stream`, async () => {
      const { p, count, writer, r } = await stream(path.native);
      attacker = await FakePeer.open();
      const prefix = Buffer.from(writer.slice(0, 24), 'hex');
      const writerId = parseInt(writer.slice(24), 16);
      const forged = header(new Bytes(), prefix, 0x0110);
      heartbeat(forged, { readerId: parseInt(r.guid.slice(24), 16), writerId, first: sn(1n), last: sn(1n), count: 0x7fffffff });
      await attacker.send(forged.done(), userPort(p));
      // Give the forged count time to land, then the stream must run at its rate (half of it, for a loaded machine).
      await new Promise((res) => setTimeout(res, 500));
      expect(await deliveredOver(count, 3000)).toBeGreaterThan(RATE * 1.5);
    }, 60_000);

    it(`${path.name}: a forged HEARTBEAT_FRAG count of 0x7fffffff is passed over by the writer's next ones, and the stream goes on`, async () => {
      const { p, count, writer, r } = await stream(path.native);
      const proxy = r.core.writers.get(writer)!;
      // 16 KiB samples go out in fragments, each datagram with a HEARTBEAT_FRAG: the gate is in use.
      const gate = proxy.heartbeatFragCounts;
      await until(() => gate.heard, "the writer's HEARTBEAT_FRAGs", 30_000);
      // Every count the gate is asked about, to know the forged one reached it (and was not dropped before).
      const asked: number[] = [];
      const accept = gate.accept.bind(gate);
      gate.accept = (c: number) => {
        asked.push(c);
        return accept(c);
      };
      attacker = await FakePeer.open();
      const prefix = Buffer.from(writer.slice(0, 24), 'hex');
      const writerId = parseInt(writer.slice(24), 16);
      const forged = header(new Bytes(), prefix, 0x0110);
      heartbeatFrag(forged, { readerId: parseInt(r.guid.slice(24), 16), writerId, sn: sn(BigInt(proxy.nextExpected)), lastFrag: 1, count: 0x7fffffff });
      await attacker.send(forged.done(), userPort(p));
      await until(() => asked.includes(0x7fffffff), 'the forged HEARTBEAT_FRAG handled', 30_000);
      // The writer's own counts are taken again after it (the gate resynchronised), and the stream runs at its rate.
      await until(() => asked.indexOf(0x7fffffff) < asked.length - 2 && gate.last !== 0x7fffffff, 'the real HEARTBEAT_FRAG counts taken again', 30_000);
      expect(await deliveredOver(count, 3000)).toBeGreaterThan(RATE * 1.5);
    }, 60_000);

    // Issue 66: claims (writer-claims.ts). Each forged datagram once, in the writer's name; the stream must keep its
    // rate and lose nothing. Before, the GAPs stopped it for good (or for the next 4,000 samples: 20 s at 200/s) and
    // counted 2^40 samples lost, and the HEARTBEAT stopped it for good.
    const claims: Array<{ name: string; forge: (b: Bytes, o: { readerId: number; writerId: number; next: bigint }) => void }> = [
      { name: 'a GAP from 1 to 2^40', forge: (b, o) => gap(b, { readerId: o.readerId, writerId: o.writerId, start: sn(1n), base: sn(2n ** 40n), numBits: 0, words: [] }) },
      { name: 'a GAP from the next expected SN to 4,000 past it', forge: (b, o) => gap(b, { readerId: o.readerId, writerId: o.writerId, start: sn(o.next), base: sn(o.next + 4000n), numBits: 0, words: [] }) },
      { name: 'a HEARTBEAT with first = last = 2^40 and count 0x7fffffff', forge: (b, o) => heartbeat(b, { readerId: o.readerId, writerId: o.writerId, first: sn(2n ** 40n), last: sn(2n ** 40n), count: 0x7fffffff }) },
    ];
    for (const claim of claims) {
      it(`${path.name}: ${claim.name} in the writer's name changes nothing: same rate, nothing lost`, async () => {
        const { p, count, writer, r } = await stream(path.native);
        const proxy = r.core.writers.get(writer)!;
        const rateBefore = await deliveredOver(count, 2000);
        const lostBefore = proxy.lost;
        attacker = await FakePeer.open();
        const forged = header(new Bytes(), Buffer.from(writer.slice(0, 24), 'hex'), 0x0110);
        claim.forge(forged, { readerId: parseInt(r.guid.slice(24), 16), writerId: parseInt(writer.slice(24), 16), next: BigInt(proxy.nextExpected) });
        const handled = p.stats.datagrams;
        await attacker.send(forged.done(), userPort(p));
        await until(() => p.stats.datagrams > handled, 'the forged datagram received');
        const rateAfter = await deliveredOver(count, 2000);
        expect(rateAfter).toBeGreaterThan(Math.min(rateBefore, RATE * 2) * 0.75);
        expect(proxy.lost - lostBefore).toBe(0);
        expect(r.core.writers.get(writer)).toBe(proxy);
      }, 60_000);
    }

    it(`${path.name}: forged fragmented samples far ahead and just ahead hold bounded memory, and the stream goes on`, async () => {
      const { p, count, writer, r } = await stream(path.native);
      attacker = await FakePeer.open();
      const prefix = Buffer.from(writer.slice(0, 24), 'hex');
      const writerId = parseInt(writer.slice(24), 16);
      const readerId = parseInt(r.guid.slice(24), 16);
      const proxy = r.core.writers.get(writer)!;
      const next = BigInt(proxy.nextExpected);
      const FRAG = 60_000;
      const SAMPLE = 4 * FRAG; // 240 KB each, four datagrams
      const payload = Buffer.alloc(FRAG, 0x5a);
      const rssBefore = process.memoryUsage().rss;
      // 300 samples far in the future (72 MB), then 300 just ahead of the next expected SN (inside the window).
      for (const base of [next + 1_000_000n, next + 10n]) {
        for (let i = 0n; i < 300n; i++) {
          for (let f = 0; f < 4; f++) {
            const b = header(new Bytes(), prefix, 0x0110);
            dataFrag(b, { readerId, writerId, sn: sn(base + i), start: f + 1, count: 1, fragmentSize: FRAG, sampleSize: SAMPLE, data: payload });
            await attacker.send(b.done(), userPort(p));
          }
        }
      }
      await new Promise((res) => setTimeout(res, 500));
      // Nothing far ahead kept; what is kept just ahead fits the writer's byte cap.
      expect([...proxy.pending.keys()].some((k) => k > proxy.nextExpected + 100_000)).toBe(false);
      expect(proxy.pending.bytes).toBeLessThanOrEqual(64 * 1024 * 1024);
      expect(await deliveredOver(count, 3000)).toBeGreaterThan(RATE * 1.5);
      // The real stream overtook the forged SNs just ahead: they were delivered or passed, and the stash is empty
      // again (or nearly: what arrived in the last moment).
      await until(() => proxy.pending.bytes < 4 * 1024 * 1024, 'the stash drained');
      global.gc?.();
      expect(process.memoryUsage().rss - rssBefore).toBeLessThan(200 * 1024 * 1024);
    }, 90_000);
  }
});

/** Datagrams received in place over `ms`. */
async function placedOver(p: Participant, ms: number): Promise<number> {
  const before = p.trafficStats().placedIn;
  await new Promise((res) => setTimeout(res, ms));
  return p.trafficStats().placedIn - before;
}

describeWith(CYCLONE, 'a ddsperf stream of 64 KiB samples received in place, under forged DATA_FRAGs', () => {
  it.skipIf(!nativeReceiveAvailable)('a forged fragment count (fragment 1 of 65,535, and variants) teaches the layout nothing: placement goes on at once', async () => {
    const { p, r, count, writer } = await stream(true, 65536);
    const proxy = r.core.writers.get(writer)!;
    await until(() => proxy.frags?.layouts.rest !== undefined && p.receiver.placementAim !== undefined && p.trafficStats().placedIn > 200, 'placement of the stream');
    const layouts = proxy.frags!.layouts;
    const learned = JSON.stringify([layouts.first, layouts.rest]);
    const aim = p.receiver.placementAim!;
    const placedBefore = await placedOver(p, 1000);
    expect(placedBefore).toBeGreaterThan(RATE * 2);
    attacker = await FakePeer.open();
    const writerId = parseInt(writer.slice(24), 16);
    const readerId = parseInt(r.guid.slice(24), 16);
    const fragment = Buffer.alloc(aim.fragmentSize, 0x5a);
    // Each in the writer's name, for the sample being received, the next ones, and one of other sizes: fragment 1 or 2
    // of 65,535 carrying one fragment, behind INFO_TS and INFO_DST (another payload offset), and fragments of 1 byte.
    const variants = [
      { at: 0, start: 1, count: 65535, fragmentSize: aim.fragmentSize, sampleSize: aim.sampleSize, data: fragment },
      { at: 0, start: 2, count: 65535, fragmentSize: aim.fragmentSize, sampleSize: aim.sampleSize, data: fragment },
      { at: 1, start: 1, count: 65535, fragmentSize: aim.fragmentSize, sampleSize: aim.sampleSize, data: fragment, info: true },
      // Far ahead: a forged sample of other sizes at an SN the stream is about to reach holds that SN until it expires.
      { at: 1000, start: 1, count: 65535, fragmentSize: 1, sampleSize: 65535, data: fragment },
      { at: 2, start: 1, count: 65535, fragmentSize: aim.fragmentSize, sampleSize: aim.sampleSize, data: fragment },
    ];
    // The layout as the receive path left it right after handling each forged datagram (it is handed on as it came:
    // the addon's prediction does not hold for it); the writer's next samples would soon set a moved layout back.
    const seen: string[] = [];
    let forged: Buffer | undefined;
    const handle = p.receiver.handle.bind(p.receiver);
    p.receiver.handle = (buf, now, placed) => {
      handle(buf, now, placed);
      if (forged && buf.length === forged.length && buf.equals(forged)) seen.push(JSON.stringify([layouts.first, layouts.rest]));
    };
    for (const [i, v] of variants.entries()) {
      const b = header(new Bytes(), aim.prefix, 0x0110);
      if (v.info) infoDst(infoTs(b, 1, 0), p.prefix);
      dataFrag(b, { readerId, writerId, sn: sn(BigInt(proxy.nextExpected + v.at)), start: v.start, count: v.count, fragmentSize: v.fragmentSize, sampleSize: v.sampleSize, data: v.data });
      forged = b.done();
      await attacker.send(forged, userPort(p));
      await until(() => seen.length > i, 'the forged datagram handled');
      expect(seen[i], JSON.stringify({ ...v, data: undefined })).toBe(learned);
    }
    // Fragments of the next samples in other sizes, some sent ahead of the real ones: the first of a sample's DATA_FRAGs
    // used to hold its SN until the reassembly expired (10 s without the stream).
    for (let i = 1; i <= 40; i++) {
      const b = header(new Bytes(), aim.prefix, 0x0110);
      dataFrag(b, { readerId, writerId, sn: sn(BigInt(proxy.nextExpected + i)), start: 1, count: 1, fragmentSize: aim.fragmentSize, sampleSize: aim.sampleSize + 4, data: fragment });
      await attacker.send(b.done(), userPort(p));
    }
    // Right after the last one: placed at the rate of before (a forged count used to turn placement off for the
    // writer's next samples), and every sample delivered.
    const [placedAfter, delivered] = await Promise.all([placedOver(p, 1000), deliveredOver(count, 1000)]);
    expect(placedAfter).toBeGreaterThan(placedBefore * 0.7);
    expect(delivered).toBeGreaterThan(RATE * 0.75);
    expect(JSON.stringify([layouts.first, layouts.rest])).toBe(learned);
  }, 60_000);
});

describe('the HEARTBEAT count gate', () => {
  it('takes growing counts, drops duplicates and reordered ones, and resynchronises after a forged high count', () => {
    const g = new CountGate();
    expect(g.heard).toBe(false);
    expect([1, 2, 2, 1, 3].map((c) => g.accept(c))).toEqual([true, true, false, false, true]);
    expect(g.accept(0x7fffffff)).toBe(true);
    // The writer's next two: the first looks old, the second follows it and resynchronises.
    expect(g.accept(4)).toBe(false);
    expect(g.accept(5)).toBe(true);
    expect(g.accept(6)).toBe(true);
    // A forged count far from the last stale one does not resynchronise by itself.
    expect(g.accept(0x7fffffff)).toBe(true);
    expect(g.accept(7)).toBe(false);
    expect(g.accept(8)).toBe(true);
  });
});

describe('the out-of-order stash', () => {
  it('charges kept samples to the writer cap and the shared budget, and gives them back', () => {
    const budget = new ReassemblyBudget(1000);
    const a = new PendingChanges<{ payload?: Buffer }>(10, 600, budget);
    const b = new PendingChanges<{ payload?: Buffer }>(10, 600, budget);
    expect(a.set(1, { payload: Buffer.alloc(500) })).toBe(true);
    expect(a.set(2, { payload: Buffer.alloc(200) })).toBe(false); // the writer's cap
    expect(a.set(2, null)).toBe(true); // a GAP's mark costs nothing
    expect(b.set(1, { payload: Buffer.alloc(500) })).toBe(true);
    expect(b.set(2, { payload: Buffer.alloc(100) })).toBe(false); // the shared budget
    expect(budget.used).toBe(1000);
    expect(a.delete(1)).toBe(true);
    expect(budget.used).toBe(500);
    b.clear();
    expect([budget.used, b.bytes, b.size]).toEqual([0, 0, 0]);
    const c = new PendingChanges<{ payload?: Buffer }>(2, 1e9, budget);
    expect([c.set(1, null), c.set(2, null), c.set(3, null)]).toEqual([true, true, false]);
  });
});

describe('samples larger than the reader takes (ReaderConfig.maxSampleSize, issue 66)', () => {
  it('refuses them before allocating, counts each once, and the reliable stream goes on with the next samples', async () => {
    const pw = await participant(DOMAIN);
    const pr = await participant(DOMAIN);
    const qos = { reliability: 'reliable', history: { kind: 'keep-all' } } as const;
    const w = pw.createWriter({ topic: 'rt/big_samples', typeName: 'std_msgs::msg::dds_::String_', qos });
    const r = pr.createReader({ topic: 'rt/big_samples', typeName: 'std_msgs::msg::dds_::String_', qos, maxSampleSize: 2048 });
    const got: string[] = [];
    const refused: { sequenceNumber: number; sampleSize: number }[] = [];
    let reassemblyPeak = 0;
    r.on('sample', (s) => got.push(readCdrString(s.payload)));
    r.on('refused', (e) => refused.push({ sequenceNumber: e.sequenceNumber, sampleSize: e.sampleSize }));
    const big = cdrString('x'.repeat(8 * 1024 * 1024)); // fragmented: its size is in its first DATA_FRAG
    const mid = cdrString('y'.repeat(7999)); // one DATA (below the writer's fragment size); 8,008 bytes, no padding
    const watch = setInterval(() => (reassemblyPeak = Math.max(reassemblyPeak, pr.internalSizes().reassemblyBytes)), 1);
    try {
      expect(await w.waitForMatch(1, 10_000)).toBe(true);
      await until(() => r.heardFrom(w.guid), 'the writer heard by the reader');
      w.write(cdrString('first'));
      w.write(big);
      w.write(mid);
      w.write(cdrString('after'));
      expect(await w.waitForAcknowledgments(30_000)).toBe(true);
      await until(() => got.length >= 2, 'the samples around the big ones');
    } finally {
      clearInterval(watch);
    }
    expect(got).toEqual(['first', 'after']);
    expect(refused).toEqual([
      { sequenceNumber: 2, sampleSize: big.length },
      { sequenceNumber: 3, sampleSize: mid.length },
    ]);
    expect(r.samplesRefused).toBe(2);
    expect(r.samplesLost).toBe(0);
    // No buffer of the announced 8 MiB was made (the reassembly budget never held it).
    expect(reassemblyPeak).toBeLessThan(1024 * 1024);
    // A bound above the participant's cannot be asked for, nor a meaningless one.
    expect(() => pr.createReader({ topic: 'rt/x', typeName: 'T', maxSampleSize: 0 })).toThrow(RangeError);
  }, 60_000);
});
