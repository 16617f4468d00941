// A robot's entity tree as the fleet lists it (`GET /components/{robot}/{areas|components|apps|functions}`,
// ids `<robot>__<id>`, parents by the robot's own ids in x-medkit.parent) turned into the robot UI's tree input.
import { emptyTreeInput, type TreeInput } from '../model/tree';
import { normalizeEntityList, SEGMENT, type EntityRef, type EntityType } from '../model/entities';
import { obj } from '../model/json';

export const ENTITY_TYPES: EntityType[] = ['area', 'component', 'app', 'function'];

/** The robot's four entity lists as the shared tree model's input; parents name the robot's own ids. */
export function robotTreeInput(robot: string, lists: Record<EntityType, unknown>): TreeInput {
  const input = emptyTreeInput();
  const parentOf = new Map<string, string>();
  for (const type of ENTITY_TYPES) {
    const body = lists[type];
    const refs = normalizeEntityList(body, type);
    for (const item of (obj(body).items as unknown[] | undefined) ?? []) {
      const x = obj(obj(item)['x-medkit']);
      if (typeof x.parent === 'string') parentOf.set(`${type}:${String(obj(item).id)}`, `${robot}__${x.parent}`);
    }
    input[SEGMENT[type] as 'areas' | 'components' | 'apps' | 'functions'] = refs;
  }
  const areaIds = new Set(input.areas.map((a) => a.id));
  const componentIds = new Set(input.components.map((c) => c.id));
  const push = (m: Record<string, EntityRef[]>, k: string, e: EntityRef) => (m[k] ??= []).push(e);
  for (const a of input.areas) {
    const p = parentOf.get(`area:${a.id}`);
    if (p && areaIds.has(p)) push(input.subareas, p, a);
  }
  for (const c of input.components) {
    const p = parentOf.get(`component:${c.id}`);
    if (p && areaIds.has(p)) push(input.areaComponents, p, c);
    else if (p && componentIds.has(p)) push(input.subcomponents, p, c);
  }
  input.apps = input.apps.map((a) => {
    const p = parentOf.get(`app:${a.id}`);
    return p && componentIds.has(p) ? { ...a, componentId: p } : a;
  });
  return input;
}

