// Reassembly of DATA_FRAG samples, per remote writer, bounded in count, size and time, with a
// participant-wide byte budget so a flood of fragment starts cannot exhaust memory.

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
  received: Uint8Array;
  count: number;
  data: Buffer;
  inlineQos?: Buffer;
  inlineLe: boolean;
  timestamp?: RtpsTime;
  key: boolean;
  started: number;
}

export interface CompletedSample {
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
      if (this.budget.used + sampleSize > this.budget.limit) return undefined;
      p = { sampleSize, fragmentSize, total, received: new Uint8Array(total), count: 0, data: Buffer.allocUnsafe(sampleSize), inlineLe, timestamp, key, started: now };
      this.budget.used += sampleSize;
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
    for (let f = start; f < start + count && f <= p.total; f++) {
      const at = (f - 1) * fragmentSize;
      const len = Math.min(fragmentSize, sampleSize - at);
      if (offset + len > data.length) break; // truncated submessage: keep what is whole
      if (!p.received[f - 1]) {
        data.copy(p.data, at, offset, offset + len);
        p.received[f - 1] = 1;
        p.count++;
      }
      offset += len;
    }
    if (p.count < p.total) return undefined;
    this.drop(sn);
    return { payload: p.data, inlineQos: p.inlineQos, inlineLe: p.inlineLe, timestamp: p.timestamp, key: p.key };
  }

  /** Missing fragment numbers of `sn` up to `lastFrag` (at most 256 from the first missing). */
  missing(sn: number, lastFrag?: number): { base: number; set: number[] } | undefined {
    const p = this.partials.get(sn);
    if (!p) return undefined;
    const upTo = Math.min(p.total, lastFrag ?? p.total);
    const set: number[] = [];
    let base = 0;
    for (let f = 1; f <= upTo; f++) {
      if (p.received[f - 1]) continue;
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
    this.budget.used -= p.sampleSize;
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
