// DATA_FRAG payloads received in place by the addon (native/udp_placement.c, src/native-udp.ts's aim), on real
// loopback sockets with hand-built RTPS datagrams: a datagram that is what the aim predicted has its payload in the
// sample's buffer and is handed on without it (its DATA_FRAG shortened to match, with the count of bytes placed);
// every other datagram, whatever it differs in, is handed on byte for byte as it was sent, and its bytes that landed
// in the sample lie only in the fragments the aim covered; a batch where no prediction held drops the aim; an aim
// the addon cannot follow is refused, and one whose buffer was detached or shrunk after it was given is dropped. A
// run of placed datagrams followed by nothing but HEARTBEAT_FRAGs is handed on in one call, ended early where the aim
// moved; aims made meanwhile reach the addon once per batch.
import dgram from 'node:dgram';
import { afterEach, describe, expect, it } from 'vitest';
import { ByteWriter } from '../src/byte-writer.js';
import type { FragmentAim } from '../src/fragment-placement.js';
import { encodeHeader } from '../src/header.js';
import { rtpsAddon } from '../src/native-addon.js';
import { NativeUdpReceiver, nativeReceiveAvailable } from '../src/native-udp.js';
import { encodeDataFrag } from '../src/submessages/data-frag.js';
import { encodeHeartbeat } from '../src/submessages/heartbeat.js';
import { encodeHeartbeatFrag } from '../src/submessages/heartbeat-frag.js';
import { encodeInfoDst, encodeInfoTs } from '../src/submessages/info.js';

const open: { close(): void }[] = [];
afterEach(() => {
  for (const s of open.splice(0)) s.close();
});

const PREFIX = Buffer.from('0102030405060708090a0b0c', 'hex');
const WRITER = 0x00000102;
const READER = 0x00000107;
const FRAG = 1000;
const SAMPLE = 10_500; // 11 fragments, the last one 500 bytes
const SN = 0x1_0000_0005; // above 2^32: both halves of the SN are checked

/** The sample's bytes: every byte differs from its neighbours, so a misplaced run shows. */
const sample = Buffer.from(Array.from({ length: SAMPLE }, (_, i) => (i * 7 + 3) & 0xff));

interface FragOptions {
  start: number;
  count: number;
  sn?: number;
  writerId?: number;
  readerId?: number;
  prefix?: Buffer;
  infoTs?: boolean;
  infoDst?: boolean;
  inlineQos?: Buffer;
  heartbeatFirst?: boolean;
  le?: boolean;
  key?: boolean;
  fragmentSize?: number;
  sampleSize?: number;
  /** Bytes cut off the end of the datagram. */
  cut?: number;
  /** What follows the DATA_FRAG (default a HEARTBEAT); nine HEARTBEAT_FRAGs, or one claiming more than the datagram holds. */
  trailing?: Trailing;
}

type Trailing = 'heartbeat' | 'heartbeatFrag' | 'none' | 'nineHeartbeatFrags' | 'overlongHeartbeatFrag';

/** An RTPS datagram carrying fragments [start, start+count) of the sample, followed by a HEARTBEAT. */
function datagram(o: FragOptions): Buffer {
  const le = o.le ?? true;
  const w = new ByteWriter(16_384, le);
  encodeHeader(w, 0x0110, o.prefix ?? PREFIX);
  if (o.heartbeatFirst) encodeHeartbeat(w, { readerId: 0, writerId: WRITER, firstSN: 1, lastSN: 5, count: 1, final: true, liveliness: false }, le);
  if (o.infoDst) encodeInfoDst(w, Buffer.alloc(12), le);
  if (o.infoTs) encodeInfoTs(w, { sec: 1, nanosec: 2 }, le);
  const from = (o.start - 1) * FRAG;
  const to = Math.min((o.start - 1 + o.count) * FRAG, SAMPLE);
  encodeDataFrag(w, { readerId: o.readerId ?? 0, writerId: o.writerId ?? WRITER, writerSN: o.sn ?? SN, fragmentStartingNum: o.start, fragmentsInSubmessage: o.count, fragmentSize: o.fragmentSize ?? FRAG, sampleSize: o.sampleSize ?? SAMPLE, inlineQos: o.inlineQos, data: sample.subarray(from, to), key: o.key ?? false }, le);
  const trailing = o.trailing ?? 'heartbeat';
  if (trailing === 'heartbeat') encodeHeartbeat(w, { readerId: 0, writerId: WRITER, firstSN: 1, lastSN: 5, count: 2, final: false, liveliness: false }, le);
  const heartbeatFrags = trailing === 'nineHeartbeatFrags' ? 9 : trailing === 'heartbeatFrag' || trailing === 'overlongHeartbeatFrag' ? 1 : 0;
  for (let k = 0; k < heartbeatFrags; k++) encodeHeartbeatFrag(w, { readerId: 0, writerId: WRITER, writerSN: o.sn ?? SN, lastFragmentNum: o.start + o.count - 1, count: 3 + k }, le);
  const d = w.finish();
  // The HEARTBEAT_FRAG (24 bytes after its header) says it runs far past the datagram's end.
  if (trailing === 'overlongHeartbeatFrag') d.writeUInt16LE(0xfff0, d.length - 28 + 2);
  return o.cut ? d.subarray(0, d.length - o.cut) : d;
}

/** What the receiver hands on for a placed datagram: the payload taken out, the DATA_FRAG's length shortened. */
function withoutPayload(d: Buffer, head: number, placed: number): Buffer {
  const out = Buffer.concat([d.subarray(0, head), d.subarray(head + placed)]);
  const at = head - 36 + 2;
  out.writeUInt16LE(out.readUInt16LE(at) - placed, at);
  return out;
}

const aim = (next: number, more: Partial<FragmentAim> = {}): FragmentAim => ({
  prefix: PREFIX,
  writerId: WRITER,
  readerId: READER,
  sn: SN,
  fragmentSize: FRAG,
  sampleSize: SAMPLE,
  next,
  first: { head: 68, per: 3 }, // INFO_TS, then the DATA_FRAG: 20 + 12 + 36
  rest: { head: 56, per: 4 },
  le: true,
  key: false,
  ...more,
});

/** `onEach`: called as each datagram is handed on (after it is recorded), with its place in the exchange. */
async function setUp(onEach?: (index: number) => void) {
  const s = dgram.createSocket('udp4');
  await new Promise<void>((resolve) => s.bind(0, '127.0.0.1', resolve));
  open.push(s);
  const probe = dgram.createSocket('udp4');
  await new Promise<void>((resolve) => probe.bind(0, '127.0.0.1', resolve));
  const port = probe.address().port;
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  const got: { data: Buffer; placed: number }[] = [];
  /** Called after each datagram is recorded: an exchange waits on it for its last one (an event, not a sleep). */
  let arrived: () => void = () => {};
  const r = NativeUdpReceiver.open(port, '127.0.0.1', 4 << 20, (data, _from, placed) => {
    got.push({ data: Buffer.from(data), placed });
    onEach?.(got.length - 1);
    arrived();
  })!;
  expect(r).not.toBeNull();
  open.push(r);
  /**
   * Sends the datagrams and waits for them all. All are sent in one go (libuv sends at once when its queue is
   * empty) before this event loop polls the receiver, so they come in one batch: nothing re-aims between them here.
   */
  const exchange = async (datagrams: Buffer[]) => {
    const before = got.length;
    await Promise.all(datagrams.map((d) => new Promise<void>((resolve, reject) => s.send(d, port, '127.0.0.1', (err) => (err ? reject(err) : resolve())))));
    if (got.length < before + datagrams.length) {
      let deadline: NodeJS.Timeout | undefined;
      try {
        await new Promise<void>((resolve, reject) => {
          arrived = () => got.length >= before + datagrams.length && resolve();
          deadline = setTimeout(() => reject(new Error(`received ${got.length - before} of ${datagrams.length}`)), 10_000);
        });
      } finally {
        clearTimeout(deadline);
        arrived = () => {};
      }
    }
    return got.slice(before);
  };
  return { r, exchange };
}

describe.runIf(nativeReceiveAvailable)('DATA_FRAG payloads received in place', () => {
  it('puts a predicted run in the sample: the first datagram after INFO_TS, the next ones without, the short last one', async () => {
    const { r, exchange } = await setUp();
    const buffer = Buffer.alloc(SAMPLE, 0xee);
    r.aim(buffer, aim(1));
    // Sent one after the other, they come in one batch or several; the aim predicts all three.
    const sent = [datagram({ start: 1, count: 3, infoTs: true }), datagram({ start: 4, count: 4 }), datagram({ start: 8, count: 4 })];
    const got = await exchange(sent);
    expect(got.map((g) => g.placed)).toEqual([3000, 4000, 3500]);
    expect(got[0].data.equals(withoutPayload(sent[0], 68, 3000))).toBe(true);
    expect(got[1].data.equals(withoutPayload(sent[1], 56, 4000))).toBe(true);
    expect(got[2].data.equals(withoutPayload(sent[2], 56, 3500))).toBe(true);
    expect(buffer.equals(sample)).toBe(true);
    expect(got.filter((g) => g.placed > 0)).toHaveLength(3);
  });

  it('follows INFO_DST before INFO_TS, big-endian DATA_FRAGs, keys, and a DATA_FRAG naming our reader', async () => {
    const { r, exchange } = await setUp();
    const buffer = Buffer.alloc(SAMPLE, 0xee);
    r.aim(buffer, aim(5, { rest: { head: 84, per: 3 }, le: false, key: true }));
    const sent = datagram({ start: 5, count: 3, infoDst: true, infoTs: true, le: false, key: true, readerId: READER });
    const [g] = await exchange([sent]);
    expect(g.placed).toBe(3000);
    const expected = Buffer.concat([sent.subarray(0, 84), sent.subarray(84 + 3000)]);
    expected.writeUInt16BE(expected.readUInt16BE(84 - 36 + 2) - 3000, 84 - 36 + 2);
    expect(g.data.equals(expected)).toBe(true);
    expect(buffer.subarray(4000, 7000).equals(sample.subarray(4000, 7000))).toBe(true);
  });

  it('hands on every datagram that is not the predicted one as it was sent, its stray bytes only in fragments the aim covered', async () => {
    const cases: [string, Buffer][] = [
      ['another SN (high half)', datagram({ start: 4, count: 4, sn: SN + 0x1_0000_0000 })],
      ['another SN (low half)', datagram({ start: 4, count: 4, sn: SN + 1 })],
      ['another writer', datagram({ start: 4, count: 4, writerId: WRITER + 1 })],
      ['another participant', datagram({ start: 4, count: 4, prefix: Buffer.from('ffffffffffffffffffffffff', 'hex') })],
      ['another reader', datagram({ start: 4, count: 4, readerId: READER + 1 })],
      ['another first fragment', datagram({ start: 5, count: 4 })],
      ['fewer fragments', datagram({ start: 4, count: 3 })],
      ['another fragment size', datagram({ start: 4, count: 4, fragmentSize: 999 })],
      ['another sample size', datagram({ start: 4, count: 4, sampleSize: SAMPLE + 1 })],
      ['inline QoS', datagram({ start: 4, count: 4, inlineQos: Buffer.from([0x01, 0x00, 0x00, 0x00]) })],
      ['other byte order', datagram({ start: 4, count: 4, le: false })],
      ['a key', datagram({ start: 4, count: 4, key: true })],
      ['a HEARTBEAT before it', datagram({ start: 4, count: 4, heartbeatFirst: true })],
      ['INFO_TS before it (not predicted)', datagram({ start: 4, count: 4, infoTs: true })],
      ['cut inside the payload', datagram({ start: 4, count: 4, cut: 2000 })],
      ['cut inside the header', datagram({ start: 4, count: 4 }).subarray(0, 40)],
      ['not RTPS', Buffer.alloc(5000, 0x41)],
      ['empty', Buffer.alloc(0)],
    ];
    const { r, exchange } = await setUp();
    let placedDatagrams = 0;
    for (const [what, sent] of cases) {
      const buffer = Buffer.alloc(SAMPLE, 0xee);
      r.aim(buffer, aim(4));
      const [g] = await exchange([sent]);
      if (g.placed > 0) placedDatagrams++;
      expect(g.placed, what).toBe(0);
      expect(g.data.equals(sent), what).toBe(true);
      // Fragments 1-3 (received, say) untouched; whatever landed, landed in fragments 4-7.
      expect(buffer.subarray(0, 3000).every((b) => b === 0xee), what).toBe(true);
      expect(buffer.subarray(7000).every((b) => b === 0xee), what).toBe(true);
    }
    expect(placedDatagrams).toBe(0);
  });

  it('drops its aim after a batch in which no prediction held, and stops when told to', async () => {
    const { r, exchange } = await setUp();
    const buffer = Buffer.alloc(SAMPLE, 0xee);
    r.aim(buffer, aim(4));
    await exchange([datagram({ start: 4, count: 4, sn: SN + 1 })]);
    // The predicted datagram now comes in full: the aim is gone.
    const sent = datagram({ start: 4, count: 4 });
    const [g] = await exchange([sent]);
    expect(g.placed).toBe(0);
    expect(g.data.equals(sent)).toBe(true);
    const untouched = Buffer.alloc(SAMPLE, 0xee);
    r.aim(untouched, aim(4));
    r.aim(null);
    const [h] = await exchange([sent]);
    expect(h.placed).toBe(0);
    expect(untouched.every((b) => b === 0xee)).toBe(true);
  });

  it('drops an aim whose buffer was detached or shrunk since it was given: nothing is written through it, every datagram is handed on as sent', async () => {
    const { r, exchange } = await setUp();
    const sent = [datagram({ start: 1, count: 3, infoTs: true }), datagram({ start: 4, count: 4 }), datagram({ start: 8, count: 4 })];
    // Transferred (what a listener breaking the lending contract could do): the memory now belongs to another
    // ArrayBuffer, which an aim still standing would write into.
    const buffer = Buffer.from(new ArrayBuffer(SAMPLE)).fill(0xee);
    r.aim(buffer, aim(1));
    const moved = new Uint8Array(structuredClone(buffer.buffer, { transfer: [buffer.buffer] }));
    expect([buffer.length, moved.length]).toEqual([0, SAMPLE]);
    let got = await exchange(sent);
    expect(got.map((g) => g.placed)).toEqual([0, 0, 0]);
    got.forEach((g, i) => expect(g.data.equals(sent[i]), `datagram ${i}`).toBe(true));
    expect(moved.every((b) => b === 0xee)).toBe(true);
    // Shrunk: a resizable ArrayBuffer under the Buffer no longer covers the sample.
    // (ES2024's resizable ArrayBuffer: in Node.js 20, not yet in the TypeScript lib this workspace targets.)
    const Resizable = ArrayBuffer as unknown as new (length: number, options: { maxByteLength: number }) => ArrayBuffer & { resize(length: number): void };
    const resizable = new Resizable(SAMPLE, { maxByteLength: SAMPLE });
    r.aim(Buffer.from(resizable), aim(1));
    resizable.resize(100);
    got = await exchange(sent);
    expect(got.map((g) => g.placed)).toEqual([0, 0, 0]);
    got.forEach((g, i) => expect(g.data.equals(sent[i]), `datagram ${i}`).toBe(true));
    // Aimed again at a buffer that holds: placed as before.
    const fresh = Buffer.alloc(SAMPLE, 0xee);
    r.aim(fresh, aim(1));
    got = await exchange(sent);
    expect(got.map((g) => g.placed)).toEqual([3000, 4000, 3500]);
    expect(fresh.equals(sample)).toBe(true);
  });

  it('refuses an aim it cannot follow, and the receiver goes on without one', async () => {
    const { r, exchange } = await setUp();
    const buffer = Buffer.alloc(SAMPLE, 0xee);
    const bad: [string, Partial<FragmentAim>][] = [
      ['a header shorter than the fixed fields', { rest: { head: 52, per: 4 } }],
      ['a header not on a submessage boundary', { rest: { head: 58, per: 4 } }],
      ['a header past INFO_DST and INFO_TS', { rest: { head: 124, per: 4 } }],
      ['no fragment per datagram', { rest: { head: 56, per: 0 } }],
      ['more than a datagram holds', { rest: { head: 56, per: 66 } }],
      ['a fragment past the sample', { next: 12 }],
      ['fragment 0', { next: 0 }],
      ['a buffer shorter than the sample', { sampleSize: SAMPLE + 1 }],
      ['an SN past 2^63', { sn: 2 ** 63 }],
    ];
    for (const [what, change] of bad) {
      const a = aim(change.next ?? 4, change);
      // The addon itself throws; NativeUdpReceiver.aim leaves the receiver without an aim.
      const words = (r as unknown as { aimWords: Uint32Array }).aimWords;
      r.aim(buffer, a);
      expect(() => rtpsAddon!.aimUdpReceiver((r as unknown as { handle: unknown }).handle, buffer), what).toThrow(/aim/);
      expect(words.length).toBe(16);
    }
    expect(() => rtpsAddon!.aimUdpReceiver((r as unknown as { handle: unknown }).handle, 'no buffer' as unknown as Buffer)).toThrow(/aim/);
    const sent = datagram({ start: 4, count: 4 });
    const [g] = await exchange([sent]);
    expect(g.placed).toBe(0);
    expect(g.data.equals(sent)).toBe(true);
    expect(buffer.every((b) => b === 0xee)).toBe(true);
  });
});

describe.runIf(nativeReceiveAvailable)('handing placed datagrams on', () => {
  /** A receiver whose handler logs each datagram handed on, and a promise job it leaves, for the order of the two. */
  async function logged(onEach?: (index: number, r: NativeUdpReceiver) => void) {
    const events: string[] = [];
    const made: { r?: NativeUdpReceiver } = {};
    const set = await setUp((i) => {
      events.push(`d${i}`);
      void Promise.resolve().then(() => events.push(`p${i}`));
      onEach?.(i, made.r!);
    });
    made.r = set.r;
    return { ...set, events };
  }

  const run = (trailing: Trailing[]) => [
    datagram({ start: 1, count: 3, infoTs: true, trailing: trailing[0] }),
    datagram({ start: 4, count: 4, trailing: trailing[1] }),
    datagram({ start: 8, count: 4, trailing: trailing[2] }),
  ];

  it('hands on a run of placed datagrams followed by nothing but HEARTBEAT_FRAGs in one call, promise jobs after it', async () => {
    const { r, exchange, events } = await logged();
    const buffer = Buffer.alloc(SAMPLE, 0xee);
    r.aim(buffer, aim(1));
    const got = await exchange(run(['heartbeatFrag', 'none', 'heartbeat']));
    expect(got.map((g) => g.placed)).toEqual([3000, 4000, 3500]);
    expect(buffer.equals(sample)).toBe(true);
    // The last one may be followed by anything: it ends the run.
    expect(events).toEqual(['d0', 'd1', 'd2', 'p0', 'p1', 'p2']);
  });

  it('ends a run after a datagram followed by more than HEARTBEAT_FRAGs, and after one whose handling moved the aim', async () => {
    const a = await logged();
    a.r.aim(Buffer.alloc(SAMPLE, 0xee), aim(1));
    await a.exchange(run(['heartbeatFrag', 'heartbeat', 'none']));
    // A HEARTBEAT can deliver samples (the writer no longer has the ones missing): the promise jobs of what came
    // before it run before the next datagram.
    expect(a.events).toEqual(['d0', 'd1', 'p0', 'p1', 'd2', 'p2']);

    // The sample done (here: given up) after the first datagram: what its delivery left to promises runs first.
    const b = await logged((i, r) => {
      if (i === 0) r.aim(null);
    });
    const buffer = Buffer.alloc(SAMPLE, 0xee);
    b.r.aim(buffer, aim(1));
    const got = await b.exchange(run(['heartbeatFrag', 'heartbeatFrag', 'none']));
    expect(b.events).toEqual(['d0', 'p0', 'd1', 'd2', 'p1', 'p2']);
    // Read before the aim was taken back: all three were placed.
    expect(got.map((g) => g.placed)).toEqual([3000, 4000, 3500]);
    expect(buffer.equals(sample)).toBe(true);

    // Hostile trailers: more HEARTBEAT_FRAGs than the addon looks at end the run; one that claims more bytes than the
    // datagram has does not (its datagram is malformed for the receive path, which delivers nothing from it).
    const many = await logged();
    many.r.aim(Buffer.alloc(SAMPLE, 0xee), aim(1));
    await many.exchange(run(['nineHeartbeatFrags', 'overlongHeartbeatFrag', 'none']));
    expect(many.events).toEqual(['d0', 'p0', 'd1', 'd2', 'p1', 'p2']);

    // Not placed: one call per datagram.
    const c = await logged();
    await c.exchange(run(['heartbeatFrag', 'heartbeatFrag', 'none']));
    expect(c.events).toEqual(['d0', 'p0', 'd1', 'p1', 'd2', 'p2']);
  });

  it('tells the addon the aims made while a batch is handed on once, after its last datagram', async () => {
    const told: string[] = [];
    const addon = rtpsAddon!;
    const original = addon.aimUdpReceiver;
    const buffer = Buffer.alloc(SAMPLE, 0xee);
    const { r, exchange, events } = await logged((i, rr) => rr.aim(buffer, aim([4, 8, 11][i])));
    addon.aimUdpReceiver = (handle, b) => {
      told.push(`aim after ${events.at(-1)}`);
      original(handle, b);
    };
    try {
      r.aim(buffer, aim(1));
      await exchange(run(['heartbeat', 'heartbeat', 'heartbeat']));
    } finally {
      addon.aimUdpReceiver = original;
    }
    expect(events).toEqual(['d0', 'p0', 'd1', 'p1', 'd2', 'p2']);
    // The aim made before the exchange, then one for the batch's three, after its last datagram was handed on.
    expect(told).toEqual(['aim after undefined', 'aim after d2']);
  });

  it('goes on after a handler that throws in the middle of a run: an uncaught exception, the rest still handed on', async () => {
    const boom = new Error('handler failed');
    const { r, exchange, events } = await logged((i) => {
      if (i === 1) throw boom;
    });
    const caught: unknown[] = [];
    const listeners = process.listeners('uncaughtException');
    process.removeAllListeners('uncaughtException');
    process.on('uncaughtException', (err) => caught.push(err));
    const buffer = Buffer.alloc(SAMPLE, 0xee);
    try {
      r.aim(buffer, aim(1));
      const got = await exchange(run(['heartbeatFrag', 'heartbeatFrag', 'none']));
      expect(got.map((g) => g.placed)).toEqual([3000, 4000, 3500]);
    } finally {
      process.removeAllListeners('uncaughtException');
      for (const l of listeners) process.on('uncaughtException', l);
    }
    expect(caught).toEqual([boom]);
    // Each datagram handed on once; the one after the throw in a call of its own.
    expect(events.filter((e) => e.startsWith('d'))).toEqual(['d0', 'd1', 'd2']);
    expect(buffer.equals(sample)).toBe(true);
  });
});
