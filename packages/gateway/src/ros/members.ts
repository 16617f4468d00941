// Which Apps stand behind an entity when a ROS-backed collection (data, operations, configurations,
// logs) is read on it: the App itself, the Apps a Component hosts (with its subcomponents), the Apps of
// an Area's components (with subareas), or a Function's hosts (api.md §3.2, gateway.md §10.2).
import type { EntityCache } from '../entities/cache.js';
import type { App, Entity, EntityType } from '../entities/model.js';
import { areaContains, componentHosts, functionApps, subcomponents } from '../entities/relations.js';
import type { GatewayContext } from '../feature.js';

/** The part of the entity cache member resolution needs. */
export type MemberSource = Pick<EntityCache, 'get' | 'list'>;

/** Components from `id` down through subcomponents (cycle-safe). */
function componentTree(c: MemberSource, id: string): string[] {
  const out: string[] = [];
  const queue = [id];
  while (queue.length > 0) {
    const next = queue.shift()!;
    if (out.includes(next)) continue;
    out.push(next);
    for (const sub of subcomponents(c as EntityCache, next)) queue.push(sub.id);
  }
  return out;
}

/** Member Apps of an entity, in discovery order, without duplicates. An App is its own only member. */
export function memberApps(c: MemberSource, type: EntityType, entity: Entity): App[] {
  const cache = c as EntityCache;
  switch (type) {
    case 'app':
      return [entity as App];
    case 'component':
      return dedupe(componentTree(c, entity.id).flatMap((id) => componentHosts(cache, id)));
    case 'area':
      return dedupe(areaContains(cache, entity.id).flatMap((comp) => componentTree(c, comp.id).flatMap((id) => componentHosts(cache, id))));
    case 'function':
      return functionApps(cache, entity.id);
  }
}

function dedupe(apps: App[]): App[] {
  const seen = new Map<string, App>();
  for (const a of apps) if (!seen.has(a.id)) seen.set(a.id, a);
  return [...seen.values()];
}

/** True for the types whose collections are the union of their members' (api.md §1.3). */
export function isAggregating(type: EntityType): boolean {
  return type !== 'app';
}

/** The entity cache published by the entities feature (service 'entities'), or undefined before it runs. */
export function entityCache(ctx: Pick<GatewayContext, 'services'>): MemberSource | undefined {
  const m = ctx.services.get('entities') as { cache?: MemberSource } | undefined;
  return m?.cache;
}

/** Member Apps through the entity cache (an App alone when the cache is not there). */
export function membersVia(ctx: Pick<GatewayContext, 'services'>): (type: EntityType, entity: Entity) => App[] {
  return (type, entity) => {
    const cache = entityCache(ctx);
    if (cache) return memberApps(cache, type, entity);
    return type === 'app' ? [entity as App] : [];
  };
}
