// The two key agreements of PKI-DH (DDS-Security 1.1 §9.3.2.5): DH+MODP-2048-256 (RFC 5114 §2.3, the 2048-bit
// MODP group with a 256-bit prime-order subgroup: what the name says and what Fast DDS uses, OpenSSL's
// DH_get_2048_256; found against the live peer, phase 1 had wrongly taken RFC 3526 group 14) and
// ECDH+prime256v1-CEUM (P-256, public key as an uncompressed point). Node's crypto does the arithmetic and
// checks peer keys. The MODP public key travels as raw big-endian bytes without leading zeros (what Fast DDS
// 2.9.1 sends and requires: seen on the wire, 255 or 256 bytes); a DER INTEGER (longer than 256 bytes) is
// accepted too. The shared secret handed on is SHA-256 of the agreed value.
import { createDiffieHellman, createECDH, createHash, type DiffieHellman, type ECDH } from 'node:crypto';
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

/** RFC 5114 §2.3 prime p, generator g and subgroup order q (as OpenSSL's `genpkey -pkeyopt dh_rfc5114:3` prints them). */
const RFC5114_P = BigInt(
  '0x' +
  '87A8E61DB4B6663CFFBBD19C651959998CEEF608660DD0F25D2CEED4435E3B00E00DF8F1D61957D4FAF7DF4561B2AA30' +
  '16C3D91134096FAA3BF4296D830E9A7C209E0C6497517ABD5A8A9D306BCF67ED91F9E6725B4758C022E0B1EF4275BF7B' +
  '6C5BFC11D45F9088B941F54EB1E59BB8BC39A0BF12307F5C4FDB70C581B23F76B63ACAE1CAA6B7902D52526735488A0E' +
  'F13C6D9A51BFA4AB3AD8347796524D8EF6A167B5A41825D967E144E5140564251CCACB83E6B486F6B3CA3F7971506026' +
  'C0B857F689962856DED4010ABD0BE621C3A3960A54E710C375F26375D7014103A4B54330C198AF126116D2276E11715F' +
  '693877FAD7EF09CADB094AE91E1A1597',
);
const RFC5114_G = BigInt(
  '0x' +
  '3FB32C9B73134D0B2E77506660EDBD484CA7B18F21EF205407F4793A1A0BA12510DBC15077BE463FFF4FED4AAC0BB555' +
  'BE3A6C1B0C6B47B1BC3773BF7E8C6F62901228F8C28CBB18A55AE31341000A650196F931C77A57F2DDF463E5E9EC144B' +
  '777DE62AAAB8A8628AC376D282D6ED3864E67982428EBC831D14348F6F2F9193B5045AF2767164E1DFC967C1FB3F2E55' +
  'A4BD1BFFE83B9C80D052B985D182EA0ADB2A3B7313D3FE14C8484B1E052588B9B7D2BBD2DF016199ECD06E1557CD0915' +
  'B3353BBB64E0EC377FD028370DF92B52C7891428CDC67EB6184B523D1DB246C32F63078490F00EF8D647D148D4795451' +
  '5E2327CFEF98C582664B4C0F6CC41659',
);
const RFC5114_Q = BigInt('0x8CF83642A709A097B447997640129DA299B1A47D1EB3750BA308B0FE64F5FBD3');

const toBytes = (n: bigint): Buffer => Buffer.from(n.toString(16).padStart(MODP_BYTES * 2, '0'), 'hex');

function modPow(base: bigint, exp: bigint, m: bigint): bigint {
  let r = 1n;
  let b = base % m;
  for (let e = exp; e > 0n; e >>= 1n) {
    if (e & 1n) r = (r * b) % m;
    b = (b * b) % m;
  }
  return r;
}

/** Big-endian bytes without leading zeros (OpenSSL's BN_bn2bin). */
function minimal(v: Uint8Array): Uint8Array {
  let i = 0;
  while (i < v.length - 1 && v[i] === 0) i++;
  return new Uint8Array(v.subarray(i));
}

/** The unsigned big-endian value of raw bytes (at most 256) or of a DER INTEGER (only longer encodings are DER). */
function modpValue(enc: Uint8Array): Buffer {
  let v: Uint8Array = enc;
  if (enc.length > MODP_BYTES && enc[0] === 0x02) {
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
  const dh: DiffieHellman = createDiffieHellman(toBytes(RFC5114_P), toBytes(RFC5114_G));
  dh.generateKeys();
  const p = RFC5114_P;
  return {
    algo: 'DH+MODP-2048-256',
    publicKey: minimal(dh.getPublicKey()),
    sharedSecret(peer) {
      const y = modpValue(peer);
      const n = BigInt(`0x${y.toString('hex')}`);
      // 2 <= y <= p-2: rejects the trivial subgroup (0, 1, p-1) an attacker would use to force a known secret.
      if (n < 2n || n > p - 2n) throw new SecurityError('bad-dh', 'DH+MODP-2048-256 public key outside 2..p-2');
      // The group is not a safe prime: a key outside the order-q subgroup would leak bits of our private key.
      if (modPow(n, RFC5114_Q, p) !== 1n) throw new SecurityError('bad-dh', 'DH+MODP-2048-256 public key is not in the order-q subgroup');
      // Hashed without leading zeros, as OpenSSL's EVP_PKEY_derive (no DH padding) gives it to Fast DDS.
      return new Uint8Array(createHash('sha256').update(minimal(dh.computeSecret(y))).digest());
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
