// The trigger engine (docs/triggers.md): holds the triggers and their life cycle (create, restore, expire,
// remove), binds each to its change source (a shared sampler subscription, the notify index, or waiting
// for the resource) and runs changes through the conditions to delivery. Triggers are indexed by
// (collection, entity, resource path), so a change evaluates only the triggers on that resource.
import type { EntityType } from '../entities/model.js';
import { getOwned, listOwned } from '../entities/owned.js';
import { SovdError } from '@medkit/sovd';
import type { EventStream } from '@medkit/kit';
import { ResourcePendingError, type CollectionSamplerRegistry, type ResourceChange, type SampledEntity } from '../sampling/index.js';
import { TYPE_TO_SEGMENT } from '../entity-scope/index.js';
import type { ConditionRegistry } from './conditions.js';
import { ChangeIndex, type EntityFinder } from './change-index.js';
import { SharedSubscriptions } from './shared-subscriptions.js';
import { deliver, drainPending, errorEnvelope } from './delivery.js';
import { evaluateChange } from './evaluate.js';
import { LifetimeTimers } from './lifetime-timers.js';
import { TriggerLogInjector, type TriggerLogSink } from './log-injection.js';
import { parsePointer } from './json.js';
import type { Trigger, TriggerDefinition } from './model.js';
import type { TriggerStore } from './store.js';
import type { WebhookDeliverer } from './webhook.js';

export type { EntityFinder } from './change-index.js';
export type { TriggerLogSink } from './log-injection.js';

export interface TriggerEngineOptions {
  samplers: CollectionSamplerRegistry;
  conditions: ConditionRegistry;
  find: EntityFinder;
  maxTriggers: number;
  store?: TriggerStore;
  webhooks: WebhookDeliverer;
  logSink?: () => TriggerLogSink | undefined;
  now?: () => number;
  warn?: (msg: string, extra?: Record<string, unknown>) => void;
}

/** A trigger waiting this long for its resource is named in one warning (it keeps waiting). */
const WAIT_WARN_MS = 60_000;

/**
 * How a trigger receives changes: a shared sampler subscription, the notify index, or waiting for its
 * resource to appear (entity not discovered, topic not advertised, sampler not registered yet).
 */
type Binding = { kind: 'subscribe'; key: string } | { kind: 'notify' } | { kind: 'waiting' };

export class TriggerEngine {
  private readonly triggers = new Map<string, Trigger>();
  private readonly bindings = new Map<string, Binding>();
  /** Waiting triggers: since when (kept across retries) and whether the long wait was reported. */
  private readonly waits = new Map<string, { since: number; warned: boolean }>();
  private readonly index: ChangeIndex;
  private readonly subscriptions = new SharedSubscriptions();
  private readonly timers: LifetimeTimers;
  private readonly logs: TriggerLogInjector;
  private readonly dirty = new Set<Trigger>();
  private seq = 0;
  private readonly now: () => number;
  private readonly unhook: (() => void)[] = [];

  constructor(private readonly opts: TriggerEngineOptions) {
    this.now = opts.now ?? Date.now;
    this.index = new ChangeIndex(opts.find);
    this.timers = new LifetimeTimers(this.now, (t) => this.remove(t));
    this.logs = new TriggerLogInjector(opts.logSink, opts.warn);
    this.unhook.push(opts.samplers.onChange((c) => this.onChange(c)));
    this.unhook.push(opts.samplers.onRegister((collection) => this.rebindCollection(collection)));
  }

  get activeCount(): number {
    let n = 0;
    for (const t of this.triggers.values()) if (t.status === 'active') n++;
    return n;
  }

  /** Reloads stored triggers (restart behaviour `restore`); returns how many. */
  restore(): number {
    const rows = this.opts.store?.load(this.now()) ?? [];
    this.seq = Math.max(this.seq, this.opts.store?.lastId() ?? 0);
    for (const r of rows) {
      this.seq = Math.max(this.seq, Number(r.id.slice('trig_'.length)) || 0);
      const evaluator = this.opts.conditions.get(r.conditionType);
      if (!evaluator) {
        this.opts.warn?.(`stored trigger ${r.id} has unknown condition type ${r.conditionType}; dropped`);
        this.opts.store?.delete(r.id);
        continue;
      }
      const { previous, ...def } = r;
      const t = this.materialize(def, evaluator);
      t.previous = previous;
      t.entitySeen = false;
      this.add(t, false);
    }
    return rows.length;
  }

  create(def: Omit<TriggerDefinition, 'id' | 'createdAt' | 'expiresAt'>): Trigger {
    if (this.activeCount >= this.opts.maxTriggers) {
      throw new SovdError('service-unavailable', `Trigger limit reached (triggers.max_triggers = ${this.opts.maxTriggers})`, { max_triggers: this.opts.maxTriggers });
    }
    const evaluator = this.opts.conditions.get(def.conditionType);
    if (!evaluator) throw new SovdError('invalid-parameter', `Unknown condition_type '${def.conditionType}'`);
    this.checkCanFire(def);
    const createdAt = this.now();
    const full: TriggerDefinition = { ...def, id: `trig_${++this.seq}`, createdAt };
    this.opts.store?.setLastId(this.seq);
    if (def.lifetime !== undefined) full.expiresAt = createdAt + def.lifetime * 1000;
    const t = this.materialize(full, evaluator);
    this.add(t, true);
    if (t.persistent) {
      try {
        this.opts.store?.save(full);
      } catch (err) {
        this.remove(t);
        throw new SovdError('service-unavailable', 'Could not persist the trigger', { details: (err as Error).message });
      }
    }
    return t;
  }

  get(entityType: EntityType, entityId: string, id: string): Trigger {
    return getOwned(this.triggers, entityType, entityId, id, 'Trigger', 'trigger_id');
  }

  list(entityType: EntityType, entityId: string): Trigger[] {
    return listOwned(this.triggers, entityType, entityId);
  }

  /** PUT: a new lifetime, counted from now. */
  setLifetime(t: Trigger, lifetime: number): void {
    t.lifetime = lifetime;
    t.expiresAt = this.now() + lifetime * 1000;
    if (t.persistent) this.opts.store?.setExpiry(t.id, lifetime, t.expiresAt);
    this.timers.arm(t);
  }

  /** Removes a trigger fully: unbinds it, closes its streams, drops queued deliveries and stored rows. */
  remove(t: Trigger): void {
    if (this.triggers.get(t.id) !== t) return;
    this.unbind(t);
    this.waits.delete(t.id);
    this.timers.cancel(t.id);
    this.opts.webhooks.cancel(t.id);
    for (const s of t.streams) s.close();
    t.streams.clear();
    t.status = 'terminated';
    this.triggers.delete(t.id);
    this.dirty.delete(t);
    if (t.persistent) this.opts.store?.delete(t.id);
  }

  /**
   * Attaches an SSE stream: queued events are drained first; a terminated trigger closes the stream after
   * the drain and goes away. 404 for unknown triggers or terminated ones with nothing left to deliver.
   */
  canStream(t: Trigger): boolean {
    return t.status === 'active' || t.pending.length > 0;
  }

  attach(t: Trigger, stream: EventStream): void {
    drainPending(t, stream);
    if (t.status !== 'active') {
      stream.close();
      this.finishIfDone(t);
      return;
    }
    t.streams.add(stream);
    void stream.done.then(() => t.streams.delete(stream));
  }

  /** Writes changed previous values of persistent triggers (called periodically and on stop). */
  flush(): void {
    if (this.dirty.size === 0 || !this.opts.store) return;
    const entries = [...this.dirty].filter((t) => t.previous !== undefined).map((t) => ({ id: t.id, value: t.previous!.value }));
    this.dirty.clear();
    try {
      this.opts.store.savePrevious(entries);
    } catch (err) {
      this.opts.warn?.('could not save trigger previous values', { err: (err as Error).message });
    }
  }

  /**
   * Backstop pass: expire overdue triggers, bind those whose entity or sampler appeared, drop triggers
   * whose entity left discovery (restored ones only after their entity was seen once).
   */
  sweep(): void {
    const now = this.now();
    for (const t of [...this.triggers.values()]) {
      if (t.expiresAt !== undefined && t.expiresAt <= now) {
        this.remove(t);
        continue;
      }
      if (this.opts.find(t.entityType, t.entityId)) {
        t.entitySeen = true;
      } else if (t.entitySeen) {
        this.remove(t);
      }
    }
    this.bindWaiting();
  }

  /**
   * Tries again to bind every trigger still waiting for its resource (call on each discovery pass, so a
   * topic that appears is observed within one debounced refresh). Names long waits in one warning each.
   */
  bindWaiting(): void {
    const now = this.now();
    for (const t of [...this.triggers.values()]) {
      const b = this.bindings.get(t.id);
      if (t.status !== 'active' || b?.kind !== 'waiting') continue;
      this.rebind(t);
      const w = this.waits.get(t.id);
      if (w && !w.warned && now - w.since >= WAIT_WARN_MS) {
        w.warned = true;
        this.opts.warn?.(`trigger ${t.id} still waits for ${t.resourceUri}: ${t.waitingFor ?? 'not there yet'}`);
      }
    }
  }

  stop(): void {
    this.flush();
    for (const u of this.unhook) u();
    this.subscriptions.closeAll();
    this.timers.clear();
  }

  // ---- internals -------------------------------------------------------------------------------

  private materialize(def: TriggerDefinition, evaluator: Trigger['evaluator']): Trigger {
    return {
      ...def,
      status: 'active',
      segment: TYPE_TO_SEGMENT[def.entityType],
      evaluator,
      ...(def.path !== undefined ? { pointer: parsePointer(def.path) } : {}),
      previous: undefined,
      dirty: false,
      eventCount: 0,
      pending: [],
      streams: new Set(),
      entitySeen: true,
    };
  }

  private add(t: Trigger, strict: boolean): void {
    this.triggers.set(t.id, t);
    if (strict) {
      try {
        this.bind(t);
      } catch (err) {
        this.triggers.delete(t.id);
        this.bindings.delete(t.id);
        throw err;
      }
    } else {
      this.rebind(t);
    }
    this.timers.arm(t);
  }

  /** A create body that can never fire is a 400 with the reason, not a trigger that waits forever. */
  private checkCanFire(def: Pick<TriggerDefinition, 'collection' | 'resourcePath' | 'entityType'>): void {
    if (!this.opts.samplers.observable(def.collection)) {
      const observable = this.opts.samplers.collections().filter((c) => this.opts.samplers.observable(c));
      throw new SovdError('invalid-parameter', `Nothing in this gateway reports changes of '${def.collection}', so a trigger on it could never fire`, {
        parameter: 'resource',
        collection: def.collection,
        allowed_values: observable,
      });
    }
    const reason = this.opts.samplers.get(def.collection)?.sampler.impossible?.(def.entityType, def.resourcePath);
    if (reason) throw new SovdError('invalid-parameter', `The resource can never exist: ${reason}`, { parameter: 'resource', details: reason });
  }

  /** Unbinds and binds again; failures leave the trigger waiting (retried on the next discovery pass). */
  private rebind(t: Trigger): void {
    this.unbind(t);
    try {
      this.bind(t);
    } catch (err) {
      const message = (err as Error).message;
      if (t.waitingFor !== message) this.opts.warn?.(`trigger ${t.id}: could not subscribe, will retry`, { err: message });
      this.wait(t, message);
    }
  }

  private wait(t: Trigger, reason: string): void {
    this.bindings.set(t.id, { kind: 'waiting' });
    if (!this.waits.has(t.id)) this.waits.set(t.id, { since: this.now(), warned: false });
    t.waitingFor = reason;
  }

  private bound(t: Trigger, b: Binding): void {
    this.bindings.set(t.id, b);
    this.waits.delete(t.id);
    t.waitingFor = undefined;
  }

  private sampled(t: Trigger): SampledEntity | undefined {
    const entity = this.opts.find(t.entityType, t.entityId);
    return entity ? { type: t.entityType, id: t.entityId, entity } : undefined;
  }

  /**
   * Subscribe-capable sampler → one shared subscription per resource; otherwise the notify index. A
   * resource that is not there yet (no sampler, entity not discovered, {@link ResourcePendingError})
   * leaves the trigger waiting; any other subscribe failure throws 503.
   */
  private bind(t: Trigger): void {
    const reg = this.opts.samplers.get(t.collection);
    if (!reg) return this.wait(t, `no producer of '${t.collection}' registered yet`);
    if (reg.sampler.subscribe) {
      const entity = this.sampled(t);
      if (!entity) return this.wait(t, `${t.entityType} ${t.entityId} is not discovered yet`);
      let key: string;
      try {
        key = this.subscriptions.join(t, (triggers) =>
          reg.sampler.subscribe!(
            entity,
            t.resourcePath,
            // Iterating the live Set is safe: a one-shot trigger removing itself mid-loop is skipped cleanly.
            (value) => {
              for (const x of triggers) this.evaluate(x, value);
            },
            (err) => {
              for (const x of triggers) this.sendError(x, err);
            },
          ),
        );
      } catch (err) {
        if (err instanceof ResourcePendingError) {
          // A lookup that succeeds before the next discovery pass: try again at once.
          err.ready?.then(
            (ok) => {
              if (ok) this.retry(t);
            },
            () => {},
          );
          return this.wait(t, err.message);
        }
        // A refusal that stays (4xx, e.g. a topic the gateway's SROS2 permissions deny) is the answer as it is.
        if (err instanceof SovdError && err.status < 500) throw err;
        throw new SovdError('x-medkit-subscribe-failed', `Could not subscribe to ${t.resourceUri}; retry once`, { details: (err as Error).message }, { status: 503 });
      }
      return this.bound(t, { kind: 'subscribe', key });
    }
    this.index.add(t);
    this.bound(t, { kind: 'notify' });
  }

  private retry(t: Trigger): void {
    if (this.triggers.get(t.id) === t && t.status === 'active' && this.bindings.get(t.id)?.kind === 'waiting') this.rebind(t);
  }

  private unbind(t: Trigger): void {
    const b = this.bindings.get(t.id);
    this.bindings.delete(t.id);
    if (b?.kind === 'subscribe') this.subscriptions.leave(b.key, t);
    else if (b?.kind === 'notify') this.index.delete(t);
  }

  private rebindCollection(collection: string): void {
    for (const t of [...this.triggers.values()]) {
      if (t.collection === collection && t.status === 'active') this.rebind(t);
    }
  }

  /** A pushed change: the entity's own triggers, then those of aggregates it belongs to. */
  private onChange(c: ResourceChange): void {
    if (this.logs.injecting) return; // a log entry written by log_settings must not re-enter evaluation
    this.index.forEach(c, (t) => this.evaluate(t, c.value));
  }

  private evaluate(t: Trigger, value: unknown): void {
    if (t.status !== 'active') return;
    if (t.expiresAt !== undefined && t.expiresAt <= this.now()) {
      this.remove(t);
      return;
    }
    const outcome = evaluateChange(t, value);
    if (outcome.kind === 'skipped') return; // changes without the pointed-to value are skipped
    if (outcome.kind === 'error') return this.sendError(t, outcome.error);
    if (t.persistent) this.dirty.add(t);
    if (outcome.fired) this.fire(t, value);
  }

  private sendError(t: Trigger, err: Error): void {
    if (t.status !== 'active') return;
    deliver(t, errorEnvelope(err, this.now()), this.opts.webhooks);
  }

  private fire(t: Trigger, payload: unknown): void {
    deliver(t, { timestamp: new Date(this.now()).toISOString(), payload }, this.opts.webhooks);
    if (t.logSettings) this.logs.inject(t);
    if (!t.multishot) {
      t.status = 'terminated';
      this.unbind(t);
      this.dirty.delete(t);
      if (t.persistent) this.opts.store?.delete(t.id);
      for (const s of t.streams) s.close();
      t.streams.clear();
      this.finishIfDone(t);
    }
  }

  /** A terminated trigger goes away once nothing is left to deliver. */
  private finishIfDone(t: Trigger): void {
    if (t.status === 'active' || t.pending.length > 0) return;
    this.opts.webhooks.whenIdle(t.id, () => this.remove(t));
  }
}
