// The cyclic-subscriptions feature: keys, routes, the manager service, and the lock-expiry hook.
import { type GatewayConfig } from '../config/index.js';
import { int } from '@medkit/kit';
import type { GatewayContext, GatewayFeature } from '../feature.js';
import { TYPE_TO_SEGMENT } from '../entity-scope/index.js';
import { getSamplers } from '../sampling/index.js';
import { LOCKS_SERVICE } from '../locks/manager.js';
import { SubscriptionManager } from './manager.js';
import { token, type Token, loadedRoutes } from '@medkit/server';

export const SUBSCRIPTION_KEYS = {
  'sse.max_subscriptions': int(100, 'Active cyclic subscriptions across the gateway; more → 503.', { min: 1, max: 100000 }),
  'sse.max_duration_sec': int(3600, 'Largest cyclic-subscription duration in seconds.', { min: 1, max: 31536000 }),
};

export interface SubscriptionsFeatureOptions {
  /** SSE keep-alive period; the spec's 15 s unless a test needs it shorter. */
  keepaliveMs?: number;
}

export const SUBSCRIPTIONS_SERVICE: Token<SubscriptionManager> = token('subscriptions');

export function createSubscriptionsFeature(_config?: GatewayConfig, opts: SubscriptionsFeatureOptions = {}): GatewayFeature {
  let manager: SubscriptionManager | undefined;
  let unhook: (() => void) | undefined;
  return {
    name: 'subscriptions',
    provides: [SUBSCRIPTIONS_SERVICE],
    uses: [LOCKS_SERVICE],
    keys: SUBSCRIPTION_KEYS,
    init(ctx: GatewayContext) {
      const m = new SubscriptionManager({
        samplers: getSamplers(ctx),
        find: (type, id) => {
          try {
            return { type, id, entity: ctx.resolver.resolve(TYPE_TO_SEGMENT[type], id).entity };
          } catch {
            return undefined;
          }
        },
        maxSubscriptions: ctx.config.read(SUBSCRIPTION_KEYS, 'sse.max_subscriptions'),
      });
      manager = m;
      ctx.services.provide(SUBSCRIPTIONS_SERVICE, m);
      ctx.health.add(() => ({ fields: { 'x-medkit-subscriptions': { active: m.size, max: ctx.config.read(SUBSCRIPTION_KEYS, 'sse.max_subscriptions') } } }));
    },
    routes(ctx) {
      if (!manager) throw new Error('subscriptions feature: routes() before init()');
      const deps = {
        manager,
        samplers: getSamplers(ctx),
        sse: ctx.sse,
        maxDuration: ctx.config.read(SUBSCRIPTION_KEYS, 'sse.max_duration_sec'),
        keepaliveMs: opts.keepaliveMs ?? 15_000,
      };
      return loadedRoutes(() => import('./routes.js'), (m) => m.registerSubscriptionRoutes(deps));
    },
    start(ctx) {
      // A lock covering cyclic-subscriptions (or everything) that runs out deletes the entity's subscriptions (docs/locks.md).
      const locks = ctx.services.find(LOCKS_SERVICE);
      const m = manager;
      if (locks && m) {
        unhook = locks.onExpired((lock) => {
          if (!lock.scopes || lock.scopes.includes('cyclic-subscriptions')) m.removeForEntity(lock.entityType, lock.entityId);
        });
      }
    },
    stop() {
      unhook?.();
      manager?.stop();
    },
    summary() {
      return [['subscriptions', `${manager?.size ?? 0} active`]];
    },
  };
}
