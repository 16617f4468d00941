// Reliable and best-effort delivery between two of our participants over UDP on 127.0.0.1,
// loss repair under injected drops, KEEP_LAST history, transient-local late joiners; the transport with and
// without its native user-data receive.
import dgram from 'node:dgram';
import { afterEach, describe, expect, it } from 'vitest';
import type { Sample, SampleConflict } from '../src/index.js';
import { SubmessageId } from '../src/submessages/ids.js';
import { cdrString, closeAll, hasSubmessage, participant, prng, readCdrString, until } from './support/loopback.js';
import { testDomain } from '../../../test-support/domains.js';
import { nativeReceiveAvailable } from '../src/native-udp.js';
import { UdpTransport } from '../src/transport-udp.js';
import { ByteWriter } from '../src/byte-writer.js';
import { encodeHeader } from '../src/header.js';
import { encodeData } from '../src/submessages/data.js';
import { VendorId } from '../src/index.js';

const DOMAIN = testDomain(1);
const TYPE = 'std_msgs::msg::dds_::String_';
afterEach(closeAll);

function collect(r: { on(e: 'sample', f: (s: Sample) => void): unknown }): string[] {
  const got: string[] = [];
  r.on('sample', (s) => got.push(readCdrString(s.payload)));
  return got;
}

/** A transient-local keep-last-1 writer of b and a reader of a on `topic`, matched; `got` collects the reader's strings. */
async function latchedPair(topic: string) {
  const a = await participant(DOMAIN);
  const b = await participant(DOMAIN);
  const qos = { reliability: 'reliable' as const, durability: 'transient-local' as const, history: { kind: 'keep-last' as const, depth: 1 } };
  const w = b.createWriter({ topic, typeName: TYPE, qos });
  const r = a.createReader({ topic, typeName: TYPE, qos });
  const got = collect(r);
  expect(await r.waitForMatch(1, 10_000)).toBe(true);
  return { a, b, w, r, got };
}

/** DATA(`text`) at `sn` in the name of b's writer `w`, sent to a from another socket: without DDS-Security a cannot tell it from w's. */
async function forgeData(a: { locators: { defaultUnicast: { port: number }[] } }, b: { guidPrefix: string }, w: { guid: string }, sn: number, text: string): Promise<void> {
  const forged = new ByteWriter(128, true);
  encodeHeader(forged, VendorId.MEDKIT, Buffer.from(b.guidPrefix, 'hex'));
  encodeData(forged, { readerId: 0, writerId: parseInt(w.guid.slice(24), 16), writerSN: sn, payload: cdrString(text), key: false }, true);
  const sock = dgram.createSocket('udp4');
  await new Promise<void>((res) => sock.send(forged.finish(), a.locators.defaultUnicast[0].port, '127.0.0.1', () => res()));
  sock.close();
}

describe('delivery between two participants on loopback', () => {
  it('reliable: every sample, in order, acknowledged', async () => {
    const a = await participant(DOMAIN);
    const b = await participant(DOMAIN);
    const w = a.createWriter({ topic: 'rt/rel', typeName: TYPE, qos: { history: { kind: 'keep-all' } } });
    const r = b.createReader({ topic: 'rt/rel', typeName: TYPE, qos: { reliability: 'reliable', history: { kind: 'keep-all' } } });
    const got = collect(r);
    expect(await w.waitForMatch(1, 10_000)).toBe(true);
    await r.waitForMatch(1, 10_000);
    const want = Array.from({ length: 200 }, (_, i) => `msg ${i + 1}`);
    for (const s of want) w.write(cdrString(s));
    expect(await w.waitForAcknowledgments(10_000)).toBe(true);
    await until(() => got.length === want.length, 'all samples');
    expect(got).toEqual(want);
  });

  it('a sample the reader keeps holds its own bytes, never the rest of the batch of datagrams it came in', async () => {
    const a = await participant(DOMAIN);
    const b = await participant(DOMAIN);
    const w = a.createWriter({ topic: 'rt/kept', typeName: TYPE, qos: { history: { kind: 'keep-all' } } });
    const r = b.createReader({ topic: 'rt/kept', typeName: TYPE, qos: { reliability: 'reliable', history: { kind: 'keep-all' } } });
    const kept: Sample[] = [];
    r.on('sample', (smp) => kept.push(smp));
    expect(await w.waitForMatch(1, 10_000)).toBe(true);
    await r.waitForMatch(1, 10_000);
    // A burst of 1 KiB samples: the native receiver reads them 64 datagrams at a time into one buffer.
    for (let i = 0; i < 2000; i++) w.write(cdrString(`${i} `.padEnd(1024, '.')));
    expect(await w.waitForAcknowledgments(20_000)).toBe(true);
    await until(() => kept.length === 2000, 'all samples');
    for (const k of kept) {
      const backing = k.payload.buffer.byteLength;
      // At most 16 KiB, or the sample's own size, of other bytes (src/receive.ts, ownBytes).
      expect(backing - k.payload.length <= 16 * 1024 || backing <= 2 * k.payload.length).toBe(true);
    }
  });

  it('traffic counters: bytes both ways, own readers and writers, remote participants, filtered datagrams dropped', async () => {
    let refuse = false;
    const a = await participant(DOMAIN, { packetFilter: { incoming: () => !refuse } });
    const b = await participant(DOMAIN);
    const w = a.createWriter({ topic: 'rt/traffic', typeName: TYPE });
    const r = b.createReader({ topic: 'rt/traffic', typeName: TYPE, qos: { reliability: 'reliable' } });
    b.createReader({ topic: 'rt/traffic2', typeName: TYPE });
    const got = collect(r);
    await w.waitForMatch(1, 10_000);
    const before = b.trafficStats();
    w.write(cdrString('x'.repeat(4000)));
    await until(() => got.length === 1, 'the sample');
    const sa = a.trafficStats();
    const sb = b.trafficStats();
    expect([sa.writers, sa.readers, sb.writers, sb.readers]).toEqual([1, 0, 0, 2]);
    expect(sa.participants).toBeGreaterThanOrEqual(1);
    // The 4 kB sample went from a to b.
    expect(sb.bytesIn - before.bytesIn).toBeGreaterThan(4000);
    expect(sb.datagramsIn).toBeGreaterThan(before.datagramsIn);
    expect(sa.bytesOut).toBeGreaterThan(4000);
    expect(sa.droppedIn).toBe(0);
    refuse = true;
    w.write(cdrString('refused acks'));
    await until(() => a.trafficStats().droppedIn > 0, 'a filtered datagram counted as dropped');
    expect(a.trafficStats().droppedOut).toBe(0);
  });

  it('best-effort: samples arrive, and a best-effort reader matches a reliable writer', async () => {
    const a = await participant(DOMAIN);
    const b = await participant(DOMAIN);
    const w = a.createWriter({ topic: 'rt/be', typeName: TYPE, qos: { reliability: 'reliable' } });
    const r = b.createReader({ topic: 'rt/be', typeName: TYPE, qos: { reliability: 'best-effort' } });
    const got = collect(r);
    await w.waitForMatch(1, 10_000);
    await r.waitForMatch(1, 10_000);
    for (let i = 1; i <= 20; i++) w.write(cdrString(`be ${i}`));
    await until(() => got.length === 20, 'best-effort samples');
    expect(got[19]).toBe('be 20');
  });

  it('repairs loss: 30% of the writer side datagrams dropped, every sample still arrives once and in order', async () => {
    const rand = prng(1234);
    let dropped = 0;
    const a = await participant(DOMAIN, {
      packetFilter: {
        outgoing: (d) => {
          if (!hasSubmessage(d, SubmessageId.DATA) || rand() >= 0.3) return true;
          dropped++;
          return false;
        },
      },
    });
    const b = await participant(DOMAIN);
    const w = a.createWriter({ topic: 'rt/lossy', typeName: TYPE, qos: { history: { kind: 'keep-all' } } });
    const r = b.createReader({ topic: 'rt/lossy', typeName: TYPE, qos: { reliability: 'reliable', history: { kind: 'keep-all' } } });
    const got = collect(r);
    await until(() => w.matchedReaders().length === 1 && r.matchedWriters().length === 1, 'match', 15_000);
    const want = Array.from({ length: 300 }, (_, i) => `lossy ${i + 1}`);
    for (const s of want) w.write(cdrString(s));
    await until(() => got.length >= want.length, 'repaired delivery', 20_000);
    expect(got).toEqual(want);
    expect(dropped).toBeGreaterThan(50);
  });

  it('KEEP_LAST: a transient-local late joiner gets only the last `depth` samples; take() keeps the reader depth', async () => {
    const a = await participant(DOMAIN);
    const w = a.createWriter({ topic: 'rt/tl', typeName: TYPE, qos: { durability: 'transient-local', history: { kind: 'keep-last', depth: 3 } } });
    for (let i = 1; i <= 10; i++) w.write(cdrString(`tl ${i}`));
    const b = await participant(DOMAIN);
    const late = b.createReader({ topic: 'rt/tl', typeName: TYPE, keepHistory: true, qos: { durability: 'transient-local', history: { kind: 'keep-last', depth: 2 } } });
    const got = collect(late);
    await until(() => got.length === 3, 'history');
    expect(got).toEqual(['tl 8', 'tl 9', 'tl 10']);
    expect(late.take().map((s) => readCdrString(s.payload))).toEqual(['tl 9', 'tl 10']);
    expect(late.take()).toEqual([]);
    // A volatile reader joining now gets no history, only what is written after it matched.
    const vol = b.createReader({ topic: 'rt/tl', typeName: TYPE, qos: { durability: 'volatile' } });
    const volGot = collect(vol);
    await until(() => w.matchedReaders().includes(vol.guid), 'volatile match');
    w.write(cdrString('tl 11'));
    await until(() => volGot.length === 1, 'new sample');
    expect(volGot).toEqual(['tl 11']);
    // Without keepHistory a reader only delivers: nothing is kept for take() (nor held in memory).
    expect(vol.read()).toEqual([]);
  });

  it('readAgain: a forged DATA that took a transient-local writer\'s next SN is undone by reading the writer again, and the writer\'s own sample at that SN is delivered', async () => {
    const { a, b, w, r, got } = await latchedPair('rt/on_change');
    w.write(cdrString('real 1'));
    await until(() => got.includes('real 1'), 'the first sample');
    // SN 2 in the writer's name, from another socket: the reader cannot tell it from the writer's (no DDS-Security).
    await forgeData(a, b, w, 2, 'forged');
    await until(() => got.includes('forged'), 'the forged sample taken');
    // Read again: the writer's kept sample comes back, and its own SN 2 is then news, not a repeat of the forged one.
    expect(r.readAgain(w.guid)).toBe(true);
    await until(() => got.filter((x) => x === 'real 1').length === 2, 'the kept sample read again');
    w.write(cdrString('real 2'));
    await until(() => got.includes('real 2'), 'the writer\'s own SN 2 (before: dropped as a repeat)');
    expect(r.matches.has(w.guid)).toBe(true);
    expect(r.readAgain('00'.repeat(16))).toBe(false);
  });

  it("a transient-local writer's own sample at an SN a forged DATA took is seen to disagree, and the reader reads the writer again by itself: the real sample is delivered", async () => {
    const { a, b, w, r, got } = await latchedPair('rt/latched');
    const conflicts: SampleConflict[] = [];
    r.on('conflict', (c) => conflicts.push(c));
    w.write(cdrString('real 1'));
    await until(() => got.includes('real 1'), 'the first sample');
    // SN 2 in the writer's name from another socket, then SN 3 (a forger may take several), then the writer's own SN 2.
    for (const sn of [2, 3]) await forgeData(a, b, w, sn, `forged ${sn}`);
    await until(() => got.includes('forged 3'), 'the forged samples taken');
    expect(r.samplesConflicting).toBe(0);
    w.write(cdrString('real 2'));
    // Before: dropped as a repeat of the forged SN 2, for good (the writer writes nothing more).
    await until(() => got.includes('real 2'), "the writer's own SN 2, read again");
    expect(conflicts[0]).toEqual({ writerGuid: w.guid, sequenceNumber: 2, readAgain: true });
    expect(r.samplesConflicting).toBeGreaterThanOrEqual(1);
    // The participant names the writer for /health (ros_samples_conflicting) and counts it for /metrics.
    expect(a.conflictingStreams()).toEqual([expect.objectContaining({ topic: 'rt/latched', writerGuid: w.guid, count: r.samplesConflicting, lastSequenceNumber: 2 })]);
    expect(a.trafficStats().samplesConflicting).toBe(r.samplesConflicting);
    // A forger repeating itself gets no more re-reads: within REREAD_CONFLICT_MS the conflict is only counted.
    await forgeData(a, b, w, 2, 'forged again');
    await until(() => conflicts.some((c) => !c.readAgain), 'the repeated forgery counted');
    expect(conflicts.filter((c) => c.readAgain)).toHaveLength(1);
    expect(got).not.toContain('forged again');
    expect(a.conflictingStreams()[0]).toMatchObject({ writerGuid: w.guid, count: conflicts.length });
    // A retransmission of the same bytes is no conflict: the writer's next sample arrives once, nothing more is counted.
    const seen = conflicts.length;
    w.write(cdrString('real 3'));
    await until(() => got.includes('real 3'), "the writer's SN 3");
    expect(got.filter((x) => x === 'real 3')).toHaveLength(1);
    expect(conflicts).toHaveLength(seen);
    // A reader closed keeps its conflicts in the participant's total (a counter never goes back); its writers are no longer listed.
    const total = a.trafficStats().samplesConflicting;
    r.close();
    expect(a.trafficStats().samplesConflicting).toBe(total);
    expect(a.conflictingStreams()).toEqual([]);
  });

  it('carries the related sample identity and source timestamp', async () => {
    const a = await participant(DOMAIN);
    const b = await participant(DOMAIN);
    const w = a.createWriter({ topic: 'rq/svcRequest', typeName: 'T' });
    const r = b.createReader({ topic: 'rq/svcRequest', typeName: 'T' });
    const got: Sample[] = [];
    r.on('sample', (s) => got.push(s));
    await w.waitForMatch(1, 10_000);
    await r.waitForMatch(1, 10_000);
    const related = { writerGuid: r.guid, sequenceNumber: 5 };
    const id = w.write(cdrString('req'), { relatedSampleIdentity: related, timestamp: { sec: 1700000000, nanosec: 0 } });
    await until(() => got.length === 1, 'request');
    expect(got[0].writerGuid).toBe(id.writerGuid);
    expect(got[0].sequenceNumber).toBe(id.sequenceNumber);
    expect(got[0].relatedSampleIdentity).toEqual(related);
    expect(got[0].sourceTimestamp).toEqual({ sec: 1700000000, nanosec: 0 });
  });
});

describe.runIf(nativeReceiveAvailable)('the transport reads its user-data socket natively (native-udp.ts)', () => {
  const options = { domainId: DOMAIN, localhostOnly: true, multicast: false, maxParticipantIndex: 119, receiveBufferSize: 1 << 20 };

  it('reads its user-data socket natively unless told not to, and receives either way', async () => {
    for (const nativeReceive of [undefined, false]) {
      const got: Buffer[] = [];
      const t = await UdpTransport.open({ ...options, nativeReceive }, (d) => got.push(d));
      expect(t.nativeReceive).toBe(nativeReceive !== false && process.env.MEDKIT_RTPS_NATIVE_RECEIVE !== '0');
      const s = dgram.createSocket('udp4');
      try {
        for (const [text, port] of [['user data', t.locators.defaultUnicast[0].port], ['metatraffic', t.locators.metatrafficUnicast[0].port]] as const) {
          await new Promise<void>((resolve, reject) => s.send(Buffer.from(text), port, '127.0.0.1', (err) => (err ? reject(err) : resolve())));
        }
        await until(() => got.length === 2, 'both datagrams');
      } finally {
        s.close();
        t.close();
      }
      expect(got.map(String).sort()).toEqual(['metatraffic', 'user data']);
    }
  });
});
