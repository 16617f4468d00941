// Key material of the builtin AES-GCM-GMAC crypto plugin (DDS-Security 1.1 §9.5.2.1) and the CryptoToken that
// carries it (class DDS:Crypto:AES_GCM_GMAC, binary property dds.cryp.keymat):
//   octet[4] transformation_kind; sequence<octet,32> master_salt; octet[4] sender_key_id;
//   sequence<octet,32> master_sender_key; octet[4] receiver_specific_key_id;
//   sequence<octet,32> master_receiver_specific_key;
// in big-endian CDR. Session keys are HMAC-SHA256 of the master keys (packages/rtps/README.md).
import { createHash, createHmac, randomBytes } from 'node:crypto';
import { ByteWriter } from '../../byte-writer.js';
import { Cursor, RtpsParseError } from '../../cursor.js';
import { binaryProperty, type DataHolder } from '../data-holder.js';
import { SecurityError } from '../errors.js';

export type TransformKind = 'NONE' | 'AES128_GMAC' | 'AES128_GCM' | 'AES256_GMAC' | 'AES256_GCM';
const KIND_CODES: Record<TransformKind, number> = { NONE: 0, AES128_GMAC: 1, AES128_GCM: 2, AES256_GMAC: 3, AES256_GCM: 4 };
const KINDS = Object.fromEntries(Object.entries(KIND_CODES).map(([k, v]) => [v, k])) as Record<number, TransformKind>;

export const transformKindCode = (k: TransformKind): number => KIND_CODES[k];
export function transformKindOf(code: number): TransformKind {
  const k = KINDS[code];
  if (!k) throw new SecurityError('unsupported-algorithm', `transformation kind ${code} is not AES-GCM-GMAC`);
  return k;
}
/** Key (and salt) length in bytes of a kind: 16 for AES-128, 32 for AES-256, 0 for NONE. */
export const keyBytes = (k: TransformKind): number => (k === 'NONE' ? 0 : k.startsWith('AES128') ? 16 : 32);
export const encrypts = (k: TransformKind): boolean => k === 'AES128_GCM' || k === 'AES256_GCM';

export const CRYPTO_TOKEN_CLASS = 'DDS:Crypto:AES_GCM_GMAC';
const KEYMAT_PROPERTY = 'dds.cryp.keymat';

export interface KeyMaterial {
  kind: TransformKind;
  masterSalt: Uint8Array;
  senderKeyId: number;
  masterSenderKey: Uint8Array;
  /** 0 and an empty key when there is no receiver-specific key. */
  receiverSpecificKeyId: number;
  masterReceiverSpecificKey: Uint8Array;
}

/** Fresh key material; `receiverSpecificKeyId` (non-zero) adds a receiver-specific key. */
export function newKeyMaterial(kind: TransformKind, senderKeyId: number, receiverSpecificKeyId = 0): KeyMaterial {
  const n = keyBytes(kind);
  return {
    kind,
    masterSalt: new Uint8Array(randomBytes(n)),
    senderKeyId: senderKeyId >>> 0,
    masterSenderKey: new Uint8Array(randomBytes(n)),
    receiverSpecificKeyId: receiverSpecificKeyId >>> 0,
    masterReceiverSpecificKey: receiverSpecificKeyId ? new Uint8Array(randomBytes(n)) : new Uint8Array(0),
  };
}

export function encodeKeyMaterial(km: KeyMaterial): Buffer {
  const w = new ByteWriter(128, false);
  w.u32(transformKindCode(km.kind));
  w.u32(km.masterSalt.length).bytes(km.masterSalt);
  w.align(4).u32(km.senderKeyId);
  w.u32(km.masterSenderKey.length).bytes(km.masterSenderKey);
  w.align(4).u32(km.receiverSpecificKeyId);
  w.u32(km.masterReceiverSpecificKey.length).bytes(km.masterReceiverSpecificKey);
  return w.finish();
}

function octets(c: Cursor, what: string): Uint8Array {
  c.align(4);
  const n = c.u32();
  if (n > 32) throw new SecurityError('too-large', `KeyMaterial ${what}: ${n} bytes, at most 32`);
  return new Uint8Array(c.bytes(n));
}

/** Decodes and checks key material (key and salt lengths fit the kind). */
export function decodeKeyMaterial(buf: Uint8Array): KeyMaterial {
  const b = Buffer.from(buf.buffer, buf.byteOffset, buf.byteLength);
  const c = new Cursor(b, 0, b.length, false);
  let km: KeyMaterial;
  try {
    const kind = transformKindOf(c.u32());
    const masterSalt = octets(c, 'master_salt');
    c.align(4);
    const senderKeyId = c.u32();
    const masterSenderKey = octets(c, 'master_sender_key');
    c.align(4);
    const receiverSpecificKeyId = c.u32();
    const masterReceiverSpecificKey = octets(c, 'master_receiver_specific_key');
    km = { kind, masterSalt, senderKeyId, masterSenderKey, receiverSpecificKeyId, masterReceiverSpecificKey };
  } catch (err) {
    if (err instanceof RtpsParseError) throw new SecurityError('bad-token', `KeyMaterial does not decode: ${err.message}`);
    throw err;
  }
  const n = keyBytes(km.kind);
  if (km.masterSalt.length !== n || km.masterSenderKey.length !== n) throw new SecurityError('bad-token', `KeyMaterial ${km.kind}: salt and key must be ${n} bytes`);
  if (km.receiverSpecificKeyId !== 0 && km.masterReceiverSpecificKey.length !== n) throw new SecurityError('bad-token', `KeyMaterial ${km.kind}: the receiver-specific key must be ${n} bytes`);
  return km;
}

export function cryptoToken(km: KeyMaterial): DataHolder {
  return { classId: CRYPTO_TOKEN_CLASS, properties: [], binaryProperties: [{ name: KEYMAT_PROPERTY, value: new Uint8Array(encodeKeyMaterial(km)) }] };
}

export function keyMaterialOf(token: DataHolder): KeyMaterial {
  const v = token.classId === CRYPTO_TOKEN_CLASS ? binaryProperty(token, KEYMAT_PROPERTY) : undefined;
  if (!v) throw new SecurityError('bad-token', `crypto token ('${token.classId.slice(0, 64)}') lacks ${KEYMAT_PROPERTY}`);
  return decodeKeyMaterial(v);
}

function derive(master: Uint8Array, label: string, km: KeyMaterial, sessionId: number): Buffer {
  const sid = Buffer.alloc(4);
  sid.writeUInt32BE(sessionId >>> 0);
  return createHmac('sha256', master).update(label).update(km.masterSalt).update(sid).digest().subarray(0, keyBytes(km.kind));
}

/** SessionKey = HMAC-SHA256(master_sender_key, "SessionKey" | master_salt | session_id), cut to the key length. */
export const sessionKey = (km: KeyMaterial, sessionId: number): Buffer => derive(km.masterSenderKey, 'SessionKey', km, sessionId);

/** SessionReceiverKey = HMAC-SHA256(master_receiver_specific_key, "SessionReceiverKey" | master_salt | session_id). */
export const sessionReceiverKey = (km: KeyMaterial, sessionId: number): Buffer => derive(km.masterReceiverSpecificKey, 'SessionReceiverKey', km, sessionId);

/**
 * The key material of the ParticipantVolatileMessageSecure channel (KxKeys, DDS-Security 1.1 §9.5.2.1.2), the
 * same on both sides without any token: AES256_GCM, key ids 0, and
 *   master_salt       = HMAC-SHA256(key = SHA-256(challenge1 | "keyexchange salt" | challenge2), SharedSecret)
 *   master_sender_key = HMAC-SHA256(key = SHA-256(challenge2 | "key exchange key" | challenge1), SharedSecret)
 * (SharedSecret = SHA-256 of the key agreement's result; verified against Fast DDS 2.9.1 on the wire).
 */
export function kxKeyMaterial(secret: { challenge1: Uint8Array; challenge2: Uint8Array; sharedSecret: Uint8Array }): KeyMaterial {
  const part = (a: Uint8Array, cookie: string, b: Uint8Array) => {
    const key = createHash('sha256').update(a).update(cookie, 'ascii').update(b).digest();
    return new Uint8Array(createHmac('sha256', key).update(secret.sharedSecret).digest());
  };
  return {
    kind: 'AES256_GCM',
    masterSalt: part(secret.challenge1, 'keyexchange salt', secret.challenge2),
    senderKeyId: 0,
    masterSenderKey: part(secret.challenge2, 'key exchange key', secret.challenge1),
    receiverSpecificKeyId: 0,
    masterReceiverSpecificKey: new Uint8Array(0),
  };
}
