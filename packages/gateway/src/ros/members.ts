// Which Apps stand behind an entity when a ROS-backed collection (data, operations, configurations,
// logs) is read on it: the App itself, the Apps a Component hosts (with its subcomponents), the Apps of
// an Area's components (with subareas), or a Function's hosts (docs/api.md, docs/resources.md).
import type { App, Entity, EntityType } from '../entities/model.js';
import { memberApps, type HierarchySource } from '../entities/hierarchy.js';
import type { ServiceRegistry } from '@medkit/server';
import { ENTITIES_SERVICE } from '../entities/service.js';

/** The part of the entity cache member resolution needs. */
export type MemberSource = HierarchySource;

export { memberApps };

/** True for the types whose collections are the union of their members' (docs/api.md). */
export function isAggregating(type: EntityType): boolean {
  return type !== 'app';
}

/** The entity cache published by the entities feature (service 'entities'), or undefined before it runs. */
export function entityCache(ctx: { services: ServiceRegistry }): MemberSource | undefined {
  return ctx.services.find(ENTITIES_SERVICE)?.cache;
}

/** Member Apps through the entity cache (an App alone when the cache is not there). */
export function membersVia(ctx: { services: ServiceRegistry }): (type: EntityType, entity: Entity) => App[] {
  return (type, entity) => {
    const cache = entityCache(ctx);
    if (cache) return memberApps(cache, type, entity);
    return type === 'app' ? [entity as App] : [];
  };
}
