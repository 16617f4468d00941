// Hierarchy matching (gateway.md §6.1, §6.3): a trigger on an Area, a Function or a Component that
// hosts apps also sees changes reported for its member entities.
import type { App, Area, Component, Entity, EntityType, SovdFunction } from '../entities/model.js';

export type EntityFinder = (type: EntityType, id: string) => Entity | undefined;

/** Components from `id` up through parent components (cycle-safe). */
function componentChain(find: EntityFinder, id: string | undefined): Component[] {
  const out: Component[] = [];
  const seen = new Set<string>();
  while (id && !seen.has(id)) {
    seen.add(id);
    const c = find('component', id) as Component | undefined;
    if (!c) break;
    out.push(c);
    id = c.parent_component_id;
  }
  return out;
}

function areaChain(find: EntityFinder, id: string | undefined): string[] {
  const out: string[] = [];
  while (id && !out.includes(id)) {
    out.push(id);
    id = (find('area', id) as Area | undefined)?.parent_area_id;
  }
  return out;
}

/** True when `member` (not the aggregate itself) belongs to the aggregate entity. */
export function isMember(find: EntityFinder, aggregate: { type: EntityType; id: string }, member: { type: EntityType; id: string; entity: Entity }): boolean {
  if (aggregate.type === member.type && aggregate.id === member.id) return false;
  const components =
    member.type === 'app'
      ? componentChain(find, (member.entity as App).component_id)
      : member.type === 'component'
        ? componentChain(find, (member.entity as Component).parent_component_id)
        : [];
  switch (aggregate.type) {
    case 'component':
      return components.some((c) => c.id === aggregate.id);
    case 'area': {
      const own = member.type === 'component' ? [member.entity as Component] : [];
      const startAreas = member.type === 'area' ? [(member.entity as Area).parent_area_id] : [...own, ...components].map((c) => c.area);
      return startAreas.some((a) => areaChain(find, a).includes(aggregate.id));
    }
    case 'function': {
      const f = find('function', aggregate.id) as SovdFunction | undefined;
      if (!f || member.type === 'area' || member.type === 'function') return false;
      const hosts = new Set(f.hosts);
      return hosts.has(member.id) || components.some((c) => hosts.has(c.id));
    }
    default:
      return false;
  }
}
