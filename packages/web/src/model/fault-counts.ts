// Fault badges in the tree: each active fault is attributed to the entity that reported it
// (entity_id, else its reporting sources matched against app ids and node FQNs) and counted on
// that entity and on everything that contains it (host component, parent components, areas,
// functions hosting the app).
import type { EntityRef } from './entities';
import { isActive, type FaultView } from './faults';
import type { TreeInput } from './tree';

export interface FaultCount {
  total: number;
  /** Highest severity level among the counted faults (-1 none known). */
  worst: number;
}

/** Entity key used in the count map. */
export const countKey = (type: string, id: string) => `${type}:${id}`;

export function countFaultsByEntity(faults: FaultView[], input: TreeInput): Map<string, FaultCount> {
  const rel = relations(input);
  const perEntity = new Map<string, Map<string, number>>();
  const add = (ek: string, f: FaultView) => {
    let m = perEntity.get(ek);
    if (!m) perEntity.set(ek, (m = new Map()));
    m.set(f.key, f.severity.level);
  };
  for (const f of faults) {
    if (!isActive(f)) continue;
    for (const owner of owners(f, input)) for (const ek of rel.containers(owner)) add(ek, f);
  }
  const out = new Map<string, FaultCount>();
  for (const [ek, m] of perEntity) out.set(ek, { total: m.size, worst: Math.max(-1, ...m.values()) });
  return out;
}

/** The entities a fault belongs to directly. */
function owners(f: FaultView, input: TreeInput): EntityRef[] {
  if (f.entityId) {
    const order = [input.apps, input.components, input.functions, input.areas];
    for (const list of order) {
      const hit = list.find((e) => e.id === f.entityId);
      if (hit) return [hit];
    }
    for (const rels of [input.subcomponents, input.subareas]) {
      for (const list of Object.values(rels)) {
        const hit = list.find((e) => e.id === f.entityId);
        if (hit) return [hit];
      }
    }
  }
  const found = new Map<string, EntityRef>();
  for (const src of f.reportingSources) {
    for (const a of input.apps) {
      if (a.id === src || (a.node && (src === a.node || src.startsWith(`${a.node}/`)))) found.set(countKey(a.type, a.id), a);
    }
    for (const c of input.components) if (c.id === src) found.set(countKey(c.type, c.id), c);
  }
  return [...found.values()];
}

function relations(input: TreeInput) {
  const componentParent = new Map<string, string>();
  for (const [parent, kids] of Object.entries(input.subcomponents)) for (const k of kids) componentParent.set(k.id, parent);
  const componentArea = new Map<string, string>();
  for (const [area, comps] of Object.entries(input.areaComponents)) for (const c of comps) componentArea.set(c.id, area);
  const areaParent = new Map<string, string>();
  for (const [parent, kids] of Object.entries(input.subareas)) for (const k of kids) areaParent.set(k.id, parent);
  const appComponent = new Map<string, string>();
  for (const [comp, apps] of Object.entries(input.componentHosts)) for (const a of apps) appComponent.set(a.id, comp);
  for (const a of input.apps) if (a.componentId) appComponent.set(a.id, a.componentId);
  const appFunctions = new Map<string, string[]>();
  for (const [fn, apps] of Object.entries(input.functionHosts)) for (const a of apps) appFunctions.set(a.id, [...(appFunctions.get(a.id) ?? []), fn]);

  /** The entity itself and everything containing it; cycles in bad data end the walk. */
  const containers = (e: EntityRef): string[] => {
    const out = new Set<string>([countKey(e.type, e.id)]);
    const upArea = (areaId: string | undefined) => {
      while (areaId && !out.has(countKey('area', areaId))) {
        out.add(countKey('area', areaId));
        areaId = areaParent.get(areaId);
      }
    };
    const upComponent = (compId: string | undefined) => {
      const seen = new Set<string>();
      while (compId && !seen.has(compId)) {
        seen.add(compId);
        out.add(countKey('component', compId));
        upArea(componentArea.get(compId));
        compId = componentParent.get(compId);
      }
    };
    if (e.type === 'app') {
      upComponent(appComponent.get(e.id));
      for (const fn of appFunctions.get(e.id) ?? []) out.add(countKey('function', fn));
    } else if (e.type === 'component') upComponent(e.id);
    else if (e.type === 'area') upArea(areaParent.get(e.id));
    return [...out];
  };
  return { containers };
}
