// Forged DATA_FRAGs for the placed-path campaign (placed-campaign.ts): each built from the receiver's live aim (the
// writer's prefix and entity, our reader, the aimed SN, the fragments and sizes it predicts, the writer's layout),
// then mutated where the addon's checks and the reassembly look: the SN, the fragment numbers and count, the sizes,
// the reader and writer, the byte order and the key flag, the submessages before and after it, the payload's offset
// (octetsToInlineQos, inline QoS) and length (fragments carried, octetsToNextHeader, a cut).
//
// Whatever the mutations, the bytes a correct receiver reads as the payload of fragment f are the bytes the real
// writer has at those positions of the sample (sampleByte): forged fragments that pass every check bring nothing
// wrong, so a delivered sample with a wrong byte is the receiver's fault (placed bytes counted for the wrong sample or
// position, a stale buffer, a misparsed offset). To keep that true, nothing a parser could take for payload follows
// the payload but more of the sample's bytes: a DATA_FRAG running to the datagram's end (length 0) has nothing after
// it, and its padding is the sample's next bytes.
import { Bytes, SM, header, heartbeat, heartbeatFrag, infoDst, infoTs, sn } from './datagrams.js';
import { Dice } from './prng.js';

/** What the receiver was aimed at (@medkit/rtps FragmentAim, restated: test-support imports packages by name only). */
export interface LiveAim {
  prefix: Buffer;
  writerId: number;
  readerId: number;
  sn: number;
  fragmentSize: number;
  sampleSize: number;
  next: number;
  first: { head: number; per: number };
  rest: { head: number; per: number };
  le: boolean;
  key: boolean;
}

/** Byte `p` of sample `sn` of the real writer: every position of every sample differs from its neighbours. */
export function sampleByte(sn: number, p: number): number {
  let x = (Math.imul(p, 0x9e3779b1) ^ Math.imul(sn, 0x85ebca6b)) >>> 0;
  x ^= x >>> 15;
  x = Math.imul(x, 0x2c1b3c6d) >>> 0;
  return (x ^ (x >>> 12)) & 0xff;
}

/** Bytes [from, to) of sample `sn`. */
export function sampleBytes(sn: number, from: number, to: number): Buffer {
  const b = Buffer.allocUnsafe(Math.max(0, to - from));
  for (let p = from; p < to; p++) b[p - from] = sampleByte(sn, p);
  return b;
}

/** The mutations applied, for the campaign's counts (a datagram may carry several). */
export type Mutation =
  | 'exact'
  | 'sn'
  | 'start'
  | 'count'
  | 'carry'
  | 'fragmentSize'
  | 'sampleSize'
  | 'reader'
  | 'writer'
  | 'prefix'
  | 'bigEndian'
  | 'key'
  | 'before'
  | 'after'
  | 'offset'
  | 'inlineQos'
  | 'length'
  | 'cut';

/** One predicted datagram of an aim (the addon's plan_slots): fragments [first, last], its payload offset. */
function slots(a: LiveAim): { first: number; last: number; head: number }[] {
  const out = [];
  const total = Math.ceil(a.sampleSize / a.fragmentSize);
  for (let f = a.next; f <= total && out.length < 64; ) {
    const l = f === 1 ? a.first : a.rest;
    const last = Math.min(f + l.per - 1, total);
    out.push({ first: f, last, head: l.head });
    f = last + 1;
  }
  return out;
}

export class PlacedForger {
  private readonly dice: Dice;
  private count = 1;

  constructor(seed: number) {
    this.dice = new Dice(seed);
  }

  /** A forged datagram from `aim`, what was mutated (nothing: the predicted datagram itself) and the SN it names. */
  forge(aim: LiveAim): { data: Buffer; mutations: Mutation[]; sn: number } {
    const d = this.dice;
    const predicted = slots(aim);
    const slot = predicted[Math.min(d.int(4), predicted.length - 1)] ?? { first: aim.next, last: aim.next, head: aim.rest.head };
    const m = new Set<Mutation>();
    let snv = aim.sn;
    let start = slot.first;
    let count = slot.last - slot.first + 1;
    let fragmentSize = aim.fragmentSize;
    let sampleSize = aim.sampleSize;
    let readerId = d.chance(0.5) ? aim.readerId : 0;
    let writerId = aim.writerId;
    let prefix = aim.prefix;
    let le = aim.le;
    let key = aim.key;
    let extra = slot.head - 56; // INFO_DST (16) and INFO_TS (12) before the DATA_FRAG
    let junk = 0; // words between the fixed fields and the payload (octetsToInlineQos past 28)
    let inlineQos = false;
    const mutations = d.chance(0.15) ? 0 : 1 + d.int(3);
    for (let i = 0; i < mutations; i++) {
      const what = d.pick<Mutation>(['sn', 'start', 'count', 'carry', 'fragmentSize', 'sampleSize', 'reader', 'writer', 'prefix', 'bigEndian', 'key', 'before', 'after', 'offset', 'inlineQos', 'length', 'cut']);
      m.add(what);
      if (what === 'sn') snv = Math.max(1, snv + d.pick([-1, 1, 2, 100, 5000, 2 ** 31]));
      else if (what === 'start') start = Math.max(1, start + d.pick([-1, 1, 2, count, 1000, 65535]));
      else if (what === 'count') count = Math.max(1, Math.min(65535, d.pick([count - 1, count + 1, 2 * count, 65535])));
      else if (what === 'fragmentSize') fragmentSize = Math.max(1, Math.min(65535, d.pick([fragmentSize - 1, fragmentSize + 1, fragmentSize * 2, 1, 64, 65535])));
      else if (what === 'sampleSize') sampleSize = Math.max(1, d.pick([sampleSize - 1, sampleSize + 1, sampleSize + fragmentSize, fragmentSize, 100, 2 ** 26]));
      else if (what === 'reader') readerId = d.pick([aim.readerId + 0x100, 0xffffffff, 0x000100c7]);
      else if (what === 'writer') writerId = d.pick([aim.writerId + 0x100, 0x000100c2, 0]);
      else if (what === 'prefix') prefix = Buffer.from(prefix).fill(0xf0, 0, 2);
      else if (what === 'bigEndian') le = !le;
      else if (what === 'key') key = !key;
      else if (what === 'before') extra = d.pick([0, 12, 16, 28, 40, 64]);
      else if (what === 'offset') junk = d.pick([1, 2, 16]);
      else if (what === 'inlineQos') inlineQos = true;
    }
    const carry = m.has('carry') ? Math.max(0, count - 1 - d.int(Math.min(count, 3))) : count;
    const lengthMode = m.has('length') ? d.pick(['zero', 'short', 'overlong'] as const) : 'exact';
    // A DATA_FRAG running to the datagram's end, or past it, is followed by nothing (see the head of this file).
    const after = m.has('after') && (lengthMode === 'exact' || lengthMode === 'short');
    // Heartbeats in the writer's name say nothing new (the SN before the aimed one): this campaign is about fragments.
    const seen = sn(BigInt(Math.max(0, aim.sn - 1)));
    const b = header(new Bytes(), prefix, 0x0110);
    if (extra === 12 || extra === 28 || extra === 40) infoTs(b, 1, 2);
    if (extra === 16 || extra === 28 || extra === 40) infoDst(b, Buffer.alloc(12));
    if (extra === 40) infoTs(b, 3, 4);
    if (extra === 64) heartbeat(b, { readerId: 0, writerId, first: sn(1n), last: seen, count: this.count++ });
    // The DATA_FRAG, in its own byte order: its payload is what a receiver reading these fields must find there.
    const total = Math.ceil(sampleSize / fragmentSize);
    const from = (start - 1) * fragmentSize;
    const to = Math.min(sampleSize, (start - 1 + Math.min(carry, Math.max(0, total - start + 1))) * fragmentSize);
    const payload = sampleBytes(snv, from, Math.max(from, to));
    const padded = Buffer.concat([payload, sampleBytes(snv, from + payload.length, from + ((payload.length + 3) & ~3))]);
    const flags = (le ? 1 : 0) | (inlineQos ? 0x02 : 0) | (key ? 0x04 : 0);
    b.u8(SM.DATA_FRAG).u8(flags);
    const lengthAt = b.pos;
    b.u16(0, le);
    const body = b.pos;
    b.u16(0, le).u16(28 + 4 * junk, le).entity(readerId).entity(writerId).sn(sn(BigInt(snv)), le);
    b.u32(start, le).u16(count, le).u16(fragmentSize, le).u32(sampleSize, le);
    for (let i = 0; i < junk; i++) b.u32(0xdeadbeef, le);
    if (inlineQos) b.u16(0x0070, le).u16(16, le).bytes(Buffer.alloc(16, 0x11)).u16(0x0001, le).u16(0, le); // PID_KEY_HASH, sentinel
    b.bytes(padded);
    const exact = b.pos - body;
    b.patchU16(lengthAt, lengthMode === 'zero' ? 0 : lengthMode === 'short' ? Math.max(0, exact - 4 - 4 * d.int(Math.max(1, exact >> 2))) : lengthMode === 'overlong' ? exact + 4 * (1 + d.int(64)) : exact, le);
    if (after) {
      if (d.chance(0.5)) heartbeatFrag(b, { readerId: 0, writerId, sn: sn(BigInt(snv)), lastFrag: start + count - 1, count: this.count++ });
      else heartbeat(b, { readerId: 0, writerId, first: sn(1n), last: seen, count: this.count++ });
    }
    let data = b.done();
    if (m.has('cut')) data = data.subarray(0, Math.max(20, data.length - 1 - d.int(Math.min(data.length - 20, 3 * fragmentSize))));
    if (m.size === 0) m.add('exact');
    return { data, mutations: [...m], sn: snv };
  }
}
