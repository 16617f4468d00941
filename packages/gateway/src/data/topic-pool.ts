// Pooled topic subscriptions behind data reads (docs/hardening.md data_provider.*): one live
// subscription per topic, the latest message kept, least-recently-used eviction at max_pool_size,
// idle eviction by a periodic sweep, and a cap on reads that wait for a topic's first message.
// The transport and the clock are injected so the pool is testable without DDS and without real time (issue 58).
import { systemClock, type Clock, type TimerHandle } from '@medkit/sovd';

/** A message as the pool keeps it. */
export interface TopicSample {
  value: Record<string, unknown>;
  /** Receive time, ns since the Unix epoch. */
  timestampNs: bigint;
  /** The topic's observed period when this message arrived (moving average of arrival gaps), ms; undefined until two messages came. */
  periodMs?: number;
  /** Serialized payload size, bytes, when the transport knows it (topic bandwidth). */
  bytes?: number;
}

/** A live subscription made by the transport. */
export interface TopicHandle {
  close(): void;
}

/** Opens subscriptions (the ROS binding in the gateway, a fake in unit tests). */
export interface TopicTransport {
  /** `bytes`: the serialized payload's size, when known. */
  subscribe(topic: string, type: string, onMessage: (value: Record<string, unknown>, bytes?: number) => void): TopicHandle;
}

export interface TopicPoolOptions {
  /** Live subscriptions kept at most (data_provider.max_pool_size). */
  maxPoolSize: number;
  /** Concurrent first-message waits; 0 = no cap (data_provider.cold_wait_cap). */
  coldWaitCap: number;
  /** Entries unused this long are closed by the sweep (data_provider.idle_safety_net_sec, in ms). */
  idleMs: number;
  /** Sweep period (data_provider.idle_sweep_tick_sec, in ms). */
  sweepMs: number;
  /** Receive times, first-message waits and the sweep timer (tests hand a ManualClock); the real clock when unset. */
  clock?: Clock;
}

/** Why a read got no sample. */
export class ColdWaitCapError extends Error {
  readonly code: string = 'cold-wait-cap';
  constructor(readonly cap: number) {
    super(`too many reads are waiting for a first message (cap ${cap})`);
    this.name = 'ColdWaitCapError';
  }
}

interface Entry {
  key: string;
  topic: string;
  type: string;
  handle: TopicHandle;
  latest?: TopicSample;
  /** Moving average of the gaps between messages, ms. */
  periodMs?: number;
  lastUsed: number;
  /** Opened by a listener that asked for it to close with the last listener (a topic stream), and not read since. */
  closeWhenUnused: boolean;
  waiters: Set<(s: TopicSample) => void>;
  listeners: Set<(s: TopicSample) => void>;
}

/** Pool statistics for `/health` `x-medkit-data-provider`. */
export interface TopicPoolStats {
  pool_size: number;
  max_pool_size: number;
  cold_waits: number;
  cold_wait_cap: number;
  evictions: number;
  idle_evictions: number;
  rejected_cold_waits: number;
}

/** Weight of the newest gap in the period's moving average. */
const PERIOD_WEIGHT = 0.2;

export class TopicPool {
  // Map order is the LRU order: a touched entry is moved to the end.
  private readonly entries = new Map<string, Entry>();
  private coldWaits = 0;
  private evictions = 0;
  private idleEvictions = 0;
  private rejected = 0;
  private sweeper?: TimerHandle;
  private closed = false;
  private readonly clock: Clock;

  constructor(
    private readonly transport: TopicTransport,
    private readonly opts: TopicPoolOptions,
  ) {
    this.clock = opts.clock ?? systemClock();
  }

  /** Starts the idle sweep timer. */
  start(): void {
    // The real clock's timers are unref'd: the sweep never keeps the process alive.
    this.sweeper ??= this.clock.setInterval(() => this.sweep(), this.opts.sweepMs);
  }

  /**
   * The latest message of `topic`, waiting up to `timeoutMs` for the first one when the pool had none.
   * Resolves undefined when nothing arrived in time (or at once when `wait` is false: no publishers).
   * Rejects with {@link ColdWaitCapError} when too many reads already wait.
   */
  async latest(topic: string, type: string, opts: { timeoutMs: number; wait: boolean; signal?: AbortSignal }): Promise<TopicSample | undefined> {
    const e = this.entry(topic, type);
    // A read wants the latest message kept: the entry now stays until evicted as usual.
    e.closeWhenUnused = false;
    if (e.latest) return e.latest;
    if (!opts.wait || opts.timeoutMs <= 0) return undefined;
    if (this.opts.coldWaitCap > 0 && this.coldWaits >= this.opts.coldWaitCap) {
      this.rejected++;
      throw new ColdWaitCapError(this.opts.coldWaitCap);
    }
    this.coldWaits++;
    try {
      return await new Promise<TopicSample | undefined>((resolve) => {
        const done = (s: TopicSample | undefined) => {
          this.clock.clear(timer);
          e.waiters.delete(onSample);
          opts.signal?.removeEventListener('abort', onAbort);
          resolve(s);
        };
        const onSample = (s: TopicSample) => done(s);
        const onAbort = () => done(undefined);
        const timer = this.clock.setTimeout(() => done(undefined), opts.timeoutMs);
        e.waiters.add(onSample);
        opts.signal?.addEventListener('abort', onAbort, { once: true });
      });
    } finally {
      this.coldWaits--;
      e.lastUsed = this.clock.now();
    }
  }

  /**
   * Calls `onSample` for every message of `topic` until the returned function is called (the entry is pinned
   * meanwhile). With `closeWhenUnused`, a subscription this call opened is closed as soon as no listener or
   * read needs it any more (a topic stream does not leave a subscription behind for the idle sweep).
   */
  listen(topic: string, type: string, onSample: (s: TopicSample) => void, opts: { closeWhenUnused?: boolean } = {}): () => void {
    const fresh = !this.entries.has(`${topic}\u0000${type}`);
    const e = this.entry(topic, type);
    if (fresh && opts.closeWhenUnused) e.closeWhenUnused = true;
    e.listeners.add(onSample);
    return () => {
      e.listeners.delete(onSample);
      e.lastUsed = this.clock.now();
      if (e.closeWhenUnused && this.evictable(e) && this.entries.get(e.key) === e) this.drop(e);
    };
  }

  /** Closes entries idle longer than idleMs (never those with waiters or listeners). */
  sweep(): number {
    const cutoff = this.clock.now() - this.opts.idleMs;
    let n = 0;
    for (const e of [...this.entries.values()]) {
      if (e.lastUsed <= cutoff && this.evictable(e)) {
        this.drop(e);
        n++;
      }
    }
    this.idleEvictions += n;
    return n;
  }

  /** Forgets the cached latest message (and observed period) of `topic`; the subscription stays. True when one was cached. */
  forget(topic: string, type: string): boolean {
    const e = this.entries.get(`${topic}\u0000${type}`);
    if (!e?.latest) return false;
    e.latest = undefined;
    e.periodMs = undefined;
    return true;
  }

  /** The cached latest message of `topic`, if any, without subscribing or counting as a use (data lists show it). */
  peek(topic: string, type: string): TopicSample | undefined {
    return this.entries.get(`${topic}\u0000${type}`)?.latest;
  }

  has(topic: string, type: string): boolean {
    return this.entries.has(`${topic}\u0000${type}`);
  }

  get size(): number {
    return this.entries.size;
  }

  stats(): TopicPoolStats {
    return {
      pool_size: this.entries.size,
      max_pool_size: this.opts.maxPoolSize,
      cold_waits: this.coldWaits,
      cold_wait_cap: this.opts.coldWaitCap,
      evictions: this.evictions,
      idle_evictions: this.idleEvictions,
      rejected_cold_waits: this.rejected,
    };
  }

  close(): void {
    this.closed = true;
    this.clock.clear(this.sweeper);
    for (const e of [...this.entries.values()]) this.drop(e);
  }

  private entry(topic: string, type: string): Entry {
    if (this.closed) throw new Error('topic pool is closed');
    const key = `${topic}\u0000${type}`;
    const found = this.entries.get(key);
    if (found) {
      this.entries.delete(key);
      this.entries.set(key, found);
      found.lastUsed = this.clock.now();
      return found;
    }
    const e: Entry = { key, topic, type, lastUsed: this.clock.now(), closeWhenUnused: false, waiters: new Set(), listeners: new Set(), handle: { close() {} } };
    e.handle = this.transport.subscribe(topic, type, (value, bytes) => {
      const at = BigInt(this.clock.now()) * 1_000_000n;
      if (e.latest) {
        const gapMs = Number(at - e.latest.timestampNs) / 1e6;
        e.periodMs = e.periodMs === undefined ? gapMs : e.periodMs + PERIOD_WEIGHT * (gapMs - e.periodMs);
      }
      const s: TopicSample = { value, timestampNs: at, ...(e.periodMs !== undefined ? { periodMs: e.periodMs } : {}), ...(bytes !== undefined ? { bytes } : {}) };
      e.latest = s;
      for (const w of [...e.waiters]) w(s);
      for (const l of [...e.listeners]) {
        try {
          l(s);
        } catch {
          // a listener's failure must not stop delivery to the others
        }
      }
    });
    // Room is made once the subscription exists: one the transport refuses (DDS-Security) evicts nothing.
    this.makeRoom();
    this.entries.set(key, e);
    return e;
  }

  /** Evicts least-recently-used entries until one more fits. */
  private makeRoom(): void {
    for (const e of this.entries.values()) {
      if (this.entries.size < this.opts.maxPoolSize) return;
      if (!this.evictable(e)) continue;
      this.drop(e);
      this.evictions++;
    }
  }

  private evictable(e: Entry): boolean {
    return e.waiters.size === 0 && e.listeners.size === 0;
  }

  private drop(e: Entry): void {
    this.entries.delete(e.key);
    try {
      e.handle.close();
    } catch {
      // closing a dead subscription is best effort
    }
  }
}
