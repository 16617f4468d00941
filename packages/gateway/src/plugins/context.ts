// The PluginContext of docs/plugins.md: the gateway's services as a plugin may use them. Every lookup is
// lazy (services appear as features initialise) and every method answers "nothing" rather than throwing
// when the service behind it is not enabled.
import type { Logger } from '@medkit/kit';
import type { ServiceRegistry } from '@medkit/server';
import type { CollectionSamplerRegistry } from '../sampling/index.js';
import { ENTITIES_SERVICE } from '../entities/service.js';
import { appsOn } from '../entities/hierarchy.js';
import { ENTITY_TYPES, type Entity, type EntityType } from '../entities/model.js';
import { TYPE_TO_SEGMENT, type EntityResolver } from '../entity-scope/index.js';
import { type PluginContext, type PluginEntityInfo, pointSeverityValue } from '@medkit/plugin-api';
import { isValidEntityId } from '@medkit/sovd';
import { FAULTS_SERVICE } from '../faults/gateway/service.js';
import { FAULT_STATUSES } from '@medkit/faults';
import { LOCKS_SERVICE } from '../locks/manager.js';
import { parseScopes, scopeOf, type LockableType } from '../locks/model.js';
import { TRIGGER_CONDITIONS_SERVICE } from '../triggers/conditions-service.js';
import type { LoadedPlugin, PluginHost } from './host.js';
import { triggerCondition } from './dispatch.js';
import { ROS_SERVICE } from '../ros/connection.js';
import { createPluginRosAccess, type ClosablePluginRosAccess } from './ros-access.js';
import type { ProcessIdHints } from './process-hints.js';
import type { PluginFaultEventHub } from './fault-events.js';
import type { GatewayConfig } from '../config/index.js';
import { clientTls, metricsAccess, pluginDataDir } from './host-access.js';

function infoOf(type: EntityType, e: Entity): PluginEntityInfo {
  const fqn = (e as { fqn?: string; bound_fqn?: string }).bound_fqn ?? (e as { fqn?: string }).fqn;
  const ns = (e as { namespace?: string }).namespace;
  return { type, id: e.id, ...(ns ? { namespace_path: ns } : {}), ...(fqn ? { fqn } : {}) };
}

/** What a plugin's context is built on: the gateway's log, services, samplers, entity resolver, configuration and data dir. */
interface PluginContextSources {
  log: Logger;
  services: ServiceRegistry;
  samplers: CollectionSamplerRegistry;
  resolver: EntityResolver;
  config: GatewayConfig;
  dataDir: string;
}

/** `hints`: the process ids plugins report, shared by every plugin of one host (docs/introspection.md). */

export function createPluginContext(ctx: PluginContextSources, host: PluginHost, p: LoadedPlugin, hints: ProcessIdHints, faultEvents: PluginFaultEventHub): PluginContext {
  const log = ctx.log.child({ component: `plugin.${p.name}` });
  let rosAccess: ClosablePluginRosAccess | undefined;
  const cache = () => ctx.services.find(ENTITIES_SERVICE)?.cache;
  const find = (id: string): { type: EntityType; entity: Entity } | undefined => {
    const c = cache();
    if (!c) return undefined;
    for (const type of ENTITY_TYPES) {
      const entity = c.get(type, id);
      if (entity) return { type, entity };
    }
    return undefined;
  };
  const lockable = (id: string): { type: LockableType; id: string } => {
    const hit = find(id);
    if (!hit || (hit.type !== 'app' && hit.type !== 'component')) throw new Error(`'${id}' is not a lockable entity (app or component)`);
    return { type: hit.type, id };
  };
  const reported = new Set<string>();
  return {
    log: { info: (m) => log.info(m), warn: (m) => log.warn(m), error: (m) => log.error(m) },
    getEntity(id) {
      const hit = find(id);
      return hit ? infoOf(hit.type, hit.entity) : undefined;
    },
    getChildApps(componentId) {
      const c = cache();
      return c ? appsOn(c, [componentId]) : [];
    },
    getEntitySnapshot() {
      const c = cache();
      return c ? { areas: c.list('area'), components: c.list('component'), apps: c.list('app'), functions: c.list('function') } : { areas: [], components: [], apps: [], functions: [] };
    },
    listEntityFaults(id) {
      const faults = ctx.services.find(FAULTS_SERVICE);
      const hit = find(id);
      if (!faults || !hit) return [];
      // Every status, as listAllFaults (an empty list would match none).
      const body = faults.views.list({ statuses: FAULT_STATUSES, includeMuted: false, includeClusters: false }, faults.scopeOf(hit.type, hit.entity));
      return (body.items as unknown[]) ?? [];
    },
    listAllFaults() {
      const faults = ctx.services.find(FAULTS_SERVICE);
      if (!faults) return {};
      // Every status (an empty list would match none): callers filter on `x-medkit.status` themselves.
      return { faults: (faults.views.list({ statuses: FAULT_STATUSES, includeMuted: false, includeClusters: false }).items as unknown[]) ?? [] };
    },
    validateEntityForRoute(req, res, id) {
      if (!isValidEntityId(id)) {
        res.sendError(400, 'invalid-parameter', 'Invalid entity id', { entity_id: id });
        return undefined;
      }
      const hit = find(id);
      const segment = req.path().split('/').filter(Boolean)[2];
      const wanted = (Object.entries(TYPE_TO_SEGMENT) as [EntityType, string][]).find(([, s]) => s === segment)?.[0];
      if (!hit || (wanted && hit.type !== wanted)) {
        if (hit && wanted) res.sendError(400, 'invalid-parameter', `'${id}' is a ${hit.type}, not a ${wanted}`, { entity_id: id, expected_type: wanted, actual_type: hit.type });
        else res.sendError(404, 'entity-not-found', 'Entity not found', { entity_id: id });
        return undefined;
      }
      return infoOf(hit.type, hit.entity);
    },
    registerCapability: (type, name) => host.registerTypeCapability(type, name),
    registerEntityCapability: (id, name) => host.registerEntityCapability(id, name),
    getTypeCapabilities: (type) => host.typeCapabilities(type),
    getEntityCapabilities: (id) => host.entityCapabilities(id),
    checkLock(id, clientId, collection) {
      const hit = find(id);
      if (!hit) return;
      ctx.resolver.access.authorizeMutation(clientId ? { id: clientId } : {}, { type: hit.type, id, collection: collection as never });
    },
    acquireLock(id, clientId, scopes, ttlSeconds) {
      const locks = ctx.services.get(LOCKS_SERVICE);
      const t = lockable(id);
      return locks.acquire(t.type, t.id, { clientId, expiration: ttlSeconds, scopes: parseScopes(scopes) }).id;
    },
    releaseLock(id, clientId) {
      const locks = ctx.services.get(LOCKS_SERVICE);
      const t = lockable(id);
      for (const l of locks.list(t.type, t.id)) if (l.clientId === clientId) locks.release(t.type, t.id, l.id, clientId);
    },
    registerSampler(collection, sampler) {
      if (scopeOf(collection) === undefined && !collection.startsWith('x-')) log.warn(`sampler '${collection}': plugin collections should use an x- name`);
      ctx.samplers.register(collection, { sample: async (e, item) => host.call(p, `sampler ${collection}`, () => sampler(e.id, item)) }, { itemPath: 'forbidden' });
    },
    reportFault(r) {
      const faults = ctx.services.find(FAULTS_SERVICE);
      if (!faults) return false;
      const failed = r.event === 'FAILED';
      const out = faults.report({
        fault_code: r.fault_code,
        event_type: failed ? 0 : 1,
        severity: failed ? (pointSeverityValue(r.severity ?? 'ERROR') ?? 2) : 0,
        description: failed ? String(r.description ?? '') : '',
        source_id: r.entity_id,
      });
      if (out.accepted) reported.add(r.fault_code);
      else log.warn(`fault report ${r.fault_code} rejected: ${out.reason ?? 'unknown reason'}`);
      return out.accepted;
    },
    clearFault(code) {
      const faults = ctx.services.find(FAULTS_SERVICE);
      if (!faults) return false;
      // Its own reports, also those of an earlier run: a code one of its entities reported.
      const mine = reported.has(code) || (faults.manager.getFault(code)?.reporting_sources ?? []).some((s) => p.owned.has(s));
      return mine && faults.manager.clear(code).success;
    },
    registerConditionEvaluator(name, evaluator) {
      if (!name.startsWith('x-')) throw new Error(`condition evaluator '${name}': plugin evaluators must use an x- name`);
      host.conditions.set(name, evaluator);
      // Registered now when the triggers feature is up, else when it starts (it reads host.conditions).
      ctx.services.find(TRIGGER_CONDITIONS_SERVICE)?.register(name, triggerCondition(evaluator));
    },
    async notifyEntitiesChanged() {
      if (host.introspecting === p.name) {
        log.warn('notifyEntitiesChanged called from inside introspect: skipped');
        return;
      }
      const discovery = ctx.services.find(ENTITIES_SERVICE);
      if (!discovery) return;
      if (discovery.manifest) await discovery.reloadManifest();
      else await discovery.refresh('manual');
    },
    notifyDetailsChanged: () => host.invalidateDetails(),
    ros() {
      if (rosAccess) return rosAccess;
      const ros = ctx.services.find(ROS_SERVICE);
      if (!ros) return undefined;
      rosAccess = createPluginRosAccess(ros, (m) => host.noteFailure(p, m));
      p.onShutdown(() => rosAccess?.close());
      return rosAccess;
    },
    reportProcessIds: (pids) => hints.set(p.name, pids),
    reportWarnings: (source) => {
      p.warningSource = source;
    },
    processIdOf: (id) => hints.pidOf(id),
    metrics: () => metricsAccess(ctx.services),
    dataDir: () => pluginDataDir(ctx.dataDir, p.name),
    clientTls: (link) => clientTls(ctx.config, link),
    subscribeFaultEvents(listener) {
      const off = faultEvents.subscribe((e) => {
        if (!p.active) return;
        try {
          listener(e);
        } catch (err) {
          host.noteFailure(p, `fault event listener failed: ${(err as Error)?.message ?? String(err)}`);
        }
      });
      p.onShutdown(off);
      return off;
    },
  };
}
