// Raw RTPS datagram building for the hostile-peer tests and the fuzzer. Written byte by byte,
// independent of @medkit/rtps's encoders and constants, so it can put any value in any field (an
// SN of 2^63-1, a bitmap of 2^32-1 bits) that our own encoders would refuse or clamp, and so a
// wrong constant in the implementation is not silently shared by its tests. (It also runs in the
// fuzzer's worker thread, which loads only these transpiled files.)

/** RTPS submessage ids (RTPS 2.x 9.4.5). */
export const SM = {
  PAD: 0x01,
  ACKNACK: 0x06,
  HEARTBEAT: 0x07,
  GAP: 0x08,
  INFO_TS: 0x09,
  INFO_SRC: 0x0c,
  INFO_DST: 0x0e,
  NACK_FRAG: 0x12,
  HEARTBEAT_FRAG: 0x13,
  DATA: 0x15,
  DATA_FRAG: 0x16,
} as const;

/** Builtin entity ids. */
export const ENTITY = {
  PARTICIPANT: 0x000001c1,
  SPDP_WRITER: 0x000100c2,
  SPDP_READER: 0x000100c7,
  PUB_WRITER: 0x000003c2,
  PUB_READER: 0x000003c7,
  SUB_WRITER: 0x000004c2,
  SUB_READER: 0x000004c7,
  MSG_WRITER: 0x000200c2,
  MSG_READER: 0x000200c7,
} as const;

/** An int64 sequence number as its two wire words. */
export interface WireSN {
  high: number;
  low: number;
}

/** Splits a bigint into the (int32 high, uint32 low) of an RTPS SequenceNumber_t. */
export function sn(v: bigint): WireSN {
  const u = BigInt.asUintN(64, v);
  return { high: Number(BigInt.asIntN(32, u >> 32n)), low: Number(u & 0xffffffffn) };
}

/** A little-endian growable byte sink. */
export class Bytes {
  private buf = Buffer.alloc(256);
  pos = 0;
  private grow(n: number): void {
    if (this.pos + n <= this.buf.length) return;
    const b = Buffer.alloc(Math.max(this.buf.length * 2, this.pos + n));
    this.buf.copy(b, 0, 0, this.pos);
    this.buf = b;
  }
  u8(v: number): this {
    this.grow(1);
    this.buf[this.pos++] = v & 0xff;
    return this;
  }
  u16(v: number, le = true): this {
    this.grow(2);
    if (le) this.buf.writeUInt16LE(v & 0xffff, this.pos);
    else this.buf.writeUInt16BE(v & 0xffff, this.pos);
    this.pos += 2;
    return this;
  }
  u32(v: number, le = true): this {
    this.grow(4);
    if (le) this.buf.writeUInt32LE(v >>> 0, this.pos);
    else this.buf.writeUInt32BE(v >>> 0, this.pos);
    this.pos += 4;
    return this;
  }
  /** Entity ids are octet arrays: big-endian always. */
  entity(v: number): this {
    return this.u32(v, false);
  }
  sn(s: WireSN, le = true): this {
    return this.u32(s.high, le).u32(s.low, le);
  }
  bytes(b: Uint8Array): this {
    this.grow(b.length);
    this.buf.set(b, this.pos);
    this.pos += b.length;
    return this;
  }
  align4(): this {
    while (this.pos & 3) this.u8(0);
    return this;
  }
  patchU16(at: number, v: number, le = true): void {
    if (le) this.buf.writeUInt16LE(v & 0xffff, at);
    else this.buf.writeUInt16BE(v & 0xffff, at);
  }
  done(): Buffer {
    return Buffer.from(this.buf.subarray(0, this.pos));
  }
}

/** The 20-byte RTPS header. */
export function header(b: Bytes, prefix: Uint8Array, vendor = 0x0101): Bytes {
  return b.bytes(Buffer.from('RTPS')).u8(2).u8(3).u16(vendor, false).bytes(prefix);
}

/** Writes one submessage; `body` fills it, its length is patched unless `length` forces one. */
export function submessage(b: Bytes, id: number, flags: number, body: (b: Bytes) => void, length?: number): Bytes {
  b.u8(id).u8(flags | 1);
  const at = b.pos;
  b.u16(0);
  const start = b.pos;
  body(b);
  b.patchU16(at, length ?? b.pos - start);
  return b;
}

export function heartbeat(b: Bytes, o: { readerId: number; writerId: number; first: WireSN; last: WireSN; count: number; final?: boolean }): Bytes {
  return submessage(b, SM.HEARTBEAT, o.final ? 2 : 0, (b) => b.entity(o.readerId).entity(o.writerId).sn(o.first).sn(o.last).u32(o.count));
}

export function acknack(b: Bytes, o: { readerId: number; writerId: number; base: WireSN; numBits: number; words: number[]; count: number }): Bytes {
  return submessage(b, SM.ACKNACK, 0, (b) => {
    b.entity(o.readerId).entity(o.writerId).sn(o.base).u32(o.numBits);
    for (const w of o.words) b.u32(w);
    b.u32(o.count);
  });
}

export function gap(b: Bytes, o: { readerId: number; writerId: number; start: WireSN; base: WireSN; numBits: number; words: number[] }): Bytes {
  return submessage(b, SM.GAP, 0, (b) => {
    b.entity(o.readerId).entity(o.writerId).sn(o.start).sn(o.base).u32(o.numBits);
    for (const w of o.words) b.u32(w);
  });
}

export function data(b: Bytes, o: { readerId: number; writerId: number; sn: WireSN; payload?: Uint8Array; inlineQos?: Uint8Array; key?: boolean }): Bytes {
  const flags = (o.inlineQos ? 0x02 : 0) | (o.payload ? (o.key ? 0x08 : 0x04) : 0);
  return submessage(b, SM.DATA, flags, (b) => {
    b.u16(0).u16(16).entity(o.readerId).entity(o.writerId).sn(o.sn);
    if (o.inlineQos) b.bytes(o.inlineQos);
    if (o.payload) b.bytes(o.payload).align4();
  });
}

export function dataFrag(b: Bytes, o: { readerId: number; writerId: number; sn: WireSN; start: number; count: number; fragmentSize: number; sampleSize: number; data: Uint8Array }): Bytes {
  return submessage(b, SM.DATA_FRAG, 0, (b) => {
    b.u16(0).u16(28).entity(o.readerId).entity(o.writerId).sn(o.sn).u32(o.start).u16(o.count).u16(o.fragmentSize).u32(o.sampleSize);
    b.bytes(o.data).align4();
  });
}

export function heartbeatFrag(b: Bytes, o: { readerId: number; writerId: number; sn: WireSN; lastFrag: number; count: number }): Bytes {
  return submessage(b, SM.HEARTBEAT_FRAG, 0, (b) => b.entity(o.readerId).entity(o.writerId).sn(o.sn).u32(o.lastFrag).u32(o.count));
}

export function nackFrag(b: Bytes, o: { readerId: number; writerId: number; sn: WireSN; base: number; numBits: number; words: number[]; count: number }): Bytes {
  return submessage(b, SM.NACK_FRAG, 0, (b) => {
    b.entity(o.readerId).entity(o.writerId).sn(o.sn).u32(o.base).u32(o.numBits);
    for (const w of o.words) b.u32(w);
    b.u32(o.count);
  });
}

export function infoDst(b: Bytes, prefix: Uint8Array): Bytes {
  return submessage(b, SM.INFO_DST, 0, (b) => b.bytes(prefix));
}

export function infoTs(b: Bytes, sec: number, frac: number): Bytes {
  return submessage(b, SM.INFO_TS, 0, (b) => b.u32(sec).u32(frac));
}

export function infoSrc(b: Bytes, prefix: Uint8Array, vendor = 0x0101): Bytes {
  return submessage(b, SM.INFO_SRC, 0, (b) => b.u32(0).u8(2).u8(3).u16(vendor, false).bytes(prefix));
}

/** A PL_CDR_LE parameter list (encapsulation header included) from (pid, value) pairs. */
export function parameterList(params: Array<[number, Uint8Array]>, sentinel = true): Buffer {
  const b = new Bytes();
  b.u16(0x0003, false).u16(0, false);
  for (const [pid, value] of params) {
    b.u16(pid).u16((value.length + 3) & ~3).bytes(value).align4();
  }
  if (sentinel) b.u16(0x0001).u16(0);
  return b.done();
}

/** A UDPv4 locator value (kind, port, 16-byte address). */
export function locator(port: number, address = [127, 0, 0, 1], kind = 1): Buffer {
  const b = new Bytes();
  b.u32(kind).u32(port);
  for (let i = 0; i < 12; i++) b.u8(0);
  for (const a of address) b.u8(a);
  return b.done();
}

/** An SPDP announcement payload: a participant reachable (metatraffic and user) at address:port (127.0.0.1 by default). */
export function spdpPayload(prefix: Uint8Array, domainId: number, port: number, leaseSec = 30, address = [127, 0, 0, 1]): Buffer {
  const u32 = (v: number) => new Bytes().u32(v).done();
  return parameterList([
    [0x0015, Buffer.from([2, 3])],
    [0x0016, Buffer.from([0x01, 0x01])],
    [0x0050, Buffer.concat([prefix, Buffer.from([0, 0, 1, 0xc1])])],
    [0x000f, u32(domainId)],
    [0x0002, new Bytes().u32(leaseSec).u32(0).done()],
    // SPDP + SEDP publications/subscriptions (announcer/detector) + participant message.
    [0x0058, u32(0x0c3f)],
    [0x0032, locator(port, address)],
    [0x0031, locator(port, address)],
  ]);
}

/** One datagram: an SPDP DATA announcing `prefix` (from `prefix`). */
export function spdpDatagram(prefix: Uint8Array, domainId: number, port: number, leaseSec = 30, address?: number[]): Buffer {
  const b = header(new Bytes(), prefix);
  data(b, { readerId: ENTITY.SPDP_READER, writerId: ENTITY.SPDP_WRITER, sn: sn(1n), payload: spdpPayload(prefix, domainId, port, leaseSec, address) });
  return b.done();
}

/** One datagram: a HEARTBEAT from `prefix`'s SEDP publications writer to our SEDP publications reader. */
export function sedpHeartbeatDatagram(prefix: Uint8Array, first: WireSN, last: WireSN, count: number, dst?: Uint8Array): Buffer {
  const b = header(new Bytes(), prefix);
  if (dst) infoDst(b, dst);
  heartbeat(b, { readerId: ENTITY.PUB_READER, writerId: ENTITY.PUB_WRITER, first, last, count });
  return b.done();
}

/** The submessages of a datagram as (id, readerId, writerId) for answers we wait for. */
export function submessageIds(d: Buffer): Array<{ id: number; readerId?: number; writerId?: number }> {
  const out: Array<{ id: number; readerId?: number; writerId?: number }> = [];
  if (d.length < 20 || d.toString('latin1', 0, 4) !== 'RTPS') return out;
  let pos = 20;
  while (pos + 4 <= d.length && out.length < 64) {
    const id = d[pos];
    const le = (d[pos + 1] & 1) === 1;
    const len = le ? d.readUInt16LE(pos + 2) : d.readUInt16BE(pos + 2);
    const hasIds = id === SM.ACKNACK || id === SM.HEARTBEAT || id === SM.GAP || id === SM.NACK_FRAG || id === SM.HEARTBEAT_FRAG;
    out.push(hasIds && pos + 12 <= d.length ? { id, readerId: d.readUInt32BE(pos + 4), writerId: d.readUInt32BE(pos + 8) } : { id });
    if (len === 0) break;
    pos += 4 + len;
  }
  return out;
}
