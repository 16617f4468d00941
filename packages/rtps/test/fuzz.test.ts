// Fuzzing the receive path with mutated real captures: bit flips, truncation, length-field
// corruption, splicing, extreme sequence numbers. Seeded, so a failure names its case and
// reproduces. Checks: nothing escapes the handler, tables and reassembly memory stay within
// their limits, and the participant still works afterwards. ROS domain 15.
import dgram from 'node:dgram';
import { afterAll, describe, expect, it } from 'vitest';
import { EntityId } from '../src/guid.js';
import { decodeMessage } from '../src/message.js';
import { forEachParameter } from '../src/parameter-list.js';
import type { Participant } from '../src/participant.js';
import { PID } from '../src/pids.js';
import { spdpDatagram } from '../../../test-support/rtps-fuzz/datagrams.js';
import { fakePrefix } from '../../../test-support/rtps-fuzz/fake-peer.js';
import { RtpsMutator } from '../../../test-support/rtps-fuzz/mutator.js';
import { readRtpsDatagrams } from './support/pcapng.js';
import { cdrString, closeAll, participant, prng, readCdrString, until } from './support/loopback.js';
import { ALL_CAPTURES } from './support/vectors.js';
import { testDomain } from '../../../test-support/domains.js';

const DOMAIN = testDomain(4);
const SEED = Number(process.env.RTPS_FUZZ_SEED ?? 20240611);
const CASES = Number(process.env.RTPS_FUZZ_CASES ?? 6000);
const LIMITS = { maxParticipants: 32, maxEndpointsPerParticipant: 64, maxPendingPerWriter: 64, maxSampleSize: 2 * 1024 * 1024, maxReassembliesPerWriter: 4, reassemblyBudget: 8 * 1024 * 1024, maxSamples: 100 };

afterAll(closeAll);

const corpus = ALL_CAPTURES.flatMap((f) => readRtpsDatagrams(f).map((d) => retarget(Buffer.from(d.payload))));

/** The captures are from domain 0: rewrite SPDP's PID_DOMAIN_ID in place so our participant accepts them. */
function retarget(d: Buffer): Buffer {
  for (const sm of decodeMessage(d).submessages) {
    if (sm.kind !== 'DATA' || sm.writerId !== EntityId.SPDP_WRITER || !sm.payload || sm.key) continue;
    const le = (sm.payload.readUInt16BE(0) & 1) === 1;
    forEachParameter(sm.payload, 4, sm.payload.length, le, (pid, offset) => {
      if (pid !== PID.DOMAIN_ID) return;
      if (le) sm.payload!.writeUInt32LE(DOMAIN, offset);
      else sm.payload!.writeUInt32BE(DOMAIN, offset);
    });
  }
  return d;
}

/** Offsets of the submessage headers of a well-formed datagram. */
function submessageOffsets(d: Buffer): number[] {
  const out: number[] = [];
  let pos = 20;
  while (pos + 4 <= d.length) {
    out.push(pos);
    const le = (d[pos + 1] & 1) === 1;
    const len = le ? d.readUInt16LE(pos + 2) : d.readUInt16BE(pos + 2);
    if (len === 0) break;
    pos += 4 + len;
  }
  return out;
}

function mutate(rand: () => number, pick: () => Buffer): { kind: string; data: Buffer } {
  const src = pick();
  const d = Buffer.from(src);
  const int = (n: number) => Math.floor(rand() * n);
  switch (int(6)) {
    case 0: {
      const flips = 1 + int(8);
      for (let i = 0; i < flips; i++) d[int(d.length)] ^= 1 << int(8);
      return { kind: 'bitflip', data: d };
    }
    case 1:
      return { kind: 'truncate', data: d.subarray(0, int(d.length)) };
    case 2: {
      const offs = submessageOffsets(d);
      if (offs.length === 0) return { kind: 'noop', data: d };
      const at = offs[int(offs.length)] + 2;
      const v = [0, 1, 3, 0xffff, int(0x10000), d.length][int(6)];
      d.writeUInt16LE(v & 0xffff, at);
      return { kind: 'length', data: d };
    }
    case 3: {
      const other = pick();
      const cut = int(d.length);
      return { kind: 'splice', data: Buffer.concat([d.subarray(0, cut), other.subarray(int(other.length))]) };
    }
    case 4: {
      // Extreme values in a random aligned word after the header (SNs, counts, sizes, numBits).
      if (d.length < 28) return { kind: 'noop', data: d };
      const at = 20 + 4 * int((d.length - 24) / 4);
      d.writeUInt32LE([0xffffffff, 0x7fffffff, 0x80000000, 0, 257, 0xffff][int(6)], at);
      return { kind: 'extreme', data: d };
    }
    default: {
      // Parameter-list damage: flip a byte in the second half, where PL values live.
      const at = Math.floor(d.length / 2) + int(Math.ceil(d.length / 2));
      if (at < d.length) d[at] = int(256);
      return { kind: 'pl', data: d };
    }
  }
}

function checkBounds(p: Participant): void {
  const s = p.internalSizes();
  expect(s.participants).toBeLessThanOrEqual(LIMITS.maxParticipants);
  expect(s.endpoints).toBeLessThanOrEqual(LIMITS.maxParticipants * (LIMITS.maxEndpointsPerParticipant + 6));
  expect(s.reassemblyBytes).toBeLessThanOrEqual(LIMITS.reassemblyBudget);
}

describe(`fuzzing the receive path (seed ${SEED}, ${CASES} cases)`, () => {
  it('the corpus is the three captures, and it parses cleanly before mutation', async () => {
    expect(corpus.length).toBe(87 + 184 + 599);
    const p = await participant(DOMAIN, { limits: LIMITS, packetFilter: { outgoing: () => false } });
    for (const d of corpus) p.receiver.handle(d);
    expect(p.stats.malformed).toBe(0);
    expect(p.participants().length).toBeGreaterThan(0);
  });

  it('mutated datagrams never throw out of the handler and memory stays bounded', async () => {
    // Outgoing traffic is dropped: the captured peers' addresses are not ours to talk to.
    const p = await participant(DOMAIN, { limits: LIMITS, packetFilter: { outgoing: () => false } });
    const chatter = p.createReader({ topic: 'rt/chatter', typeName: 'std_msgs::msg::dds_::String_', qos: { reliability: 'reliable' } });
    p.createReader({ topic: 'ros_discovery_info', typeName: 'rmw_dds_common::msg::dds_::ParticipantEntitiesInfo_', qos: { reliability: 'reliable', durability: 'transient-local', history: { kind: 'keep-all' } } });
    let samples = 0;
    chatter.on('sample', () => samples++);
    const rand = prng(SEED);
    const pick = () => corpus[Math.floor(rand() * corpus.length)];
    // Teach it the real participants first so mutations reach SEDP, readers and writers.
    for (const d of corpus) p.receiver.handle(d);
    const before = process.memoryUsage();
    const kinds = new Map<string, number>();
    for (let i = 0; i < CASES; i++) {
      const m = mutate(rand, pick);
      kinds.set(m.kind, (kinds.get(m.kind) ?? 0) + 1);
      try {
        p.receiver.handle(m.data);
      } catch (err) {
        throw new Error(`case ${i} (${m.kind}, seed ${SEED}) threw: ${String(err)}; bytes ${m.data.toString('hex')}`);
      }
      if (i % 500 === 0) checkBounds(p);
      // Interleave valid traffic so reliable state machines keep moving.
      if (i % 10 === 0) p.receiver.handle(pick());
    }
    checkBounds(p);
    const after = process.memoryUsage();
    expect(p.stats.malformed).toBeGreaterThan(CASES / 10);
    expect(samples).toBeGreaterThan(0);
    for (const k of ['bitflip', 'truncate', 'length', 'splice', 'extreme', 'pl']) expect(kinds.get(k) ?? 0).toBeGreaterThan(CASES / 12);
    // Bounded growth: the reassembly budget plus slack for tables and GC lag.
    expect(after.heapUsed - before.heapUsed).toBeLessThan(96 * 1024 * 1024);
    expect(after.arrayBuffers - before.arrayBuffers).toBeLessThan(LIMITS.reassemblyBudget + 64 * 1024 * 1024);
  });

  it('structure-aware mutations (extreme SNs, counts, bitmaps, fragments, parameter lists) never throw and stay bounded', async () => {
    const p = await participant(DOMAIN, { limits: LIMITS, packetFilter: { outgoing: () => false }, onProtocolViolation: () => {} });
    p.createReader({ topic: 'rt/fuzz', typeName: 'std_msgs::msg::dds_::String_', qos: { reliability: 'reliable' } });
    const peers = Array.from({ length: 8 }, () => fakePrefix());
    for (const prefix of peers) p.receiver.handle(spdpDatagram(prefix, DOMAIN, 9));
    expect(p.participants().length).toBe(8);
    const m = new RtpsMutator(SEED, { domainId: DOMAIN, prefix: p.prefix, metaPort: 1, userPort: 2, replyPort: 9, peers });
    const n = CASES * 2;
    for (let i = 0; i < n; i++) {
      const d = m.next();
      try {
        p.receiver.handle(d.data);
      } catch (err) {
        throw new Error(`structured case ${i} (${d.kind}, seed ${SEED}) threw: ${String(err)}; bytes ${d.data.toString('hex')}`);
      }
      if (i % 1000 === 0) checkBounds(p);
    }
    checkBounds(p);
    expect(p.stats.violations).toBeGreaterThan(n / 10);
    // Still discovering: a new participant is taken in after all that.
    const late = fakePrefix();
    p.receiver.handle(spdpDatagram(late, DOMAIN, 9));
    expect(p.participants().map((x) => x.guidPrefix)).toContain(late.toString('hex'));
  });

  it('garbage over a real socket leaves the participant working', async () => {
    const p = await participant(DOMAIN, { limits: LIMITS });
    const q = await participant(DOMAIN);
    const s = dgram.createSocket('udp4');
    const rand = prng(SEED + 1);
    const port = p.locators.metatrafficUnicast[0].port;
    const userPort = p.locators.defaultUnicast[0].port;
    for (let i = 0; i < 400; i++) {
      const m = mutate(rand, () => corpus[Math.floor(rand() * corpus.length)]);
      await new Promise<void>((res) => s.send(m.data, i % 2 ? port : userPort, '127.0.0.1', () => res()));
    }
    s.close();
    await until(() => p.stats.datagrams >= 300, 'garbage received');
    expect(p.stats.malformed).toBeGreaterThan(0);
    const w = q.createWriter({ topic: 'rt/after', typeName: 'T' });
    const r = p.createReader({ topic: 'rt/after', typeName: 'T' });
    const got: string[] = [];
    r.on('sample', (x) => got.push(readCdrString(x.payload)));
    expect(await w.waitForMatch(1, 10_000)).toBe(true);
    await r.waitForMatch(1, 10_000);
    w.write(cdrString('still alive'));
    await until(() => got.length === 1, 'delivery after fuzzing');
    expect(got).toEqual(['still alive']);
  });
});
