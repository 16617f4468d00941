// The data-lists feature (docs/sovd-resources.md [ours]): the store and the routes.
import type { GatewayFeature } from '../feature.js';
import { token, type Token, loadedRoutes } from '@medkit/server';
import { DATA_SERVICE } from '../data/feature.js';
import { DataListStore } from './store.js';

export const DATA_LISTS_SERVICE: Token<DataListStore> = token('data-lists');

export function createDataListsFeature(): GatewayFeature {
  const store = new DataListStore();
  return {
    name: 'data-lists',
    provides: [DATA_LISTS_SERVICE],
    uses: [DATA_SERVICE],
    init(ctx) {
      ctx.services.provide(DATA_LISTS_SERVICE, store);
    },
    routes: (ctx) => loadedRoutes(() => import('./routes.js'), (m) => m.registerDataListRoutes({ store, data: () => ctx.services.find(DATA_SERVICE) })),
  };
}
