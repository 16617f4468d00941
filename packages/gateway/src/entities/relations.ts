/**
 * Relationship lookups behind the discovery routes (docs/api.md), including dangling references.
 */
import type { EntityCache } from './cache.js';
import type { App, Area, Component, SovdFunction } from './model.js';
import { componentsInArea } from './hierarchy.js';

/** A referenced entity; `missing` when the id resolves to nothing (serialized as `x-medkit.missing`). */
export interface Related<T> {
  id: string;
  entity?: T;
  missing: boolean;
}

/** `GET /apps/{id}/belongs-to` item. */
interface BelongsTo {
  /** Area id; empty for the `<unknown area>` item. */
  id: string;
  /** Area name, the id when the area is missing, or `<unknown area>`. */
  name: string;
  entity?: Area;
  missing: boolean;
  /** Set when the App's host component does not exist, so its area cannot be known. */
  unresolved_component?: string;
}

export const UNKNOWN_AREA_NAME = '<unknown area>';

function resolve<T>(ids: readonly string[], get: (id: string) => T | undefined): Related<T>[] {
  return ids.map((id) => {
    const entity = get(id);
    return entity ? { id, entity, missing: false } : { id, missing: true };
  });
}

/** `GET /areas`: areas without a parent. */
export function topLevelAreas(c: EntityCache): Area[] {
  return c.list('area').filter((a) => !a.parent_area_id);
}

/** `GET /components`: components without a parent component. */
export function topLevelComponents(c: EntityCache): Component[] {
  return c.list('component').filter((x) => !x.parent_component_id);
}

export function subareas(c: EntityCache, areaId: string): Area[] {
  return c.list('area').filter((a) => a.parent_area_id === areaId);
}

/** Components whose `area` is this area (direct only). */
export function areaComponents(c: EntityCache, areaId: string): Component[] {
  return c.list('component').filter((x) => x.area === areaId);
}

/** Components of this area and of all descendant subareas (cycle-safe). */
export function areaContains(c: EntityCache, areaId: string): Component[] {
  return componentsInArea(c, areaId);
}

export function subcomponents(c: EntityCache, componentId: string): Component[] {
  return c.list('component').filter((x) => x.parent_component_id === componentId);
}

/** Apps hosted on the component. */
export function componentHosts(c: EntityCache, componentId: string): App[] {
  return c.list('app').filter((a) => a.component_id === componentId);
}

export function componentDependsOn(c: EntityCache, componentId: string): Related<Component>[] {
  const comp = c.get('component', componentId);
  return comp ? resolve(comp.depends_on, (id) => c.get('component', id)) : [];
}

/** 0 items (no host), 1 item, or 1 item with `missing` (dangling host). */
export function appIsLocatedOn(c: EntityCache, appId: string): Related<Component>[] {
  const app = c.get('app', appId);
  return app?.component_id ? resolve([app.component_id], (id) => c.get('component', id)) : [];
}

/**
 * 0 items (no host component, or a component without area), the area, a missing area, or the
 * `<unknown area>` item when the host component itself is dangling.
 */
export function appBelongsTo(c: EntityCache, appId: string): BelongsTo[] {
  const app = c.get('app', appId);
  if (!app?.component_id) return [];
  const comp = c.get('component', app.component_id);
  if (!comp) return [{ id: '', name: UNKNOWN_AREA_NAME, missing: true, unresolved_component: app.component_id }];
  if (!comp.area) return [];
  const area = c.get('area', comp.area);
  return [area ? { id: area.id, name: area.name, entity: area, missing: false } : { id: comp.area, name: comp.area, missing: true }];
}

export function appDependsOn(c: EntityCache, appId: string): Related<App>[] {
  const app = c.get('app', appId);
  return app ? resolve(app.depends_on, (id) => c.get('app', id)) : [];
}

/** A Function host: an App, or a Component whose Apps then count as members. */
interface FunctionHost extends Related<App | Component> {
  type?: 'app' | 'component';
}

export function functionHosts(c: EntityCache, functionId: string): FunctionHost[] {
  const fn = c.get('function', functionId);
  if (!fn) return [];
  return fn.hosts.map((id) => {
    const app = c.get('app', id);
    if (app) return { id, entity: app, missing: false, type: 'app' };
    const comp = c.get('component', id);
    if (comp) return { id, entity: comp, missing: false, type: 'component' };
    return { id, missing: true };
  });
}

export function functionDependsOn(c: EntityCache, functionId: string): Related<SovdFunction>[] {
  const fn = c.get('function', functionId);
  return fn ? resolve(fn.depends_on, (id) => c.get('function', id)) : [];
}
