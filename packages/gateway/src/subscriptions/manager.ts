// Cyclic subscriptions: in-memory records with exact expiry, and one sampling loop per connected
// client that pushes an EventEnvelope every interval (docs/subscriptions.md).
import type { EntityType } from '../entities/model.js';
import { getOwned, listOwned } from '../entities/owned.js';
import { SovdError } from '@medkit/sovd';
import type { EventStream } from '@medkit/kit';
import { TYPE_TO_SEGMENT } from '../entity-scope/index.js';
import type { CollectionSamplerRegistry, SampledEntity } from '../sampling/index.js';
import { INTERVALS, type IntervalName, type Subscription } from './model.js';
import type { SubscriptionTarget } from './validate.js';

export interface SubscriptionManagerOptions {
  samplers: CollectionSamplerRegistry;
  find: (type: EntityType, id: string) => SampledEntity | undefined;
  maxSubscriptions: number;
  /** Deadline of one sample. */
  sampleTimeoutMs?: number;
  now?: () => number;
}

export class SubscriptionManager {
  private readonly subs = new Map<string, Subscription>();
  private readonly timers = new Map<string, NodeJS.Timeout>();
  private seq = 0;
  private readonly now: () => number;

  private readonly unhook: () => void;

  constructor(private readonly opts: SubscriptionManagerOptions) {
    this.now = opts.now ?? Date.now;
    // "sooner on change notifications" (docs/subscriptions.md): a pushed change of the resource wakes its streams.
    this.unhook = opts.samplers.onChange((c) => {
      for (const s of this.subs.values()) {
        if (s.collection === c.collection && s.entityType === c.entity.type && s.entityId === c.entity.id && (!s.itemPath || s.itemPath === c.itemPath)) {
          for (const w of s.changeWakers) w();
        }
      }
    });
  }

  get size(): number {
    return this.subs.size;
  }

  create(entityType: EntityType, entityId: string, target: SubscriptionTarget, interval: IntervalName, duration: number): Subscription {
    if (this.subs.size >= this.opts.maxSubscriptions) {
      throw new SovdError('service-unavailable', `Subscription limit reached (sse.max_subscriptions = ${this.opts.maxSubscriptions})`, { max_subscriptions: this.opts.maxSubscriptions });
    }
    const s: Subscription = {
      id: `sub_${String(++this.seq).padStart(3, '0')}`,
      entityType,
      entityId,
      segment: TYPE_TO_SEGMENT[entityType],
      ...target,
      interval,
      duration,
      expiresAt: this.now() + duration * 1000,
      wakers: new Set(),
      changeWakers: new Set(),
      closers: new Set(),
    };
    this.subs.set(s.id, s);
    this.arm(s);
    return s;
  }

  get(entityType: EntityType, entityId: string, id: string): Subscription {
    return getOwned(this.subs, entityType, entityId, id, 'Subscription', 'subscription_id');
  }

  list(entityType: EntityType, entityId: string): Subscription[] {
    return listOwned(this.subs, entityType, entityId);
  }

  /** PUT: a new interval and/or duration (a new duration counts from now). */
  update(s: Subscription, change: { interval?: IntervalName; duration?: number }): void {
    if (change.interval) s.interval = change.interval;
    if (change.duration !== undefined) {
      s.duration = change.duration;
      s.expiresAt = this.now() + change.duration * 1000;
      this.arm(s);
    }
    for (const w of s.wakers) w();
  }

  remove(s: Subscription): void {
    if (this.subs.get(s.id) !== s) return;
    this.subs.delete(s.id);
    clearTimeout(this.timers.get(s.id));
    this.timers.delete(s.id);
    for (const c of [...s.closers]) c();
    for (const w of s.wakers) w();
  }

  /** Deletes every subscription of an entity (a lock covering cyclic-subscriptions expired). */
  removeForEntity(entityType: EntityType, entityId: string): number {
    const list = this.list(entityType, entityId);
    for (const s of list) this.remove(s);
    return list.length;
  }

  stop(): void {
    this.unhook();
    for (const s of [...this.subs.values()]) this.remove(s);
  }

  /** Runs the sampling loop of one client until the stream or the subscription ends. */
  async stream(s: Subscription, stream: EventStream): Promise<void> {
    const abort = new AbortController();
    const close = () => stream.close();
    s.closers.add(close);
    void stream.done.then(() => abort.abort());
    try {
      while (!stream.closed && this.subs.get(s.id) === s) {
        if (s.expiresAt <= this.now()) {
          this.remove(s);
          break;
        }
        const started = this.now();
        stream.send({ data: await this.sampleOnce(s, abort.signal) });
        if (stream.closed || this.subs.get(s.id) !== s) break;
        await this.wait(s, started, abort.signal);
      }
    } finally {
      s.closers.delete(close);
      stream.close();
    }
  }

  private async sampleOnce(s: Subscription, signal: AbortSignal): Promise<Record<string, unknown>> {
    const timestamp = () => new Date(this.now()).toISOString();
    try {
      const reg = this.opts.samplers.get(s.collection);
      if (!reg) throw new SovdError('service-unavailable', `No sampler is available for '${s.collection}'`);
      const entity = this.opts.find(s.entityType, s.entityId);
      if (!entity) throw new SovdError('entity-not-found', 'Entity not found', { entity_id: s.entityId });
      const timeout = AbortSignal.timeout(this.opts.sampleTimeoutMs ?? 5000);
      const payload = await reg.sampler.sample(entity, s.itemPath, AbortSignal.any([signal, timeout]));
      return { timestamp: timestamp(), payload };
    } catch (err) {
      // Every error frame names its vendor code when it is a vendor error (the reference's 0.7.0, #591).
      const body = (err instanceof SovdError ? err : new SovdError('x-medkit-subscribe-failed', (err as Error).message ?? String(err))).toBody();
      return { timestamp: timestamp(), error: { error_code: body.error_code, ...(body.vendor_code ? { vendor_code: body.vendor_code } : {}), message: body.message } };
    }
  }

  /**
   * Until the next tick (`started` + interval), an update/delete, or a change notification — changes
   * never make a stream sample more often than the fastest interval.
   */
  private wait(s: Subscription, started: number, signal: AbortSignal): Promise<void> {
    return new Promise((resolve) => {
      let timer = setTimeout(() => done(), Math.max(0, INTERVALS[s.interval] - (this.now() - started)));
      const done = () => {
        clearTimeout(timer);
        s.wakers.delete(done);
        s.changeWakers.delete(onChange);
        signal.removeEventListener('abort', done);
        resolve();
      };
      const onChange = () => {
        s.changeWakers.delete(onChange);
        clearTimeout(timer);
        timer = setTimeout(done, Math.max(0, INTERVALS.fast - (this.now() - started)));
      };
      s.wakers.add(done);
      s.changeWakers.add(onChange);
      signal.addEventListener('abort', done, { once: true });
    });
  }

  private arm(s: Subscription): void {
    clearTimeout(this.timers.get(s.id));
    const t = setTimeout(() => {
      if (s.expiresAt <= this.now()) this.remove(s);
      else this.arm(s);
    }, Math.min(Math.max(0, s.expiresAt - this.now()), 2 ** 31 - 1));
    t.unref();
    this.timers.set(s.id, t);
  }
}
