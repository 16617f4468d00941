// The one walker of the entity hierarchy (docs/api.md): component parents, area parents, and
// the member Apps of an aggregate. Locks (ancestors), triggers (membership), fault scoping and the
// ROS-backed collections (members) all walk the tree through here, so they agree on what "under" means
// and every walk is cycle-safe against a manifest that loops.
import type { App, Component, Entity, EntityByType, EntityType } from './model.js';

/** Finds one entity (the cache, or the resolver). Enough for walks up the tree. */
export type EntityLookup = <T extends EntityType>(type: T, id: string) => EntityByType[T] | undefined;

/** The entity lists. Needed for walks down the tree (children are found by their parent reference). */
export interface HierarchySource {
  get<T extends EntityType>(type: T, id: string): EntityByType[T] | undefined;
  list<T extends EntityType>(type: T): readonly EntityByType[T][];
}

/** One step of an upward walk; `entity` is absent for a dangling reference (the walk ends there). */
interface AncestorStep<T> {
  id: string;
  entity?: T;
}

function walkUp<T>(start: string | undefined, find: (id: string) => T | undefined, parentOf: (e: T) => string | undefined): AncestorStep<T>[] {
  const out: AncestorStep<T>[] = [];
  const seen = new Set<string>();
  let id = start;
  while (id && !seen.has(id)) {
    seen.add(id);
    const entity = find(id);
    out.push(entity ? { id, entity } : { id });
    id = entity ? parentOf(entity) : undefined;
  }
  return out;
}

function walkDown(start: string, childrenOf: (id: string) => string[]): string[] {
  const seen = new Set<string>([start]);
  const queue = [start];
  for (let i = 0; i < queue.length; i++) {
    for (const child of childrenOf(queue[i])) {
      if (seen.has(child)) continue;
      seen.add(child);
      queue.push(child);
    }
  }
  return queue;
}

/** Component `id`, then its parent components, nearest first. */
function componentAncestry(get: EntityLookup, id: string | undefined): AncestorStep<Component>[] {
  return walkUp(id, (x) => get('component', x), (c) => c.parent_component_id);
}

/** Area `id`, then its parent areas, nearest first. */
function areaAncestry(get: EntityLookup, id: string | undefined): AncestorStep<EntityByType['area']>[] {
  return walkUp(id, (x) => get('area', x), (a) => a.parent_area_id);
}

/** The components an entity sits in, nearest first: an App's host and its parents, a Component's parents. */
export function enclosingComponents(get: EntityLookup, type: EntityType, entity: Entity): AncestorStep<Component>[] {
  if (type === 'app') return componentAncestry(get, (entity as App).component_id);
  if (type === 'component') return componentAncestry(get, (entity as Component).parent_component_id);
  return [];
}

/** Component `id` and all its subcomponents, breadth first. */
export function componentSubtree(src: HierarchySource, id: string): string[] {
  return walkDown(id, (x) => src.list('component').filter((c) => c.parent_component_id === x).map((c) => c.id));
}

/** Area `id` and all its subareas, breadth first. */
function areaSubtree(src: HierarchySource, id: string): string[] {
  return walkDown(id, (x) => src.list('area').filter((a) => a.parent_area_id === x).map((a) => a.id));
}

/** Components whose `area` is this area or one of its subareas. */
export function componentsInArea(src: HierarchySource, areaId: string): Component[] {
  const areas = new Set(areaSubtree(src, areaId));
  return src.list('component').filter((c) => c.area !== undefined && areas.has(c.area));
}

/** Apps hosted directly on these components, without duplicates, in component order. */
export function appsOn(src: HierarchySource, componentIds: Iterable<string>): App[] {
  const ids = new Set(componentIds);
  const byComponent = new Map<string, App[]>();
  for (const a of src.list('app')) {
    if (a.component_id === undefined || !ids.has(a.component_id)) continue;
    let list = byComponent.get(a.component_id);
    if (!list) byComponent.set(a.component_id, (list = []));
    list.push(a);
  }
  return [...ids].flatMap((id) => byComponent.get(id) ?? []);
}

/** Member Apps of a Function: its App hosts plus the Apps on its Component hosts, without duplicates. */
export function functionMemberApps(src: HierarchySource, functionId: string): App[] {
  const fn = src.get('function', functionId);
  if (!fn) return [];
  const out = new Map<string, App>();
  for (const id of fn.hosts) {
    const app = src.get('app', id);
    if (app) out.set(id, app);
    else if (src.get('component', id)) for (const a of appsOn(src, [id])) out.set(a.id, a);
  }
  return [...out.values()];
}

/**
 * Member Apps of an entity, in discovery order, without duplicates (docs/api.md): an App is its own
 * member; a Component's are the Apps on it and its subcomponents; an Area's those on the components of it
 * and its subareas (with their subcomponents); a Function's its hosts'.
 */
export function memberApps(src: HierarchySource, type: EntityType, entity: Entity): App[] {
  switch (type) {
    case 'app':
      return [entity as App];
    case 'component':
      return appsOn(src, componentSubtree(src, entity.id));
    case 'area':
      return appsOn(src, componentsInArea(src, entity.id).flatMap((c) => componentSubtree(src, c.id)));
    case 'function':
      return functionMemberApps(src, entity.id);
  }
}

/** True when `member` (not the aggregate itself) lies under the aggregate entity (trigger hierarchy matching, docs/triggers.md). */
export function isMemberOf(get: EntityLookup, aggregate: { type: EntityType; id: string }, member: { type: EntityType; id: string; entity: Entity }): boolean {
  if (aggregate.type === member.type && aggregate.id === member.id) return false;
  const components = enclosingComponents(get, member.type, member.entity).flatMap((s) => (s.entity ? [s.entity] : []));
  switch (aggregate.type) {
    case 'component':
      return components.some((c) => c.id === aggregate.id);
    case 'area': {
      const own = member.type === 'component' ? [member.entity as Component] : [];
      const startAreas = member.type === 'area' ? [(member.entity as EntityByType['area']).parent_area_id] : [...own, ...components].map((c) => c.area);
      return startAreas.some((a) => areaAncestry(get, a).some((s) => s.id === aggregate.id));
    }
    case 'function': {
      const f = get('function', aggregate.id);
      if (!f || member.type === 'area' || member.type === 'function') return false;
      const hosts = new Set(f.hosts);
      return hosts.has(member.id) || components.some((c) => hosts.has(c.id));
    }
    default:
      return false;
  }
}
