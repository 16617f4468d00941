// The clear-data feature (docs/sovd-resources.md [ours]): the service with a clearer per thing the
// gateway holds about an entity, contributed from the features that hold it, and the routes.
import type { GatewayFeature } from '../feature.js';
import { token, type Token, loadedRoutes } from '@medkit/server';
import { DATA_SERVICE } from '../data/feature.js';
import { FAULTS_SERVICE } from '../faults/gateway/service.js';
import { clearFaults } from '@medkit/faults';
import { DATA_LISTS_SERVICE } from '../data-lists/feature.js';
import { MODES_SERVICE } from '../modes/feature.js';
import { TRIGGERS_SERVICE } from '../triggers/feature.js';
import { SUBSCRIPTIONS_SERVICE } from '../subscriptions/feature.js';
import { ClearDataService } from './service.js';
import type { EntityType } from '../entities/model.js';

const CLEAR_DATA_SERVICE: Token<ClearDataService> = token('clear-data');

/** Every status a fault record can be cleared from (the whole fault memory, healed history included). */
const FAULT_MEMORY = ['PREFAILED', 'PREPASSED', 'CONFIRMED', 'HEALED'] as const;

export function createClearDataFeature(): GatewayFeature {
  const service = new ClearDataService();
  return {
    name: 'clear-data',
    provides: [CLEAR_DATA_SERVICE],
    uses: [DATA_SERVICE, FAULTS_SERVICE, DATA_LISTS_SERVICE, MODES_SERVICE, TRIGGERS_SERVICE, SUBSCRIPTIONS_SERVICE],
    init(ctx) {
      const s = ctx.services;
      const data = s.find(DATA_SERVICE);
      if (data) service.add({ kind: 'cached-data', name: 'cached_values', clear: (ref) => data.clearCached(ref) });
      const faults = s.find(FAULTS_SERVICE);
      if (faults) {
        service.add({
          kind: 'learned-data',
          name: 'faults',
          clear: (ref) => clearFaults(faults.manager, { statuses: FAULT_MEMORY, belongsToEntity: faults.scopeOf(ref.type, ref.entity).belongs }).length,
        });
      }
      const lists = s.find(DATA_LISTS_SERVICE);
      if (lists) service.add({ kind: 'client-defined-resources', name: 'data_lists', clear: (ref) => lists.clear(ref.type, ref.entity.id) });
      // Triggers and cyclic subscriptions are removed one by one (closing their streams) as DELETE would.
      const removeAll = <T>(name: string, store: { list(type: EntityType, id: string): T[]; remove(x: T): void } | undefined) => {
        if (!store) return;
        service.add({
          kind: 'client-defined-resources',
          name,
          clear: (ref) => {
            const all = store.list(ref.type, ref.entity.id);
            for (const x of all) store.remove(x);
            return all.length;
          },
        });
      };
      removeAll('triggers', s.find(TRIGGERS_SERVICE));
      removeAll('cyclic_subscriptions', s.find(SUBSCRIPTIONS_SERVICE));
      const modes = s.find(MODES_SERVICE);
      if (modes) service.add({ kind: 'client-defined-resources', name: 'modes', clear: (ref) => modes.reset(ref) });
      s.provide(CLEAR_DATA_SERVICE, service);
    },
    routes: () => loadedRoutes(() => import('./routes.js'), (m) => m.registerClearDataRoutes(() => service)),
  };
}
