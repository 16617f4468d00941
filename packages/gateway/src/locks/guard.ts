// The enforcement seam: installed as the resolver's LockGuard, so every mutating route of every
// feature that resolves its entity with `{mutating: true, collection, clientId}` is lock-checked.
import { TYPE_TO_SEGMENT, type EntityResolver, type LockGuard } from '../entity-scope/index.js';
import type { EntityType } from '../entities/model.js';
import { enclosingComponents, type EntityLookup } from '../entities/hierarchy.js';
import type { LockManager } from './manager.js';
import { scopeOf, type LockableType } from './model.js';

export function createLockGuard(manager: LockManager, isEnabled: () => boolean): LockGuard {
  return {
    check(type: EntityType, id: string, collection, clientId) {
      if (!isEnabled() || (type !== 'app' && type !== 'component')) return;
      const scope = scopeOf(collection);
      if (scope) manager.check(type, id, scope, clientId);
    },
  };
}

/** Lockable ancestors: an app's host component, then that component's parent components (nearest first). */
export function ancestorsVia(resolver: EntityResolver): (type: LockableType, id: string) => { type: LockableType; id: string }[] {
  const get: EntityLookup = (type, id) => {
    try {
      return resolver.resolve(TYPE_TO_SEGMENT[type], id).entity as never;
    } catch {
      return undefined;
    }
  };
  return (type, id) => {
    const self = get(type, id);
    if (!self) return [];
    return enclosingComponents(get, type, self)
      .filter((step) => !(type === 'component' && step.id === id))
      .map((step) => ({ type: 'component' as const, id: step.id }));
  };
}
