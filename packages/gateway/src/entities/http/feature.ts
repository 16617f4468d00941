// The entities feature: runs discovery (manifest, runtime graph, plugins) into the entity cache,
// installs the cache behind the shared resolver, reports on /health and serves the discovery routes (the
// top-level lists also early, before a deferred gateway's other routes are built).
import type { EntityType } from '../model.js';
import { ID_PARAM, TYPE_TO_SEGMENT } from '../../entity-scope/collections.js';
import type { GatewayContext, GatewayFeature } from '../../feature.js';
import { discoveryOptionsFromConfig } from '../config-options.js';
import type { DiscoveryLayer } from '../pipeline/layer.js';
import type { RuntimeGraphSource } from '../runtime/graph-snapshot.js';
import { DiscoveryManager, ENTITIES_SERVICE, ENTITY_CAPABILITIES_SERVICE } from '../service.js';
import { ROS_GRAPH_SERVICE } from '../../ros/connection.js';
import { ENTITY_CONTRIBUTIONS } from '../contributions.js';
import { capabilityNames, type DetailOptions } from './shapes.js';
import { loadedRoutes } from '@medkit/server';
import { ENTITY_LIST_PATHS, registerEntityLists } from './list-routes.js';

interface EntitiesFeatureOptions {
  /** The live ROS graph; when omitted, the `ros-graph` service published by the ROS feature is used if present. */
  source?: RuntimeGraphSource;
  plugins?: DiscoveryLayer[];
}

export { ENTITIES_SERVICE };

/**
 * A graph that has not changed for this long after start has shown its first burst of nodes: 300 ms is three ticks
 * of the scheduler's start-up window, longer than the gaps between one launch's participants answering. A gap longer
 * than that only starts the routes' build earlier; the build never waits past the server's own bound (2 s).
 */
const STARTUP_QUIET_MS = 300;
const STARTUP_QUIET_MAX_MS = 3_000;

/**
 * What an entity's detail lists besides its fixed collections (scripts, locks, served resources, plugin
 * capabilities), from the route index and the plugins: shared by the detail route and ENTITY_CAPABILITIES_SERVICE.
 * Call the result once every route is registered.
 */
function detailOptionsOf(ctx: GatewayContext): () => DetailOptions {
  const details = ctx.services.find(ENTITY_CONTRIBUTIONS)?.details;
  const decorate = details?.detailOf.bind(details);
  const pluginsRevision = details ? () => details.revision() : undefined;
  // Read from the route index on first use (every route is registered before the server listens).
  const served = new Map<EntityType, readonly string[]>();
  const resources = (type: EntityType): readonly string[] => {
    let r = served.get(type);
    if (!r) served.set(type, (r = ctx.capabilities.entityResources(TYPE_TO_SEGMENT[type], ID_PARAM[TYPE_TO_SEGMENT[type]])));
    return r;
  };
  return () => ({ scripts: ctx.capabilities.has('scripts'), locking: ctx.capabilities.has('locking'), resources, plugins: decorate, pluginsRevision });
}

export function createEntitiesFeature(opts: EntitiesFeatureOptions = {}): GatewayFeature {
  let manager: DiscoveryManager | undefined;
  let source: RuntimeGraphSource | undefined;
  let unlisten: (() => void) | undefined;
  let detailOptions: (() => DetailOptions) | undefined;
  const mgr = (): DiscoveryManager => {
    if (!manager) throw new Error('entities feature used before init');
    return manager;
  };
  return {
    name: 'entities',
    provides: [ENTITIES_SERVICE, ENTITY_CAPABILITIES_SERVICE],
    // Contributed discovery layers (plugins' IntrospectionProviders, docs/manifest.md) and detail contributions.
    uses: [ROS_GRAPH_SERVICE, ENTITY_CONTRIBUTIONS],
    async init(ctx) {
      const log = ctx.log.child({ component: 'discovery' });
      source = opts.source ?? ctx.services.find(ROS_GRAPH_SERVICE);
      manager = new DiscoveryManager(
        discoveryOptionsFromConfig(ctx.config, {
          source,
          plugins: opts.plugins ?? ctx.services.find(ENTITY_CONTRIBUTIONS)?.discoveryLayers(),
          log: { info: (m) => log.info(m), warn: (m) => log.warn(m), error: (m) => log.error(m) },
        }),
      );
      // A broken manifest throws ManifestError here, which stops start-up with file:line:rule messages.
      await manager.start();
      ctx.resolver.setLookup(manager.cache);
      ctx.services.provide(ENTITIES_SERVICE, manager);
      const options = (detailOptions = detailOptionsOf(ctx));
      ctx.services.provide(ENTITY_CAPABILITIES_SERVICE, (type, entity) => capabilityNames(type, entity, options()));
      ctx.health.add(() => mgr().health());
    },
    // A deferred gateway lists the graph before its other routes are built: launch → nodes listed (issue 69).
    early: () => ({ paths: ENTITY_LIST_PATHS, routes: registerEntityLists(() => mgr().cache) }),
    routes: (ctx) => loadedRoutes(() => import('./routes.js'), (m) => m.registerDiscoveryRoutes({ cache: () => mgr().cache, resolver: ctx.resolver, detailOptions: detailOptions ?? detailOptionsOf(ctx) })),
    start() {
      // Graph changes (ROS discovery) schedule a refresh.
      const m = manager;
      if (m && source?.onChange) {
        unlisten = source.onChange(() => m.notifyGraphChanged());
        // What the graph learnt between init's first pass and now (nodes discovered meanwhile) raised no event here.
        m.notifyGraphChanged();
      }
    },
    // The deferred routes are built once the first burst of discovery is listed (create-server.ts, issue 69).
    startupWork: () => manager?.quiet(STARTUP_QUIET_MS, STARTUP_QUIET_MAX_MS),
    stop: () => {
      unlisten?.();
      manager?.stop();
    },
    summary: () => {
      const s = mgr().cache.stats();
      // What /apps lists now; while the cache still lags the graph, the line says so (issue 68).
      const settling = mgr().settling ? ' (discovery still settling: the lists grow as nodes are discovered)' : '';
      return [['entities', `${s.areas} areas, ${s.components} components, ${s.apps} apps, ${s.functions} functions${settling}`]];
    },
  };
}
