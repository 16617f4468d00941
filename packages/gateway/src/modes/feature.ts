// The modes feature (docs/sovd-resources.md [ours]): the `modes` service and routes.
import type { GatewayFeature } from '../feature.js';
import { token, type Token, loadedRoutes } from '@medkit/server';
import { LIFECYCLE_SERVICE } from '../lifecycle/feature.js';
import { ModesService } from './service.js';

export const MODES_SERVICE: Token<ModesService> = token('modes');

export function createModesFeature(): GatewayFeature {
  let service: ModesService | undefined;
  const need = () => {
    if (!service) throw new Error('modes feature used before init');
    return service;
  };
  return {
    name: 'modes',
    provides: [MODES_SERVICE],
    uses: [LIFECYCLE_SERVICE],
    init(ctx) {
      service = new ModesService(() => ctx.services.find(LIFECYCLE_SERVICE));
      ctx.services.provide(MODES_SERVICE, service);
    },
    routes: () => loadedRoutes(() => import('./routes.js'), (m) => m.registerModeRoutes(need)),
    stop() {
      service?.close();
    },
  };
}
