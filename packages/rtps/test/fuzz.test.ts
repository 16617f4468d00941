// Fuzzing the receive path with mutated real captures: bit flips, truncation, length-field
// corruption, splicing, extreme sequence numbers. Seeded, so a failure names its case and
// reproduces. Checks: nothing escapes the handler, tables and reassembly memory stay within
// their limits, and the participant still works afterwards. The placed path: forged DATA_FRAGs from the addon's live
// aim against a real fragmented stream (test-support/rtps-fuzz/placed-campaign.ts; RTPS_FUZZ_PLACED_DATAGRAMS,
// RTPS_FUZZ_REPORT for the long run of `npm run fuzz:rtps -- --placed`). Domain offset 4.
import { spawnSync } from 'node:child_process';
import dgram from 'node:dgram';
import { writeFileSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { EntityId } from '../src/guid.js';
import { decodeMessage } from '../src/message.js';
import { forEachParameter } from '../src/parameter-list.js';
import type { Participant } from '../src/participant.js';
import { PID } from '../src/pids.js';
import { spdpDatagram } from '../../../test-support/rtps-fuzz/datagrams.js';
import { fakePrefix } from '../../../test-support/rtps-fuzz/fake-peer.js';
import { RtpsMutator } from '../../../test-support/rtps-fuzz/mutator.js';
import { runPlacedCampaign } from '../../../test-support/rtps-fuzz/placed-campaign.js';
import { rtpsAddonPath } from '../src/native-addon.js';
import { nativeReceiveAvailable } from '../src/native-udp.js';
import { readRtpsDatagrams } from './support/pcapng.js';
import { cdrString, closeAll, participant, prng, readCdrString, until } from './support/loopback.js';
import { ALL_CAPTURES } from './support/vectors.js';
import { testDomain } from '../../../test-support/domains.js';
import { GCC_SANITIZERS, describeWith } from '../../../test-support/requirements.js';

const DOMAIN = testDomain(4);
const SEED = Number(process.env.RTPS_FUZZ_SEED ?? 20240611);
const CASES = Number(process.env.RTPS_FUZZ_CASES ?? 6000);
/** The participant-wide reassembly budget by default (256 MiB). */
const DEFAULT_REASSEMBLY_BUDGET = 256 * 1024 * 1024;
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

describe.runIf(nativeReceiveAvailable)(`fuzzing the placed path (seed ${SEED})`, () => {
  it('forged DATA_FRAGs from the live aim, among a real fragmented stream: data received in place, every delivered byte the writer\'s, the stream whole afterwards', async () => {
    const datagrams = Number(process.env.RTPS_FUZZ_PLACED_DATAGRAMS ?? 5000);
    // Forged sizes up to 4 MiB are taken (larger ones are refused before any allocation).
    const p = await participant(DOMAIN, { limits: { maxSampleSize: 4 * 1024 * 1024 }, onProtocolViolation: () => {} });
    const q = await participant(DOMAIN);
    const qos = { reliability: 'reliable', history: { kind: 'keep-last', depth: 200 } } as const;
    const w = q.createWriter({ topic: 'rt/placed_fuzz', typeName: 'Blob', qos });
    const r = p.createReader({ topic: 'rt/placed_fuzz', typeName: 'Blob', qos, lendPayloads: true });
    expect(await w.waitForMatch(1, 15_000)).toBe(true);
    await r.waitForMatch(1, 15_000);
    const t0 = Date.now();
    const result = await runPlacedCampaign({
      seed: SEED,
      datagrams,
      target: {
        port: p.locators.defaultUnicast[0].port,
        aim: () => p.receiver.placementAim,
        placedIn: () => p.trafficStats().placedIn,
        datagramsIn: () => p.trafficStats().datagramsIn,
        write: (payload) => void w.write(payload),
        onSample: (listener) => r.on('sample', (x) => listener(x.sequenceNumber, x.payload)),
      },
      onProgress: datagrams >= 100_000 ? (n, ms) => n % 10_000 === 0 && console.log(`placed-path fuzz: ${n} forged in ${(ms / 1000).toFixed(0)} s`) : undefined,
    });
    const report = { ...result, addon: rtpsAddonPath, startedAt: new Date(t0).toISOString(), malformed: p.stats.malformed, violations: p.stats.violations, rssBytes: process.memoryUsage.rss() };
    console.log(`placed-path fuzz, seed ${SEED}: ${result.forged} forged in ${(result.durationMs / 1000).toFixed(1)} s, ${result.placedIn} of ${result.datagramsIn} datagrams placed, ${result.delivered} samples delivered (${result.exact} at the real size, ${result.otherSize} forged sizes), ${result.wrong.length} wrong, tail ${result.tailDelivered}/${result.tailWritten} (missing ${result.tailMissing.join(', ') || 'none'}, ${result.tailNamed} named by forged datagrams; ${r.samplesLost} counted lost)`);
    if (process.env.RTPS_FUZZ_REPORT) writeFileSync(process.env.RTPS_FUZZ_REPORT, JSON.stringify(report, null, 2));
    expect(result.wrong, `seed ${SEED}: samples with a byte the writer did not write`).toEqual([]);
    expect(result.forged).toBe(datagrams);
    // The mode runs the placed path: the real stream's datagrams, and forged ones where they matched, in place.
    expect(result.placedIn).toBeGreaterThan(0);
    expect(result.exact).toBeGreaterThan(0);
    expect(result.tailWhole, `the ${result.tailWritten} samples written after the forging (from SN ${result.tailFrom}; missing ${result.tailMissing.join(', ')}; ${result.tailNamed} named by forged datagrams)`).toBe(true);
    expect(p.internalSizes().reassemblyBytes).toBeLessThanOrEqual(DEFAULT_REASSEMBLY_BUDGET);
  }, 600_000);
});

// The same campaign against the addon built with AddressSanitizer and UBSan (scripts/fuzz-native-asan.mjs), briefly:
// the script runs it in a vitest of its own under the preloaded sanitizer runtime, on this file's domain (the tests of
// one file run one after another). `npm run fuzz:native-asan` is the long run.
describeWith(GCC_SANITIZERS, 'the placed path under AddressSanitizer and UBSan', () => {
  it.runIf(nativeReceiveAvailable)('a short campaign against the sanitized addon: no sanitizer report, data placed', () => {
    const script = new URL('../../../scripts/fuzz-native-asan.mjs', import.meta.url).pathname;
    const run = spawnSync(process.execPath, [script, '--datagrams', '2000'], { encoding: 'utf8', timeout: 240_000 });
    const output = `${run.stdout}${run.stderr}`;
    expect(run.status, output.split('\n').slice(-40).join('\n')).toBe(0);
    expect(output).toMatch(/sanitizer reports: 0/);
    expect(output).toMatch(/placed [1-9]/);
  }, 300_000);
});

