// The triggers that learn of changes from producers' notify() (no sampler subscription), indexed by
// collection → entity → resource path, so a pushed change evaluates only the triggers on that resource
// and on the aggregates (areas, components, functions) its entity belongs to, not every trigger.
import type { Entity, EntityType } from '../entities/model.js';
import { isMemberOf, type EntityLookup } from '../entities/hierarchy.js';
import type { ResourceChange } from '../sampling/index.js';
import type { Trigger } from './model.js';

/** Finds an entity by type and id (the resolver's view of the tree). */
export type EntityFinder = (type: EntityType, id: string) => Entity | undefined;

const ekey = (type: string, id: string) => `${type}:${id}`;

export class ChangeIndex {
  /** collection → entity key → resource path ('' = whole collection) → triggers. */
  private readonly index = new Map<string, Map<string, Map<string, Set<Trigger>>>>();

  constructor(private readonly find: EntityFinder) {}

  add(t: Trigger): void {
    let byEntity = this.index.get(t.collection);
    if (!byEntity) this.index.set(t.collection, (byEntity = new Map()));
    const ek = ekey(t.entityType, t.entityId);
    let byPath = byEntity.get(ek);
    if (!byPath) byEntity.set(ek, (byPath = new Map()));
    const p = t.resourcePath ?? '';
    let set = byPath.get(p);
    if (!set) byPath.set(p, (set = new Set()));
    set.add(t);
  }

  delete(t: Trigger): void {
    const byEntity = this.index.get(t.collection);
    const byPath = byEntity?.get(ekey(t.entityType, t.entityId));
    const set = byPath?.get(t.resourcePath ?? '');
    set?.delete(t);
    if (set && set.size === 0) byPath!.delete(t.resourcePath ?? '');
    if (byPath && byPath.size === 0) byEntity!.delete(ekey(t.entityType, t.entityId));
  }

  /** Calls `each` for the triggers a change concerns: the entity's own first, then those of aggregates it belongs to. */
  forEach(c: ResourceChange, each: (t: Trigger) => void): void {
    const byEntity = this.index.get(c.collection);
    if (!byEntity) return;
    const own = ekey(c.entity.type, c.entity.id);
    const direct = byEntity.get(own);
    if (direct) forEachOnPath(direct, c.itemPath, each);
    for (const [k, byPath] of byEntity) {
      if (k === own || k.startsWith('app:')) continue;
      const i = k.indexOf(':');
      if (isMemberOf(this.find as EntityLookup, { type: k.slice(0, i) as EntityType, id: k.slice(i + 1) }, c.entity)) forEachOnPath(byPath, c.itemPath, each);
    }
  }
}

/** Whole-collection triggers, exact path, and suffix matches at segment boundaries (`/temperature` ⊂ `/sensor/temperature`). */
function forEachOnPath(byPath: Map<string, Set<Trigger>>, itemPath: string | undefined, each: (t: Trigger) => void): void {
  const run = (set: Set<Trigger> | undefined) => {
    if (set) for (const t of set) each(t);
  };
  run(byPath.get(''));
  if (!itemPath) return;
  run(byPath.get(itemPath));
  for (let i = itemPath.indexOf('/', 1); i > 0; i = itemPath.indexOf('/', i + 1)) run(byPath.get(itemPath.slice(i)));
}
