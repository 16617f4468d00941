// medkit_test::Keyed (test/peers/keyed/keyed.idl) in XCDR1: `@key long id; @key string name;
// unsigned long seq;`, and its key description for our readers and writers.
import { createHash } from 'node:crypto';
import type { TopicKey } from '../../src/index.js';

export const KEYED_TYPE = 'medkit_test::Keyed';

/** A sample as the vendors write it: CDR_LE encapsulation, id, name (length incl. NUL), seq. */
export function keyedSample(id: number, name: string, seq: number): Buffer {
  const n = Buffer.byteLength(name) + 1;
  const seqAt = 12 + n + ((4 - ((12 + n) % 4)) % 4);
  const b = Buffer.alloc(seqAt + 4);
  b.writeUInt16BE(0x0001, 0);
  b.writeInt32LE(id, 4);
  b.writeUInt32LE(n, 8);
  b.write(name, 12);
  b.writeUInt32LE(seq, seqAt);
  return b;
}

/** Reads id, name and (unless key-only) seq of a CDR_LE or CDR_BE payload. */
export function readKeyed(p: Buffer, keyOnly = false): { id: number; name: string; seq?: number } {
  const le = (p[1] & 1) === 1;
  const u32 = (at: number) => (le ? p.readUInt32LE(at) : p.readUInt32BE(at));
  const id = le ? p.readInt32LE(4) : p.readInt32BE(4);
  const n = u32(8);
  if (n < 1 || 12 + n > p.length) throw new RangeError(`name length ${n} does not fit a ${p.length}-byte payload`);
  const name = p.toString('utf8', 12, 12 + n - 1);
  if (keyOnly) return { id, name };
  const seqAt = 12 + n + ((4 - ((12 + n) % 4)) % 4);
  return { id, name, seq: seqAt + 4 <= p.length ? u32(seqAt) : undefined };
}

/** The key (id, name) in big-endian CDR: the key hash input. */
export function keyedKeyBE(id: number, name: string): Buffer {
  const n = Buffer.byteLength(name) + 1;
  const b = Buffer.alloc(8 + n);
  b.writeInt32BE(id, 0);
  b.writeUInt32BE(n, 4);
  b.write(name, 8);
  return b;
}

/** The key hash the spec gives for (id, name): the key holds a string, so MD5 of the BE key. */
export function keyedHash(id: number, name: string): string {
  return createHash('md5').update(keyedKeyBE(id, name)).digest('hex');
}

export const KEYED_KEY: TopicKey = {
  serializeKey(payload, keyOnly) {
    const k = readKeyed(payload, keyOnly);
    return keyedKeyBE(k.id, k.name);
  },
  maxSize: Infinity,
};

/** ddsperf's KeyedSeq (`uint32 seq; @key uint32 keyval; sequence<octet> baggage`): a 4-byte key, so the hash is the key itself. */
export const KEYED_SEQ: TopicKey = {
  maxSize: 4,
  serializeKey(payload, keyOnly) {
    const le = (payload[1] & 1) === 1;
    const at = keyOnly ? 4 : 8;
    const key = Buffer.alloc(4);
    key.writeUInt32BE(le ? payload.readUInt32LE(at) : payload.readUInt32BE(at));
    return key;
  },
};
