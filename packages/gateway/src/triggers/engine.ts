// The trigger engine (gateway.md §6.3): holds the triggers, binds each to its change source, evaluates
// conditions and delivers events. Triggers are indexed by (collection, entity, resource path), so a new
// sample or change evaluates only the triggers on that resource — not every trigger in the gateway.
import type { Entity, EntityType } from '../entities/model.js';
import { SovdError } from '@medkit/plugin-api';
import type { EventStream } from '../sovd/events.js';
import { ResourcePendingError, type CollectionSamplerRegistry, type ResourceChange, type SampledEntity } from '../sampling/index.js';
import { TYPE_TO_SEGMENT } from '../entity-scope/index.js';
import type { ConditionRegistry } from './conditions.js';
import { isMemberOf, type EntityLookup } from '../entities/hierarchy.js';

/** Finds an entity by type and id (the resolver's view of the tree). */
export type EntityFinder = (type: EntityType, id: string) => Entity | undefined;
import { parsePointer, resolvePointer } from './json.js';
import type { EventEnvelope, LogSeverity, Trigger, TriggerDefinition } from './model.js';
import type { TriggerStore } from './store.js';
import type { WebhookDeliverer } from './webhook.js';

/** Where a fired trigger's `log_settings` entry goes (the logs feature publishes one as 'log-injector'). */
export interface TriggerLogSink {
  inject(entry: { entityType: EntityType; entityId: string; severity: LogSeverity; message: string; context: Record<string, unknown> }): void;
}

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

const MAX_PENDING = 100;
/** A trigger waiting this long for its resource is named in one warning (it keeps waiting). */
const WAIT_WARN_MS = 60_000;
const ekey = (type: string, id: string) => `${type}:${id}`;

/**
 * How a trigger receives changes: a shared sampler subscription, the notify index, or waiting for its
 * resource to appear (entity not discovered, topic not advertised, sampler not registered yet).
 */
type Binding = { kind: 'subscribe'; key: string } | { kind: 'notify' } | { kind: 'waiting' };

interface Observation {
  unsubscribe: () => void;
  triggers: Set<Trigger>;
}

export class TriggerEngine {
  private readonly triggers = new Map<string, Trigger>();
  private readonly bindings = new Map<string, Binding>();
  /** Waiting triggers: since when (kept across retries) and whether the long wait was reported. */
  private readonly waits = new Map<string, { since: number; warned: boolean }>();
  /** notify-bound triggers: collection → entity key → resource path ('' = whole collection) → triggers. */
  private readonly index = new Map<string, Map<string, Map<string, Set<Trigger>>>>();
  private readonly observations = new Map<string, Observation>();
  private readonly timers = new Map<string, NodeJS.Timeout>();
  private readonly dirty = new Set<Trigger>();
  private seq = 0;
  private injecting = false;
  private readonly now: () => number;
  private readonly unhook: (() => void)[] = [];

  constructor(private readonly opts: TriggerEngineOptions) {
    this.now = opts.now ?? Date.now;
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
    const t = this.triggers.get(id);
    if (!t || t.entityType !== entityType || t.entityId !== entityId) throw new SovdError('resource-not-found', 'Trigger not found', { trigger_id: id, entity_id: entityId });
    return t;
  }

  list(entityType: EntityType, entityId: string): Trigger[] {
    return [...this.triggers.values()].filter((t) => t.entityType === entityType && t.entityId === entityId);
  }

  /** PUT: a new lifetime, counted from now. */
  setLifetime(t: Trigger, lifetime: number): void {
    t.lifetime = lifetime;
    t.expiresAt = this.now() + lifetime * 1000;
    if (t.persistent) this.opts.store?.setExpiry(t.id, lifetime, t.expiresAt);
    this.arm(t);
  }

  /** Removes a trigger fully: unbinds it, closes its streams, drops queued deliveries and stored rows. */
  remove(t: Trigger): void {
    if (this.triggers.get(t.id) !== t) return;
    this.unbind(t);
    this.waits.delete(t.id);
    clearTimeout(this.timers.get(t.id));
    this.timers.delete(t.id);
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
    for (const e of t.pending.splice(0)) stream.send({ id: e.id, data: e.envelope });
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
    for (const o of this.observations.values()) o.unsubscribe();
    this.observations.clear();
    for (const t of this.timers.values()) clearTimeout(t);
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
    this.arm(t);
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

  private arm(t: Trigger): void {
    clearTimeout(this.timers.get(t.id));
    if (t.expiresAt === undefined) return;
    const timer = setTimeout(() => {
      if (t.expiresAt !== undefined && t.expiresAt <= this.now()) this.remove(t);
      else this.arm(t);
    }, Math.min(Math.max(0, t.expiresAt - this.now()), 2 ** 31 - 1));
    timer.unref();
    this.timers.set(t.id, timer);
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
      const key = `${t.collection}\u0000${ekey(t.entityType, t.entityId)}\u0000${t.resourcePath ?? ''}`;
      let obs = this.observations.get(key);
      if (!obs) {
        const triggers = new Set<Trigger>();
        let unsubscribe: () => void;
        try {
          unsubscribe = reg.sampler.subscribe(
            entity,
            t.resourcePath,
            // Iterating the live Set is safe: a one-shot trigger removing itself mid-loop is skipped cleanly.
            (value) => {
              for (const x of triggers) this.evaluate(x, value);
            },
            (err) => {
              for (const x of triggers) this.sendError(x, err);
            },
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
          throw new SovdError('x-medkit-subscribe-failed', `Could not subscribe to ${t.resourceUri}; retry once`, { details: (err as Error).message }, { status: 503 });
        }
        obs = { unsubscribe, triggers };
        this.observations.set(key, obs);
      }
      obs.triggers.add(t);
      return this.bound(t, { kind: 'subscribe', key });
    }
    let byEntity = this.index.get(t.collection);
    if (!byEntity) this.index.set(t.collection, (byEntity = new Map()));
    const ek = ekey(t.entityType, t.entityId);
    let byPath = byEntity.get(ek);
    if (!byPath) byEntity.set(ek, (byPath = new Map()));
    const p = t.resourcePath ?? '';
    let set = byPath.get(p);
    if (!set) byPath.set(p, (set = new Set()));
    set.add(t);
    this.bound(t, { kind: 'notify' });
  }

  private retry(t: Trigger): void {
    if (this.triggers.get(t.id) === t && t.status === 'active' && this.bindings.get(t.id)?.kind === 'waiting') this.rebind(t);
  }

  private unbind(t: Trigger): void {
    const b = this.bindings.get(t.id);
    this.bindings.delete(t.id);
    if (b?.kind === 'subscribe') {
      const obs = this.observations.get(b.key);
      obs?.triggers.delete(t);
      if (obs && obs.triggers.size === 0) {
        this.observations.delete(b.key);
        try {
          obs.unsubscribe();
        } catch {
          // the sampler's problem; the trigger is gone either way
        }
      }
    } else if (b?.kind === 'notify') {
      const byEntity = this.index.get(t.collection);
      const byPath = byEntity?.get(ekey(t.entityType, t.entityId));
      const set = byPath?.get(t.resourcePath ?? '');
      set?.delete(t);
      if (set && set.size === 0) byPath!.delete(t.resourcePath ?? '');
      if (byPath && byPath.size === 0) byEntity!.delete(ekey(t.entityType, t.entityId));
    }
  }

  private rebindCollection(collection: string): void {
    for (const t of [...this.triggers.values()]) {
      if (t.collection === collection && t.status === 'active') this.rebind(t);
    }
  }

  /** A pushed change: the entity's own triggers, then those of aggregates it belongs to. */
  private onChange(c: ResourceChange): void {
    if (this.injecting) return; // a log entry written by log_settings must not re-enter evaluation
    const byEntity = this.index.get(c.collection);
    if (!byEntity) return;
    const own = ekey(c.entity.type, c.entity.id);
    const direct = byEntity.get(own);
    if (direct) this.evaluatePaths(direct, c.itemPath, c.value);
    for (const [k, byPath] of byEntity) {
      if (k === own || k.startsWith('app:')) continue;
      const i = k.indexOf(':');
      if (isMemberOf(this.opts.find as EntityLookup, { type: k.slice(0, i) as EntityType, id: k.slice(i + 1) }, c.entity)) this.evaluatePaths(byPath, c.itemPath, c.value);
    }
  }

  /** Whole-collection triggers, exact path, and suffix matches at segment boundaries (`/temperature` ⊂ `/sensor/temperature`). */
  private evaluatePaths(byPath: Map<string, Set<Trigger>>, itemPath: string | undefined, value: unknown): void {
    const run = (set: Set<Trigger> | undefined) => {
      if (set) for (const t of set) this.evaluate(t, value);
    };
    run(byPath.get(''));
    if (!itemPath) return;
    run(byPath.get(itemPath));
    for (let i = itemPath.indexOf('/', 1); i > 0; i = itemPath.indexOf('/', i + 1)) run(byPath.get(itemPath.slice(i)));
  }

  private evaluate(t: Trigger, value: unknown): void {
    if (t.status !== 'active') return;
    if (t.expiresAt !== undefined && t.expiresAt <= this.now()) {
      this.remove(t);
      return;
    }
    let current = value;
    if (t.pointer) {
      const r = resolvePointer(value, t.pointer);
      if (!r.found) return; // changes without the pointed-to value are skipped
      current = r.value;
    }
    let fired: boolean;
    try {
      fired = t.evaluator.evaluate(t.previous, current, t.conditionParams);
    } catch (err) {
      this.sendError(t, err as Error);
      return;
    }
    // Reused holder: this runs per trigger per sample, so no allocation on the hot path.
    if (t.previous) t.previous.value = current;
    else t.previous = { value: current };
    if (t.persistent) this.dirty.add(t);
    if (fired) this.fire(t, value);
  }

  private emit(t: Trigger, envelope: EventEnvelope): void {
    const id = ++t.eventCount;
    if (t.protocol === 'webhook') this.opts.webhooks.enqueue(t, id, envelope);
    if (t.streams.size > 0) {
      for (const s of t.streams) s.send({ id, data: envelope });
    } else if (t.protocol === 'sse') {
      t.pending.push({ id, envelope });
      if (t.pending.length > MAX_PENDING) t.pending.shift();
    }
  }

  private sendError(t: Trigger, err: Error): void {
    if (t.status !== 'active') return;
    const e = err instanceof SovdError ? err.toBody() : { error_code: 'vendor-error', message: err.message };
    this.emit(t, { timestamp: new Date(this.now()).toISOString(), error: { error_code: e.error_code, ...(e.vendor_code ? { vendor_code: e.vendor_code } : {}), message: e.message } });
  }

  private fire(t: Trigger, payload: unknown): void {
    this.emit(t, { timestamp: new Date(this.now()).toISOString(), payload });
    if (t.logSettings) this.injectLog(t);
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

  private injectLog(t: Trigger): void {
    const ls = t.logSettings!;
    const context = { trigger_id: t.id, condition_type: t.conditionType, resource: t.resourceUri };
    this.injecting = true;
    try {
      const sink = this.opts.logSink?.();
      if (sink) sink.inject({ entityType: t.entityType, entityId: t.entityId, severity: ls.severity, message: ls.marker, context });
      else this.opts.warn?.(`${ls.marker} (${t.id})`, context);
    } catch (err) {
      this.opts.warn?.(`trigger ${t.id}: log injection failed`, { err: (err as Error).message });
    } finally {
      this.injecting = false;
    }
  }
}
