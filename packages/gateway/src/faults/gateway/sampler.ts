// The 'faults' collection sampler (gateway.md §2.7, §6.1): cyclic subscriptions read an entity's fault list
// (or one fault), and every fault event is pushed to triggers for each entity its reporting sources belong to.
import type { EntityType } from '../../entities/model.js';
import { TYPE_TO_SEGMENT, type EntityResolver } from '../../entity-scope/index.js';
import { SovdError } from '../../sovd/errors.js';
import type { CollectionSamplerRegistry } from '../../sampling/index.js';
import { inEntityScope } from '../query/list.js';
import { statusesForFilter } from '../model.js';
import type { FaultsService } from './service.js';

/** Registers the sampler and the event → change notifications; returns the function that undoes both. */
export function registerFaultSampler(registry: CollectionSamplerRegistry, svc: FaultsService, resolver: EntityResolver): () => void {
  const unregister = registry.register(
    'faults',
    {
      async sample(entity, itemPath) {
        const scope = svc.scopeOf(entity.type, entity.entity);
        const code = itemPath?.replace(/^\/+/, '');
        if (!code) return svc.views.list({ statuses: statusesForFilter(undefined)! }, scope);
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
    const item = svc.views.listItem(e.fault, false);
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
