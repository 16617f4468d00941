// The locking feature: keys, table, routes, the resolver's LockGuard and the 'locks' service.
import { type GatewayConfig } from '../config/index.js';
import { bool, guarded, int, list } from '@medkit/kit';
import type { GatewayContext, GatewayFeature } from '../feature.js';
import { ENTITIES_SERVICE } from '../entities/service.js';
import type { App, Component } from '../entities/model.js';
import { LOCKS_SERVICE, LockManager } from './manager.js';
import type { LockableType } from './model.js';
import { ancestorsVia, createLockGuard } from './guard.js';
import { parseLockBlock, resolvePolicy, type EntityLockConfig, type TypeDefaults } from './settings.js';
import { LOCK_MIGRATIONS, LockStore } from './store.js';
import { loadedRoutes } from '@medkit/server';

export const LOCK_KEYS = {
  'locking.enabled': guarded('security', bool(true, 'SOVD resource locking on apps and components (false → lock routes answer 501).')),
  'locking.default_max_expiration': guarded('limit', int(3600, 'Largest lock_expiration in seconds unless the entity sets max_expiration.', { min: 1, max: 31536000 })),
  'locking.cleanup_interval': int(30, 'Seconds between sweeps of expired locks (each lock also has its own expiry timer).', { min: 1, max: 3600 }),
  'locking.defaults.components.lock_required_scopes': guarded('security', list([], 'Scopes a component must be locked for before mutations (empty = none).')),
  'locking.defaults.components.breakable': guarded('security', bool(true, 'Whether break_lock may replace a component lock.')),
  'locking.defaults.apps.lock_required_scopes': guarded('security', list([], 'Scopes an app must be locked for before mutations (empty = none).')),
  'locking.defaults.apps.breakable': guarded('security', bool(true, 'Whether break_lock may replace an app lock.')),
};

export interface LocksFeatureOptions {
  /**
   * The manifest `lock:` block of an entity (required_scopes, breakable, max_expiration). When absent the
   * feature reads the raw `lock` block on the entity model.
   */
  entityLocks?: (type: LockableType, id: string) => EntityLockConfig | undefined;
}

export function createLocksFeature(_config?: GatewayConfig, opts: LocksFeatureOptions = {}): GatewayFeature {
  let manager: LockManager | undefined;
  let sweep: NodeJS.Timeout | undefined;
  return {
    name: 'locks',
    provides: [LOCKS_SERVICE],
    uses: [ENTITIES_SERVICE],
    keys: LOCK_KEYS,
    migrations: LOCK_MIGRATIONS,
    init(ctx: GatewayContext) {
      const enabled = ctx.config.read(LOCK_KEYS, 'locking.enabled');
      const globalMax = ctx.config.read(LOCK_KEYS, 'locking.default_max_expiration');
      const defaults: Record<LockableType, TypeDefaults> = {
        component: {
          requiredScopes: ctx.config.read(LOCK_KEYS, 'locking.defaults.components.lock_required_scopes'),
          breakable: ctx.config.read(LOCK_KEYS, 'locking.defaults.components.breakable'),
        },
        app: {
          requiredScopes: ctx.config.read(LOCK_KEYS, 'locking.defaults.apps.lock_required_scopes'),
          breakable: ctx.config.read(LOCK_KEYS, 'locking.defaults.apps.breakable'),
        },
      };
      const blockOf = (type: LockableType, id: string): EntityLockConfig | undefined => {
        const given = opts.entityLocks?.(type, id);
        if (given) return given;
        try {
          const e = ctx.resolver.resolve(type === 'app' ? 'apps' : 'components', id).entity as App | Component;
          return parseLockBlock(e.lock);
        } catch {
          return undefined;
        }
      };
      const m = new LockManager({
        policy: (type, id) => resolvePolicy(blockOf(type, id), defaults[type], globalMax),
        ancestors: ancestorsVia(ctx.resolver),
        store: new LockStore(ctx.db),
      });
      manager = m;
      ctx.resolver.setLockGuard(createLockGuard(m, () => enabled));
      ctx.services.provide(LOCKS_SERVICE, m);
      ctx.health.add(() => ({ fields: { 'x-medkit-locks': { enabled, active: m.size } } }));
    },
    routes(ctx) {
      const held = manager;
      if (!held) throw new Error('locks feature: routes() before init()');
      const enabled = ctx.config.read(LOCK_KEYS, 'locking.enabled');
      return loadedRoutes(() => import('./routes.js'), (m) => m.registerLockRoutes({ manager: held, enabled }));
    },
    start(ctx) {
      const m = manager;
      if (!m) return;
      sweep = setInterval(() => m.sweep(), ctx.config.read(LOCK_KEYS, 'locking.cleanup_interval') * 1000);
      sweep.unref();
    },
    stop() {
      clearInterval(sweep);
      manager?.stop();
    },
    summary(ctx) {
      return [['locks', ctx.config.read(LOCK_KEYS, 'locking.enabled') ? `enabled, ${manager?.size ?? 0} held` : 'disabled']];
    },
  };
}
