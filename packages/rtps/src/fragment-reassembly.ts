// Reassembly of DATA_FRAG samples, per remote writer, bounded in count, bytes and time, within a
// participant-wide byte budget. A sample is assembled in place: its buffer (the announced sampleSize,
// one allocation) is made at its first fragment and each fragment is copied into it once, straight
// from the datagram. The announced size is what is charged, to the writer's byte cap and to the
// budget, so a DATA_FRAG claiming a large sample costs that much until the sample completes, is
// evicted or times out. A writer's buffers that are given up (evicted, expired, skipped) are kept
// for its next sample (the largest one, charged as before): a peer starting sample after sample that
// it never finishes, with a lying sampleSize, makes no allocation after its first one, so it cannot
// churn external memory into a storm of full garbage collections.

import type { RtpsTime } from './time.js';

/**
 * Fragments per sample accepted: a 64 MiB sample in 1 KiB fragments. Bounds the per-sample
 * bookkeeping and the scans of `missing` (run on every HEARTBEAT_FRAG and HEARTBEAT); a sample
 * cut finer than this is dropped.
 */
export const MAX_FRAGMENTS_PER_SAMPLE = 65_536;

export interface ReassemblyLimits {
  /** Largest sample accepted (bytes). */
  maxSampleSize: number;
  /** Samples reassembled at once per writer. */
  maxPerWriter: number;
  /** Bytes one writer's reassembly buffers may hold at once (announced sample sizes, and its kept buffer). */
  maxBytesPerWriter: number;
  /** Incomplete samples older than this are dropped (ms); a buffer kept for reuse is released after as long unused. */
  timeoutMs: number;
}

/** Shared byte budget across all writers of a participant. */
export class ReassemblyBudget {
  used = 0;
  constructor(readonly limit: number) {}
}

interface Partial {
  /** The sample's bytes: `backing` itself, or its start when a larger kept buffer was reused. */
  payload: Buffer;
  /** The allocation behind `payload` (what is charged). */
  backing: Buffer;
  sampleSize: number;
  fragmentSize: number;
  total: number;
  /** Received fragments, a bit each by 0-based index. */
  have: Uint32Array;
  received: number;
  /** 0-based index of the first fragment not received: HEARTBEAT_FRAGs (Cyclone sends one a datagram) look from here. */
  firstMissing: number;
  inlineQos?: Buffer;
  inlineLe: boolean;
  timestamp?: RtpsTime;
  key: boolean;
  started: number;
}

interface CompletedSample {
  payload: Buffer;
  inlineQos?: Buffer;
  inlineLe: boolean;
  timestamp?: RtpsTime;
  key: boolean;
}

export class FragmentReassembly {
  private readonly partials = new Map<number, Partial>();
  /** Bytes charged for this writer: the backings of its partials and of `spare`. */
  private bytes = 0;
  /** A given-up buffer kept for the next sample, and since when it waits (ms). */
  private spare: Buffer | undefined;
  private spareSince = 0;

  constructor(
    private readonly limits: ReassemblyLimits,
    private readonly budget: ReassemblyBudget,
  ) {}

  /**
   * Adds fragments [start, start+count) of sample `sn`, copied from `data` (a view of the datagram) into the
   * sample's buffer. Returns the sample when complete. Inconsistent or over-limit input is dropped silently.
   */
  add(sn: number, start: number, count: number, fragmentSize: number, sampleSize: number, data: Buffer, now: number, inlineQos: Buffer | undefined, inlineLe: boolean, timestamp: RtpsTime | undefined, key: boolean): CompletedSample | undefined {
    if (sampleSize <= 0 || sampleSize > this.limits.maxSampleSize || fragmentSize <= 0 || count <= 0 || start < 1) return undefined;
    let p = this.partials.get(sn);
    if (!p) {
      const total = Math.ceil(sampleSize / fragmentSize);
      // Nothing is reserved for a fragment that brings nothing usable: past the sample, or cut short.
      if (total > MAX_FRAGMENTS_PER_SAMPLE || start > total || data.length < Math.min(fragmentSize, sampleSize - (start - 1) * fragmentSize)) return undefined;
      const backing = this.acquire(sampleSize);
      if (!backing) return undefined;
      p = {
        payload: backing.length === sampleSize ? backing : backing.subarray(0, sampleSize),
        backing,
        sampleSize,
        fragmentSize,
        total,
        have: new Uint32Array((total + 31) >>> 5),
        received: 0,
        firstMissing: 0,
        inlineLe,
        timestamp,
        key,
        started: now,
      };
      this.partials.set(sn, p);
    } else if (p.sampleSize !== sampleSize || p.fragmentSize !== fragmentSize) {
      return undefined;
    }
    if (inlineQos && !p.inlineQos) {
      p.inlineQos = Buffer.from(inlineQos);
      p.inlineLe = inlineLe;
    }
    if (timestamp && !p.timestamp) p.timestamp = timestamp;
    // Bounded by fragmentsInSubmessage (u16), by the sample's fragments and by the bytes the datagram carries.
    // New fragments next to each other are copied in one go (Cyclone DDS sends ten or so in a DATA_FRAG).
    const have = p.have;
    const last = Math.min(start + count - 1, p.total);
    let offset = 0;
    let runFrom = -1;
    for (let f = start; f <= last; f++) {
      const i = f - 1;
      const len = Math.min(fragmentSize, sampleSize - i * fragmentSize);
      if (offset + len > data.length) break; // truncated submessage: keep what is whole
      const bit = 1 << (i & 31);
      if ((have[i >>> 5] & bit) === 0) {
        have[i >>> 5] |= bit;
        p.received++;
        if (runFrom < 0) runFrom = offset;
      } else if (runFrom >= 0) {
        this.place(p, data, runFrom, offset, start);
        runFrom = -1;
      }
      offset += len;
    }
    if (runFrom >= 0) this.place(p, data, runFrom, offset, start);
    if (p.received < p.total) {
      let m = p.firstMissing;
      while (m < p.total && (have[m >>> 5] & (1 << (m & 31))) !== 0) m++;
      p.firstMissing = m;
      return undefined;
    }
    this.partials.delete(sn);
    this.charge(-p.backing.length);
    return { payload: p.payload, inlineQos: p.inlineQos, inlineLe: p.inlineLe, timestamp: p.timestamp, key: p.key };
  }

  /** The one copy of fragments: data[from, to) of a DATA_FRAG whose first fragment is `start`, into the sample. */
  private place(p: Partial, data: Buffer, from: number, to: number, start: number): void {
    data.copy(p.payload, (start - 1) * p.fragmentSize + from, from, to);
  }

  /**
   * Missing fragment numbers of `sn` from `from` up to `lastFrag`: at most `max` of them, all within 256 of the
   * first one (what one NACK_FRAG can name).
   */
  missing(sn: number, lastFrag?: number, max = 256, from = 1): { base: number; set: number[] } | undefined {
    const p = this.partials.get(sn);
    if (!p) return undefined;
    const upTo = Math.min(p.total, lastFrag ?? p.total);
    if (p.firstMissing >= upTo) return undefined; // the usual answer to a HEARTBEAT_FRAG: nothing
    const set: number[] = [];
    let base = 0;
    for (let f = Math.max(p.firstMissing + 1, from); f <= upTo && set.length < max; f++) {
      const i = f - 1;
      if ((p.have[i >>> 5] & (1 << (i & 31))) !== 0) continue;
      if (base === 0) base = f;
      if (f - base >= 256) break;
      set.push(f);
    }
    return base === 0 ? undefined : { base, set };
  }

  /**
   * The oldest sample from `fromSn` on that misses fragments the writer has sent, and the first `max` of those:
   * `eligible(sn)` says whether sample `sn` may be asked for and up to which fragment (undefined: not at all;
   * Infinity: all of it). Walks the samples being reassembled (at most maxPerWriter), allocating nothing when nothing
   * is missing (it runs on each HEARTBEAT_FRAG, which Cyclone DDS sends with each datagram).
   */
  oldestMissing(fromSn: number, max: number, eligible: (sn: number) => number | undefined): { sn: number; base: number; set: number[] } | undefined {
    let best: number | undefined;
    let bestUpTo = 0;
    for (const [sn, p] of this.partials) {
      if (sn < fromSn || (best !== undefined && sn > best)) continue;
      const upTo = eligible(sn);
      if (upTo === undefined || p.firstMissing >= Math.min(p.total, upTo)) continue;
      best = sn;
      bestUpTo = upTo;
    }
    if (best === undefined) return undefined;
    const m = this.missing(best, bestUpTo === Infinity ? undefined : bestUpTo, max);
    return m && { sn: best, ...m };
  }

  /** The first fragment number of `sn` not received; undefined when `sn` is not being reassembled. */
  firstMissing(sn: number): number | undefined {
    const p = this.partials.get(sn);
    return p ? p.firstMissing + 1 : undefined;
  }

  has(sn: number): boolean {
    return this.partials.has(sn);
  }

  sequenceNumbers(): number[] {
    return [...this.partials.keys()];
  }

  /** Drops everything below `sn` (delivered or declared lost). */
  dropBelow(sn: number): void {
    for (const k of [...this.partials.keys()]) if (k < sn) this.drop(k);
  }

  /** Gives up sample `sn`; its buffer may serve the next sample. */
  drop(sn: number): void {
    const p = this.partials.get(sn);
    if (!p) return;
    this.partials.delete(sn);
    this.recycle(p.backing);
  }

  /** Drops partials older than the timeout, and the kept buffer when unused as long. */
  expire(now: number): void {
    for (const [sn, p] of this.partials) if (now - p.started > this.limits.timeoutMs) this.drop(sn);
    if (this.spare && now - this.spareSince > this.limits.timeoutMs) this.releaseSpare();
  }

  /** Releases everything (the writer is gone). */
  clear(): void {
    for (const p of this.partials.values()) this.charge(-p.backing.length);
    this.partials.clear();
    this.releaseSpare();
  }

  get size(): number {
    return this.partials.size;
  }

  /** Bytes this writer's reassembly holds (partial samples and the kept buffer). */
  get heldBytes(): number {
    return this.bytes;
  }

  /**
   * A buffer of at least `size` bytes for a new sample, charged: the kept one when large enough, else a new
   * allocation within the writer's cap and the budget, making room by giving up this writer's oldest samples
   * (never another writer's). Undefined when even that does not make room.
   */
  private acquire(size: number): Buffer | undefined {
    if (this.partials.size >= this.limits.maxPerWriter) this.dropOldest();
    for (;;) {
      const spare = this.spare;
      if (spare && spare.length >= size) {
        this.spare = undefined;
        return spare;
      }
      const freed = spare?.length ?? 0;
      if (this.bytes - freed + size <= this.limits.maxBytesPerWriter && this.budget.used - freed + size <= this.budget.limit) {
        this.releaseSpare();
        this.charge(size);
        return Buffer.allocUnsafe(size);
      }
      if (this.partials.size === 0) return undefined;
      this.dropOldest();
    }
  }

  /** Keeps a given-up buffer for reuse (the larger of it and the kept one), releasing the other. */
  private recycle(backing: Buffer): void {
    const spare = this.spare;
    if (spare && spare.length >= backing.length) {
      this.charge(-backing.length);
      return;
    }
    this.releaseSpare();
    this.spare = backing;
    this.spareSince = Date.now();
  }

  private releaseSpare(): void {
    if (!this.spare) return;
    this.charge(-this.spare.length);
    this.spare = undefined;
  }

  private charge(n: number): void {
    this.bytes += n;
    this.budget.used += n;
  }

  private dropOldest(): void {
    let oldest: number | undefined;
    let t = Infinity;
    for (const [sn, p] of this.partials) {
      if (p.started < t) {
        t = p.started;
        oldest = sn;
      }
    }
    if (oldest !== undefined) this.drop(oldest);
  }
}
