/**
 * Internal entity model (docs/manifest.md). The HTTP layer maps these to the wire shapes of docs/api.md;
 * nothing here knows about HTTP.
 */

// The data types are the plugin contract's (a plugin receives them); this module adds the gateway's helpers.
import { effectiveFqn, ENTITY_TYPES, IDENTITY_FIELDS, joinFqn, normalizeNamespace, type App, type Area, type Component, type EntityBase, type EntityType, type SovdFunction } from '@medkit/sovd';
export { effectiveFqn, ENTITY_TYPES, IDENTITY_FIELDS, joinFqn, normalizeNamespace };
export type { EntityType, EntityBase, Area, IdentityField, Identity, HostMetadata, Component, RosBinding, ServiceInfo, ActionInfo, TopicSet, App, SovdFunction, Entity } from '@medkit/sovd';

/** A full set of entities, one list per type. */
export interface EntitySnapshot {
  areas: Area[];
  components: Component[];
  apps: App[];
  functions: SovdFunction[];
}

/** Maps the entity type to its interface. */
export interface EntityByType {
  area: Area;
  component: Component;
  app: App;
  function: SovdFunction;
}

/** Snapshot list key of each type. */
export const SNAPSHOT_KEY = {
  area: 'areas',
  component: 'components',
  app: 'apps',
  function: 'functions',
} as const satisfies Record<EntityType, keyof EntitySnapshot>;

/** An empty snapshot. */
export function emptySnapshot(): EntitySnapshot {
  return { areas: [], components: [], apps: [], functions: [] };
}

/** Common defaults for a new entity. */
function base(id: string, source: string, init: Partial<EntityBase>): EntityBase {
  return { id, name: id, tags: [], contributors: ['local'], available: true, ...init, source };
}

export function newArea(id: string, source: string, init: Partial<Area> = {}): Area {
  return { ...base(id, source, init), ...init, source };
}

export function newComponent(id: string, source: string, init: Partial<Component> = {}): Component {
  return { ...base(id, source, init), depends_on: [], ...init, source };
}

export function newApp(id: string, source: string, init: Partial<App> = {}): App {
  return {
    ...base(id, source, init),
    depends_on: [],
    is_online: false,
    topics: { publishes: [], subscribes: [] },
    services: [],
    actions: [],
    ...init,
    source,
  };
}

export function newFunction(id: string, source: string, init: Partial<SovdFunction> = {}): SovdFunction {
  return { ...base(id, source, init), hosts: [], depends_on: [], ...init, source };
}

/** Splits a FQN into namespace and bare name. */
export function splitFqn(fqn: string): { namespace: string; name: string } {
  const norm = normalizeNamespace(fqn);
  const i = norm.lastIndexOf('/');
  return { namespace: i <= 0 ? '/' : norm.slice(0, i), name: norm.slice(i + 1) };
}

/**
 * Segment-boundary prefix test: `/nav` covers `/nav` and `/nav/sub`, not `/navigation`.
 * The root `/` covers everything.
 */
export function namespaceCovers(prefix: string, ns: string): boolean {
  const p = normalizeNamespace(prefix);
  const n = normalizeNamespace(ns);
  if (p === '/') return true;
  return n === p || n.startsWith(p + '/');
}

/** The `source` of an entity an aggregation peer declared (`peer:<name>`, set by aggregation/from-wire.ts). */
export const PEER_SOURCE_PREFIX = 'peer:';

/** The peer an entity came from, or undefined for a local one. */
export function peerOfSource(source: string): string | undefined {
  return source.startsWith(PEER_SOURCE_PREFIX) ? source.slice(PEER_SOURCE_PREFIX.length) : undefined;
}
