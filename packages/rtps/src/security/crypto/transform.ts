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
import { createCipheriv, randomBytes } from 'node:crypto';
import { ByteWriter } from '../../byte-writer.js';
import { RTPS_HEADER_SIZE } from '../../header.js';
import { FLAG_E, SubmessageId } from '../../submessages/ids.js';
import { aesGcmKey, type AesGcmKey } from './aes-gcm.js';
import { ReplayCheck } from './replay.js';
import { encrypts, keyBytes, sessionKey, sessionReceiverKey, transformKindCode, transformKindOf, type KeyMaterial } from './key-material.js';

export const SEC_BODY = SubmessageId.SEC_BODY;
export const SEC_PREFIX = SubmessageId.SEC_PREFIX;
export const SEC_POSTFIX = SubmessageId.SEC_POSTFIX;
export const SRTPS_PREFIX = SubmessageId.SRTPS_PREFIX;
export const SRTPS_POSTFIX = SubmessageId.SRTPS_POSTFIX;

const HEADER_BYTES = 20;
/** Where a CryptoHeader's fields start: transformation kind code, then transformation key id. */
export const CryptoHeaderField = { KIND: 0, KEY_ID: 4 } as const;
/** The transformation key id of the Kx key material (the volatile secure channel's keys, from the handshake). */
export const KX_KEY_ID = 0;
const MAC_BYTES = 16;
/** Receiver-specific MACs accepted in one footer. */
const MAX_RECEIVER_MACS = 64;
/** Blocks (16 bytes) one session key protects before a new session starts (the spec's max_blocks_per_session). */
const MAX_BLOCKS_PER_SESSION = 1n << 32n;

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

/** Session keys of one key material by session id (raw, or set up for opening): an HMAC per protected message otherwise. */
class SessionKeys<K> {
  private readonly keys = new Map<number, K>();
  private lastId = -1;
  private last: K | undefined;

  constructor(private readonly derive: (sessionId: number) => K) {}

  get(sessionId: number): K {
    if (sessionId === this.lastId) return this.last!;
    let k = this.keys.get(sessionId);
    if (!k) {
      // Bounded: a peer's sessions change rarely; forged session ids must not grow this.
      if (this.keys.size >= 8) this.keys.delete(this.keys.keys().next().value!);
      k = this.derive(sessionId);
      this.keys.set(sessionId, k);
    }
    this.lastId = sessionId;
    this.last = k;
    return k;
  }
}

function submessage(w: ByteWriter, id: number, body: Buffer): void {
  w.u8(id).u8(FLAG_E).u16(body.length, true).bytes(body);
}

/** Protects submessages and messages with one sender key, for zero or more receiver-specific keys. */
export class CryptoSender {
  private sessionId = randomBytes(4).readUInt32BE(0);
  // A random start: the Kx keys are the same both ways (two senders with one key).
  private ivSuffix = randomBytes(8).readBigUInt64BE(0) >> 12n;
  private blocks = 0n;
  private readonly keys: SessionKeys<Buffer>;

  constructor(
    private readonly km: KeyMaterial,
    /** The receiver-specific key material given to each receiver (same sender key, own receiver key). */
    private readonly receivers: readonly KeyMaterial[] = [],
  ) {
    if (km.kind === 'NONE') throw new Error('CryptoSender needs an AES-GCM-GMAC transformation kind');
    this.keys = new SessionKeys((id) => sessionKey(km, id));
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
    const { ciphertext, tag } = gcm(this.keys.get(h.sessionId), h.iv, plain, undefined);
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
    const key = this.keys.get(h.sessionId);
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

/** Where the submessage at `pos` ends, or -1 when its header or body runs past the buffer. */
function subEnd(buf: Buffer, pos: number): number {
  if (pos + 4 > buf.length) return -1;
  const len = (buf[pos + 1] & FLAG_E) !== 0 ? buf.readUInt16LE(pos + 2) : buf.readUInt16BE(pos + 2);
  return pos + 4 + len > buf.length ? -1 : pos + 4 + len;
}

/** Verifies and opens what one remote sender protected, with the key material it sent us. */
export class CryptoReceiver {
  readonly stats: CryptoStats;
  private readonly replay = new ReplayCheck();
  private readonly keys: SessionKeys<AesGcmKey>;
  private readonly receiverKeys: SessionKeys<AesGcmKey>;

  constructor(
    /** The remote sender's key material as its crypto token gave it (with our receiver-specific key, if any). */
    private readonly km: KeyMaterial,
    /** Counters to add to (a participant's, shared by all its receivers); default: this receiver's own. */
    stats?: CryptoStats,
  ) {
    this.stats = stats ?? newCryptoStats();
    this.keys = new SessionKeys((id) => aesGcmKey(sessionKey(km, id)));
    this.receiverKeys = new SessionKeys((id) => aesGcmKey(sessionReceiverKey(km, id)));
  }

  private drop(what: keyof Omit<CryptoStats, 'accepted'>): undefined {
    this.stats[what]++;
    return undefined;
  }

  /**
   * Opens prefix … postfix starting at `pos`; returns the plaintext (a view of `buf` when signed). Walks the run by
   * offsets (this runs for every protected submessage and message: no objects per submessage).
   */
  private open(buf: Buffer, pos: number, prefixId: number, postfixId: number): Buffer | undefined {
    const prefixEnd = subEnd(buf, pos);
    if (prefixEnd < 0 || buf[pos] !== prefixId || prefixEnd - pos - 4 < HEADER_BYTES) return this.drop('malformed');
    const hb = pos + 4;
    let kind;
    try {
      kind = transformKindOf(buf.readUInt32BE(hb));
    } catch {
      return this.drop('malformed');
    }
    if (kind !== this.km.kind || buf.readUInt32BE(hb + 4) !== this.km.senderKeyId || keyBytes(kind) === 0) return this.drop('unknownKey');
    const sessionId = buf.readUInt32BE(hb + 8);
    const enc = encrypts(kind);
    // The protected part: SEC_BODY, or the clear submessages up to the postfix.
    let at = prefixEnd;
    let ciphertext: Buffer | undefined;
    if (enc) {
      const bodyEnd = subEnd(buf, at);
      if (bodyEnd < 0 || buf[at] !== SEC_BODY || bodyEnd - at - 4 < 4 || buf.readUInt32BE(at + 4) !== bodyEnd - at - 8) return this.drop('malformed');
      ciphertext = buf.subarray(at + 8, bodyEnd);
      at = bodyEnd;
    }
    const clearStart = at;
    let postfixEnd = -1;
    for (let n = 0; n < 4096; n++) {
      const e = subEnd(buf, at);
      if (e < 0) return this.drop('malformed');
      if (buf[at] === postfixId) {
        postfixEnd = e;
        break;
      }
      if (enc) return this.drop('malformed');
      at = e;
    }
    const pb = at + 4;
    const postfixLen = postfixEnd - pb;
    if (postfixEnd < 0 || postfixLen < MAC_BYTES + 4) return this.drop('malformed');
    const count = buf.readUInt32BE(pb + MAC_BYTES);
    if (count > MAX_RECEIVER_MACS || postfixLen < MAC_BYTES + 4 + count * 20) return this.drop('malformed');
    const key = this.keys.get(sessionId);
    const clear = enc ? undefined : buf.subarray(clearStart, at);
    const plain = enc ? key.open(buf, hb + 8, buf, pb, ciphertext, undefined) : key.open(buf, hb + 8, buf, pb, undefined, clear) && clear;
    if (plain === undefined) return this.drop('tampered');
    if (this.km.receiverSpecificKeyId !== 0) {
      let ok = false;
      for (let i = 0; i < count; i++) {
        const off = pb + MAC_BYTES + 4 + i * 20;
        if (buf.readUInt32BE(off) !== this.km.receiverSpecificKeyId) continue;
        // The receiver MAC is a GMAC of the common MAC: verified by the same opening (a constant-time tag check).
        ok = this.receiverKeys.get(sessionId).open(buf, hb + 8, buf, off + 4, undefined, buf.subarray(pb, pb + MAC_BYTES)) !== undefined;
      }
      if (!ok) return this.drop('tampered');
    }
    if (this.replay.seen(sessionId, buf.readUInt32BE(hb + 12), buf.readUInt32BE(hb + 16))) return this.drop('replayed');
    return plain;
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
    const len = payload.readUInt32BE(HEADER_BYTES);
    const macAt = HEADER_BYTES + 4 + len;
    if (macAt + MAC_BYTES + 4 > payload.length) return this.drop('malformed');
    const count = payload.readUInt32BE(macAt + MAC_BYTES);
    if (count > MAX_RECEIVER_MACS || macAt + MAC_BYTES + 4 + count * 20 > payload.length || payload.length - (macAt + MAC_BYTES + 4 + count * 20) > 3) return this.drop('malformed');
    const plain = this.keys.get(sessionId).open(payload, 8, payload, macAt, payload.subarray(HEADER_BYTES + 4, macAt), undefined);
    if (plain === undefined) return this.drop('tampered');
    if (this.replay.seen(sessionId, payload.readUInt32BE(12), payload.readUInt32BE(16))) return this.drop('replayed');
    this.stats.accepted++;
    return plain;
  }

  /** The submessage inside SEC_PREFIX … SEC_POSTFIX at the start of `buf` (or at `at`), or undefined (dropped, counted). */
  unprotectSubmessage(buf: Buffer, at = 0): Buffer | undefined {
    const plain = this.open(buf, at, SEC_PREFIX, SEC_POSTFIX);
    if (!plain) return undefined;
    this.stats.accepted++;
    return plain;
  }

  /** The original RTPS message of an SRTPS-protected one, or undefined (dropped, counted). */
  unprotectMessage(message: Buffer): Buffer | undefined {
    const subs = this.openMessage(message);
    return subs && Buffer.concat([message.subarray(0, RTPS_HEADER_SIZE), subs]);
  }

  /**
   * The submessages of the original RTPS message of an SRTPS-protected one (what followed its header, which is
   * `message`'s own: the INFO_SRC inside must repeat it), or undefined (dropped, counted). Signed, a view into
   * `message`: nothing copied.
   */
  openMessage(message: Buffer): Buffer | undefined {
    if (message.length < RTPS_HEADER_SIZE) return this.drop('malformed');
    // Encrypted: SEC_BODY holds INFO_SRC + the submessages; signed: they are in the clear (the inner SEC runs of
    // protected submessages included), the MAC over exactly those bytes.
    const plain = this.open(message, RTPS_HEADER_SIZE, SRTPS_PREFIX, SRTPS_POSTFIX);
    if (!plain) return undefined;
    const srcEnd = subEnd(plain, 0);
    if (srcEnd < 24 || plain[0] !== SubmessageId.INFO_SRC) return this.drop('tampered');
    // INFO_SRC: unused(4) version(2) vendor(2) GUID prefix(12), against the header's bytes 4..20.
    for (let i = 4; i < 20; i++) if (plain[4 + i] !== message[i]) return this.drop('tampered');
    this.stats.accepted++;
    return plain.subarray(srcEnd);
  }
}

/**
 * Where the CryptoHeader (transformation kind code, then key id) of the SEC_PREFIX at `at` starts, or -1 when
 * `at` frames none. An offset, not an object: this runs for every protected submessage.
 */
export function cryptoHeaderAt(buf: Buffer, at: number): number {
  const end = subEnd(buf, at);
  return end < 0 || buf[at] !== SEC_PREFIX || end - at - 4 < HEADER_BYTES ? -1 : at + 4;
}
