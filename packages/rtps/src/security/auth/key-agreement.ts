// The two key agreements of PKI-DH (DDS-Security 1.1 §9.3.2.5): DH+MODP-2048-256 (RFC 3526 group 14) and
// ECDH+prime256v1-CEUM (P-256, public key as an uncompressed point). Node's crypto does the arithmetic and
// checks peer keys. The MODP public key travels as a DER INTEGER (what Cyclone DDS and Fast DDS send); a raw
// big-endian value is accepted too. The shared secret handed on is SHA-256 of the agreed value.
import { createECDH, createHash, getDiffieHellman, type DiffieHellmanGroup, type ECDH } from 'node:crypto';
import { SecurityError } from '../errors.js';

export type KagreeAlgo = 'DH+MODP-2048-256' | 'ECDH+prime256v1-CEUM';
export const KAGREE_ALGOS: readonly KagreeAlgo[] = ['DH+MODP-2048-256', 'ECDH+prime256v1-CEUM'];

export interface KeyAgreement {
  algo: KagreeAlgo;
  /** The public key as it goes into dh1 / dh2. */
  publicKey: Uint8Array;
  /** SHA-256 of the agreed secret with the peer's encoded public key; throws SecurityError('bad-dh'). */
  sharedSecret(peer: Uint8Array): Uint8Array;
}

const MODP_BYTES = 256;

function derInteger(v: Uint8Array): Uint8Array {
  let i = 0;
  while (i < v.length - 1 && v[i] === 0) i++;
  let body = v.subarray(i);
  if (body[0] & 0x80) body = Uint8Array.from([0, ...body]);
  const len = body.length < 0x80 ? [body.length] : body.length < 0x100 ? [0x81, body.length] : [0x82, body.length >> 8, body.length & 0xff];
  return Uint8Array.from([0x02, ...len, ...body]);
}

/** The unsigned big-endian value of a DER INTEGER or of raw bytes, at most 256 bytes. */
function modpValue(enc: Uint8Array): Buffer {
  let v: Uint8Array = enc;
  if (enc[0] === 0x02 && enc.length > 2) {
    let len = enc[1];
    let off = 2;
    if (len === 0x81) [len, off] = [enc[2], 3];
    else if (len === 0x82) [len, off] = [(enc[2] << 8) | enc[3], 4];
    if (off + len === enc.length) v = enc.subarray(off);
  }
  let i = 0;
  while (i < v.length - 1 && v[i] === 0) i++;
  v = v.subarray(i);
  if (v.length === 0 || v.length > MODP_BYTES) throw new SecurityError('bad-dh', `DH+MODP-2048-256 public key of ${v.length} bytes`);
  return Buffer.from(v);
}

function modp(): KeyAgreement {
  const dh: DiffieHellmanGroup = getDiffieHellman('modp14');
  dh.generateKeys();
  const p = BigInt(`0x${dh.getPrime('hex')}`);
  return {
    algo: 'DH+MODP-2048-256',
    publicKey: derInteger(dh.getPublicKey()),
    sharedSecret(peer) {
      const y = modpValue(peer);
      const n = BigInt(`0x${y.toString('hex')}`);
      // 2 <= y <= p-2: rejects the trivial subgroup (0, 1, p-1) an attacker would use to force a known secret.
      if (n < 2n || n > p - 2n) throw new SecurityError('bad-dh', 'DH+MODP-2048-256 public key outside 2..p-2');
      const z = dh.computeSecret(y);
      const padded = Buffer.alloc(MODP_BYTES);
      z.copy(padded, MODP_BYTES - z.length);
      return new Uint8Array(createHash('sha256').update(padded).digest());
    },
  };
}

function ecdh(): KeyAgreement {
  const e: ECDH = createECDH('prime256v1');
  e.generateKeys();
  return {
    algo: 'ECDH+prime256v1-CEUM',
    publicKey: new Uint8Array(e.getPublicKey()),
    sharedSecret(peer) {
      if (peer.length !== 65 || peer[0] !== 0x04) throw new SecurityError('bad-dh', `ECDH+prime256v1-CEUM public key is not a 65-byte uncompressed point (${peer.length} bytes)`);
      try {
        return new Uint8Array(createHash('sha256').update(e.computeSecret(Buffer.from(peer))).digest());
      } catch (err) {
        throw new SecurityError('bad-dh', `ECDH+prime256v1-CEUM public key is not on the curve (${(err as Error).message})`);
      }
    },
  };
}

export function newKeyAgreement(algo: KagreeAlgo): KeyAgreement {
  return algo === 'DH+MODP-2048-256' ? modp() : ecdh();
}

/** Checks a peer's encoded public key without agreeing (for the first message, before we have our own key). */
export function checkPublicKey(algo: KagreeAlgo, enc: Uint8Array): void {
  if (algo === 'ECDH+prime256v1-CEUM') {
    if (enc.length !== 65 || enc[0] !== 0x04) throw new SecurityError('bad-dh', `dh: ECDH public key is not a 65-byte uncompressed point (${enc.length} bytes)`);
  } else modpValue(enc);
}
