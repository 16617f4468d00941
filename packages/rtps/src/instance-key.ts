// Keyed topics: the topic kind (entity kinds WITH_KEY/NO_KEY), the key hash of an instance
// (DDS-RTPS 2.5 §9.6.4.8) and the instance state carried by PID_STATUS_INFO.

import { createHash } from 'node:crypto';
import { STATUS_INFO_DISPOSED, STATUS_INFO_UNREGISTERED } from './pids.js';

/**
 * How a keyed topic's key is found in a sample. Giving one (even `{}`) makes the endpoint
 * WITH_KEY: Cyclone DDS sends nothing to a NO_KEY reader of a keyed topic and Fast DDS refuses to
 * match it. `serializeKey` lets us compute key hashes; without it a reader only has the hashes
 * writers send inline (Fast DDS does, Cyclone DDS does not) and a writer sends none.
 */
export interface TopicKey {
  /**
   * The key members of a sample, serialized as big-endian CDR without an encapsulation header (the
   * key hash input). `payload` is a whole serialized sample with its encapsulation header, or with
   * `keyOnly` the serialized key of a dispose/unregister (DATA with the K flag).
   */
  serializeKey?(payload: Buffer, keyOnly: boolean): Uint8Array;
  /**
   * The largest serialized key the type allows, in bytes; `Infinity` when it holds a string or a
   * sequence. Up to 16 the key hash is the key itself (zero-padded), beyond it its MD5.
   * Default: Infinity.
   */
  maxSize?: number;
}

/** What happened to an instance: disposed, unregistered (the writer let go of it), or both. */
export interface InstanceStatus {
  disposed: boolean;
  unregistered: boolean;
}

const KEY_HASH_SIZE = 16;

/** Two hex digits per byte value. */
const HEX = Array.from({ length: 256 }, (_, b) => b.toString(16).padStart(2, '0'));

/**
 * The key hash of a serialized key (big-endian CDR), in hex, as readers key instances by it: the key zero-padded to
 * 16 bytes when the type bounds it to 16, else its MD5. A bounded key is written out digit by digit: no buffer and no
 * view of the key is made (a view of a small key's bytes made V8 move them out of its heap, 3% of a 64 KiB reader's
 * time for one key per sample).
 */
export function keyHashHex(serializedKey: Uint8Array, maxSize = Infinity): string {
  if (maxSize > KEY_HASH_SIZE) return createHash('md5').update(serializedKey).digest('hex');
  const n = Math.min(serializedKey.length, KEY_HASH_SIZE);
  let hex = '';
  for (let i = 0; i < n; i++) hex += HEX[serializedKey[i]];
  return n === KEY_HASH_SIZE ? hex : hex + '00'.repeat(KEY_HASH_SIZE - n);
}

/** The key hash of a serialized key as the 16 bytes of PID_KEY_HASH (keyHashHex's bytes). */
export function keyHash(serializedKey: Uint8Array, maxSize = Infinity): Buffer {
  return Buffer.from(keyHashHex(serializedKey, maxSize), 'hex');
}

/** The key hash (hex) of a sample or key payload by the topic's key description; undefined when it cannot say. */
export function keyHashHexOf(key: TopicKey | undefined, payload: Buffer, keyOnly: boolean): string | undefined {
  if (!key?.serializeKey) return undefined;
  return keyHashHex(key.serializeKey(payload, keyOnly), key.maxSize);
}

/** PID_STATUS_INFO flags → instance status. */
export function instanceStatus(statusInfo: number): InstanceStatus {
  return { disposed: (statusInfo & STATUS_INFO_DISPOSED) !== 0, unregistered: (statusInfo & STATUS_INFO_UNREGISTERED) !== 0 };
}

/** Instance status → PID_STATUS_INFO flags. */
export function statusInfoFlags(s: InstanceStatus): number {
  return (s.disposed ? STATUS_INFO_DISPOSED : 0) | (s.unregistered ? STATUS_INFO_UNREGISTERED : 0);
}

/**
 * The payload of a key-only DATA: CDR_BE encapsulation header, then the big-endian serialized
 * key, padded to 4 bytes with the pad count in the options' low bits (XTypes 1.3 §7.6.3.1.2), as
 * Cyclone DDS reads it.
 */
export function keyPayload(serializedKey: Uint8Array): Buffer {
  const pad = (4 - (serializedKey.length % 4)) % 4;
  const out = Buffer.alloc(4 + serializedKey.length + pad);
  out.writeUInt16BE(pad, 2); // identifier 00 00 = CDR_BE
  out.set(serializedKey, 4);
  return out;
}
