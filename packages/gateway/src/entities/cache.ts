/**
 * The entity cache (docs/manifest.md): one Map per type keyed by id, updated by an incremental reconcile;
 * the generation counter advances only when something really changed, so consumers can skip work on a
 * stable graph. Entities handed out are shared: treat them as read-only.
 */
import { ENTITY_TYPES, SNAPSHOT_KEY, type Entity, type EntityByType, type EntitySnapshot, type EntityType } from './model.js';

/** `/health` `x-medkit-entity-cache`. */
export interface CacheStats {
  capacity: number;
  areas: number;
  components: number;
  apps: number;
  functions: number;
  generation: number;
  /** True once the entity count went past `capacity`. */
  grew: boolean;
}

export interface EntityRef {
  type: EntityType;
  id: string;
}

/** What one reconcile changed. */
export interface ReconcileResult {
  changed: boolean;
  generation: number;
  added: EntityRef[];
  removed: EntityRef[];
  updated: EntityRef[];
}

export const DEFAULT_CACHE_CAPACITY = 256;
const MIN_CAPACITY = 16;
const MAX_CAPACITY = 1_000_000;

/** JSON with object keys sorted, so equal data always gives the same text. */
function fingerprint(v: unknown): string {
  return JSON.stringify(v, (_k, val: unknown) =>
    val && typeof val === 'object' && !Array.isArray(val)
      ? Object.fromEntries(Object.entries(val as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : val,
  );
}

interface Slot {
  entity: Entity;
  print: string;
}

/** Process-wide: the over-capacity warning is logged once per process. */
let warnedGrowth = false;

export class EntityCache {
  readonly capacity: number;
  private readonly maps = new Map<EntityType, Map<string, Slot>>(ENTITY_TYPES.map((t) => [t, new Map()]));
  private readonly lists = new Map<EntityType, Entity[]>(ENTITY_TYPES.map((t) => [t, []]));
  private nodes = new Map<string, string>();
  private gen = 0;
  private grew = false;

  /** `capacity` is clamped to 16–1000000; `onGrow` gets the once-per-process over-capacity warning. */
  constructor(
    capacity = DEFAULT_CACHE_CAPACITY,
    private readonly onGrow: (msg: string) => void = () => {},
  ) {
    this.capacity = Math.min(MAX_CAPACITY, Math.max(MIN_CAPACITY, Math.floor(capacity)));
  }

  get generation(): number {
    return this.gen;
  }

  /** Replaces the contents with `snap`: removes absent ids, adds new ones, overwrites changed ones. */
  reconcile(snap: EntitySnapshot, nodeToApp: ReadonlyMap<string, string> = new Map()): ReconcileResult {
    const res: ReconcileResult = { changed: false, generation: this.gen, added: [], removed: [], updated: [] };
    let orderChanged = false;
    for (const type of ENTITY_TYPES) {
      const old = this.maps.get(type)!;
      const next = new Map<string, Slot>();
      const list: Entity[] = [];
      for (const e of snap[SNAPSHOT_KEY[type]] as Entity[]) {
        if (next.has(e.id)) continue; // first copy wins; the pipeline never emits duplicates
        const print = fingerprint(e);
        const prev = old.get(e.id);
        if (!prev) res.added.push({ type, id: e.id });
        else if (prev.print !== print) res.updated.push({ type, id: e.id });
        const slot = prev && prev.print === print ? prev : { entity: e, print };
        next.set(e.id, slot);
        list.push(slot.entity);
      }
      for (const id of old.keys()) if (!next.has(id)) res.removed.push({ type, id });
      const prevList = this.lists.get(type)!;
      // Same objects in the same order: keep the old array so consumers can compare by identity.
      const same = prevList.length === list.length && prevList.every((e, i) => e === list[i]);
      if (prevList.length !== list.length || prevList.some((e, i) => e.id !== list[i].id)) orderChanged = true;
      this.maps.set(type, next);
      if (!same) this.lists.set(type, list);
    }
    const nodesChanged = nodeToApp.size !== this.nodes.size || [...nodeToApp].some(([k, v]) => this.nodes.get(k) !== v);
    this.nodes = new Map(nodeToApp);
    res.changed = res.added.length + res.removed.length + res.updated.length > 0 || orderChanged || nodesChanged;
    if (res.changed) this.gen++;
    res.generation = this.gen;
    const total = this.size();
    if (total > this.capacity) {
      this.grew = true;
      if (!warnedGrowth) {
        warnedGrowth = true;
        this.onGrow(`entity cache holds ${total} entities, over entity_cache.capacity ${this.capacity}; raise it to about twice the peak entity count`);
      }
    }
    return res;
  }

  get<T extends EntityType>(type: T, id: string): EntityByType[T] | undefined {
    return this.maps.get(type)!.get(id)?.entity as EntityByType[T] | undefined;
  }

  /** Every type that has an entity with this id (more than one only on a cross-type collision). */
  typesOf(id: string): EntityType[] {
    return ENTITY_TYPES.filter((t) => this.maps.get(t)!.has(id));
  }

  /** All entities of a type in discovery order. The array is replaced, never mutated, on change. */
  list<T extends EntityType>(type: T): readonly EntityByType[T][] {
    return this.lists.get(type)! as EntityByType[T][];
  }

  /** The whole cache as a snapshot (shared entity objects). */
  snapshot(): EntitySnapshot {
    return { areas: [...this.list('area')], components: [...this.list('component')], apps: [...this.list('app')], functions: [...this.list('function')] };
  }

  /** Node FQN → App id (faults, logs and triggers reported by node FQN resolve through this). */
  appForNode(fqn: string): string | undefined {
    return this.nodes.get(fqn);
  }

  get nodeToApp(): ReadonlyMap<string, string> {
    return this.nodes;
  }

  size(): number {
    return ENTITY_TYPES.reduce((n, t) => n + this.maps.get(t)!.size, 0);
  }

  stats(): CacheStats {
    return {
      capacity: this.capacity,
      areas: this.maps.get('area')!.size,
      components: this.maps.get('component')!.size,
      apps: this.maps.get('app')!.size,
      functions: this.maps.get('function')!.size,
      generation: this.gen,
      grew: this.grew,
    };
  }
}
