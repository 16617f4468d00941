// Resources that belong to one entity (triggers, cyclic subscriptions): an id is looked up only within
// its entity, so the id of another entity's resource answers 404 like an unknown one.
import { SovdError } from '@medkit/sovd';
import type { EntityType } from './model.js';

interface EntityOwned {
  entityType: EntityType;
  entityId: string;
}

/** The resource `id` of the entity, or 404 `<noun> not found` with `{[idParam]: id, entity_id}`. */
export function getOwned<T extends EntityOwned>(items: ReadonlyMap<string, T>, entityType: EntityType, entityId: string, id: string, noun: string, idParam: string): T {
  const item = items.get(id);
  if (!item || item.entityType !== entityType || item.entityId !== entityId) throw new SovdError('resource-not-found', `${noun} not found`, { [idParam]: id, entity_id: entityId });
  return item;
}

/** Every resource of the entity, in insertion order. */
export function listOwned<T extends EntityOwned>(items: ReadonlyMap<string, T>, entityType: EntityType, entityId: string): T[] {
  return [...items.values()].filter((x) => x.entityType === entityType && x.entityId === entityId);
}
