// The configurations feature (docs/resources.md): node parameters behind every entity, with deadlines, a
// negative cache for dead parameter services, reset to first-seen values, and the 'configurations' sampler.
import type { GatewayConfig } from '../config/index.js';
import { ENTITIES_SERVICE } from '../entities/service.js';
import { LOCKS_SERVICE } from '../locks/manager.js';
import type { GatewayFeature } from '../feature.js';
import { membersVia } from '../ros/members.js';
import { afterInit } from '../ros/route-kit.js';
import { ROS_SERVICE } from '../ros/connection.js';
import { secToMs } from '../ros/call-errors.js';
import { getSamplers } from '../sampling/index.js';
import { rosParameterBackend, type ParameterBackend } from './backend.js';
import { NodeParameters } from './node-params.js';
import { ConfigurationsService } from './service.js';
import { token, type Token, loadedRoutes } from '@medkit/server';
import { ROS_KEYS } from '../config/keys.js';

export const CONFIGURATIONS_SERVICE: Token<ConfigurationsService> = token('configurations');

export interface ConfigurationsFeatureOptions {
  /** Parameter access (default: the ROS connection's). */
  backend?: ParameterBackend;
}

export function createConfigurationsFeature(_config?: GatewayConfig, opts: ConfigurationsFeatureOptions = {}): GatewayFeature {
  let service: ConfigurationsService | undefined;
  let backend: ParameterBackend | undefined;
  let unlisten: (() => void) | undefined;
  return {
    name: 'configurations',
    provides: [CONFIGURATIONS_SERVICE],
    uses: [ROS_SERVICE, ENTITIES_SERVICE, LOCKS_SERVICE],
    init(ctx) {
      const ros = ctx.services.find(ROS_SERVICE);
      backend = opts.backend ?? (ros ? rosParameterBackend(ros) : undefined);
      const b = backend ?? unavailableBackend();
      const params = new NodeParameters(b, {
        timeoutMs: secToMs(ctx.config.read(ROS_KEYS, 'parameter_service_timeout_sec')),
        negativeCacheMs: Math.round(ctx.config.read(ROS_KEYS, 'parameter_service_negative_cache_sec') * 1000),
      });
      if (ros) {
        const onChange = () => params.graphChanged();
        ros.graph.on('change', onChange);
        unlisten = () => ros.graph.off('change', onChange);
      }
      const s = new ConfigurationsService(params, membersVia(ctx));
      service = s;
      ctx.services.provide(CONFIGURATIONS_SERVICE, s);
      getSamplers(ctx).register('configurations', { sample: (e, _item, signal) => s.list({ type: e.type, entity: e.entity }, signal) });
    },
    routes: (ctx) =>
      loadedRoutes(() => import('./routes.js'), (m) => m.registerConfigurationRoutes({
        service: afterInit(() => service, 'configurations'),
        resolver: ctx.resolver,
      })),
    stop() {
      unlisten?.();
      backend?.close();
    },
  };
}

/** Without ROS every node is unavailable. */
function unavailableBackend(): ParameterBackend {
  const no = () => Promise.reject(new Error('ROS access is off'));
  return { serves: () => false, list: no, get: no, describe: no, set: no, close() {} };
}
