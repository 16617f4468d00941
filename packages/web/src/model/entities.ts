// Entity list items and details (docs/api.md) normalised for display.
import type { EntityCollection } from '@medkit/client';
import { isObj, obj, str, strList, xm } from './json';

export type EntityType = 'area' | 'component' | 'app' | 'function';

/** Route segment of each entity type: the client's entity collection, so `client.entityGet(SEGMENT[type], …)` is typed. */
export const SEGMENT = { area: 'areas', component: 'components', app: 'apps', function: 'functions' } as const satisfies Record<EntityType, EntityCollection>;

/** An entity as views and the typed reads name it (`T` narrows it to the types a resource exists on). */
export interface EntityKey<T extends EntityType = EntityType> {
  type: T;
  id: string;
}
export const TYPE_OF_SEGMENT: Record<string, EntityType> = { areas: 'area', components: 'component', apps: 'app', functions: 'function' };

export interface EntityRef {
  type: EntityType;
  id: string;
  name: string;
  description?: string;
  tags: string[];
  /** Discovery origin: manifest, runtime, heuristic, plugin, inventory, peer:<name>. */
  source?: string;
  /** Apps: in the ROS graph now; undefined when the gateway does not say. */
  online?: boolean;
  /** False when retained from a silent peer (x-medkit.available: false). */
  available: boolean;
  /** Apps: host component. */
  componentId?: string;
  /** Apps: bound node FQN. */
  node?: string;
  namespace?: string;
  /** Relationship item whose target cannot be resolved. */
  missing: boolean;
  /** Apps: declared by a plugin or manifest as external (no ROS node of its own; x-medkit.external). */
  external?: boolean;
}

/** Whether an entity of this type can have lifecycle status and locks (apps and components). */
export function isHostType(type: EntityType): type is 'app' | 'component' {
  return type === 'app' || type === 'component';
}

/** API path of an entity, e.g. `/apps/lidar-front`. */
export function entityPath(e: { type: EntityType; id: string }): string {
  return `/${SEGMENT[e.type]}/${encodeURIComponent(e.id)}`;
}

/** Normalises a list item or detail; null when it has no usable id or type. */
export function normalizeEntity(item: unknown, fallbackType?: EntityType): EntityRef | null {
  if (!isObj(item)) return null;
  const id = str(item.id);
  const t = str(item.type);
  const type: EntityType | undefined = t && t in SEGMENT ? (t as EntityType) : fallbackType;
  if (!id || !type) return null;
  const x = xm(item);
  const ros2 = obj(x.ros2);
  const available = x.available !== false;
  const online = typeof x.is_online === 'boolean' ? x.is_online && available : available ? undefined : false;
  return {
    type,
    id,
    name: str(item.name) || id,
    description: str(item.description) || undefined,
    tags: strList(item.tags),
    source: str(x.source),
    online,
    available,
    componentId: str(x.component_id),
    node: str(ros2.node),
    namespace: str(ros2.namespace),
    missing: x.missing === true,
    ...(x.external === true ? { external: true } : {}),
  };
}

/** Normalises every item of a collection body, dropping unusable ones. */
export function normalizeEntityList(body: unknown, fallbackType?: EntityType): EntityRef[] {
  const list = obj(body).items;
  if (!Array.isArray(list)) return [];
  return list.map((i) => normalizeEntity(i, fallbackType)).filter((e): e is EntityRef => e !== null);
}

/** Human label of a discovery source. */
export function sourceLabel(source: string | undefined): string {
  if (!source) return 'unknown';
  if (source.startsWith('peer:')) return `peer ${source.slice(5)}`;
  return source;
}

/** Text shown for the online state (never colour alone). */
export function stateLabel(e: EntityRef): string | undefined {
  if (!e.available) return 'unavailable';
  if (e.online === true) return 'online';
  // An external App without a node (a plugin's own App, like the graph watchdog's) is never "in the ROS
  // graph": offline would read as a broken robot.
  if (e.external && !e.node) return undefined;
  if (e.online === false) return 'offline';
  return undefined;
}
