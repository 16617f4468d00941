// Bounded capture pool with per-code cooldown (docs/faults.md): `pool_size` workers drain a FIFO of
// at most `queue_depth` jobs. Enqueue never blocks the report path; drops are counted and warned about.
import type { QueueFullPolicy } from '../config.js';
import type { FaultLogger } from '../log.js';
import { Throttle, silentLogger } from '../log.js';

type CaptureJob = (signal: AbortSignal) => Promise<void>;

interface CapturePoolOptions {
  poolSize: number;
  queueDepth: number;
  policy: QueueFullPolicy;
  /** Per-code cooldown in ms (monotonic); 0 = off. */
  cooldownMs: number;
  now: () => number;
  log?: FaultLogger;
}

export type EnqueueResult = 'accepted' | 'cooldown' | 'rejected' | 'stopped';

export class CapturePool {
  private readonly queue: { code: string; job: CaptureJob }[] = [];
  private readonly lastAccepted = new Map<string, number>();
  private readonly inFlight = new Set<Promise<void>>();
  private readonly abort = new AbortController();
  private running = 0;
  private stopped = false;
  private drops = 0;
  private readonly warnThrottle: Throttle;
  private readonly log: FaultLogger;

  constructor(private readonly o: CapturePoolOptions) {
    this.log = o.log ?? silentLogger;
    this.warnThrottle = new Throttle(2000, o.now);
  }

  /** Lifetime count of jobs dropped because the queue was full. */
  get droppedCaptures(): number {
    return this.drops;
  }

  get pending(): number {
    return this.queue.length;
  }

  get active(): number {
    return this.running;
  }

  /** Offers a job for `code`, subject to cooldown and the queue policy. */
  enqueue(code: string, job: CaptureJob): EnqueueResult {
    if (this.stopped) return 'stopped';
    const now = this.o.now();
    this.sweep(now);
    const last = this.lastAccepted.get(code);
    if (this.o.cooldownMs > 0 && last !== undefined && now - last < this.o.cooldownMs) {
      this.log.debug(`capture for '${code}' skipped: cooldown`);
      return 'cooldown';
    }
    if (this.running < this.o.poolSize) {
      this.lastAccepted.set(code, now);
      this.startJob(code, job);
      return 'accepted';
    }
    if (this.queue.length >= this.o.queueDepth) {
      this.drops++;
      if (this.o.policy === 'reject_newest') {
        this.warnDrop(code);
        return 'rejected';
      }
      const evicted = this.queue.shift()!;
      // The evicted code may be captured again right away.
      this.lastAccepted.delete(evicted.code);
      this.warnDrop(evicted.code);
    }
    this.lastAccepted.set(code, now);
    this.queue.push({ code, job });
    return 'accepted';
  }

  private warnDrop(code: string): void {
    this.warnThrottle.run(() => this.log.warn(
      `capture queue full (pool ${this.o.poolSize}, depth ${this.o.queueDepth}, ${this.o.policy}): dropped capture of '${code}'; ${this.drops} dropped in total`,
    ));
  }

  /** Forgets the cooldown of cleared codes (docs/faults.md). */
  resetCooldown(codes: readonly string[]): void {
    for (const c of codes) this.lastAccepted.delete(c);
  }

  /** Codes with a live cooldown entry (bounded by codes confirmed within one cooldown period). */
  get cooldownSize(): number {
    return this.lastAccepted.size;
  }

  private sweep(now: number): void {
    if (this.o.cooldownMs <= 0) {
      this.lastAccepted.clear();
      return;
    }
    for (const [code, at] of this.lastAccepted) if (now - at >= this.o.cooldownMs) this.lastAccepted.delete(code);
  }

  private startJob(code: string, job: CaptureJob): void {
    this.running++;
    const p = (async () => {
      try {
        await job(this.abort.signal);
      } catch (err) {
        this.log.error(`capture job for '${code}' failed: ${(err as Error).message}`);
      }
    })().finally(() => {
      this.running--;
      this.inFlight.delete(p);
      const next = this.stopped ? undefined : this.queue.shift();
      if (next) this.startJob(next.code, next.job);
    });
    this.inFlight.add(p);
  }

  /** Waits until nothing is queued or running (tests, orderly shutdown). */
  async idle(): Promise<void> {
    while (this.inFlight.size > 0) await Promise.all([...this.inFlight]);
  }

  /**
   * Shutdown (docs/faults.md): stop accepting, discard pending jobs, let in-flight jobs finish. `abortInFlight` also
   * signals them to give up waiting for samples.
   */
  async stop(abortInFlight = false): Promise<void> {
    this.stopped = true;
    this.queue.length = 0;
    if (abortInFlight) this.abort.abort();
    await this.idle();
  }
}
