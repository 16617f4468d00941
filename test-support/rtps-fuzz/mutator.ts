// Structure-aware RTPS mutation: every datagram has a valid RTPS header and (mostly) valid
// submessage framing, addressed to entities the target really has, so it reaches the reader and
// writer state machines and the discovery parsers instead of dying in the framing check. Every
// numeric field is drawn from its extremes (SNs 0, 2^31, 2^32, 2^52, 2^53, 2^63-1, negative;
// counts; numBits; fragment numbers and sizes; lengths; parameter counts) or from plausible
// small values. Seeded: the same seed gives the same datagrams.
import {
  Bytes,
  ENTITY,
  SM,
  acknack,
  data,
  dataFrag,
  gap,
  header,
  heartbeat,
  heartbeatFrag,
  infoDst,
  infoSrc,
  infoTs,
  locator,
  nackFrag,
  parameterList,
  sn,
  submessage,
  type WireSN,
} from './datagrams.js';
import { Dice } from './prng.js';


/** Extreme 64-bit sequence numbers (and the edges around the 2^52 acceptance limit). */
export const EXTREME_SNS: readonly bigint[] = [
  0n, 1n, 2n, 2n ** 31n - 1n, 2n ** 31n, 2n ** 32n - 1n, 2n ** 32n, 2n ** 32n + 1n, 2n ** 52n - 1n, 2n ** 52n, 2n ** 53n - 1n, 2n ** 53n, 2n ** 53n + 1n,
  2n ** 63n - 1n, -1n, -(2n ** 31n), -(2n ** 32n), -(2n ** 63n),
];
export const EXTREME_U32 = [0, 1, 2, 255, 256, 257, 0xffff, 0x10000, 0x7fffffff, 0x80000000, 0xfffffffe, 0xffffffff];
const EXTREME_U16 = [0, 1, 2, 3, 4, 8, 255, 0x7fff, 0x8000, 0xfffe, 0xffff];
const EXTREME_NUMBITS = [0, 1, 31, 32, 33, 255, 256, 257, 1024, 0x7fffffff, 0x80000000, 0xffffffff];

const BUILTIN_WRITERS = [ENTITY.PUB_WRITER, ENTITY.SUB_WRITER, ENTITY.MSG_WRITER, ENTITY.SPDP_WRITER];
const BUILTIN_READERS = [ENTITY.PUB_READER, ENTITY.SUB_READER, ENTITY.MSG_READER, ENTITY.SPDP_READER];
/** User writer entity ids the fake peers announce over SEDP (kind 0x03: writer with key-less data). */
const USER_WRITERS = [0x00000103, 0x00000203, 0x00000303, 0x00000403];
const USER_READERS = [0x00000104, 0x00000204];
const TOPICS = [
  ['ros_discovery_info', 'rmw_dds_common::msg::dds_::ParticipantEntitiesInfo_'],
  ['rt/rosout', 'rcl_interfaces::msg::dds_::Log_'],
  ['rt/fuzz', 'std_msgs::msg::dds_::String_'],
  ['rt/parameter_events', 'rcl_interfaces::msg::dds_::ParameterEvent_'],
];

/** What the mutator aims at. */
export interface MutatorTarget {
  domainId: number;
  /** The target's GUID prefix (INFO_DST). */
  prefix: Buffer;
  metaPort: number;
  userPort: number;
  /** The port every fake peer announces as its locator (our socket): the target's answers come back to us. */
  replyPort: number;
  /** GUID prefixes the mutator speaks as. */
  peers: Buffer[];
}

export interface MutatedDatagram {
  data: Buffer;
  port: number;
  /** What was generated, for the statistics of a run. */
  kind: string;
}

export class RtpsMutator {
  private readonly dice: Dice;
  private readonly t: MutatorTarget;
  private counter = 0;

  constructor(seed: number, target: MutatorTarget) {
    this.dice = new Dice(seed);
    this.t = target;
  }


  /** An SN: an extreme half of the time, else small, sometimes any 64-bit value. */
  snValue(): bigint {
    const r = this.dice.next();
    if (r < 0.5) return this.dice.pick(EXTREME_SNS);
    if (r < 0.9) return BigInt(1 + this.dice.int(300));
    return (BigInt(this.dice.int(0x100000000)) << 32n) | BigInt(this.dice.int(0x100000000));
  }
  private wsn(): WireSN {
    return sn(this.snValue());
  }
  private u32(): number {
    return this.dice.chance(0.5) ? this.dice.pick(EXTREME_U32) : this.dice.int(1000);
  }
  private u16(): number {
    return this.dice.chance(0.5) ? this.dice.pick(EXTREME_U16) : this.dice.int(2000);
  }
  private count(): number {
    return this.dice.chance(0.3) ? this.dice.pick(EXTREME_U32) : ++this.counter;
  }
  private numBits(): number {
    return this.dice.chance(0.5) ? this.dice.pick(EXTREME_NUMBITS) : this.dice.int(257);
  }
  /** Bitmap words: usually as many as numBits needs, sometimes too few or too many. */
  private words(numBits: number): number[] {
    let n = Math.ceil(Math.min(numBits, 320) / 32);
    if (this.dice.chance(0.1)) n = this.dice.int(10);
    const out: number[] = [];
    for (let i = 0; i < n; i++) out.push(this.dice.pick([0, 0xffffffff, 0x80000001, this.dice.int(0x100000000)]));
    return out;
  }
  private peer(): Buffer {
    return this.dice.pick(this.t.peers);
  }
  private bytes(n: number): Buffer {
    const b = Buffer.alloc(n);
    for (let i = 0; i < n; i++) b[i] = this.dice.int(256);
    return b;
  }

  /** The next datagram. */
  next(): MutatedDatagram {
    const b = header(new Bytes(), this.peer(), this.dice.chance(0.9) ? this.dice.pick([0x0101, 0x010f, 0x0110]) : this.dice.int(0x10000));
    let port = this.t.metaPort;
    const kinds: string[] = [];
    const n = 1 + this.dice.int(3);
    for (let i = 0; i < n; i++) {
      const k = this.submessage(b);
      kinds.push(k.kind);
      if (k.user) port = this.t.userPort;
    }
    let d = b.done();
    let kind = kinds.join('+');
    if (this.dice.chance(0.08)) {
      d = this.damage(d);
      kind = `damaged:${kind}`;
    }
    return { data: d, port, kind };
  }

  private submessage(b: Bytes): { kind: string; user?: boolean } {
    const user = this.dice.chance(0.25);
    const writer = user ? this.dice.pick(USER_WRITERS) : this.dice.pick(BUILTIN_WRITERS);
    const reader = this.dice.chance(0.2) ? 0 : user ? this.dice.pick(USER_READERS) : this.dice.pick(BUILTIN_READERS);
    switch (this.dice.int(17)) {
      case 0:
      case 1: {
        heartbeat(b, { readerId: reader, writerId: writer, first: this.wsn(), last: this.wsn(), count: this.count(), final: this.dice.chance(0.3) });
        return { kind: 'HEARTBEAT', user };
      }
      case 2: {
        const numBits = this.numBits();
        // An ACKNACK from one of the peer's readers to one of the target's writers.
        acknack(b, { readerId: user ? this.dice.pick(USER_READERS) : this.dice.pick(BUILTIN_READERS), writerId: this.dice.pick(BUILTIN_WRITERS), base: this.wsn(), numBits, words: this.words(numBits), count: this.count() });
        return { kind: 'ACKNACK' };
      }
      case 3: {
        const numBits = this.numBits();
        gap(b, { readerId: reader, writerId: writer, start: this.wsn(), base: this.wsn(), numBits, words: this.words(numBits) });
        return { kind: 'GAP', user };
      }
      case 4: {
        const numBits = this.numBits();
        nackFrag(b, { readerId: this.dice.pick(BUILTIN_READERS), writerId: this.dice.pick(BUILTIN_WRITERS), sn: this.wsn(), base: this.u32(), numBits, words: this.words(numBits), count: this.count() });
        return { kind: 'NACK_FRAG' };
      }
      case 5: {
        heartbeatFrag(b, { readerId: reader, writerId: writer, sn: this.wsn(), lastFrag: this.u32(), count: this.count() });
        return { kind: 'HEARTBEAT_FRAG', user };
      }
      case 6: {
        const fragmentSize = this.u16();
        dataFrag(b, { readerId: reader, writerId: writer, sn: this.wsn(), start: this.u32(), count: this.u16(), fragmentSize, sampleSize: this.dice.chance(0.5) ? this.dice.pick([0, 1, 8, 1024, 65536, 64 << 20, (64 << 20) + 1, 0x7fffffff, 0xffffffff]) : this.dice.int(100_000), data: this.bytes(this.dice.int(Math.min(1200, fragmentSize * 2 + 1))) });
        return { kind: 'DATA_FRAG', user };
      }
      case 7: {
        data(b, { readerId: reader, writerId: writer, sn: this.wsn(), payload: this.dice.chance(0.8) ? Buffer.concat([Buffer.from([0, this.dice.pick([1, 3, 7]), 0, 0]), this.bytes(this.dice.int(200))]) : undefined, key: this.dice.chance(0.1), inlineQos: this.dice.chance(0.2) ? this.parameters(false) : undefined });
        return { kind: 'DATA', user };
      }
      case 8: {
        data(b, { readerId: ENTITY.SPDP_READER, writerId: ENTITY.SPDP_WRITER, sn: this.wsn(), payload: this.spdp(), key: this.dice.chance(0.05), inlineQos: this.dice.chance(0.1) ? this.parameters(false) : undefined });
        return { kind: 'SPDP' };
      }
      case 9: {
        const pub = this.dice.chance(0.5);
        data(b, { readerId: pub ? ENTITY.PUB_READER : ENTITY.SUB_READER, writerId: pub ? ENTITY.PUB_WRITER : ENTITY.SUB_WRITER, sn: this.dice.chance(0.5) ? sn(BigInt(1 + this.dice.int(8))) : this.wsn(), payload: this.sedp(pub), key: this.dice.chance(0.05) });
        return { kind: 'SEDP' };
      }
      case 10: {
        const r = this.dice.int(3);
        if (r === 0) infoDst(b, this.dice.chance(0.6) ? this.t.prefix : this.dice.chance(0.5) ? Buffer.alloc(12) : this.bytes(12));
        else if (r === 1) infoSrc(b, this.dice.chance(0.8) ? this.peer() : this.bytes(12), this.dice.int(0x10000));
        else if (this.dice.chance(0.2)) submessage(b, SM.INFO_TS, 0x02, () => {});
        else infoTs(b, this.u32(), this.u32());
        return { kind: ['INFO_DST', 'INFO_SRC', 'INFO_TS'][r] };
      }
      case 11: {
        // PAD, an unknown or vendor-specific id, or a known id with a wrong length.
        const id = this.dice.pick([SM.PAD, 0x00, 0x02, 0x05, 0x0a, 0x0f, 0x11, 0x14, 0x17, 0x80, 0xff, SM.HEARTBEAT, SM.ACKNACK, SM.DATA]);
        const body = this.bytes(this.dice.int(64));
        submessage(b, id, this.dice.int(256) & ~1, (b) => b.bytes(body), this.dice.chance(0.3) ? this.u16() : undefined);
        return { kind: 'RAW' };
      }
      case 12: {
        // An SPDP dispose (issue 66): in the sender's own name, or naming another of the fuzzer's peers (foreign).
        const named = this.dice.chance(0.5) ? this.peer() : this.bytes(12);
        const keyHash = Buffer.concat([named, Buffer.from([0, 0, 1, 0xc1])]);
        const inlineQos = parameterList([
          [0x0070, keyHash],
          [0x0071, Buffer.from([0, 0, 0, this.dice.pick([1, 2, 3])])],
        ]).subarray(4);
        data(b, { readerId: ENTITY.SPDP_READER, writerId: ENTITY.SPDP_WRITER, sn: this.wsn(), inlineQos, key: true, payload: Buffer.concat([Buffer.from([0, 3, 0, 0]), keyHash]) });
        return { kind: 'SPDP_DISPOSE' };
      }
      case 13: {
        // A blind ACKNACK to one of the target's built-in writers: what a flood sends to look "proven" (issue 66).
        acknack(b, { readerId: this.dice.pick(BUILTIN_READERS), writerId: this.dice.pick(BUILTIN_WRITERS), base: sn(this.dice.chance(0.5) ? 1n : BigInt(1 + this.dice.int(20))), numBits: 0, words: [], count: this.count() });
        return { kind: 'BLIND_ACKNACK' };
      }
      case 14: {
        // A claim far past a writer's data: a GAP from 1 (or a small SN) to far ahead (issue 66).
        gap(b, { readerId: reader, writerId: writer, start: sn(BigInt(1 + this.dice.int(4))), base: sn(this.dice.pick([2n ** 40n, 4000n, 2n ** 52n - 1n, 2n ** 32n])), numBits: 0, words: [] });
        return { kind: 'GAP_CLAIM', user };
      }
      default: {
        // A valid-looking HEARTBEAT on the peer's SEDP writer with extreme SNs: the attack, varied.
        const v = this.wsn();
        heartbeat(b, { readerId: ENTITY.PUB_READER, writerId: ENTITY.PUB_WRITER, first: v, last: this.dice.chance(0.5) ? v : this.wsn(), count: this.count() });
        return { kind: 'SEDP_HEARTBEAT' };
      }
    }
  }

  /** A locator value: always loopback (the target must never be steered at other hosts), ports our socket's or invalid. */
  private locatorValue(): Buffer {
    const port = this.dice.chance(0.7) ? this.t.replyPort : this.dice.pick([0, 0x10000, 0x7fffffff, 0xffffffff]);
    const kind = this.dice.chance(0.85) ? 1 : this.dice.pick([-1, 0, 2, 16, 0x7fffffff]);
    return locator(port, [127, 0, 0, 1], kind);
  }

  /** A CDR string value with an extreme length field now and then. */
  private stringValue(s: string): Buffer {
    const body = Buffer.from(`${s}\0`);
    const len = this.dice.chance(0.15) ? this.dice.pick(EXTREME_U32) : body.length;
    return Buffer.concat([new Bytes().u32(len).done(), body]);
  }

  /** Parameters with extreme values, shuffled, sometimes hundreds of them or without a sentinel. */
  private parameters(encapsulated: boolean, base: Array<[number, Buffer]> = []): Buffer {
    const params = [...base];
    const extra = this.dice.chance(0.05) ? 300 + this.dice.int(400) : this.dice.int(6);
    for (let i = 0; i < extra; i++) {
      const pid = this.dice.pick([0x0000, 0x0002, 0x0005, 0x0007, 0x000f, 0x0015, 0x0016, 0x001a, 0x001d, 0x0029, 0x002c, 0x002f, 0x0031, 0x0032, 0x0050, 0x0058, 0x0059, 0x005a, 0x0062, 0x0070, 0x0071, 0x0073, 0x0083, 0x4014, 0x8001, 0x8002, 0xc000, this.dice.int(0x10000)]);
      params.push([pid, this.dice.chance(0.5) ? new Bytes().u32(this.u32()).u32(this.u32()).done() : this.bytes(this.dice.int(40))]);
    }
    for (let i = params.length - 1; i > 0; i--) {
      const j = this.dice.int(i + 1);
      [params[i], params[j]] = [params[j], params[i]];
    }
    const pl = parameterList(params, this.dice.chance(0.95));
    // Inline QoS has no encapsulation header.
    if (!encapsulated) return pl.subarray(4);
    if (this.dice.chance(0.05)) pl.writeUInt16BE(this.dice.pick([0x0000, 0x0001, 0x0002, 0xffff]), 0);
    return pl;
  }

  private spdp(): Buffer {
    const prefix = this.peer();
    const u32 = (v: number) => new Bytes().u32(v).done();
    return this.parameters(true, [
      [0x0050, Buffer.concat([prefix, Buffer.from([0, 0, 1, 0xc1])])],
      [0x000f, u32(this.dice.chance(0.9) ? this.t.domainId : this.u32())],
      [0x0002, new Bytes().u32(this.dice.chance(0.5) ? 30 : this.u32()).u32(this.u32()).done()],
      [0x0058, u32(this.dice.chance(0.8) ? 0x0c3f : this.u32())],
      [0x0032, this.locatorValue()],
      [0x0031, this.locatorValue()],
      ...(this.dice.chance(0.3) ? [[0x0059, this.properties()] as [number, Buffer]] : []),
      ...(this.dice.chance(0.3) ? [[0x002c, Buffer.concat([u32(this.dice.chance(0.8) ? 12 : this.u32()), Buffer.from('enclave=/;\0\0')])] as [number, Buffer]] : []),
    ]);
  }

  private properties(): Buffer {
    const n = this.dice.chance(0.5) ? this.dice.pick(EXTREME_U32) : this.dice.int(4);
    const b = new Bytes().u32(n);
    for (let i = 0; i < Math.min(n, 4); i++) b.bytes(this.stringValue(`k${i}`)).align4().bytes(this.stringValue('v')).align4();
    return b.done();
  }

  private sedp(pub: boolean): Buffer {
    const [topic, type] = this.dice.pick(TOPICS);
    const entity = pub ? this.dice.pick(USER_WRITERS) : this.dice.pick(USER_READERS);
    const partitions = this.dice.chance(0.2) ? [[0x0029, new Bytes().u32(this.dice.chance(0.5) ? this.dice.pick(EXTREME_U32) : 1).bytes(this.stringValue('p')).align4().done()] as [number, Buffer]] : [];
    return this.parameters(true, [
      [0x005a, Buffer.concat([this.peer(), new Bytes().entity(entity).done()])],
      [0x0005, this.stringValue(topic)],
      [0x0007, this.stringValue(type)],
      [0x001a, new Bytes().u32(this.dice.chance(0.8) ? 2 : this.u32()).u32(this.u32()).u32(this.u32()).done()],
      [0x001d, new Bytes().u32(this.dice.chance(0.8) ? this.dice.int(2) : this.u32()).done()],
      [0x002f, this.locatorValue()],
      ...partitions,
    ]);
  }

  /** Framing damage on top of the structure: bit flips, truncation, a submessage length. */
  private damage(d: Buffer): Buffer {
    switch (this.dice.int(3)) {
      case 0: {
        const out = Buffer.from(d);
        for (let i = 0, n = 1 + this.dice.int(4); i < n; i++) out[20 + this.dice.int(Math.max(1, out.length - 20))] ^= 1 << this.dice.int(8);
        return out.subarray(0, d.length);
      }
      case 1:
        return d.subarray(0, 20 + this.dice.int(Math.max(1, d.length - 20)));
      default: {
        const out = Buffer.from(d);
        if (out.length >= 24) out.writeUInt16LE(this.u16(), 22);
        return out;
      }
    }
  }
}
