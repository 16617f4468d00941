// DataHolder (DDS-Security 1.1 §7.2.3): the generic shape of every security token (IdentityToken,
// PermissionsToken, handshake and crypto tokens):
//   struct Property       { string name; string value; };            // only propagated ones go on the wire
//   struct BinaryProperty { string name; sequence<octet> value; };
//   struct DataHolder     { string class_id; sequence<Property> properties; sequence<BinaryProperty> binary_properties; };
// CDR, 4-byte aligned from the start of the holder. Tokens inside a parameter list follow its endianness;
// the handshake hashes and signatures are computed over the big-endian CDR of a BinaryProperty sequence.
// Decoding is bounded: a token can come from any peer on the network.
import { ByteWriter } from '../byte-writer.js';
import { Cursor, RtpsParseError } from '../cursor.js';
import { SecurityError } from './errors.js';

export interface Property {
  name: string;
  value: string;
}
export interface BinaryProperty {
  name: string;
  value: Uint8Array;
}
export interface DataHolder {
  classId: string;
  properties: Property[];
  binaryProperties: BinaryProperty[];
}

export interface DataHolderLimits {
  /** Properties and binary properties in one holder, each. */
  maxProperties: number;
  /** Bytes of one string (class id, name, value). */
  maxStringBytes: number;
  /** Bytes of one binary property value (a certificate, a permissions document). */
  maxBinaryBytes: number;
  /** Holders in one sequence (a ParticipantGenericMessage's message_data). */
  maxHolders: number;
}

/** Generous for real tokens (a permissions document is a few KiB; SROS2's with many topics stays under 64 KiB). */
export const DATA_HOLDER_LIMITS: DataHolderLimits = { maxProperties: 32, maxStringBytes: 4096, maxBinaryBytes: 256 * 1024, maxHolders: 8 };

function writeBinaryProperty(w: ByteWriter, p: BinaryProperty): void {
  w.align(4).string(p.name).align(4).u32(p.value.length).bytes(p.value);
}

/** CDR of a BinaryProperty sequence (count, then each), big-endian unless `le`. */
export function encodeBinaryProperties(props: readonly BinaryProperty[], le = false): Buffer {
  const w = new ByteWriter(256, le);
  w.u32(props.length);
  for (const p of props) writeBinaryProperty(w, p);
  return w.finish();
}

/** Writes a DataHolder into `w`, aligned relative to `origin` (the holder's start when 0 is the writer's start). */
export function writeDataHolder(w: ByteWriter, h: DataHolder, origin = 0): void {
  w.align(4, origin).string(h.classId);
  w.align(4, origin).u32(h.properties.length);
  for (const p of h.properties) w.align(4, origin).string(p.name).align(4, origin).string(p.value);
  w.align(4, origin).u32(h.binaryProperties.length);
  for (const p of h.binaryProperties) w.align(4, origin).string(p.name).align(4, origin).u32(p.value.length).bytes(p.value);
}

export function encodeDataHolder(h: DataHolder, le = false): Buffer {
  const w = new ByteWriter(256, le);
  writeDataHolder(w, h);
  return w.finish();
}

function count(c: Cursor, origin: number, max: number, what: string): number {
  c.align(4, origin);
  const n = c.u32();
  if (n > max) throw new SecurityError('too-large', `${what}: ${n} entries, at most ${max} accepted`);
  return n;
}

function str(c: Cursor, origin: number, limits: DataHolderLimits, what: string): string {
  c.align(4, origin);
  const len = c.u32();
  if (len > limits.maxStringBytes) throw new SecurityError('too-large', `${what}: string of ${len} bytes, at most ${limits.maxStringBytes} accepted`);
  c.pos -= 4;
  return c.string(limits.maxStringBytes);
}

/** Reads a DataHolder at the cursor (alignment relative to `origin`). Throws SecurityError('bad-token' | 'too-large'). */
export function readDataHolder(c: Cursor, origin = c.pos, limits: DataHolderLimits = DATA_HOLDER_LIMITS): DataHolder {
  try {
    const classId = str(c, origin, limits, 'class_id');
    const properties: Property[] = [];
    for (let i = count(c, origin, limits.maxProperties, 'properties'); i > 0; i--) properties.push({ name: str(c, origin, limits, 'property name'), value: str(c, origin, limits, 'property value') });
    const binaryProperties: BinaryProperty[] = [];
    for (let i = count(c, origin, limits.maxProperties, 'binary_properties'); i > 0; i--) {
      const name = str(c, origin, limits, 'binary property name');
      c.align(4, origin);
      const len = c.u32();
      if (len > limits.maxBinaryBytes) throw new SecurityError('too-large', `binary property '${name}': ${len} bytes, at most ${limits.maxBinaryBytes} accepted`);
      binaryProperties.push({ name, value: new Uint8Array(c.bytes(len)) });
    }
    return { classId, properties, binaryProperties };
  } catch (err) {
    if (err instanceof RtpsParseError) throw new SecurityError('bad-token', `DataHolder does not decode: ${err.message}`);
    throw err;
  }
}

export function decodeDataHolder(buf: Uint8Array, le = false, limits: DataHolderLimits = DATA_HOLDER_LIMITS): DataHolder {
  const b = Buffer.from(buf.buffer, buf.byteOffset, buf.byteLength);
  return readDataHolder(new Cursor(b, 0, b.length, le), 0, limits);
}

/** A DataHolder sequence (ParticipantGenericMessage.message_data). */
export function writeDataHolderSeq(w: ByteWriter, holders: readonly DataHolder[], origin = 0): void {
  w.align(4, origin).u32(holders.length);
  for (const h of holders) writeDataHolder(w, h, origin);
}

export function readDataHolderSeq(c: Cursor, origin = c.pos, limits: DataHolderLimits = DATA_HOLDER_LIMITS): DataHolder[] {
  let n: number;
  try {
    n = count(c, origin, limits.maxHolders, 'DataHolder sequence');
  } catch (err) {
    if (err instanceof RtpsParseError) throw new SecurityError('bad-token', `DataHolder sequence does not decode: ${err.message}`);
    throw err;
  }
  const out: DataHolder[] = [];
  for (; n > 0; n--) out.push(readDataHolder(c, origin, limits));
  return out;
}

export const property = (h: DataHolder, name: string): string | undefined => h.properties.find((p) => p.name === name)?.value;
export const binaryProperty = (h: DataHolder, name: string): Uint8Array | undefined => h.binaryProperties.find((p) => p.name === name)?.value;

/** A binary property holding a string's bytes (no NUL), as the handshake's c.perm, c.dsign_algo, c.kagree_algo. */
export const stringProperty = (name: string, value: string): BinaryProperty => ({ name, value: new Uint8Array(Buffer.from(value, 'utf8')) });

/** A binary property's value read as a string; one trailing NUL is tolerated (some implementations send it). */
export function propertyString(v: Uint8Array): string {
  const n = v.length > 0 && v[v.length - 1] === 0 ? v.length - 1 : v.length;
  return Buffer.from(v.buffer, v.byteOffset, n).toString('utf8');
}
