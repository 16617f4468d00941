// The enforcement seam: installed as the resolver's LockGuard, so every mutating route of every
// feature that resolves its entity with `{mutating: true, collection, clientId}` is lock-checked.
import type { EntityResolver, LockGuard } from '../entity-scope/index.js';
import type { App, Component, EntityType } from '../entities/model.js';
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
  const find = (segment: 'apps' | 'components', id: string) => {
    try {
      return resolver.resolve(segment, id).entity;
    } catch {
      return undefined;
    }
  };
  return (type, id) => {
    const out: { type: LockableType; id: string }[] = [];
    let componentId = type === 'app' ? (find('apps', id) as App | undefined)?.component_id : (find('components', id) as Component | undefined)?.parent_component_id;
    const seen = new Set<string>([`${type}:${id}`]);
    while (componentId && !seen.has(`component:${componentId}`)) {
      seen.add(`component:${componentId}`);
      out.push({ type: 'component', id: componentId });
      componentId = (find('components', componentId) as Component | undefined)?.parent_component_id;
    }
    return out;
  };
}
