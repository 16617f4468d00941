// The replay check of the AES-GCM-GMAC transforms: the IV suffixes a receiver accepted, per session. IV suffixes
// need not count up (Fast DDS 2.9.1 sends random ones, seen on the wire), so the check is an exact set of the
// last REPLAY_MEMORY suffixes of each of the last MAX_SESSIONS sessions, the oldest suffix forgotten first.
//
// It runs two or three times per secured sample, so it allocates nothing per check: a suffix is kept as its two
// 32-bit halves in an open-addressing hash table (linear probing, deletion by backward shift, at most half
// full) and in a ring in arrival order that says which to forget; both are typed arrays that grow (doubling) to
// their bound only as suffixes come.
import { randomBytes } from 'node:crypto';

/** IV suffixes remembered per session. */
export const REPLAY_MEMORY = 4096;
/** Sessions remembered per receiver (a sender's session changes rarely; forged ids cannot get this far). */
const MAX_SESSIONS = 8;
const FIRST_RING = 64;

/** True when `sessionId`'s IV suffix (`high` and `low` 32 bits) was seen; otherwise it is remembered. */
export class ReplayCheck {
  private readonly sessions = new Map<number, SuffixMemory>();
  private lastId = -1;
  private last: SuffixMemory | undefined;

  seen(sessionId: number, high: number, low: number): boolean {
    let m = sessionId === this.lastId ? this.last : this.sessions.get(sessionId);
    if (!m) {
      if (this.sessions.size >= MAX_SESSIONS) {
        const oldest = this.sessions.keys().next().value!;
        this.sessions.delete(oldest);
      }
      m = new SuffixMemory();
      this.sessions.set(sessionId, m);
    }
    this.lastId = sessionId;
    this.last = m;
    return m.seen(high >>> 0, low >>> 0);
  }
}

/** The last `capacity` suffixes of one session, exactly. */
export class SuffixMemory {
  // Hash table: a slot is taken when used[slot] is 1; at most half the slots are taken.
  private highs = new Uint32Array(FIRST_RING * 2);
  private lows = new Uint32Array(FIRST_RING * 2);
  private used = new Uint8Array(FIRST_RING * 2);
  private mask = FIRST_RING * 2 - 1;
  // Ring of the remembered suffixes in arrival order; `size` of them, the oldest at `oldest`.
  private ringHighs = new Uint32Array(FIRST_RING);
  private ringLows = new Uint32Array(FIRST_RING);
  private size = 0;
  private oldest = 0;

  /** Mixed into every home slot: which suffixes share a probe run is not for a sender to choose. */
  private readonly seed = randomBytes(4).readUInt32LE(0);

  constructor(private readonly capacity = REPLAY_MEMORY) {}

  /** Suffixes remembered now. */
  get count(): number {
    return this.size;
  }

  /** True when the suffix (`high`, `low`: unsigned 32-bit halves) is remembered; otherwise it is remembered now. */
  seen(high: number, low: number): boolean {
    const { highs, lows, used, mask } = this;
    for (let i = home(high, low, mask, this.seed); used[i] === 1; i = (i + 1) & mask) {
      if (lows[i] === low && highs[i] === high) return true;
    }
    if (this.size === this.capacity) {
      this.remove(this.ringHighs[this.oldest], this.ringLows[this.oldest]);
      this.oldest = (this.oldest + 1) % this.ringHighs.length;
      this.size--;
    } else if (this.size === this.ringHighs.length) this.grow();
    const at = (this.oldest + this.size) % this.ringHighs.length;
    this.ringHighs[at] = high;
    this.ringLows[at] = low;
    this.size++;
    this.insert(high, low);
    return false;
  }

  private insert(high: number, low: number): void {
    const { used, mask } = this;
    let i = home(high, low, mask, this.seed);
    while (used[i] === 1) i = (i + 1) & mask;
    used[i] = 1;
    this.highs[i] = high;
    this.lows[i] = low;
  }

  /** Deletes a suffix that is in the table, shifting back the entries of its probe run that may move. */
  private remove(high: number, low: number): void {
    const { highs, lows, used, mask } = this;
    let i = home(high, low, mask, this.seed);
    while (lows[i] !== low || highs[i] !== high) i = (i + 1) & mask;
    used[i] = 0;
    for (let j = (i + 1) & mask; used[j] === 1; j = (j + 1) & mask) {
      // The entry at j may fill the hole at i when i lies on its probe path (from its home slot to j).
      if (((j - home(highs[j], lows[j], mask, this.seed)) & mask) >= ((j - i) & mask)) {
        highs[i] = highs[j];
        lows[i] = lows[j];
        used[i] = 1;
        used[j] = 0;
        i = j;
      }
    }
  }

  /** Doubles the ring (full, not yet at capacity) and the table, which is rebuilt from the ring. */
  private grow(): void {
    const n = Math.min(this.ringHighs.length * 2, this.capacity);
    const rh = new Uint32Array(n);
    const rl = new Uint32Array(n);
    for (let k = 0; k < this.size; k++) {
      const from = (this.oldest + k) % this.ringHighs.length;
      rh[k] = this.ringHighs[from];
      rl[k] = this.ringLows[from];
    }
    this.ringHighs = rh;
    this.ringLows = rl;
    this.oldest = 0;
    let slots = this.used.length;
    while (slots < n * 2) slots *= 2;
    this.highs = new Uint32Array(slots);
    this.lows = new Uint32Array(slots);
    this.used = new Uint8Array(slots);
    this.mask = slots - 1;
    for (let k = 0; k < this.size; k++) this.insert(rh[k], rl[k]);
  }
}

/**
 * Home slot of a suffix: a 32-bit mix (murmur3's finalizer) of both halves and the table's random seed. Only
 * suffixes whose MAC verified get here (chosen by a holder of the key), and the table is never more than half full.
 */
function home(high: number, low: number, mask: number, seed: number): number {
  let h = (low ^ seed ^ Math.imul(high, 0x9e3779b1)) >>> 0;
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) & mask;
}
