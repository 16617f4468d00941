// Faults ↔ entity tree (docs/faults.md, docs/manifest.md): which entity a reporting source belongs to, and which
// reporting sources an entity owns. Apps own their effective FQN, the node FQNs linked to them and their bare
// id; external components own their id; components, areas and functions aggregate their member apps.
import type { EntityCache } from '../../entities/cache.js';
import type { App, Component, Entity, EntityType, SovdFunction } from '../../entities/model.js';
import { effectiveFqn } from '../../entities/model.js';
import { functionHosts } from '../../entities/relations.js';
import { appsOn, componentsInArea, componentSubtree } from '../../entities/hierarchy.js';
import { TYPE_TO_SEGMENT } from '../../entity-scope/index.js';
import type { EntityRef } from '@medkit/faults';
import { sourceMatcher } from '@medkit/faults';

/** The entity a fault is attributed to, with its entity type (for triggers) and route segment. */
export interface SourceEntity extends EntityRef {
  type: EntityType;
}

/** How one route entity sees faults. */
export interface FaultScope {
  /** docs/locks.md membership test of one reporting source. */
  belongs: (source: string) => boolean;
  /** `/apps/battery_monitor`: base of `bulk_data_uri` (relative to the API base). */
  entityPath: string;
  /** Type-specific list-envelope fields of docs/faults.md (before `count`). */
  envelope: Record<string, unknown>;
}

interface SourceIndex {
  generation: number;
  bySource: Map<string, SourceEntity>;
}

/** Sources an app answers to: effective FQN, linked node FQNs, bare id. */
function appSources(cache: EntityCache | undefined, app: App): string[] {
  const out = new Set<string>([app.id]);
  const fqn = effectiveFqn(app);
  if (fqn) out.add(fqn);
  if (cache) for (const [node, appId] of cache.nodeToApp) if (appId === app.id) out.add(node);
  return [...out];
}

export class FaultEntityIndex {
  private index: SourceIndex | undefined;

  /** `cache` returns the live entity cache, or undefined when only a resolver lookup exists (tests, no discovery). */
  constructor(private readonly cache: () => EntityCache | undefined) {}

  /** Changes whenever the entity tree changed (memoisation key). */
  get generation(): number {
    return this.cache()?.generation ?? 0;
  }

  private sources(): Map<string, SourceEntity> {
    const cache = this.cache();
    if (!cache) return new Map();
    if (this.index?.generation === cache.generation) return this.index.bySource;
    const bySource = new Map<string, SourceEntity>();
    const put = (source: string, type: EntityType, id: string) => {
      if (!bySource.has(source)) bySource.set(source, { type, entity_type: TYPE_TO_SEGMENT[type], entity_id: id });
    };
    for (const [node, appId] of cache.nodeToApp) if (cache.get('app', appId)) put(node, 'app', appId);
    for (const app of cache.list('app')) {
      const fqn = effectiveFqn(app);
      if (fqn) put(fqn, 'app', app.id);
    }
    for (const app of cache.list('app')) put(app.id, 'app', app.id);
    for (const c of cache.list('component')) if (c.external) put(c.id, 'component', c.id);
    this.index = { generation: cache.generation, bySource };
    return bySource;
  }

  /** The entity of a reporting source: exact FQN/id, else the nearest path parent (`/a/b/c` → `/a/b`). */
  entityOf(source: string): SourceEntity | undefined {
    const map = this.sources();
    let s = source;
    for (;;) {
      const hit = map.get(s);
      if (hit) return hit;
      const cut = s.lastIndexOf('/');
      if (cut <= 0) return undefined;
      s = s.slice(0, cut);
    }
  }

  /** The entity of a fault's first reporting source and its path (`/apps/<id>`, relative to the API base). */
  entityOfFault(sources: readonly string[]): { entity: SourceEntity; path: string } | undefined {
    const entity = sources.length > 0 ? this.entityOf(sources[0]) : undefined;
    return entity ? { entity, path: `/${entity.entity_type}/${entity.entity_id}` } : undefined;
  }

  /** Entities of every reporting source, de-duplicated, in source order. */
  entitiesOf(sources: readonly string[]): SourceEntity[] {
    const out = new Map<string, SourceEntity>();
    for (const s of sources) {
      const e = this.entityOf(s);
      if (e) out.set(`${e.type}:${e.entity_id}`, e);
    }
    return [...out.values()];
  }

  /** Scope of a route entity (already resolved by the route). */
  scopeOf(type: EntityType, entity: Entity): FaultScope {
    const cache = this.cache();
    const segment = TYPE_TO_SEGMENT[type];
    const entityPath = `/${segment}/${entity.id}`;
    const ownIds = (comps: Component[]) => comps.filter((c) => c.external).map((c) => c.id);
    switch (type) {
      case 'app': {
        const app = entity as App;
        return { belongs: sourceMatcher(appSources(cache, app)), entityPath, envelope: { entity_id: app.id, source_id: effectiveFqn(app) || app.id } };
      }
      case 'component': {
        const comps = cache ? componentSubtree(cache, entity.id).map((id) => cache.get('component', id)).filter((c): c is Component => c !== undefined) : [entity as Component];
        const apps = cache ? appsOn(cache, comps.map((c) => c.id)) : [];
        const sources = [...apps.flatMap((a) => appSources(cache, a)), ...ownIds(comps)];
        return {
          belongs: sourceMatcher(sources), entityPath,
          envelope: { entity_id: entity.id, aggregation_level: 'component', aggregated: true, app_count: apps.length, aggregation_sources: apps.map((a) => a.id) },
        };
      }
      case 'area': {
        const comps = cache ? componentsInArea(cache, entity.id) : [];
        const apps = cache ? appsOn(cache, comps.map((c) => c.id)) : [];
        const sources = [...apps.flatMap((a) => appSources(cache, a)), ...ownIds(comps)];
        return {
          belongs: sourceMatcher(sources), entityPath,
          envelope: { entity_id: entity.id, aggregation_level: 'area', aggregated: true, component_count: comps.length, app_count: apps.length, aggregation_sources: apps.map((a) => a.id) },
        };
      }
      case 'function': {
        const fn = entity as SovdFunction;
        const hosts = cache ? functionHosts(cache, fn.id) : [];
        const apps = new Map<string, App>();
        const extComps: Component[] = [];
        for (const h of hosts) {
          if (h.type === 'app') apps.set(h.id, h.entity as App);
          else if (h.type === 'component') {
            const c = h.entity as Component;
            if (c.external) extComps.push(c);
            for (const a of appsOn(cache!, [c.id])) apps.set(a.id, a);
          }
        }
        const sources = [...[...apps.values()].flatMap((a) => appSources(cache, a)), ...ownIds(extComps)];
        return {
          belongs: sourceMatcher(sources), entityPath,
          envelope: { entity_id: fn.id, aggregation_level: 'function', aggregated: true, host_count: fn.hosts.length, aggregation_sources: [...apps.keys()] },
        };
      }
    }
  }
}
