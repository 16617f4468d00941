// Reassembly of DATA_FRAG samples, per remote writer, bounded in count, size and time, with a
// participant-wide byte budget so a flood of fragment starts cannot exhaust memory. Fragments are
// kept as received and joined when the sample is complete: memory (and the budget) follow the
// bytes a peer actually sent, not the sampleSize it announced, so a DATA_FRAG claiming a 64 MiB
// sample costs what it carries (allocating the announced size up front let a few datagrams
// reserve hundreds of MiB of external memory and trigger long full garbage collections).

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
  /** Incomplete samples older than this are dropped (ms). */
  timeoutMs: number;
}

/** Shared byte budget across all writers of a participant. */
export class ReassemblyBudget {
  used = 0;
  constructor(readonly limit: number) {}
}

interface Partial {
  sampleSize: number;
  fragmentSize: number;
  total: number;
  /** Received fragments by 0-based index. */
  pieces: Map<number, Buffer>;
  /** Bytes held in `pieces` (charged to the budget). */
  bytes: number;
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

  constructor(
    private readonly limits: ReassemblyLimits,
    private readonly budget: ReassemblyBudget,
  ) {}

  /**
   * Adds fragments [start, start+count) of sample `sn`. Returns the sample when complete.
   * Inconsistent or over-limit input is dropped silently.
   */
  add(sn: number, start: number, count: number, fragmentSize: number, sampleSize: number, data: Buffer, now: number, inlineQos: Buffer | undefined, inlineLe: boolean, timestamp: RtpsTime | undefined, key: boolean): CompletedSample | undefined {
    if (sampleSize <= 0 || sampleSize > this.limits.maxSampleSize || fragmentSize <= 0 || count <= 0) return undefined;
    let p = this.partials.get(sn);
    if (!p) {
      const total = Math.ceil(sampleSize / fragmentSize);
      if (total > MAX_FRAGMENTS_PER_SAMPLE) return undefined;
      if (this.partials.size >= this.limits.maxPerWriter) this.evictOldest();
      p = { sampleSize, fragmentSize, total, pieces: new Map(), bytes: 0, inlineLe, timestamp, key, started: now };
      this.partials.set(sn, p);
    } else if (p.sampleSize !== sampleSize || p.fragmentSize !== fragmentSize) {
      return undefined;
    }
    if (inlineQos && !p.inlineQos) {
      p.inlineQos = Buffer.from(inlineQos);
      p.inlineLe = inlineLe;
    }
    if (timestamp && !p.timestamp) p.timestamp = timestamp;
    let offset = 0;
    // Bounded by fragmentsInSubmessage (u16) and by the fragments the datagram really carries.
    for (let f = start; f < start + count && f <= p.total; f++) {
      const at = (f - 1) * fragmentSize;
      const len = Math.min(fragmentSize, sampleSize - at);
      if (offset + len > data.length) break; // truncated submessage: keep what is whole
      if (!p.pieces.has(f - 1)) {
        if (this.budget.used + len > this.budget.limit) return undefined;
        // A copy: `data` is a view of the datagram buffer.
        p.pieces.set(f - 1, Buffer.from(data.subarray(offset, offset + len)));
        p.bytes += len;
        this.budget.used += len;
      }
      offset += len;
    }
    if (p.pieces.size < p.total) return undefined;
    const payload = Buffer.allocUnsafe(p.sampleSize);
    for (const [i, piece] of p.pieces) piece.copy(payload, i * p.fragmentSize);
    this.drop(sn);
    return { payload, inlineQos: p.inlineQos, inlineLe: p.inlineLe, timestamp: p.timestamp, key: p.key };
  }

  /** Missing fragment numbers of `sn` up to `lastFrag` (at most 256 from the first missing). */
  missing(sn: number, lastFrag?: number): { base: number; set: number[] } | undefined {
    const p = this.partials.get(sn);
    if (!p) return undefined;
    const upTo = Math.min(p.total, lastFrag ?? p.total);
    const set: number[] = [];
    let base = 0;
    for (let f = 1; f <= upTo; f++) {
      if (p.pieces.has(f - 1)) continue;
      if (base === 0) base = f;
      if (f - base >= 256) break;
      set.push(f);
    }
    return base === 0 ? undefined : { base, set };
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

  drop(sn: number): void {
    const p = this.partials.get(sn);
    if (!p) return;
    this.partials.delete(sn);
    this.budget.used -= p.bytes;
  }

  /** Drops partials older than the timeout. */
  expire(now: number): void {
    for (const [sn, p] of this.partials) if (now - p.started > this.limits.timeoutMs) this.drop(sn);
  }

  clear(): void {
    for (const k of [...this.partials.keys()]) this.drop(k);
  }

  get size(): number {
    return this.partials.size;
  }

  private evictOldest(): void {
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
