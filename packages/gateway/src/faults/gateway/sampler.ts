// The 'faults' collection sampler (docs/plugins.md, docs/triggers.md): cyclic subscriptions read an entity's fault list
// (or one fault), and every fault event is pushed to triggers for each entity its reporting sources belong to.
import type { EntityType } from '../../entities/model.js';
import { TYPE_TO_SEGMENT, type EntityResolver } from '../../entity-scope/index.js';
import { SovdError } from '@medkit/sovd';
import type { CollectionSamplerRegistry } from '../../sampling/index.js';
import { inEntityScope } from '@medkit/faults';
import { statusesForFilter } from '@medkit/faults';
import type { FaultsService } from './service.js';

/**
 * A cyclic subscription's payload for a whole fault collection is the fault manager's list (docs/subscriptions.md):
 * `{faults, count}` plus the REST envelope's vendor fields, not the REST `{items}` body.
 */
function subscriptionList(body: Record<string, unknown>): Record<string, unknown> {
  const { items, ...rest } = body;
  const faults = Array.isArray(items) ? items : [];
  return { faults, count: faults.length, ...rest };
}

/** Registers the sampler and the event → change notifications; returns the function that undoes both. */
export function registerFaultSampler(registry: CollectionSamplerRegistry, svc: FaultsService, resolver: EntityResolver): () => void {
  const unregister = registry.register(
    'faults',
    {
      async sample(entity, itemPath) {
        const scope = svc.scopeOf(entity.type, entity.entity);
        const code = itemPath?.replace(/^\/+/, '');
        if (!code) return subscriptionList(svc.views.list({ statuses: statusesForFilter(undefined)! }, scope));
        const f = svc.manager.getFault(code);
        if (!f || !inEntityScope(f, scope.belongs)) throw new SovdError('resource-not-found', `Fault not found: ${code}`, { fault_code: code, entity_id: entity.id });
        return svc.views.listItem(f);
      },
    },
    { itemPath: 'optional', notifies: true },
  );
  const find = (type: EntityType, id: string) => {
    try {
      return resolver.resolve(TYPE_TO_SEGMENT[type], id).entity;
    } catch {
      return undefined;
    }
  };
  const off = svc.manager.events.subscribe((e) => {
    const targets = svc.entities.entitiesOf(e.fault.reporting_sources);
    if (targets.length === 0) return;
    // Trigger payloads are the native fault item plus what happened to it (docs/triggers.md).
    const item = { ...svc.views.listItem(e.fault, false), event_type: e.event_type };
    for (const t of targets) {
      const entity = find(t.type, t.entity_id);
      if (entity) registry.notify('faults', { type: t.type, id: t.entity_id, entity }, `/${e.fault.fault_code}`, item);
    }
  });
  return () => {
    off();
    unregister();
  };
}
