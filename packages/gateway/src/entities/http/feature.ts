// The entities feature: runs discovery (manifest, runtime graph, plugins) into the entity cache,
// installs the cache behind the shared resolver, reports on /health and serves the discovery routes.
import type { GatewayFeature } from '../../feature.js';
import { discoveryOptionsFromConfig } from '../config-options.js';
import type { DiscoveryLayer } from '../pipeline/layer.js';
import type { RuntimeGraphSource } from '../runtime/graph-snapshot.js';
import { DiscoveryManager } from '../service.js';
import { registerDiscoveryRoutes } from './routes.js';

export interface EntitiesFeatureOptions {
  /** The live ROS graph; when omitted, the `ros-graph` service published by the ROS feature is used if present. */
  source?: RuntimeGraphSource;
  plugins?: DiscoveryLayer[];
}

export const ENTITIES_SERVICE = 'entities';

export function createEntitiesFeature(opts: EntitiesFeatureOptions = {}): GatewayFeature {
  let manager: DiscoveryManager | undefined;
  const mgr = (): DiscoveryManager => {
    if (!manager) throw new Error('entities feature used before init');
    return manager;
  };
  return {
    name: 'entities',
    async init(ctx) {
      const log = ctx.log.child({ component: 'discovery' });
      manager = new DiscoveryManager(
        discoveryOptionsFromConfig(ctx.config, {
          source: opts.source ?? (ctx.services.get('ros-graph') as RuntimeGraphSource | undefined),
          plugins: opts.plugins,
          log: { info: (m) => log.info(m), warn: (m) => log.warn(m), error: (m) => log.error(m) },
        }),
      );
      // A broken manifest throws ManifestError here, which stops start-up with file:line:rule messages.
      await manager.start();
      ctx.resolver.setLookup(manager.cache);
      ctx.services.set(ENTITIES_SERVICE, manager);
      ctx.health.add(() => mgr().health());
    },
    routes: (ctx) =>
      registerDiscoveryRoutes({
        cache: () => mgr().cache,
        resolver: ctx.resolver,
        detailOptions: () => ({ scripts: ctx.capabilities.has('scripts'), locking: ctx.capabilities.has('locking') }),
      }),
    stop: () => manager?.stop(),
    summary: () => {
      const s = mgr().cache.stats();
      return [['entities', `${s.areas} areas, ${s.components} components, ${s.apps} apps, ${s.functions} functions`]];
    },
  };
}
