// Member dispatch (docs/aggregation.md, docs/api.md, docs/aggregation.md): on an aggregating entity (Area, Function,
// Component hosting apps) a single-item request naming `<member>:<item>` is re-addressed to the member's own
// route, e.g. `POST /functions/docking/operations/gripper:open/executions` → `POST /apps/gripper/operations/
// open/executions`. Aggregation forwards it when the member is owned by a peer.

import { decodeSegment } from './url-paths.js';

/** Item collections whose ids may be member-qualified. */
const MEMBER_COLLECTIONS = new Set(['data', 'operations', 'configurations']);

interface MemberItem {
  collection: string;
  member: string;
  /** The member's own path below `/{collection}/`, still percent-encoded (item id plus any tail). */
  itemPath: string;
}

/**
 * Parses the part after the entity id (`/operations/gripper:open/executions`). Undefined when the first item
 * segment carries no `member:` prefix (bare ids are served by the local route) or the item half is empty.
 */
export function memberItem(rest: string): MemberItem | undefined {
  const m = /^\/([a-z]+)\/([^/]+)(\/.*)?$/.exec(rest);
  if (!m || !MEMBER_COLLECTIONS.has(m[1])) return undefined;
  const head = decodeSegment(m[2]);
  if (head === undefined) return undefined;
  const colon = head.indexOf(':'); // entity ids never contain ':' (docs/api.md): split on the first one
  if (colon <= 0) return undefined;
  const item = head.slice(colon + 1);
  if (item.length === 0) return undefined;
  return { collection: m[1], member: head.slice(0, colon), itemPath: `${encodeURIComponent(item)}${m[3] ?? ''}` };
}
