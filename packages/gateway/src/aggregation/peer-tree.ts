// Reads a peer's whole entity tree over its REST API (docs/aggregation.md): the four lists, nested subareas
// and subcomponents, and every entity's detail, all with X-Medkit-No-Fan-Out. All-or-nothing: any failure
// rejects the read, so the caller keeps the peer's last complete declaration.
import type { OutboundAgent } from '@medkit/kit';
import type { Entity, EntitySnapshot, EntityType } from '../entities/model.js';
import { emptySnapshot, SNAPSHOT_KEY } from '../entities/model.js';
import { TYPE_TO_SEGMENT } from '../entity-scope/collections.js';
import { entityFromWire } from './from-wire.js';
import { NO_FAN_OUT_HEADER, peerJson } from './peer-http.js';
import { mapLimited } from '@medkit/plugin-api';

/** Safety limits of docs/aggregation.md. */
const MAX_ITEMS_PER_COLLECTION = 1000;
const MAX_ENTITIES_PER_PEER = 10000;
const DETAIL_CONCURRENCY = 8;

export interface PeerTree {
  snapshot: EntitySnapshot;
  /** Non-fatal notes (older peer without nested routes). */
  notes: string[];
}

class PeerReadError extends Error {
  readonly code: string = 'peer-read-failed';
}

type Json = Record<string, unknown>;

interface Pending {
  type: EntityType;
  item: Json;
}

interface TreeReadOptions {
  peer: string;
  baseUrl: string;
  timeoutMs: number;
  headers?: Record<string, string>;
  agent?: OutboundAgent;
}

export async function readPeerTree(o: TreeReadOptions): Promise<PeerTree> {
  const notes: string[] = [];
  const headers = { ...o.headers, [NO_FAN_OUT_HEADER]: '1' };
  const get = (path: string) => peerJson(`${o.baseUrl}/api/v1${path}`, { headers, timeoutMs: o.timeoutMs, agent: o.agent });

  const list = async (path: string, allow404: boolean): Promise<Json[] | undefined> => {
    const r = await get(path);
    if (!r.ok) throw new PeerReadError(`${path}: ${r.failure} (${r.detail})`);
    if (r.status === 404 && allow404) return undefined;
    if (r.status !== 200) throw new PeerReadError(`${path}: unexpected status ${r.status}`);
    const items = (r.body as Json | undefined)?.items;
    if (!Array.isArray(items)) throw new PeerReadError(`${path}: body has no items array`);
    if (items.length > MAX_ITEMS_PER_COLLECTION) throw new PeerReadError(`${path}: ${items.length} items, over the limit of ${MAX_ITEMS_PER_COLLECTION}`);
    return items.filter((i): i is Json => typeof i === 'object' && i !== null && !Array.isArray(i));
  };

  const pending: Pending[] = [];
  const seen = new Set<string>();
  const add = (type: EntityType, items: Json[]): Json[] => {
    const fresh = items.filter((i) => typeof i.id === 'string' && !seen.has(`${type}:${i.id}`));
    for (const i of fresh) {
      seen.add(`${type}:${i.id}`);
      pending.push({ type, item: i });
    }
    if (pending.length > MAX_ENTITIES_PER_PEER) throw new PeerReadError(`more than ${MAX_ENTITIES_PER_PEER} entities`);
    return fresh;
  };

  const top = await Promise.all((['area', 'component', 'app', 'function'] as const).map(async (t) => [t, await list(`/${TYPE_TO_SEGMENT[t]}`, false)] as const));
  // Nested children are not in the top-level lists (docs/api.md): walk them breadth first.
  for (const [type, items] of top) {
    let frontier = add(type, items ?? []);
    const nested = type === 'area' ? 'subareas' : type === 'component' ? 'subcomponents' : undefined;
    let warned = false;
    while (nested && frontier.length > 0) {
      const children = await mapLimited(frontier, DETAIL_CONCURRENCY, (i) => list(`/${TYPE_TO_SEGMENT[type]}/${encodeURIComponent(String(i.id))}/${nested}`, true));
      if (children.some((c) => c === undefined) && !warned) {
        warned = true;
        notes.push(`peer has no /${nested} route (older gateway); nested ${type}s omitted`);
      }
      frontier = add(type, children.flatMap((c) => c ?? []));
    }
  }

  const details = await mapLimited(pending, DETAIL_CONCURRENCY, async (p): Promise<Json | undefined> => {
    const path = `/${TYPE_TO_SEGMENT[p.type]}/${encodeURIComponent(String(p.item.id))}`;
    const r = await get(path);
    if (!r.ok) throw new PeerReadError(`${path}: ${r.failure} (${r.detail})`);
    // 504: the peer retains the entity for a silent source of its own; keep it, unavailable.
    if (r.status === 504) return undefined;
    if (r.status !== 200 || typeof r.body !== 'object' || r.body === null) throw new PeerReadError(`${path}: unexpected status ${r.status}`);
    return r.body as Json;
  });

  const snapshot = emptySnapshot();
  pending.forEach((p, i) => {
    const e = entityFromWire(p.type, p.item, details[i], o.peer);
    if (e) (snapshot[SNAPSHOT_KEY[p.type]] as Entity[]).push(e);
    else notes.push(`${p.type} with invalid id ${JSON.stringify(p.item.id).slice(0, 80)} skipped`);
  });
  return { snapshot, notes };
}
