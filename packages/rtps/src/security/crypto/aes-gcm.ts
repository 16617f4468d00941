// Opening AES-GCM protected data with one key for many messages. Two backends with the same results:
// - the addon (native-addon.ts): the key is set up once per key and each message
//   only sets its IV, which for 1 KiB samples is several times cheaper (docs/sros2.md, "Speed");
// - Node.js's crypto, when the addon is not built or cannot load: a createDecipheriv per message (Node.js 20
//   cannot give a cipher a new IV, so the key is expanded every time).
import { createDecipheriv } from 'node:crypto';
import { rtpsAddon, rtpsAddonError, type RtpsAddon } from '../../native-addon.js';

/** Which implementation opens protected data in this process. */
export type AesGcmBackend = 'addon' | 'node-crypto';

/** One AES-GCM key (16 or 32 bytes), set up once, opening many messages. */
export interface AesGcmKey {
  /**
   * Decrypts `ciphertext` and verifies the tag over `aad` and `ciphertext` with the 12-byte IV at `ivAt` of `iv`
   * and the 16-byte tag at `tagAt` of `tag`; without ciphertext it verifies a GMAC of `aad`. Returns the plaintext
   * (its own bytes, not a view of the input; empty without ciphertext), or undefined when the tag does not verify
   * or the IV or tag lies outside its Buffer. The IV and tag are read before it returns: their Buffers may be reused.
   */
  open(iv: Buffer, ivAt: number, tag: Buffer, tagAt: number, ciphertext: Buffer | undefined, aad: Buffer | undefined): Buffer | undefined;
}

const IV_BYTES = 12;
const TAG_BYTES = 16;
const EMPTY = Buffer.alloc(0);

/** The backend `aesGcmKey` uses by default: the addon when it loaded. */
export const aesGcmBackend: AesGcmBackend = rtpsAddon ? 'addon' : 'node-crypto';

/** Why the addon is not in use (undefined when it is): for start-up diagnostics and tests. */
export const aesGcmAddonError: string | undefined = rtpsAddonError;

/** The IV and tag copied out of the message (createDecipheriv keeps no reference to them). */
const IV = Buffer.alloc(IV_BYTES);
const TAG = Buffer.alloc(TAG_BYTES);

/** Whether the IV at `ivAt` or the tag at `tagAt` does not fit in its Buffer (offsets come from peer data). */
const outOfBounds = (iv: Buffer, ivAt: number, tag: Buffer, tagAt: number): boolean =>
  !(ivAt >= 0 && ivAt + IV_BYTES <= iv.length && tagAt >= 0 && tagAt + TAG_BYTES <= tag.length);

/** Copies `n` bytes of `buf` from `at` into `to` (a byte loop: cheaper than a view or Buffer.copy for 12 or 16). */
function take(to: Buffer, buf: Buffer, at: number, n: number): Buffer {
  for (let i = 0; i < n; i++) to[i] = buf[at + i];
  return to;
}

class NodeCryptoKey implements AesGcmKey {
  private readonly algorithm: 'aes-128-gcm' | 'aes-256-gcm';

  constructor(private readonly key: Buffer) {
    this.algorithm = key.length === 16 ? 'aes-128-gcm' : 'aes-256-gcm';
  }

  open(iv: Buffer, ivAt: number, tag: Buffer, tagAt: number, ciphertext: Buffer | undefined, aad: Buffer | undefined): Buffer | undefined {
    if (outOfBounds(iv, ivAt, tag, tagAt)) return undefined;
    try {
      const d = createDecipheriv(this.algorithm, this.key, take(IV, iv, ivAt, IV_BYTES));
      d.setAuthTag(take(TAG, tag, tagAt, TAG_BYTES));
      if (aad) d.setAAD(aad);
      const out = ciphertext ? d.update(ciphertext) : EMPTY;
      const rest = d.final();
      // GCM is a stream mode: final() verifies the tag and has nothing more to give (no copy of the plaintext then).
      return rest.length === 0 ? out : Buffer.concat([out, rest]);
    } catch {
      return undefined;
    }
  }
}

class AddonKey implements AesGcmKey {
  private readonly context: unknown;

  constructor(
    private readonly addon: RtpsAddon,
    key: Buffer,
  ) {
    this.context = addon.createDecryptContext(key);
  }

  open(iv: Buffer, ivAt: number, tag: Buffer, tagAt: number, ciphertext: Buffer | undefined, aad: Buffer | undefined): Buffer | undefined {
    if (outOfBounds(iv, ivAt, tag, tagAt)) return undefined;
    // From Node.js's pool below 4 KiB: an ArrayBuffer per message cost half as much as opening it. A kept sample
    // pins its pool slab (8 KiB) as an unprotected one pins the datagram it came in.
    const out = ciphertext && ciphertext.length > 0 ? Buffer.allocUnsafe(ciphertext.length) : null;
    if (!this.addon.open(this.context, iv, ivAt, tag, tagAt, out && ciphertext!, aad ?? null, out)) return undefined;
    return out ?? EMPTY;
  }
}

/**
 * A key for opening many messages, with `backend` (default: the addon when it loaded). Throws when `key` is not 16
 * or 32 bytes, or when the addon is asked for and not loaded.
 */
export function aesGcmKey(key: Buffer, backend: AesGcmBackend = aesGcmBackend): AesGcmKey {
  if (key.length !== 16 && key.length !== 32) throw new RangeError(`an AES-GCM key is 16 or 32 bytes, not ${key.length}`);
  if (backend === 'node-crypto') return new NodeCryptoKey(key);
  if (!rtpsAddon) throw new Error(`the AES-GCM addon is not loaded: ${rtpsAddonError}`);
  return new AddonKey(rtpsAddon, key);
}
