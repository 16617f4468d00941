// The AES-GCM-GMAC transforms (DDS-Security 1.1 §9.5.3): a submessage becomes
//   SEC_PREFIX(CryptoHeader) SEC_BODY(CryptoContent) SEC_POSTFIX(CryptoFooter)     encrypting kinds (GCM)
//   SEC_PREFIX(CryptoHeader) <the submessage as is>  SEC_POSTFIX(CryptoFooter)     signing kinds (GMAC)
// and a whole message becomes RTPS header, SRTPS_PREFIX, SEC_BODY or the submessages, SRTPS_POSTFIX, where the
// protected plaintext is the original message with its header turned into an INFO_SRC submessage; signed (GMAC),
// that INFO_SRC travels in the clear as the first protected submessage (Fast DDS 2.9.1, seen on the wire).
//   CryptoHeader  = transformation_kind(4) transformation_key_id(4) session_id(4) initialization_vector_suffix(8)
//   CryptoContent = length(uint32, big-endian) ciphertext
//   CryptoFooter  = common_mac(16) sequence<{receiver_mac_key_id(4) receiver_mac(16)}> (count big-endian)
// IV = session_id | iv_suffix. GCM encrypts without AAD; GMAC is GCM with the plaintext as AAD and nothing
// encrypted; each receiver-specific MAC is GMAC over the common MAC with the receiver's session key. The
// receiving side drops (and counts) anything malformed, tampered, replayed or for a key it does not have.
import { createCipheriv, createDecipheriv, randomBytes, timingSafeEqual } from 'node:crypto';
import { ByteWriter } from '../../byte-writer.js';
import { RTPS_HEADER_SIZE } from '../../header.js';
import { FLAG_E, SubmessageId } from '../../submessages/ids.js';
import { encrypts, keyBytes, sessionKey, sessionReceiverKey, transformKindCode, transformKindOf, type KeyMaterial } from './key-material.js';

export const SEC_BODY = 0x30;
export const SEC_PREFIX = 0x31;
export const SEC_POSTFIX = 0x32;
export const SRTPS_PREFIX = 0x33;
export const SRTPS_POSTFIX = 0x34;

const HEADER_BYTES = 20;
const MAC_BYTES = 16;
/** Receiver-specific MACs accepted in one footer. */
const MAX_RECEIVER_MACS = 64;
/** Blocks (16 bytes) one session key protects before a new session starts (the spec's max_blocks_per_session). */
const MAX_BLOCKS_PER_SESSION = 1n << 32n;
/** IV suffixes remembered per session for the replay check (insertion order: the oldest is forgotten first). */
const REPLAY_MEMORY = 4096;

export interface CryptoStats {
  accepted: number;
  malformed: number;
  tampered: number;
  replayed: number;
  unknownKey: number;
}

/** Zeroed CryptoStats. */
export const newCryptoStats = (): CryptoStats => ({ accepted: 0, malformed: 0, tampered: 0, replayed: 0, unknownKey: 0 });

interface Header {
  kind: number;
  keyId: number;
  sessionId: number;
  ivSuffix: bigint;
  iv: Buffer;
}

function gcm(key: Buffer, iv: Buffer, plaintext: Buffer | undefined, aad: Buffer | undefined): { ciphertext: Buffer; tag: Buffer } {
  const c = createCipheriv(key.length === 16 ? 'aes-128-gcm' : 'aes-256-gcm', key, iv);
  if (aad) c.setAAD(aad);
  const ciphertext = plaintext ? Buffer.concat([c.update(plaintext), c.final()]) : (c.final(), Buffer.alloc(0));
  return { ciphertext, tag: c.getAuthTag() };
}

/** Decrypts (or, without ciphertext, checks the GMAC of `aad`); undefined when the tag does not verify. */
function gcmOpen(key: Buffer, iv: Buffer, ciphertext: Buffer | undefined, aad: Buffer | undefined, tag: Buffer): Buffer | undefined {
  try {
    const d = createDecipheriv(key.length === 16 ? 'aes-128-gcm' : 'aes-256-gcm', key, iv);
    d.setAuthTag(tag);
    if (aad) d.setAAD(aad);
    const out = ciphertext ? d.update(ciphertext) : Buffer.alloc(0);
    return Buffer.concat([out, d.final()]);
  } catch {
    return undefined;
  }
}

function submessage(w: ByteWriter, id: number, body: Buffer): void {
  w.u8(id).u8(FLAG_E).u16(body.length, true).bytes(body);
}

/** Protects submessages and messages with one sender key, for zero or more receiver-specific keys. */
export class CryptoSender {
  private sessionId = randomBytes(4).readUInt32BE(0);
  private ivSuffix = BigInt(`0x${randomBytes(8).toString('hex')}`) & ((1n << 62n) - 1n);
  private blocks = 0n;

  constructor(
    private readonly km: KeyMaterial,
    /** The receiver-specific key material given to each receiver (same sender key, own receiver key). */
    private readonly receivers: readonly KeyMaterial[] = [],
  ) {
    if (km.kind === 'NONE') throw new Error('CryptoSender needs an AES-GCM-GMAC transformation kind');
  }

  private header(plainBytes: number): Header {
    this.blocks += BigInt(Math.ceil(plainBytes / 16));
    if (this.blocks > MAX_BLOCKS_PER_SESSION) {
      this.sessionId = (this.sessionId + 1) >>> 0;
      this.blocks = 0n;
    }
    this.ivSuffix += 1n;
    const iv = Buffer.alloc(12);
    iv.writeUInt32BE(this.sessionId, 0);
    iv.writeBigUInt64BE(this.ivSuffix, 4);
    return { kind: transformKindCode(this.km.kind), keyId: this.km.senderKeyId, sessionId: this.sessionId, ivSuffix: this.ivSuffix, iv };
  }

  /**
   * A protected serialized payload (encrypting kinds): CryptoHeader | length(uint32 BE) ciphertext | common_mac
   * | receiver-MAC count (0), the layout CryptoReceiver.decodePayload reads (as Fast DDS 2.9.1 sends it).
   */
  protectPayload(plain: Buffer): Buffer {
    if (!encrypts(this.km.kind)) throw new Error('payload protection is only implemented for the encrypting kinds');
    const h = this.header(plain.length);
    const { ciphertext, tag } = gcm(sessionKey(this.km, h.sessionId), h.iv, plain, undefined);
    const out = Buffer.alloc(HEADER_BYTES + 4 + ciphertext.length + MAC_BYTES + 4);
    out.writeUInt32BE(h.kind, 0);
    out.writeUInt32BE(h.keyId, 4);
    h.iv.copy(out, 8);
    out.writeUInt32BE(ciphertext.length, HEADER_BYTES);
    ciphertext.copy(out, HEADER_BYTES + 4);
    tag.copy(out, HEADER_BYTES + 4 + ciphertext.length);
    return out;
  }

  /** prefix body + (body or plaintext) + footer, as submessages; `plain` is the protected plaintext. */
  private protect(prefixId: number, postfixId: number, plain: Buffer, clear: Buffer): Buffer {
    const h = this.header(plain.length);
    const key = sessionKey(this.km, h.sessionId);
    const enc = encrypts(this.km.kind);
    const { ciphertext, tag } = enc ? gcm(key, h.iv, plain, undefined) : gcm(key, h.iv, undefined, plain);
    const w = new ByteWriter(plain.length + 96, true);
    const hb = Buffer.alloc(HEADER_BYTES);
    hb.writeUInt32BE(h.kind, 0);
    hb.writeUInt32BE(h.keyId, 4);
    h.iv.copy(hb, 8);
    submessage(w, prefixId, hb);
    if (enc) {
      const body = Buffer.alloc(4 + ciphertext.length);
      body.writeUInt32BE(ciphertext.length, 0);
      ciphertext.copy(body, 4);
      submessage(w, SEC_BODY, body);
    } else w.bytes(clear);
    const foot = Buffer.alloc(MAC_BYTES + 4 + this.receivers.length * 20);
    tag.copy(foot, 0);
    foot.writeUInt32BE(this.receivers.length, MAC_BYTES);
    this.receivers.forEach((r, i) => {
      const rmac = gcm(sessionReceiverKey(r, h.sessionId), h.iv, undefined, tag).tag;
      foot.writeUInt32BE(r.receiverSpecificKeyId, MAC_BYTES + 4 + i * 20);
      rmac.copy(foot, MAC_BYTES + 8 + i * 20);
    });
    submessage(w, postfixId, foot);
    return w.finish();
  }

  /** SEC_PREFIX … SEC_POSTFIX around one whole submessage (header included). */
  protectSubmessage(sub: Buffer): Buffer {
    return this.protect(SEC_PREFIX, SEC_POSTFIX, sub, sub);
  }

  /** An RTPS message → its header followed by SRTPS_PREFIX … SRTPS_POSTFIX. */
  protectMessage(message: Buffer): Buffer {
    const header = message.subarray(0, RTPS_HEADER_SIZE);
    // The INFO_SRC travels inside (encrypted, or in the clear and signed), as Fast DDS 2.9.1 sends it.
    const plain = Buffer.concat([infoSrcOf(header), message.subarray(RTPS_HEADER_SIZE)]);
    return Buffer.concat([header, this.protect(SRTPS_PREFIX, SRTPS_POSTFIX, plain, plain)]);
  }
}

/** INFO_SRC carrying the RTPS header's version, vendor and GUID prefix (the header as a submessage). */
function infoSrcOf(header: Buffer): Buffer {
  const w = new ByteWriter(24, true);
  w.u8(SubmessageId.INFO_SRC).u8(FLAG_E).u16(20, true).u32(0).bytes(header.subarray(4, 20));
  return w.finish();
}

interface Sub {
  id: number;
  body: Buffer;
  /** The whole submessage (header and body). */
  raw: Buffer;
}

function readSub(buf: Buffer, pos: number): Sub | undefined {
  if (pos + 4 > buf.length) return undefined;
  const le = (buf[pos + 1] & FLAG_E) !== 0;
  const len = le ? buf.readUInt16LE(pos + 2) : buf.readUInt16BE(pos + 2);
  if (pos + 4 + len > buf.length) return undefined;
  return { id: buf[pos], body: buf.subarray(pos + 4, pos + 4 + len), raw: buf.subarray(pos, pos + 4 + len) };
}

/** Verifies and opens what one remote sender protected, with the key material it sent us. */
export class CryptoReceiver {
  readonly stats: CryptoStats;
  /** session id → the IV suffixes seen lately. */
  private readonly seen = new Map<number, Set<bigint>>();

  constructor(
    /** The remote sender's key material as its crypto token gave it (with our receiver-specific key, if any). */
    private readonly km: KeyMaterial,
    /** Counters to add to (a participant's, shared by all its receivers); default: this receiver's own. */
    stats?: CryptoStats,
  ) {
    this.stats = stats ?? newCryptoStats();
  }

  private drop(what: keyof Omit<CryptoStats, 'accepted'>): undefined {
    this.stats[what]++;
    return undefined;
  }

  /**
   * Replay check. IV suffixes need not count up (Fast DDS 2.9.1 sends random ones, seen on the wire), so the
   * last REPLAY_MEMORY suffixes of each session are remembered and a repeat of any of them is refused.
   */
  private replayed(sessionId: number, suffix: bigint): boolean {
    let s = this.seen.get(sessionId);
    if (!s) {
      if (this.seen.size >= 8) this.seen.delete(this.seen.keys().next().value!);
      s = new Set();
      this.seen.set(sessionId, s);
    }
    if (s.has(suffix)) return true;
    s.add(suffix);
    if (s.size > REPLAY_MEMORY) s.delete(s.values().next().value!);
    return false;
  }

  /** Opens prefix … postfix starting at `pos`; returns the plaintext and where the postfix ends. */
  private open(buf: Buffer, pos: number, prefixId: number, postfixId: number): { plain: Buffer; end: number } | undefined {
    const prefix = readSub(buf, pos);
    if (!prefix || prefix.id !== prefixId || prefix.body.length < HEADER_BYTES) return this.drop('malformed');
    const hb = prefix.body;
    let kind;
    try {
      kind = transformKindOf(hb.readUInt32BE(0));
    } catch {
      return this.drop('malformed');
    }
    if (kind !== this.km.kind || hb.readUInt32BE(4) !== this.km.senderKeyId || keyBytes(kind) === 0) return this.drop('unknownKey');
    const sessionId = hb.readUInt32BE(8);
    const ivSuffix = hb.readBigUInt64BE(12);
    const iv = Buffer.from(hb.subarray(8, 20));
    // The protected part: SEC_BODY, or the clear submessages up to the postfix.
    let at = pos + prefix.raw.length;
    let ciphertext: Buffer | undefined;
    let clearStart = at;
    if (encrypts(kind)) {
      const body = readSub(buf, at);
      if (!body || body.id !== SEC_BODY || body.body.length < 4 || body.body.readUInt32BE(0) !== body.body.length - 4) return this.drop('malformed');
      ciphertext = body.body.subarray(4);
      at += body.raw.length;
      clearStart = at;
    }
    let postfix: Sub | undefined;
    for (let n = 0; n < 4096; n++) {
      const s = readSub(buf, at);
      if (!s) return this.drop('malformed');
      if (s.id === postfixId) {
        postfix = s;
        break;
      }
      if (encrypts(kind)) return this.drop('malformed');
      at += s.raw.length;
    }
    if (!postfix || postfix.body.length < MAC_BYTES + 4) return this.drop('malformed');
    const count = postfix.body.readUInt32BE(MAC_BYTES);
    if (count > MAX_RECEIVER_MACS || postfix.body.length < MAC_BYTES + 4 + count * 20) return this.drop('malformed');
    const tag = Buffer.from(postfix.body.subarray(0, MAC_BYTES));
    const clear = buf.subarray(clearStart, at);
    const key = sessionKey(this.km, sessionId);
    const plain = encrypts(kind) ? gcmOpen(key, iv, ciphertext, undefined, tag) : gcmOpen(key, iv, undefined, clear, tag) && clear;
    if (plain === undefined) return this.drop('tampered');
    if (this.km.receiverSpecificKeyId !== 0) {
      let ok = false;
      for (let i = 0; i < count; i++) {
        const off = MAC_BYTES + 4 + i * 20;
        if (postfix.body.readUInt32BE(off) !== this.km.receiverSpecificKeyId) continue;
        const expect = gcm(sessionReceiverKey(this.km, sessionId), iv, undefined, tag).tag;
        ok = timingSafeEqual(expect, postfix.body.subarray(off + 4, off + 20));
      }
      if (!ok) return this.drop('tampered');
    }
    if (this.replayed(sessionId, ivSuffix)) return this.drop('replayed');
    return { plain, end: at + postfix.raw.length };
  }

  /**
   * The clear serialized payload of a protected one (DDS-Security 1.1 §9.5.3.3.4), laid out as Fast DDS 2.9.1
   * sends it (seen on the wire): CryptoHeader(20) | length(uint32 BE) ciphertext | common_mac(16)
   * receiver-MAC count(uint32 BE) MACs, then up to 3 bytes of DATA padding; no encapsulation header of its own.
   * Encrypting kinds only. Undefined when malformed, for another key, tampered or replayed (counted).
   */
  decodePayload(payload: Buffer): Buffer | undefined {
    if (payload.length < HEADER_BYTES + 4 + MAC_BYTES + 4) return this.drop('malformed');
    let kind;
    try {
      kind = transformKindOf(payload.readUInt32BE(0));
    } catch {
      return this.drop('malformed');
    }
    if (kind !== this.km.kind || payload.readUInt32BE(4) !== this.km.senderKeyId || !encrypts(kind)) return this.drop('unknownKey');
    const sessionId = payload.readUInt32BE(8);
    const ivSuffix = payload.readBigUInt64BE(12);
    const iv = Buffer.from(payload.subarray(8, 20));
    const len = payload.readUInt32BE(HEADER_BYTES);
    const macAt = HEADER_BYTES + 4 + len;
    if (macAt + MAC_BYTES + 4 > payload.length) return this.drop('malformed');
    const count = payload.readUInt32BE(macAt + MAC_BYTES);
    if (count > MAX_RECEIVER_MACS || macAt + MAC_BYTES + 4 + count * 20 > payload.length || payload.length - (macAt + MAC_BYTES + 4 + count * 20) > 3) return this.drop('malformed');
    const plain = gcmOpen(sessionKey(this.km, sessionId), iv, payload.subarray(HEADER_BYTES + 4, macAt), undefined, Buffer.from(payload.subarray(macAt, macAt + MAC_BYTES)));
    if (plain === undefined) return this.drop('tampered');
    if (this.replayed(sessionId, ivSuffix)) return this.drop('replayed');
    this.stats.accepted++;
    return plain;
  }

  /** The submessage inside SEC_PREFIX … SEC_POSTFIX at the start of `buf` (or at `at`), or undefined (dropped, counted). */
  unprotectSubmessage(buf: Buffer, at = 0): Buffer | undefined {
    const r = this.open(buf, at, SEC_PREFIX, SEC_POSTFIX);
    if (!r) return undefined;
    this.stats.accepted++;
    return r.plain;
  }

  /** The original RTPS message of an SRTPS-protected one, or undefined (dropped, counted). */
  unprotectMessage(message: Buffer): Buffer | undefined {
    if (message.length < RTPS_HEADER_SIZE) return this.drop('malformed');
    const header = message.subarray(0, RTPS_HEADER_SIZE);
    // Encrypted: SEC_BODY holds INFO_SRC + the submessages; signed: they are in the clear (the inner SEC runs of
    // protected submessages included), the MAC over exactly those bytes.
    const r = this.open(message, RTPS_HEADER_SIZE, SRTPS_PREFIX, SRTPS_POSTFIX);
    if (!r) return undefined;
    const plain = r.plain;
    const src = readSub(plain, 0);
    if (!src || src.id !== SubmessageId.INFO_SRC || !src.body.subarray(4, 20).equals(header.subarray(4, 20))) return this.drop('tampered');
    this.stats.accepted++;
    return Buffer.concat([header, plain.subarray(src.raw.length)]);
  }
}

/** The transformation kind code and key id in the CryptoHeader of the SEC_PREFIX at `at`, if it frames one. */
export function cryptoHeaderKey(buf: Buffer, at: number): { kind: number; keyId: number } | undefined {
  const prefix = readSub(buf, at);
  if (!prefix || prefix.id !== SEC_PREFIX || prefix.body.length < HEADER_BYTES) return undefined;
  return { kind: prefix.body.readUInt32BE(0), keyId: prefix.body.readUInt32BE(4) };
}
