// The fault-triggers feature (docs/triggers.md): keys, the rule store, the engine and its poll timer, routes.
// Values are read through the `data` sampler, so a rule works on a plugin's App (its DataProvider) and, [ours],
// on a ROS App (a topic, with `path` naming a field of the message).
import { bool, int, str } from '@medkit/kit';
import type { GatewayFeature } from '../feature.js';
import { effectiveFqn, type App } from '../entities/model.js';
import { FAULTS_SERVICE } from '../faults/gateway/service.js';
import { DATA_SERVICE } from '../data/feature.js';
import { DATA_PROVIDERS } from '../data/providers.js';
import { contributedChain } from '../entities/provider-chain.js';
import { getSamplers } from '../sampling/index.js';
import { SovdError } from '@medkit/sovd';
import { FaultTriggerEngine } from './engine.js';
import { MemoryFaultTriggerStore, SqliteFaultTriggerStore } from './store.js';
import { loadedRoutes } from '@medkit/server';

export const FAULT_TRIGGER_KEYS = {
  'fault_triggers.enabled': bool(true, 'Fault-trigger rules (`/apps/{id}/fault-triggers`); false → the routes answer 404.'),
  'fault_triggers.poll_interval_ms': int(1000, 'How often every active rule reads its value; below 50 is raised to 50 with a warning.', { min: 50, max: 2147483647 }),
  'fault_triggers.storage.path': str('', 'SQLite file the rules are kept in, so they survive a restart (empty = in memory, lost on restart, as the reference).'),
  'fault_triggers.max_rules': int(1000, '[ours] Rules across the gateway; more → 503.', { min: 1, max: 100000 }),
};


export function createFaultTriggersFeature(): GatewayFeature {
  let engine: FaultTriggerEngine | undefined;
  return {
    name: 'fault-triggers',
    uses: [FAULTS_SERVICE, DATA_SERVICE, DATA_PROVIDERS],
    keys: FAULT_TRIGGER_KEYS,
    init(ctx) {
      if (!ctx.config.read(FAULT_TRIGGER_KEYS, 'fault_triggers.enabled')) return;
      const log = ctx.log.child({ component: 'fault-triggers' });
      const path = ctx.config.read(FAULT_TRIGGER_KEYS, 'fault_triggers.storage.path');
      // Apps another provider serves (a plugin's DataProvider) list their items through it.
      const providers = contributedChain(ctx.services, DATA_PROVIDERS);
      const appRef = (app: App) => ({ type: 'app' as const, entity: app });
      engine = new FaultTriggerEngine({
        store: path ? new SqliteFaultTriggerStore(path) : new MemoryFaultTriggerStore(),
        app: (id) => {
          try {
            return ctx.resolver.resolve('apps', id).entity as App;
          } catch {
            return undefined;
          }
        },
        dataNames: async (app) => {
          const o = providers.resourceFor(appRef(app));
          if (o) {
            const items = ((await o.list()).body as { items?: { id?: unknown }[] } | undefined)?.items;
            return Array.isArray(items) ? items.map((i) => String(i?.id)) : undefined;
          }
          return ctx.services.find(DATA_SERVICE)?.listIds(appRef(app)).map((i) => i.id);
        },
        read: (app, name, signal) => {
          const data = getSamplers(ctx).get('data');
          if (!data) throw new SovdError('service-unavailable', 'Data is not served');
          return data.sampler.sample({ type: 'app', id: app.id, entity: app }, `/${name.replace(/^\/+/, '')}`, signal);
        },
        faults: () => ctx.services.find(FAULTS_SERVICE)?.manager,
        sourceOf: (app) => effectiveFqn(app) || app.id,
        maxRules: ctx.config.read(FAULT_TRIGGER_KEYS, 'fault_triggers.max_rules'),
        warn: (message, extra) => log.warn(extra ?? {}, message),
      });
    },
    routes: () =>
      loadedRoutes(() => import('./routes.js'), (m) => m.registerFaultTriggerRoutes({
        enabled: engine !== undefined,
        engine: () => {
          if (!engine) throw new SovdError('resource-not-found', 'Fault triggers are disabled');
          return engine;
        },
      })),
    start(ctx) {
      engine?.start(ctx.config.read(FAULT_TRIGGER_KEYS, 'fault_triggers.poll_interval_ms'));
    },
    async stop() {
      await engine?.stop();
    },
    summary: () => (engine ? [['fault-triggers', `${engine.size} rule(s)`]] : []),
  };
}
