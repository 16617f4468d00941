// The validation order every entity-scoped route follows (docs/api.md): id format (route schema),
// entity exists in the route's collection (else 400 with the actual type, or 404), peer ownership,
// collection supported by the type, then the lock check for mutating routes.
import type { Area, Component, Entity, EntityType } from '../entities/model.js';
import { SovdError } from '@medkit/sovd';
import { AccessControl, ANONYMOUS, type ClientIdentity } from './access.js';
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

/** How a route names its entity and what it does with it (the HTTP pipeline resolves it before the handler). */
export interface EntityRouteSpec {
  segment: EntitySegment;
  /** The collection the route serves (checked against the entity type, and the lock scope for mutations). */
  collection?: Collection;
  /** Mutating calls pass the access decision (locks) before the handler runs. */
  mutating?: boolean;
  /** The path parameter holding the entity id, when not the segment's own (`app_id`, ...). */
  idParam?: string;
  /**
   * For `/areas/{area_id}/subareas/{subarea_id}`-style routes: the path parameter naming the parent (same
   * type); the entity (in `idParam`) must be a direct child of it.
   */
  parentParam?: string;
}

/** Consulted after the entity is found: aggregation throws 504 here for an entity retained from a silent peer. */
interface EntityOwnerCheck {
  (type: EntityType, entity: Entity): void;
}

export interface ResolvedEntity<T extends Entity = Entity> {
  type: EntityType;
  entity: T;
}


export class EntityResolver {
  /** The access decision for mutating calls; features add their checks (locks) here. */
  readonly access = new AccessControl();
  private ownerCheck?: EntityOwnerCheck;
  private lookup: EntityLookup = { get: () => undefined, typesOf: () => [] };

  /** The entities feature installs the cache here; until then every id is unknown. */
  setLookup(l: EntityLookup): void {
    this.lookup = l;
  }

  /** Adds the lock check to the access decision. */
  setLockGuard(g: LockGuard): void {
    this.access.addCheck((client, t) => g.check(t.type, t.id, t.collection, client.id));
  }

  setOwnerCheck(c: EntityOwnerCheck): void {
    this.ownerCheck = c;
  }

  /**
   * Resolves `/{segment}/{id}` or throws the SOVD error the spec prescribes; a mutating call also passes the
   * access decision. `client` is the request's identity (a bare client id is accepted for callers outside HTTP).
   */
  resolve(segment: EntitySegment, id: string, opts: { collection?: Collection; mutating?: boolean; client?: ClientIdentity; clientId?: string } = {}): ResolvedEntity {
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
    if (opts.mutating && opts.collection) {
      const client = opts.client ?? (opts.clientId !== undefined ? { id: opts.clientId } : ANONYMOUS);
      this.access.authorizeMutation(client, { type, id, collection: opts.collection });
    }
    return { type, entity };
  }

  /**
   * `/areas/{parent}/subareas/{id}` and `/components/{parent}/subcomponents/{id}`: the parent must exist,
   * then the child resolves like `resolve` and must be a direct child of the parent (else 404).
   */
  resolveChild(segment: EntitySegment, parentId: string, id: string, opts: Parameters<EntityResolver['resolve']>[2] = {}): ResolvedEntity {
    this.resolve(segment, parentId);
    const r = this.resolve(segment, id, opts);
    const parent = r.type === 'area' ? (r.entity as Area).parent_area_id : r.type === 'component' ? (r.entity as Component).parent_component_id : undefined;
    if (parent !== parentId) throw new SovdError('entity-not-found', `'${id}' is not a child of '${parentId}'`, { entity_id: id });
    return r;
  }
}
