// The lifecycle feature (docs/resources.md): status of apps and components, transitions through providers,
// with the built-in provider for ROS 2 managed nodes. Other features contribute providers under LIFECYCLE_PROVIDERS
// (the plugins feature: its plugins' LifecycleProviders).
import type { GatewayConfig } from '../config/index.js';
import { ENTITIES_SERVICE } from '../entities/service.js';
import { LOCKS_SERVICE } from '../locks/manager.js';
import type { GatewayFeature } from '../feature.js';
import type { Component } from '../entities/model.js';
import { componentHosts } from '../entities/relations.js';
import type { EntityCache } from '../entities/cache.js';
import { afterInit } from '../ros/route-kit.js';
import { ROS_SERVICE } from '../ros/connection.js';
import { entityCache } from '../ros/members.js';
import { secToMs } from '../ros/call-errors.js';
import { rosLifecycleBackend } from './backend.js';
import { RosManagedNodeProvider } from './ros-provider.js';
import { LifecycleService } from './service.js';
import { LIFECYCLE_PROVIDERS } from './provider.js';
import { token, type Token, loadedRoutes } from '@medkit/server';
import { ROS_KEYS } from '../config/keys.js';

export const LIFECYCLE_SERVICE: Token<LifecycleService> = token('lifecycle');

export function createLifecycleFeature(_config?: GatewayConfig): GatewayFeature {
  let service: LifecycleService | undefined;
  return {
    name: 'lifecycle',
    provides: [LIFECYCLE_SERVICE],
    uses: [ROS_SERVICE, ENTITIES_SERVICE, LOCKS_SERVICE, LIFECYCLE_PROVIDERS],
    init(ctx) {
      const s = new LifecycleService({
        hostedApps: (c: Component) => {
          const cache = entityCache(ctx);
          return cache ? componentHosts(cache as EntityCache, c.id) : [];
        },
      });
      const ros = ctx.services.find(ROS_SERVICE);
      if (ros) {
        s.addProvider(
          new RosManagedNodeProvider(rosLifecycleBackend(ros), {
            stateTimeoutMs: secToMs(Math.min(2, ctx.config.read(ROS_KEYS, 'parameter_service_timeout_sec'))),
            changeTimeoutMs: ctx.config.read(ROS_KEYS, 'service_call_timeout_sec') * 1000,
          }),
        );
      }
      // Contributed providers win over the built-in one (docs/plugins.md), in their own order.
      for (const p of [...(ctx.services.find(LIFECYCLE_PROVIDERS)?.() ?? [])].reverse()) s.addProvider(p, { first: true });
      service = s;
      ctx.services.provide(LIFECYCLE_SERVICE, s);
    },
    routes: (ctx) =>
      loadedRoutes(() => import('./routes.js'), (m) => m.registerLifecycleRoutes({
        service: afterInit(() => service, 'lifecycle'),
        resolver: ctx.resolver,
      })),
  };
}
