// Reassembly of DATA_FRAG samples, per remote writer, bounded in count, bytes and time, within a
// participant-wide byte budget. A sample is assembled in place: its buffer (the announced sampleSize,
// one allocation) is made at its first fragment and each fragment is copied into it once, straight
// from the datagram. The announced size is what is charged, to the writer's byte cap and to the
// budget, so a DATA_FRAG claiming a large sample costs that much until the sample completes, is
// evicted or times out. A writer's buffers that are given up (evicted, expired, skipped) are kept
// for its next sample (the largest one, charged as before): a peer starting sample after sample that
// it never finishes, with a lying sampleSize, makes no allocation after its first one, so it cannot
// churn external memory into a storm of full garbage collections.
//
// Fragments in place (fragment-placement.ts): read by the native receiver, a writer's next datagrams can be
// received straight into the sample being put together. After each DATA_FRAG the reassembly aims the receiver at
// that sample's fragments from the first missing one on, while every fragment received so far is a prefix (none
// beyond it, so the aim covers only fragments not received); after a sample completes, at the next SN with a
// buffer made ready for it (kept as the spare, as a given-up buffer is). Every path that hands a buffer on, gives it
// up or gives it to another sample takes the aim back first. How the writer lays out its datagrams is learned from its
// completed samples (LayoutLearner), never from what one DATA_FRAG claims.
//
// Lent payloads (ReaderConfig.lendPayloads): a reader that only looks at a sample while its listeners run gives the
// buffer back (giveBack) once they returned, and it is kept as the reserve for the sample after next (the spare already
// waits for the next one). A writer's samples then go into the same two buffers, still in the CPU's cache, instead of a
// new allocation each that the kernel copies into cold memory.

import { LayoutLearner, SampleShape, layoutFollowable, type FragmentOrigin, type FragmentPlacement } from './fragment-placement.js';
import type { RtpsTime } from './time.js';
import { ownBuffer, ownCopy } from './own-bytes.js';

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
  /** This sample's hold on its buffer: what an aim at it names (a buffer given to another sample gets a new one). */
  tenure: object;
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
  /** How its datagrams were laid out: learned from once it completes (LayoutLearner). */
  shape: SampleShape;
}

interface CompletedSample {
  payload: Buffer;
  /** The allocation behind `payload` (what a lending reader gives back). */
  backing: Buffer;
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
  /** How this writer lays out its datagrams (learned from its completed samples, not announced). */
  readonly layouts = new LayoutLearner();
  /** The sample and buffer the receiver was last aimed at for this writer (a partial's backing, or the spare). */
  private aimed: { sn: number; backing: Buffer; placement: FragmentPlacement } | undefined;
  /** The spare's tenure and the sample it was made ready for (aimAtNext): a sample taking it for itself keeps both. */
  private spareTenure: object | undefined;
  private spareFor = -1;
  /** A lent buffer given back (giveBack), kept for the sample after the one the spare waits for; charged like it. */
  private reserve: Buffer | undefined;
  private reserveSince = 0;
  /** After clear(): the writer is gone, and a buffer given back is not kept (nor charged). */
  private cleared = false;

  constructor(
    private readonly limits: ReassemblyLimits,
    private readonly budget: ReassemblyBudget,
  ) {}

  /**
   * Adds fragments [start, start+count) of sample `sn`, copied from `data` (a view of the datagram) into the
   * sample's buffer. Returns the sample when complete. Inconsistent or over-limit input is dropped silently.
   * `origin`: the DATA_FRAG came through a receiver this writer may aim (its first `origin.placedBytes` of payload
   * bytes are not in `data`: the receiver put them in place, in the buffer it was aimed at, when that was this one).
   */
  add(sn: number, start: number, count: number, fragmentSize: number, sampleSize: number, data: Buffer, now: number, inlineQos: Buffer | undefined, inlineLe: boolean, timestamp: RtpsTime | undefined, key: boolean, origin?: FragmentOrigin): CompletedSample | undefined {
    if (sampleSize <= 0 || sampleSize > this.limits.maxSampleSize || fragmentSize <= 0 || count <= 0 || start < 1) return undefined;
    // Fragments the receiver put in place: counted only when they went into this sample's buffer (the aim still stands).
    let placed = origin && origin.placedBytes > 0 ? Math.min(count, Math.ceil(origin.placedBytes / fragmentSize)) : 0;
    // The buffer's tenure the receiver was aimed at when it read this datagram (its batch's aim).
    const into = placed > 0 && origin!.placedBytes === Math.min(placed * fragmentSize, sampleSize - (start - 1) * fragmentSize) ? origin!.placement.batchTenure() : undefined;
    let p = this.partials.get(sn);
    if (!p) {
      const total = Math.ceil(sampleSize / fragmentSize);
      // Nothing is reserved for a fragment that brings nothing usable: past the sample, or cut short.
      if (total > MAX_FRAGMENTS_PER_SAMPLE || start > total) return undefined;
      const usable = (into !== undefined && into === this.spareTenure && this.spareFor === sn) || (count > placed && start + placed <= total && data.length >= Math.min(fragmentSize, sampleSize - (start + placed - 1) * fragmentSize));
      if (!usable) return undefined;
      const got = this.acquire(sampleSize, sn);
      if (!got) return undefined;
      const { backing, tenure } = got;
      p = {
        tenure,
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
        shape: new SampleShape(),
      };
      this.partials.set(sn, p);
    } else if (p.sampleSize !== sampleSize || p.fragmentSize !== fragmentSize || p.key !== key) {
      // The same SN in other sizes, or a key where the other has data: one of the two is forged (a writer never changes
      // a sample; a forged K flag would make the sample a key-only change, ignored or taken for a dispose). Keeping the first
      // would let one forged DATA_FRAG sent ahead of a sample hold its SN until it expires (10 s of a reliable stream);
      // the newer one starts over instead, and what the dropped one had received is repaired like a loss.
      this.drop(sn);
      return this.add(sn, start, count, fragmentSize, sampleSize, data, now, inlineQos, inlineLe, timestamp, key, origin);
    }
    if (inlineQos && !p.inlineQos) {
      p.inlineQos = ownCopy(inlineQos);
      p.inlineLe = inlineLe;
    }
    if (timestamp && !p.timestamp) p.timestamp = timestamp;
    const have = p.have;
    const claimedStart = start;
    const claimedCount = count;
    const before = p.received;
    if (placed > 0) {
      // Counted only when they went into this sample's buffer while this sample held it.
      if (into !== undefined && into === p.tenure) {
        for (let i = start - 1, end = Math.min(start - 1 + placed, p.total); i < end; i++) {
          const bit = 1 << (i & 31);
          if ((have[i >>> 5] & bit) !== 0) continue; // also received in a datagram of the same batch: its copy came after
          have[i >>> 5] |= bit;
          p.received++;
        }
      }
      // Not in `data` either way: fragments placed elsewhere are asked for again like lost ones.
      start += placed;
      count -= placed;
      placed = 0;
    }
    // Bounded by fragmentsInSubmessage (u16), by the sample's fragments and by the bytes the datagram carries.
    // New fragments next to each other are copied in one go (Cyclone DDS sends ten or so in a DATA_FRAG).
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
    p.shape.note(origin ? origin.head : -1, claimedStart, claimedCount, p.received - before, p.total);
    if (p.received < p.total) {
      let m = p.firstMissing;
      while (m < p.total && (have[m >>> 5] & (1 << (m & 31))) !== 0) m++;
      p.firstMissing = m;
      // Aimed on while what was received is a prefix: the aim then covers only fragments still missing.
      if (origin && p.received === m) this.aim(origin, sn, p.backing, p.tenure, m + 1, p);
      else this.unaim(p.backing);
      return undefined;
    }
    this.partials.delete(sn);
    this.charge(-p.backing.length);
    this.unaim(p.backing);
    this.layouts.learn(p.shape);
    if (origin) this.aimAtNext(origin, sn + 1, p, now);
    return { payload: p.payload, backing: p.backing, inlineQos: p.inlineQos, inlineLe: p.inlineLe, timestamp: p.timestamp, key: p.key };
  }

  /** Aims the receiver at sample `sn`'s fragments from `next` on, in `backing`, when the layouts are known and followable. */
  private aim(origin: FragmentOrigin, sn: number, backing: Buffer, tenure: object, next: number, p: { sampleSize: number; fragmentSize: number; key: boolean }): void {
    const { first, rest } = this.layouts;
    const fs = p.fragmentSize;
    if (!layoutFollowable(rest, fs) || (next === 1 && !layoutFollowable(first, fs))) {
      this.unaim(backing);
      return;
    }
    this.aimed = { sn, backing, placement: origin.placement };
    origin.placement.aim(this, backing, tenure, {
      prefix: origin.prefix,
      writerId: origin.writerId,
      readerId: origin.readerId,
      sn,
      fragmentSize: fs,
      sampleSize: p.sampleSize,
      next,
      first: first ?? rest,
      rest,
      le: origin.le,
      key: p.key,
    });
  }

  /**
   * After sample `sn - 1` completed: a buffer for sample `sn` made ready (the spare), within the writer's cap and the
   * budget without giving anything up, and the receiver aimed at it from fragment 1, so that the next sample too is
   * received in place from its first datagram.
   */
  private aimAtNext(origin: FragmentOrigin, sn: number, done: Partial, now: number): void {
    if (!layoutFollowable(this.layouts.first, done.fragmentSize) || !layoutFollowable(this.layouts.rest, done.fragmentSize) || this.partials.has(sn)) return;
    const size = done.sampleSize;
    if (!this.spare || this.spare.length < size) {
      const kept = this.takeReserve(size);
      if (kept) {
        this.releaseSpare();
        this.spare = kept;
      } else {
        const freed = this.spare?.length ?? 0;
        if (this.bytes - freed + size > this.limits.maxBytesPerWriter || this.budget.used - freed + size > this.budget.limit) return;
        this.releaseSpare();
        this.charge(size);
        this.spare = ownBuffer(size);
      }
    }
    this.spareSince = now;
    this.spareTenure = {};
    this.spareFor = sn;
    this.aim(origin, sn, this.spare, this.spareTenure, 1, done);
  }

  /** Takes the aim back when it is at `backing` (before that buffer is handed on, given up or given to another sample). */
  private unaim(backing: Buffer | undefined): void {
    const a = this.aimed;
    if (!a || a.backing !== backing) return;
    this.aimed = undefined;
    a.placement.release(this);
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
    this.unaim(p.backing);
    this.recycle(p.backing);
  }

  /**
   * Takes back the buffer of a sample this reassembly completed (`CompletedSample.backing`), once the reader that
   * lent its payload is done with it, and keeps it as the reserve for a later sample, charged again. Not kept (left to
   * the garbage collector) after clear(), when the reserve is already as large, or when the writer's cap or the
   * budget has no room for it.
   */
  giveBack(backing: Buffer, now: number): void {
    if (this.cleared || backing === this.reserve || backing === this.spare) return;
    const freed = this.reserve?.length ?? 0;
    if (freed >= backing.length) return;
    if (this.bytes - freed + backing.length > this.limits.maxBytesPerWriter || this.budget.used - freed + backing.length > this.budget.limit) return;
    this.releaseReserve();
    this.charge(backing.length);
    this.reserve = backing;
    this.reserveSince = now;
  }

  /** Drops partials older than the timeout, and the kept buffers when unused as long. */
  expire(now: number): void {
    for (const [sn, p] of this.partials) if (now - p.started > this.limits.timeoutMs) this.drop(sn);
    if (this.spare && now - this.spareSince > this.limits.timeoutMs) this.releaseSpare();
    if (this.reserve && now - this.reserveSince > this.limits.timeoutMs) this.releaseReserve();
  }

  /** Releases everything (the writer is gone). */
  clear(): void {
    this.cleared = true;
    if (this.aimed) this.unaim(this.aimed.backing);
    for (const p of this.partials.values()) this.charge(-p.backing.length);
    this.partials.clear();
    this.releaseSpare();
    this.releaseReserve();
  }

  get size(): number {
    return this.partials.size;
  }

  /** Bytes this writer's reassembly holds (partial samples and the kept buffers). */
  get heldBytes(): number {
    return this.bytes;
  }

  /**
   * A buffer of at least `size` bytes for a new sample, charged: a kept one (the spare, else the reserve) when large enough, else a new
   * allocation within the writer's cap and the budget, making room by giving up this writer's oldest samples
   * (never another writer's). Undefined when even that does not make room.
   */
  private acquire(size: number, sn: number): { backing: Buffer; tenure: object } | undefined {
    if (this.partials.size >= this.limits.maxPerWriter) this.dropOldest();
    for (;;) {
      const spare = this.spare;
      if (spare && spare.length >= size) {
        // The spare made ready for sample `sn` (aimAtNext) keeps its aim and tenure for it; for any other, neither.
        const mine = this.spareFor === sn && this.spareTenure !== undefined;
        const tenure = mine ? this.spareTenure! : {};
        if (!mine) this.unaim(spare);
        this.spare = undefined;
        this.spareTenure = undefined;
        this.spareFor = -1;
        return { backing: spare, tenure };
      }
      const kept = this.takeReserve(size);
      if (kept) return { backing: kept, tenure: {} };
      const freed = spare?.length ?? 0;
      if (this.bytes - freed + size <= this.limits.maxBytesPerWriter && this.budget.used - freed + size <= this.budget.limit) {
        this.releaseSpare();
        this.charge(size);
        return { backing: ownBuffer(size), tenure: {} };
      }
      if (this.partials.size === 0) return undefined;
      this.dropOldest();
    }
  }

  /** Keeps a given-up buffer for reuse (the larger of it and the kept one), releasing the other. */
  private recycle(backing: Buffer): void {
    this.unaim(backing);
    const spare = this.spare;
    if (spare && spare.length >= backing.length) {
      this.charge(-backing.length);
      return;
    }
    this.releaseSpare();
    this.spare = backing;
    this.spareSince = Date.now();
  }

  /** The reserve when it holds `size` bytes, taken out of it (still charged: the caller keeps it); else undefined. */
  private takeReserve(size: number): Buffer | undefined {
    const r = this.reserve;
    if (!r || r.length < size) return undefined;
    this.reserve = undefined;
    return r;
  }

  private releaseReserve(): void {
    if (!this.reserve) return;
    this.charge(-this.reserve.length);
    this.reserve = undefined;
  }

  private releaseSpare(): void {
    if (!this.spare) return;
    this.unaim(this.spare);
    this.spareTenure = undefined;
    this.spareFor = -1;
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
