// The triggers feature: keys, tables, routes, the engine service and its timers.
import { type GatewayConfig } from '../config/index.js';
import { bool, guarded, int, str } from '@medkit/kit';
import type { GatewayContext, GatewayFeature } from '../feature.js';
import { ENTITIES_SERVICE } from '../entities/service.js';
import { TYPE_TO_SEGMENT } from '../entity-scope/index.js';
import { getSamplers } from '../sampling/index.js';
import { ConditionRegistry } from './conditions.js';
import { CONTRIBUTED_CONDITIONS, TRIGGER_CONDITIONS_SERVICE } from './conditions-service.js';
import { TriggerEngine, type TriggerLogSink } from './engine.js';
import { TRIGGER_MIGRATIONS, TriggerStore } from './store.js';
import { WebhookDeliverer } from './webhook.js';
import { token, type Token, loadedRoutes } from '@medkit/server';
import { DISCOVERY_KEYS } from '../config/keys.js';

export const TRIGGER_KEYS = {
  'triggers.enabled': bool(true, 'Condition triggers (false → trigger routes answer 501).'),
  'triggers.max_triggers': int(1000, 'Active triggers across the gateway; more → 503.', { min: 1, max: 1000000 }),
  'triggers.on_restart_behavior': str('restore', 'reset: drop every trigger on restart; restore: reload persistent ones ([ours] default restore).', { enum: ['reset', 'restore'] }),
  'triggers.storage.path': str('', 'SQLite file for persistent triggers (empty = the gateway store <data_dir>/medkit.db).'),
  'triggers.webhook.secret': guarded('security', str('', '[ours] Gateway-wide HMAC-SHA256 key for X-Medkit-Signature on webhook deliveries (a trigger may set its own).')),
  'triggers.webhook.max_attempts': int(5, '[ours] Delivery attempts per webhook event before it counts as failed.', { min: 1, max: 20 }),
  'triggers.webhook.initial_backoff_ms': int(500, '[ours] Wait before the first retry; doubles per attempt (capped at 30 s).', { min: 10, max: 60000 }),
  'triggers.webhook.timeout_ms': int(5000, '[ours] Deadline of one webhook POST.', { min: 100, max: 60000 }),
};

export interface TriggersFeatureOptions {
  /** SSE keep-alive period; the spec's 15 s unless a test needs it shorter. */
  keepaliveMs?: number;
  /** How often previous values of persistent triggers are written (default 1000 ms). */
  flushIntervalMs?: number;
}

export { TRIGGER_CONDITIONS_SERVICE };

export const TRIGGERS_SERVICE: Token<TriggerEngine> = token('triggers');
export const LOG_INJECTOR_SERVICE: Token<TriggerLogSink> = token('log-injector');

export function createTriggersFeature(_config?: GatewayConfig, opts: TriggersFeatureOptions = {}): GatewayFeature {
  let engine: TriggerEngine | undefined;
  let store: TriggerStore | undefined;
  let webhooks: WebhookDeliverer | undefined;
  const conditions = new ConditionRegistry();
  const timers: NodeJS.Timeout[] = [];
  let unlisten: (() => void) | undefined;
  return {
    name: 'triggers',
    provides: [TRIGGERS_SERVICE, TRIGGER_CONDITIONS_SERVICE],
    uses: [ENTITIES_SERVICE, LOG_INJECTOR_SERVICE, CONTRIBUTED_CONDITIONS],
    keys: TRIGGER_KEYS,
    migrations: TRIGGER_MIGRATIONS,
    init(ctx: GatewayContext) {
      const enabled = ctx.config.read(TRIGGER_KEYS, 'triggers.enabled');
      const log = ctx.log.child({ component: 'triggers' });
      store = new TriggerStore(ctx.db, ctx.config.read(TRIGGER_KEYS, 'triggers.storage.path'));
      webhooks = new WebhookDeliverer({
        secret: ctx.config.read(TRIGGER_KEYS, 'triggers.webhook.secret'),
        maxAttempts: ctx.config.read(TRIGGER_KEYS, 'triggers.webhook.max_attempts'),
        initialBackoffMs: ctx.config.read(TRIGGER_KEYS, 'triggers.webhook.initial_backoff_ms'),
        timeoutMs: ctx.config.read(TRIGGER_KEYS, 'triggers.webhook.timeout_ms'),
        onAttemptFailed: (t, attempt, reason) => log.warn({ trigger: t.id, attempt, reason }, 'webhook delivery attempt failed'),
      });
      const e = new TriggerEngine({
        samplers: getSamplers(ctx),
        conditions,
        find: (type, id) => {
          try {
            return ctx.resolver.resolve(TYPE_TO_SEGMENT[type], id).entity;
          } catch {
            return undefined;
          }
        },
        maxTriggers: ctx.config.read(TRIGGER_KEYS, 'triggers.max_triggers'),
        store,
        webhooks,
        logSink: () => ctx.services.find(LOG_INJECTOR_SERVICE),
        warn: (msg, extra) => log.warn(extra ?? {}, msg),
      });
      engine = e;
      // reset: nothing survives; restore() then only picks up the id counter.
      if (ctx.config.read(TRIGGER_KEYS, 'triggers.on_restart_behavior') === 'reset') store.clear();
      const n = e.restore();
      if (n > 0) log.info({ restored: n }, `restored ${n} persistent trigger(s)`);
      // Evaluators registered before this feature started (plugins' `x-` conditions, docs/plugins.md).
      for (const c of ctx.services.find(CONTRIBUTED_CONDITIONS)?.() ?? []) conditions.register(c.name, c.evaluator);
      ctx.services.provide(TRIGGERS_SERVICE, e);
      ctx.services.provide(TRIGGER_CONDITIONS_SERVICE, conditions);
      ctx.health.add(() => ({ fields: { 'x-medkit-triggers': { enabled, active: e.activeCount, max: ctx.config.read(TRIGGER_KEYS, 'triggers.max_triggers') } } }));
    },
    routes(ctx) {
      if (!engine) throw new Error('triggers feature: routes() before init()');
      const deps = {
        engine,
        conditions,
        sse: ctx.sse,
        enabled: ctx.config.read(TRIGGER_KEYS, 'triggers.enabled'),
        keepaliveMs: opts.keepaliveMs ?? 15_000,
      };
      return loadedRoutes(() => import('./routes.js'), (m) => m.registerTriggerRoutes(deps));
    },
    start(ctx) {
      const e = engine;
      if (!e) return;
      const flush = setInterval(() => e.flush(), opts.flushIntervalMs ?? 1000);
      const sweep = setInterval(() => e.sweep(), ctx.config.read(DISCOVERY_KEYS, 'refresh_interval_ms'));
      flush.unref();
      sweep.unref();
      timers.push(flush, sweep);
      // Every discovery pass (graph-driven, debounced) may bring the entity or topic a trigger waits for.
      const discovery = ctx.services.find(ENTITIES_SERVICE);
      if (discovery) {
        const onRefresh = () => e.bindWaiting();
        discovery.on('refresh', onRefresh);
        unlisten = () => discovery.off('refresh', onRefresh);
      }
      e.sweep();
    },
    stop() {
      unlisten?.();
      unlisten = undefined;
      for (const t of timers.splice(0)) clearInterval(t);
      webhooks?.stop();
      engine?.stop();
      store?.close();
    },
    summary() {
      return [['triggers', `${engine?.activeCount ?? 0} active`]];
    },
  };
}
