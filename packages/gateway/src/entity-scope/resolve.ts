// The validation order every entity-scoped route follows (spec/api.md §2.4): id format (route schema),
// entity exists in the route's collection (else 400 with the actual type, or 404), peer ownership,
// collection supported by the type, then the lock check for mutating routes.
import type { Entity, EntityType } from '../entities/model.js';
import { SovdError } from '../http/errors.js';
import { COLLECTIONS, SEGMENT_TO_TYPE, TYPE_TITLE, type Collection, type EntitySegment } from './collections.js';

/** What entity resolution needs from the entity cache. */
export interface EntityLookup {
  get(type: EntityType, id: string): Entity | undefined;
  /** Every type that has an entity with this id. */
  typesOf(id: string): EntityType[];
}

/** Consulted for mutating routes; the locks feature implements it (409 when another client holds a lock). */
export interface LockGuard {
  check(type: EntityType, id: string, collection: Collection, clientId: string | undefined): void;
}

/** Consulted after the entity is found: aggregation throws 504 here for an entity retained from a silent peer. */
export interface EntityOwnerCheck {
  (type: EntityType, entity: Entity): void;
}

export interface ResolvedEntity<T extends Entity = Entity> {
  type: EntityType;
  entity: T;
}


export class EntityResolver {
  private lockGuard?: LockGuard;
  private ownerCheck?: EntityOwnerCheck;
  private lookup: EntityLookup = { get: () => undefined, typesOf: () => [] };

  /** The entities feature installs the cache here; until then every id is unknown. */
  setLookup(l: EntityLookup): void {
    this.lookup = l;
  }

  setLockGuard(g: LockGuard): void {
    this.lockGuard = g;
  }

  setOwnerCheck(c: EntityOwnerCheck): void {
    this.ownerCheck = c;
  }

  /** Resolves `/{segment}/{id}` or throws the SOVD error the spec prescribes. */
  resolve(segment: EntitySegment, id: string, opts: { collection?: Collection; mutating?: boolean; clientId?: string } = {}): ResolvedEntity {
    const type = SEGMENT_TO_TYPE[segment];
    const entity = this.lookup.get(type, id);
    if (!entity) {
      const actual = this.lookup.typesOf(id)[0];
      if (actual) {
        throw new SovdError('invalid-parameter', `'${id}' is a ${actual}, not a ${type}`, { entity_id: id, expected_type: type, actual_type: actual });
      }
      throw new SovdError('entity-not-found', `${TYPE_TITLE[type]} not found`, { entity_id: id, [`${type}_id`]: id });
    }
    this.ownerCheck?.(type, entity);
    if (opts.collection && !COLLECTIONS[type].has(opts.collection)) {
      throw new SovdError('collection-not-supported', `${TYPE_TITLE[type]}s do not support ${opts.collection}`, { entity_id: id, collection: opts.collection });
    }
    if (opts.mutating && opts.collection) this.lockGuard?.check(type, id, opts.collection, opts.clientId);
    return { type, entity };
  }
}
