// Turns a peer's entity JSON (list item + detail, docs/api.md) back into the entity model, tagged
// as learned from that peer. Unknown or malformed fields are ignored; only the id is required.
import { isValidEntityId } from '../entities/ids.js';
import { decodeSegment } from './url-paths.js';
import { newApp, newArea, newComponent, newFunction, PEER_SOURCE_PREFIX, type Entity, type EntityType } from '../entities/model.js';

type Json = Record<string, unknown>;

const isObj = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const str = (v: unknown): string | undefined => (typeof v === 'string' && v.length > 0 ? v : undefined);
const strs = (v: unknown): string[] => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : []);

/** Last path segment of each href (`/api/v1/apps/x` → `x`), keeping valid ids only. */
function idsFromHrefs(v: unknown): string[] {
  const list = typeof v === 'string' ? [v] : strs(v);
  return list.map((h) => decodeSegment(h.split('/').filter(Boolean).pop() ?? '')).filter(isValidEntityId);
}

/** Sources a peer re-discovers on its own: not retained while the peer is silent (docs/aggregation.md). */
export function isRuntimeSource(source: string | undefined): boolean {
  return source === 'runtime' || source === 'heuristic';
}

/**
 * One peer entity. `item` is the list item, `detail` the detail body when it could be read (undefined when
 * the peer answered 504 for it: the entity is then unavailable). Returns undefined for an invalid id.
 */
export function entityFromWire(type: EntityType, item: Json, detail: Json | undefined, peer: string): Entity | undefined {
  const id = item.id;
  if (!isValidEntityId(id)) return undefined;
  const d = detail ?? {};
  const ix: Json = isObj(item['x-medkit']) ? item['x-medkit'] : {};
  const x: Json = { ...ix, ...(isObj(d['x-medkit']) ? d['x-medkit'] : {}) };
  // The peer answers a detail of an entity it learned from its own peer by forwarding it to the owner,
  // whose detail says `manifest`; the list item carries the peer's own view of source and availability.
  if (ix.source !== undefined) x.source = ix.source;
  if (ix.available === false) x.available = false;
  const links: Json = isObj(d._links) ? d._links : {};
  const init = {
    name: str(d.name) ?? str(item.name) ?? id,
    description: str(d.description) ?? str(item.description),
    tags: strs(d.tags ?? item.tags),
    translation_id: str(d.translation_id),
    contributors: [peer],
    // Areas are manifest-only by definition and carry no source on the wire.
    declared_source: str(x.source) ?? (type === 'area' ? 'manifest' : 'runtime'),
    available: x.available !== false && detail !== undefined,
  };
  if (init.description === undefined) delete init.description;
  if (init.translation_id === undefined) delete init.translation_id;
  const source = `${PEER_SOURCE_PREFIX}${peer}`;
  const ros2 = isObj(x.ros2) ? x.ros2 : {};
  switch (type) {
    case 'area':
      return newArea(id, source, {
        ...init,
        ...(str(ros2.namespace) ? { namespace: str(ros2.namespace) } : {}),
        ...(isValidEntityId(x.parent_area_id) ? { parent_area_id: x.parent_area_id } : {}),
      });
    case 'component':
      return newComponent(id, source, {
        ...init,
        ...(str(ros2.namespace) ? { namespace: str(ros2.namespace) } : {}),
        ...(isValidEntityId(x.parentComponentId) ? { parent_component_id: x.parentComponentId } : {}),
        ...(isValidEntityId(x.area) ? { area: x.area } : {}),
        ...(str(x.variant) ? { variant: str(x.variant) } : {}),
        ...(str(x.type) ? { type: str(x.type) } : {}),
        ...(typeof x.external === 'boolean' ? { external: x.external } : {}),
        depends_on: strs(x.dependsOn).filter(isValidEntityId),
      });
    case 'app':
      return newApp(id, source, {
        ...init,
        is_online: x.is_online === true && init.available,
        ...(isValidEntityId(x.component_id) ? { component_id: x.component_id } : {}),
        ...(typeof x.external === 'boolean' ? { external: x.external } : {}),
        depends_on: idsFromHrefs(links['depends-on']),
      });
    case 'function':
      return newFunction(id, source, {
        ...init,
        hosts: strs(x.hosts).filter(isValidEntityId),
        depends_on: idsFromHrefs(links['depends-on']),
      });
  }
}
