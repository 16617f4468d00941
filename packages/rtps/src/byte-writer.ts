// A growable little/big-endian byte writer used by every encoder. Messages are built into one
// reusable buffer to avoid an allocation per field; `finish()` copies out the bytes written.

/** Writes RTPS/CDR primitives into a growing Buffer. Offsets are absolute within the buffer. */
export class ByteWriter {
  buf: Buffer;
  pos = 0;
  le: boolean;

  constructor(initialSize = 256, littleEndian = true) {
    this.buf = Buffer.allocUnsafe(initialSize);
    this.le = littleEndian;
  }

  /** Empties the writer for reuse (keeps the storage). */
  reset(littleEndian = this.le): this {
    this.pos = 0;
    this.le = littleEndian;
    return this;
  }

  ensure(extra: number): void {
    const need = this.pos + extra;
    if (need <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < need) size *= 2;
    const next = Buffer.allocUnsafe(size);
    this.buf.copy(next, 0, 0, this.pos);
    this.buf = next;
  }

  u8(v: number): this {
    this.ensure(1);
    this.buf[this.pos++] = v & 0xff;
    return this;
  }

  u16(v: number, le = this.le): this {
    this.ensure(2);
    if (le) this.buf.writeUInt16LE(v & 0xffff, this.pos);
    else this.buf.writeUInt16BE(v & 0xffff, this.pos);
    this.pos += 2;
    return this;
  }

  i16(v: number): this {
    return this.u16(v & 0xffff);
  }

  u32(v: number, le = this.le): this {
    this.ensure(4);
    if (le) this.buf.writeUInt32LE(v >>> 0, this.pos);
    else this.buf.writeUInt32BE(v >>> 0, this.pos);
    this.pos += 4;
    return this;
  }

  i32(v: number): this {
    this.ensure(4);
    if (this.le) this.buf.writeInt32LE(v | 0, this.pos);
    else this.buf.writeInt32BE(v | 0, this.pos);
    this.pos += 4;
    return this;
  }

  /** Entity ids are octet arrays on the wire: always big-endian whatever the E flag says. */
  entityId(v: number): this {
    return this.u32(v, false);
  }

  bytes(b: Uint8Array): this {
    this.ensure(b.length);
    this.buf.set(b, this.pos);
    this.pos += b.length;
    return this;
  }

  zeros(n: number): this {
    this.ensure(n);
    this.buf.fill(0, this.pos, this.pos + n);
    this.pos += n;
    return this;
  }

  /** Pads with zeros so that (pos - origin) is a multiple of n. */
  align(n: number, origin = 0): this {
    const rem = (this.pos - origin) % n;
    if (rem !== 0) this.zeros(n - rem);
    return this;
  }

  /** CDR string: uint32 length including NUL, bytes, NUL. */
  string(s: string): this {
    const len = Buffer.byteLength(s, 'utf8');
    this.u32(len + 1);
    this.ensure(len + 1);
    this.buf.write(s, this.pos, 'utf8');
    this.pos += len;
    this.buf[this.pos++] = 0;
    return this;
  }

  /** Patches a uint16 at an earlier offset. */
  patchU16(at: number, v: number, le = this.le): void {
    if (le) this.buf.writeUInt16LE(v & 0xffff, at);
    else this.buf.writeUInt16BE(v & 0xffff, at);
  }

  /** A copy of the bytes written so far. */
  finish(): Buffer {
    return Buffer.from(this.buf.subarray(0, this.pos));
  }

  /** A view of the bytes written so far (valid until the next write or reset). */
  view(): Buffer {
    return this.buf.subarray(0, this.pos);
  }
}
