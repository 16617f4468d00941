// Operation items of an entity (docs/resources.md, docs/api.md): the services and actions of its member Apps.
// Ids are short names; a member with one short name at two ROS paths uses the paths (without the
// leading slash); on an aggregate, ids two items share become `<member_id>:<id>`.
import type { App } from '../entities/model.js';
import { SovdError } from '@medkit/sovd';

export type OperationKind = 'service' | 'action';

export interface OperationItem {
  id: string;
  /** Short name (last path segment). */
  name: string;
  kind: OperationKind;
  /** Full ROS path. */
  path: string;
  type: string;
  member_ids: string[];
  /** Id before member qualification (short name or path form). */
  baseId: string;
}

const pathId = (p: string) => p.replace(/^\/+/, '');

export function operationItems(apps: readonly App[], aggregate: boolean): OperationItem[] {
  const byPath = new Map<string, OperationItem>();
  for (const a of apps) {
    for (const [kind, list] of [
      ['service', a.services],
      ['action', a.actions],
    ] as const) {
      for (const s of list) {
        const key = `${kind}\u0000${s.full_path}`;
        const found = byPath.get(key);
        if (found) {
          if (!found.member_ids.includes(a.id)) found.member_ids.push(a.id);
          continue;
        }
        byPath.set(key, { id: s.name, baseId: s.name, name: s.name, kind, path: s.full_path, type: s.type, member_ids: [a.id] });
      }
    }
  }
  const items = [...byPath.values()];
  // One member, one short name, two paths: use the paths.
  for (const a of apps) {
    const mine = items.filter((i) => i.member_ids.includes(a.id));
    for (const i of mine) if (mine.some((o) => o !== i && o.name === i.name && o.path !== i.path)) i.id = i.baseId = pathId(i.path);
  }
  if (aggregate) {
    const count = new Map<string, number>();
    for (const i of items) count.set(i.id, (count.get(i.id) ?? 0) + 1);
    for (const i of items) if ((count.get(i.id) ?? 0) > 1) i.id = `${i.member_ids[0]}:${i.baseId}`;
  }
  return items.sort((x, y) => (x.id < y.id ? -1 : x.id > y.id ? 1 : 0));
}

/**
 * The item `rawId` names: an exact id, a ROS path (with or without leading slash), or on an aggregate
 * `<member>:<id>`. Unknown → 404 operation-not-found; unknown member → 404 resource-not-found; a bare id
 * naming several items → 400 invalid-request listing the ids that do resolve.
 */
export function findOperation(
  items: readonly OperationItem[],
  memberIds: readonly string[],
  entityId: string,
  rawId: string,
  aggregate: boolean,
  /** Namespace of each member's node: a short name several items share goes to the one directly in it (docs/manifest.md). */
  namespaces: ReadonlyMap<string, string> = new Map(),
): OperationItem {
  const exact = items.find((i) => i.id === rawId);
  if (exact) return exact;
  const byPath = items.filter((i) => pathId(i.path) === pathId(rawId));
  if (byPath.length === 1) return byPath[0];
  const colon = rawId.indexOf(':');
  if (aggregate && colon > 0) {
    const member = rawId.slice(0, colon);
    const rest = rawId.slice(colon + 1);
    if (!memberIds.includes(member)) throw new SovdError('resource-not-found', `'${member}' is not a member of ${entityId}`, { entity_id: entityId, member_id: member });
    if (rest === '') throw new SovdError('resource-not-found', 'Missing operation after the member id', { entity_id: entityId, member_id: member });
    const hit = items.filter((i) => i.member_ids.includes(member) && (i.baseId === rest || i.name === rest || pathId(i.path) === pathId(rest)));
    if (hit.length === 1) return hit[0];
    if (hit.length === 0) throw new SovdError('operation-not-found', 'Operation not found', { entity_id: entityId, operation_id: rawId });
  }
  const byName = items.filter((i) => i.name === rawId || i.baseId === rawId);
  const direct = byName.filter((i) => i.member_ids.some((m) => namespaces.has(m) && parentOf(i.path) === namespaces.get(m)));
  if (byName.length > 1 && direct.length === 1) return direct[0];
  if (byName.length > 1) {
    const members = [...new Set(byName.flatMap((i) => i.member_ids))];
    const params: Record<string, unknown> = { entity_id: entityId, operation_ids: byName.map((i) => i.id) };
    if (members.length > 1) params.member_ids = members;
    else params.ros2_paths = byName.map((i) => i.path);
    throw new SovdError('invalid-request', `Operation id '${rawId}' is ambiguous`, params);
  }
  if (byName.length === 1) return byName[0];
  throw new SovdError('operation-not-found', 'Operation not found', { entity_id: entityId, operation_id: rawId });
}

/** `/a/b/c` → `/a/b`; `/c` → `/`. */
function parentOf(path: string): string {
  const i = path.lastIndexOf('/');
  return i <= 0 ? '/' : path.slice(0, i);
}
