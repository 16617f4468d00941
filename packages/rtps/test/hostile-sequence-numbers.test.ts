// Hostile sequence numbers and counts over real UDP (ROS domain offset 180): a fake peer
// announces itself with SPDP and sends one submessage with an extreme value; the participant must
// stay alive (a heartbeat round trip answers), count what breaks the protocol in
// `stats.violations`, and handle the legal extremes (2^31, 2^32, ...) exactly.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDomain } from '../../../test-support/domains.js';
import { ENTITY, acknack, dataFrag, data, gap, heartbeat, heartbeatFrag, nackFrag, sn, type Bytes } from '../../../test-support/rtps-fuzz/datagrams.js';
import { FakePeer, type Target } from '../../../test-support/rtps-fuzz/fake-peer.js';
import type { Participant } from '../src/participant.js';
import { closeAll, participant, until } from './support/loopback.js';

const DOMAIN = testDomain(180);
const EXTREME_SNS = { zero: 0n, '2^31': 2n ** 31n, '2^32': 2n ** 32n, '2^52-1 (largest accepted)': 2n ** 52n - 1n, '2^52': 2n ** 52n, '2^53': 2n ** 53n, '2^63-1': 2n ** 63n - 1n, '-1': -1n, SN_UNKNOWN: -(2n ** 32n), '-2^63': -(2n ** 63n) };

let p: Participant;
let target: Target;
const peers: FakePeer[] = [];
const violations: string[] = [];

beforeAll(async () => {
  p = await participant(DOMAIN, { onProtocolViolation: (v) => violations.push(v.peer) });
  target = { domainId: DOMAIN, metaPort: p.locators.metatrafficUnicast[0].port, userPort: p.locators.defaultUnicast[0].port, prefix: p.prefix };
});

afterAll(async () => {
  for (const f of peers) f.close();
  await closeAll();
});

/** A fake peer the participant has discovered (SPDP processed, builtin endpoints matched). */
async function knownPeer(): Promise<FakePeer> {
  const f = await FakePeer.open();
  peers.push(f);
  await f.join(target);
  return f;
}

/** Sends `d`, then proves liveness with a round trip; returns how many violations it added. */
async function sendAndCheck(f: FakePeer, d: Buffer, port = target.metaPort): Promise<{ added: number; base: bigint }> {
  const before = p.stats.violations;
  const datagrams = p.stats.datagrams;
  await f.send(d, port);
  await until(() => p.stats.datagrams > datagrams, 'the hostile datagram received');
  const base = await f.roundTrip(target);
  return { added: p.stats.violations - before, base };
}

describe('the two-datagram attack (issue 12)', () => {
  it('SPDP of a new participant, then a HEARTBEAT with firstSN = lastSN = 2^53: ignored, counted, logged once, participant alive', async () => {
    const f = await knownPeer();
    const { added, base } = await sendAndCheck(f, f.datagram((b) => heartbeat(b, { readerId: ENTITY.PUB_READER, writerId: ENTITY.PUB_WRITER, first: sn(2n ** 53n), last: sn(2n ** 53n), count: f.nextCount() })));
    expect(added).toBe(1);
    expect(base).toBe(1n);
    // The same again: counted again, reported (logged) once per peer.
    const again = await sendAndCheck(f, f.datagram((b) => heartbeat(b, { readerId: ENTITY.PUB_READER, writerId: ENTITY.PUB_WRITER, first: sn(2n ** 53n), last: sn(2n ** 53n), count: f.nextCount() })));
    expect(again.added).toBe(1);
    expect(violations.filter((v) => v === f.prefix.toString('hex'))).toHaveLength(1);
    expect(p.stats.lastError).toMatch(/sequence number out of range/);
  });
});

describe('HEARTBEAT firstSN = lastSN at each extreme', () => {
  for (const [name, v] of Object.entries(EXTREME_SNS)) {
    const legal = v >= 1n && v < 2n ** 52n;
    it(`${name}: ${legal ? 'handled exactly (the ACKNACK asks from it)' : 'refused as a violation'}`, async () => {
      const f = await knownPeer();
      const { added, base } = await sendAndCheck(f, f.datagram((b) => heartbeat(b, { readerId: ENTITY.PUB_READER, writerId: ENTITY.PUB_WRITER, first: sn(v), last: sn(v), count: f.nextCount() })));
      expect(added).toBe(legal ? 0 : 1);
      // A legal heartbeat moves the reader to v: exactly v, however large (no float rounding).
      expect(base).toBe(legal ? v : 1n);
    });
  }

  it('lastSN < firstSN - 1 is refused; lastSN = firstSN - 1 (an empty writer) is fine', async () => {
    const f = await knownPeer();
    const bad = await sendAndCheck(f, f.datagram((b) => heartbeat(b, { readerId: ENTITY.PUB_READER, writerId: ENTITY.PUB_WRITER, first: sn(10n), last: sn(5n), count: f.nextCount() })));
    expect(bad.added).toBe(1);
    // A new peer: its first HEARTBEAT is the reference point (later claims move only as far as its data: writer-claims.ts).
    const g = await knownPeer();
    const ok = await sendAndCheck(g, g.datagram((b) => heartbeat(b, { readerId: ENTITY.PUB_READER, writerId: ENTITY.PUB_WRITER, first: sn(2n ** 32n), last: sn(2n ** 32n - 1n), count: g.nextCount() })));
    expect(ok.added).toBe(0);
    expect(ok.base).toBe(2n ** 32n);
  });

  it('a legal range of 2^52 - 2 SNs asks for at most 256 of them', async () => {
    const f = await knownPeer();
    const answer = f.acknack('the ACKNACK');
    await f.send(f.datagram((b) => heartbeat(b, { readerId: ENTITY.PUB_READER, writerId: ENTITY.PUB_WRITER, first: sn(1n), last: sn(2n ** 52n - 1n), count: f.nextCount() })), target.metaPort);
    const d = await answer;
    // numBits sits after the 8-byte base: 256, never more.
    const at = d.indexOf(Buffer.from([0x00, 0x00, 0x03, 0xc2]), 20) + 12;
    expect(d.readUInt32LE(at)).toBe(256);
  });
});

/** One hostile submessage per case, and whether it is a protocol violation. */
const SUBMESSAGE_CASES: Array<{ name: string; violation: boolean; port?: 'user'; body: (b: Bytes) => void }> = [
  ...Object.entries(EXTREME_SNS).map(([name, v]) => ({
    name: `DATA writerSN ${name}`,
    violation: !(v >= 1n && v < 2n ** 52n),
    body: (b: Bytes) => data(b, { readerId: ENTITY.PUB_READER, writerId: ENTITY.PUB_WRITER, sn: sn(v), payload: Buffer.from([0, 3, 0, 0, 1, 0, 0, 0]) }),
  })),
  ...Object.entries(EXTREME_SNS).map(([name, v]) => ({
    name: `GAP gapStart ${name} .. +300`,
    violation: !(v >= 1n && v + 300n < 2n ** 52n),
    body: (b: Bytes) => gap(b, { readerId: ENTITY.PUB_READER, writerId: ENTITY.PUB_WRITER, start: sn(v), base: sn(v + 300n), numBits: 32, words: [0xffffffff] }),
  })),
  ...Object.entries(EXTREME_SNS).map(([name, v]) => ({
    name: `ACKNACK base ${name} (to our SEDP writer)`,
    violation: !(v >= 1n && v + 255n < 2n ** 52n) && !(v === 0n),
    body: (b: Bytes) => acknack(b, { readerId: ENTITY.PUB_READER, writerId: ENTITY.PUB_WRITER, base: sn(v), numBits: v === 0n ? 0 : 256, words: v === 0n ? [] : new Array(8).fill(0xffffffff), count: 5 }),
  })),
  ...Object.entries(EXTREME_SNS).map(([name, v]) => ({
    name: `NACK_FRAG writerSN ${name}`,
    violation: !(v >= 1n && v < 2n ** 52n),
    body: (b: Bytes) => nackFrag(b, { readerId: ENTITY.PUB_READER, writerId: ENTITY.PUB_WRITER, sn: sn(v), base: 1, numBits: 256, words: new Array(8).fill(0xffffffff), count: 5 }),
  })),
  ...Object.entries(EXTREME_SNS).map(([name, v]) => ({
    name: `HEARTBEAT_FRAG writerSN ${name}`,
    violation: !(v >= 1n && v < 2n ** 52n),
    body: (b: Bytes) => heartbeatFrag(b, { readerId: ENTITY.PUB_READER, writerId: ENTITY.PUB_WRITER, sn: sn(v), lastFrag: 0xffffffff, count: 7 }),
  })),
  ...Object.entries(EXTREME_SNS).map(([name, v]) => ({
    name: `DATA_FRAG writerSN ${name}`,
    violation: !(v >= 1n && v < 2n ** 52n),
    body: (b: Bytes) => dataFrag(b, { readerId: ENTITY.PUB_READER, writerId: ENTITY.PUB_WRITER, sn: sn(v), start: 1, count: 1, fragmentSize: 8, sampleSize: 64, data: Buffer.alloc(8) }),
  })),
  { name: 'ACKNACK numBits 257', violation: true, body: (b) => acknack(b, { readerId: ENTITY.PUB_READER, writerId: ENTITY.PUB_WRITER, base: sn(1n), numBits: 257, words: new Array(9).fill(0xffffffff), count: 9 }) },
  { name: 'ACKNACK numBits 2^32-1', violation: true, body: (b) => acknack(b, { readerId: ENTITY.PUB_READER, writerId: ENTITY.PUB_WRITER, base: sn(1n), numBits: 0xffffffff, words: [0xffffffff], count: 10 }) },
  { name: 'GAP gapList numBits 2^31', violation: true, body: (b) => gap(b, { readerId: ENTITY.PUB_READER, writerId: ENTITY.PUB_WRITER, start: sn(1n), base: sn(2n), numBits: 0x80000000, words: [0xffffffff] }) },
  { name: 'NACK_FRAG fragment base 0', violation: true, body: (b) => nackFrag(b, { readerId: ENTITY.PUB_READER, writerId: ENTITY.PUB_WRITER, sn: sn(1n), base: 0, numBits: 8, words: [0xff000000], count: 11 }) },
  { name: 'NACK_FRAG fragment base 2^32-1 with 256 bits (legal, nothing to send)', violation: false, body: (b) => nackFrag(b, { readerId: ENTITY.PUB_READER, writerId: ENTITY.PUB_WRITER, sn: sn(1n), base: 0xffffffff, numBits: 256, words: new Array(8).fill(0xffffffff), count: 12 }) },
  { name: 'HEARTBEAT_FRAG lastFragmentNum 0', violation: true, body: (b) => heartbeatFrag(b, { readerId: ENTITY.PUB_READER, writerId: ENTITY.PUB_WRITER, sn: sn(1n), lastFrag: 0, count: 13 }) },
  { name: 'DATA_FRAG fragmentStartingNum 0', violation: true, body: (b) => dataFrag(b, { readerId: ENTITY.PUB_READER, writerId: ENTITY.PUB_WRITER, sn: sn(1n), start: 0, count: 1, fragmentSize: 8, sampleSize: 64, data: Buffer.alloc(8) }) },
  { name: 'DATA_FRAG fragmentStartingNum 2^32-1 past the sample', violation: true, body: (b) => dataFrag(b, { readerId: ENTITY.PUB_READER, writerId: ENTITY.PUB_WRITER, sn: sn(1n), start: 0xffffffff, count: 1, fragmentSize: 8, sampleSize: 64, data: Buffer.alloc(8) }) },
  { name: 'DATA_FRAG fragmentsInSubmessage 0', violation: true, body: (b) => dataFrag(b, { readerId: ENTITY.PUB_READER, writerId: ENTITY.PUB_WRITER, sn: sn(1n), start: 1, count: 0, fragmentSize: 8, sampleSize: 64, data: Buffer.alloc(8) }) },
  { name: 'DATA_FRAG sampleSize 0', violation: true, body: (b) => dataFrag(b, { readerId: ENTITY.PUB_READER, writerId: ENTITY.PUB_WRITER, sn: sn(1n), start: 1, count: 1, fragmentSize: 8, sampleSize: 0, data: Buffer.alloc(8) }) },
  { name: 'DATA_FRAG 2^32-1 bytes in 1-byte fragments (over the fragment cap: dropped, legal)', violation: false, body: (b) => dataFrag(b, { readerId: ENTITY.PUB_READER, writerId: ENTITY.PUB_WRITER, sn: sn(1n), start: 1, count: 0xffff, fragmentSize: 1, sampleSize: 0xffffffff, data: Buffer.alloc(64) }) },
  { name: 'HEARTBEAT count -2^31 (any count is legal)', violation: false, body: (b) => heartbeat(b, { readerId: ENTITY.PUB_READER, writerId: ENTITY.PUB_WRITER, first: sn(1n), last: sn(0n), count: 0x80000000 }) },
];

describe('hostile values in every SN-, count- and fragment-carrying submessage', () => {
  for (const c of SUBMESSAGE_CASES) {
    it(`${c.name}: ${c.violation ? 'a counted violation' : 'accepted'}, participant alive`, async () => {
      const f = await knownPeer();
      const { added } = await sendAndCheck(f, f.datagram(c.body));
      expect(added).toBe(c.violation ? 1 : 0);
    });
  }
});

describe('parameter lists', () => {
  it('an SPDP parameter list of 600 PADs is refused (cap 512), the participant stays alive', async () => {
    const f = await knownPeer();
    const pads = Buffer.alloc(600 * 4);
    const payload = Buffer.concat([Buffer.from([0, 3, 0, 0]), pads, Buffer.from([1, 0, 0, 0])]);
    const { added } = await sendAndCheck(f, f.datagram((b) => data(b, { readerId: ENTITY.SPDP_READER, writerId: ENTITY.SPDP_WRITER, sn: sn(1n), payload })));
    expect(added).toBe(1);
  });
});
