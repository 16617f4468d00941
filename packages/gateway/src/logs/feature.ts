// The logs feature (docs/resources.md): /rosout into per-node ring buffers, per-entity and
// aggregated log queries, log configuration, raw /rosout routes, LogProviders, and the 'logs' sampler
// (every stored entry is pushed to triggers and subscriptions of the node's App).
import { type GatewayConfig } from '../config/index.js';
import { int } from '@medkit/kit';
import { ENTITIES_SERVICE } from '../entities/service.js';
import { LOCKS_SERVICE } from '../locks/manager.js';
import type { EntityCache } from '../entities/cache.js';
import type { Area, Entity, EntityType } from '../entities/model.js';
import { areaContains } from '../entities/relations.js';
import type { GatewayContext, GatewayFeature } from '../feature.js';
import { afterInit } from '../ros/route-kit.js';
import { ROS_SERVICE } from '../ros/connection.js';
import { entityCache, membersVia } from '../ros/members.js';
import { getSamplers } from '../sampling/index.js';
import { LOG_PROVIDERS, LogManager, type RosoutInput } from './manager.js';
import { entryBody, type StoredLog } from './model.js';
import { LogsService } from './service.js';
import { token, type Token, loadedRoutes } from '@medkit/server';

export const LOG_KEYS = {
  'logs.buffer_size': int(200, 'Log entries kept per node (ring buffer); at most buffer_size × 10 nodes are tracked.', { min: 1, max: 100000 }),
};

export const LOGS_SERVICE: Token<LogManager> = token('logs');

export function createLogsFeature(_config?: GatewayConfig): GatewayFeature {
  let manager: LogManager | undefined;
  let service: LogsService | undefined;
  let stopReading: (() => void) | undefined;
  return {
    name: 'logs',
    provides: [LOGS_SERVICE],
    uses: [ROS_SERVICE, ENTITIES_SERVICE, LOCKS_SERVICE, LOG_PROVIDERS],
    keys: LOG_KEYS,
    init(ctx) {
      const m = new LogManager(ctx.config.read(LOG_KEYS, 'logs.buffer_size'), (msg) => ctx.log.warn(msg));
      manager = m;
      // Contributed log backends (plugins' LogProviders, docs/resources.md): observers of every entry; the first with queries serves them.
      for (const p of ctx.services.find(LOG_PROVIDERS)?.() ?? []) m.addProvider(p);
      const cache = () => entityCache(ctx) as EntityCache | undefined;
      service = new LogsService({
        manager: m,
        members: membersVia(ctx),
        areaComponents: (a: Area) => {
          const c = cache();
          return c ? areaContains(c, a.id) : [];
        },
      });
      ctx.services.provide(LOGS_SERVICE, m);
      const samplers = getSamplers(ctx);
      const s = service;
      samplers.register('logs', { sample: (e) => s.list({ type: e.type, entity: e.entity }, {}) }, { notifies: true });
      m.onEntry((entry) => {
        const target = ownerOf(ctx, entry);
        if (target) samplers.notify('logs', target, undefined, entryBody(entry));
      });
      ctx.health.add(() => ({ fields: { 'x-medkit-logs': { buffer_size: m.ring.bufferSize, sources: m.ring.sources, ingested: m.ingested, dropped_sources: m.ring.dropped } } }));
    },
    routes: (ctx) =>
      loadedRoutes(() => import('./routes.js'), (m) => m.registerLogRoutes({
        service: afterInit(() => service, 'logs'),
        resolver: ctx.resolver,
      })),
    start(ctx) {
      const ros = ctx.services.find(ROS_SERVICE);
      const m = manager;
      if (!ros || !m || m.providerManagesIngestion()) return;
      const onLog = (e: RosoutInput) => m.ingestRosout(e);
      ros.context.rosout.on('log', onLog);
      stopReading = () => ros.context.rosout.off('log', onLog);
    },
    stop() {
      stopReading?.();
    },
  };
}

/** The entity an entry is about: the App of its node, or the entity its programmatic source names. */
function ownerOf(ctx: GatewayContext, e: StoredLog): { type: EntityType; id: string; entity: Entity } | undefined {
  const cache = entityCache(ctx) as EntityCache | undefined;
  if (!cache) return undefined;
  const appId = e.source.startsWith('/') ? cache.appForNode(e.source) : e.source;
  if (!appId) return undefined;
  for (const type of ['app', 'component', 'area', 'function'] as const) {
    const entity = cache.get(type, appId);
    if (entity) return { type, id: appId, entity };
  }
  return undefined;
}
