// A bounds-checked reader over a Buffer slice. Every read checks the end and throws
// RtpsParseError, which the receive path catches: malformed input never escapes.

/** Thrown for any malformed or truncated RTPS input. */
export class RtpsParseError extends Error {
  override name = 'RtpsParseError';
  readonly code: string = 'rtps-malformed';

  constructor(message: string) {
    // No stack trace: these are caught and counted by the receive path, and a hostile peer can
    // make us build tens of thousands a second (capturing stacks was most of their cost).
    const limit = Error.stackTraceLimit;
    Error.stackTraceLimit = 0;
    super(message);
    Error.stackTraceLimit = limit;
  }
}

/**
 * Well-formed input that breaks a protocol rule (an SN out of range, lastSN < firstSN - 1, a
 * bitmap over 256 bits, fragment 0, ...). Handled like a parse error (the rest of the datagram is
 * ignored, RTPS 8.3.4.1) but counted apart, as evidence of a broken or hostile peer.
 */
export class RtpsProtocolViolation extends RtpsParseError {
  override name = 'RtpsProtocolViolation';
  override readonly code: string = 'rtps-protocol-violation';
}

/**
 * Reads are written out byte by byte rather than with Buffer's readUInt32LE and kin: this runs several times per
 * submessage on the receive path, and the Buffer methods each validate their offset again (issue 40).
 */
export class Cursor {
  buf: Buffer;
  pos: number;
  end: number;
  le: boolean;

  constructor(buf: Buffer, pos = 0, end = buf.length, le = true) {
    this.buf = buf;
    this.pos = pos;
    this.end = Math.min(end, buf.length);
    this.le = le;
  }

  get remaining(): number {
    return this.end - this.pos;
  }

  need(n: number): void {
    if (n < 0 || this.pos + n > this.end) throw new RtpsParseError(`truncated: need ${n} bytes at ${this.pos}, end ${this.end}`);
  }

  u8(): number {
    this.need(1);
    return this.buf[this.pos++];
  }

  u16(): number {
    this.need(2);
    const b = this.buf;
    const p = this.pos;
    this.pos = p + 2;
    return this.le ? b[p] | (b[p + 1] << 8) : (b[p] << 8) | b[p + 1];
  }

  i16(): number {
    return (this.u16() << 16) >> 16;
  }

  u32(): number {
    return this.i32() >>> 0;
  }

  i32(): number {
    this.need(4);
    const b = this.buf;
    const p = this.pos;
    this.pos = p + 4;
    return this.le ? b[p] | (b[p + 1] << 8) | (b[p + 2] << 16) | (b[p + 3] << 24) : (b[p] << 24) | (b[p + 1] << 16) | (b[p + 2] << 8) | b[p + 3];
  }

  /** Entity ids are octet arrays: big-endian regardless of the E flag. */
  entityId(): number {
    this.need(4);
    const b = this.buf;
    const p = this.pos;
    this.pos = p + 4;
    return ((b[p] << 24) | (b[p + 1] << 16) | (b[p + 2] << 8) | b[p + 3]) >>> 0;
  }

  bytes(n: number): Buffer {
    this.need(n);
    const b = this.buf.subarray(this.pos, this.pos + n);
    this.pos += n;
    return b;
  }

  skip(n: number): void {
    this.need(n);
    this.pos += n;
  }

  align(n: number, origin = 0): void {
    const rem = (this.pos - origin) % n;
    if (rem !== 0) this.skip(n - rem);
  }

  /** CDR string (uint32 length incl. NUL). Tolerates a missing NUL. */
  string(maxLen = 65536): string {
    const len = this.u32();
    if (len > maxLen) throw new RtpsParseError(`string length ${len} too long`);
    const b = this.bytes(len);
    const n = len > 0 && b[len - 1] === 0 ? len - 1 : len;
    return b.toString('utf8', 0, n);
  }
}
