// A small DNS message codec for mDNS (RFC 1035 §4, RFC 6762): header, questions and PTR/SRV/TXT/A records.
// Encoding writes names uncompressed (always valid); decoding follows compression pointers with a hop limit and
// returns undefined for anything malformed, so a hostile packet can neither throw nor loop.

export const TYPE_A = 1;
export const TYPE_PTR = 12;
export const TYPE_TXT = 16;
export const TYPE_SRV = 33;
export const TYPE_ANY = 255;
const CLASS_IN = 1;
/** Top bit of the class: "unicast response wanted" in questions, "cache flush" in answers (RFC 6762 §5.4, §10.2). */
const CLASS_TOP_BIT = 0x8000;
/** QR bit (response) plus AA (authoritative), the flags of every mDNS response. */
export const FLAGS_RESPONSE = 0x8400;

interface DnsQuestion {
  name: string;
  type: number;
  /** True when the QU bit is set (RFC 6762 §5.4). */
  unicastResponse?: boolean;
}

interface RecordBase {
  name: string;
  ttl: number;
  /** The cache-flush bit (RFC 6762 §10.2). */
  flush?: boolean;
}
export type DnsRecord =
  | (RecordBase & { type: typeof TYPE_PTR; data: string })
  | (RecordBase & { type: typeof TYPE_SRV; data: { priority: number; weight: number; port: number; target: string } })
  | (RecordBase & { type: typeof TYPE_TXT; data: string[] })
  | (RecordBase & { type: typeof TYPE_A; data: string })
  | (RecordBase & { type: number; data: Buffer; unknown: true });

export interface DnsMessage {
  id: number;
  flags: number;
  questions: DnsQuestion[];
  answers: DnsRecord[];
  authorities: DnsRecord[];
  additionals: DnsRecord[];
}

/** True when the message is a response (QR bit). */
export const isResponse = (m: DnsMessage): boolean => (m.flags & 0x8000) !== 0;

const MAX_NAME = 255;
const MAX_POINTER_HOPS = 32;

/** Case-insensitive DNS name comparison without the trailing dot. */
export function sameName(a: string, b: string): boolean {
  return a.replace(/\.$/, '').toLowerCase() === b.replace(/\.$/, '').toLowerCase();
}

// ---- encoding ----

function encodeName(name: string): Buffer {
  const labels = name.replace(/\.$/, '').split('.').filter((l) => l !== '');
  const parts: Buffer[] = [];
  for (const l of labels) {
    const b = Buffer.from(l, 'utf8');
    if (b.length > 63) throw new RangeError(`DNS label '${l}' is longer than 63 bytes`);
    parts.push(Buffer.from([b.length]), b);
  }
  parts.push(Buffer.from([0]));
  const out = Buffer.concat(parts);
  if (out.length > MAX_NAME) throw new RangeError(`DNS name '${name}' is longer than 255 bytes`);
  return out;
}

function u16(n: number): Buffer {
  const b = Buffer.alloc(2);
  b.writeUInt16BE(n & 0xffff);
  return b;
}

function encodeRdata(r: DnsRecord): Buffer {
  if ('unknown' in r) return r.data;
  switch (r.type) {
    case TYPE_PTR:
      return encodeName(r.data);
    case TYPE_SRV:
      return Buffer.concat([u16(r.data.priority), u16(r.data.weight), u16(r.data.port), encodeName(r.data.target)]);
    case TYPE_TXT: {
      const strs = r.data.length === 0 ? [''] : r.data; // RFC 6763 §6.1: an empty TXT holds one empty string
      return Buffer.concat(
        strs.map((s) => {
          const b = Buffer.from(s, 'utf8');
          if (b.length > 255) throw new RangeError('TXT string longer than 255 bytes');
          return Buffer.concat([Buffer.from([b.length]), b]);
        }),
      );
    }
    case TYPE_A: {
      const octets = r.data.split('.').map(Number);
      if (octets.length !== 4 || octets.some((o) => !Number.isInteger(o) || o < 0 || o > 255)) throw new RangeError(`'${r.data}' is not an IPv4 address`);
      return Buffer.from(octets);
    }
  }
  throw new RangeError(`cannot encode record type ${(r as { type: number }).type}`);
}

function encodeRecord(r: DnsRecord): Buffer {
  const rdata = encodeRdata(r);
  const fixed = Buffer.alloc(10);
  fixed.writeUInt16BE(r.type, 0);
  fixed.writeUInt16BE(CLASS_IN | (r.flush ? CLASS_TOP_BIT : 0), 2);
  fixed.writeUInt32BE(Math.max(0, Math.floor(r.ttl)) >>> 0, 4);
  fixed.writeUInt16BE(rdata.length, 8);
  return Buffer.concat([encodeName(r.name), fixed, rdata]);
}

/** Encodes a message (throws RangeError for values DNS cannot carry; callers build messages themselves). */
export function encodeMessage(m: Partial<DnsMessage>): Buffer {
  const questions = m.questions ?? [];
  const answers = m.answers ?? [];
  const authorities = m.authorities ?? [];
  const additionals = m.additionals ?? [];
  const header = Buffer.alloc(12);
  header.writeUInt16BE((m.id ?? 0) & 0xffff, 0);
  header.writeUInt16BE((m.flags ?? 0) & 0xffff, 2);
  header.writeUInt16BE(questions.length, 4);
  header.writeUInt16BE(answers.length, 6);
  header.writeUInt16BE(authorities.length, 8);
  header.writeUInt16BE(additionals.length, 10);
  const qs = questions.map((q) => Buffer.concat([encodeName(q.name), u16(q.type), u16(CLASS_IN | (q.unicastResponse ? CLASS_TOP_BIT : 0))]));
  return Buffer.concat([header, ...qs, ...[...answers, ...authorities, ...additionals].map(encodeRecord)]);
}

// ---- decoding ----

class Malformed extends Error {
  readonly code: string = 'dns-malformed';
}

/** Reads a (possibly compressed) name at `offset`; returns it and the offset after its in-place part. */
function readName(buf: Buffer, offset: number): { name: string; next: number } {
  const labels: string[] = [];
  let pos = offset;
  let next = -1;
  let hops = 0;
  let length = 0;
  for (;;) {
    if (pos >= buf.length) throw new Malformed('name runs past the end');
    const len = buf[pos];
    if (len === 0) {
      if (next < 0) next = pos + 1;
      break;
    }
    if ((len & 0xc0) === 0xc0) {
      if (pos + 1 >= buf.length) throw new Malformed('truncated pointer');
      if (++hops > MAX_POINTER_HOPS) throw new Malformed('too many compression pointers');
      const target = ((len & 0x3f) << 8) | buf[pos + 1];
      // Pointers must point backwards, which alone rules out loops together with the hop limit.
      if (target >= pos) throw new Malformed('forward compression pointer');
      if (next < 0) next = pos + 2;
      pos = target;
      continue;
    }
    if ((len & 0xc0) !== 0) throw new Malformed('reserved label type');
    if (pos + 1 + len > buf.length) throw new Malformed('label runs past the end');
    length += len + 1;
    if (length > MAX_NAME) throw new Malformed('name longer than 255 bytes');
    labels.push(buf.toString('utf8', pos + 1, pos + 1 + len));
    pos += 1 + len;
  }
  return { name: labels.join('.'), next };
}

function need(buf: Buffer, offset: number, n: number): void {
  if (offset + n > buf.length) throw new Malformed('truncated');
}

function readRecord(buf: Buffer, offset: number): { record: DnsRecord; next: number } {
  const { name, next: afterName } = readName(buf, offset);
  need(buf, afterName, 10);
  const type = buf.readUInt16BE(afterName);
  const klass = buf.readUInt16BE(afterName + 2);
  const ttl = buf.readUInt32BE(afterName + 4);
  const rdlen = buf.readUInt16BE(afterName + 8);
  const start = afterName + 10;
  need(buf, start, rdlen);
  const end = start + rdlen;
  const base = { name, ttl, ...(klass & CLASS_TOP_BIT ? { flush: true } : {}) };
  const rdata = buf.subarray(0, end); // names inside rdata may point anywhere before, never past the record
  let record: DnsRecord;
  switch (type) {
    case TYPE_PTR:
      record = { ...base, type, data: readName(rdata, start).name };
      break;
    case TYPE_SRV:
      if (rdlen < 7) throw new Malformed('short SRV');
      record = {
        ...base,
        type,
        data: { priority: buf.readUInt16BE(start), weight: buf.readUInt16BE(start + 2), port: buf.readUInt16BE(start + 4), target: readName(rdata, start + 6).name },
      };
      break;
    case TYPE_TXT: {
      const strs: string[] = [];
      for (let p = start; p < end; ) {
        const l = buf[p];
        if (p + 1 + l > end) throw new Malformed('TXT string runs past its record');
        strs.push(buf.toString('utf8', p + 1, p + 1 + l));
        p += 1 + l;
      }
      record = { ...base, type, data: strs.filter((s) => s !== '') };
      break;
    }
    case TYPE_A:
      if (rdlen !== 4) throw new Malformed('A record is not 4 bytes');
      record = { ...base, type, data: [...buf.subarray(start, end)].join('.') };
      break;
    default:
      record = { ...base, type, data: Buffer.from(buf.subarray(start, end)), unknown: true };
  }
  return { record, next: end };
}

/** Decodes a DNS message; undefined when it is malformed or truncated (never throws). */
export function decodeMessage(buf: Buffer): DnsMessage | undefined {
  try {
    need(buf, 0, 12);
    const counts = [4, 6, 8, 10].map((o) => buf.readUInt16BE(o));
    let pos = 12;
    const questions: DnsQuestion[] = [];
    // Every iteration consumes at least one byte or throws, so the loops end with the buffer.
    for (let i = 0; i < counts[0]; i++) {
      const { name, next } = readName(buf, pos);
      need(buf, next, 4);
      const klass = buf.readUInt16BE(next + 2);
      questions.push({ name, type: buf.readUInt16BE(next), ...(klass & CLASS_TOP_BIT ? { unicastResponse: true } : {}) });
      pos = next + 4;
    }
    const sections: DnsRecord[][] = [[], [], []];
    for (let s = 0; s < 3; s++) {
      for (let i = 0; i < counts[s + 1]; i++) {
        const { record, next } = readRecord(buf, pos);
        sections[s].push(record);
        pos = next;
      }
    }
    return { id: buf.readUInt16BE(0), flags: buf.readUInt16BE(2), questions, answers: sections[0], authorities: sections[1], additionals: sections[2] };
  } catch {
    // Malformed input of any kind (our checks or Buffer's own range checks) is "not a DNS message".
    return undefined;
  }
}
