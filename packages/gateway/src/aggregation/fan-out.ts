// Collection fan-out (docs/aggregation.md): which GET paths fan out, asking peers in parallel
// with X-Medkit-No-Fan-Out, and merging their items into the local list with partial/failed_peers and
// peer_dropped_items. Fault lists end up on one timeline (docs/aggregation.md).
import type { OutboundAgent } from '@medkit/kit';
import { NO_FAN_OUT_HEADER, peerJson } from './peer-http.js';
import { decodeSegment } from './url-paths.js';
import { faultGatewayTag, sortFaultTimeline } from './fault-timeline.js';

export type FanOutKind = 'faults' | 'data' | 'operations' | 'configurations' | 'logs' | 'version-info';

/** A fan-out target path: global, or `/{segment}/{id}/{collection}`. */
interface FanOutPath {
  kind: FanOutKind;
  /** Set for entity paths. */
  entity?: { segment: string; id: string };
}

const ENTITY_COLLECTIONS = new Set(['data', 'operations', 'configurations', 'faults', 'logs']);
const ENTITY_PATH = /^\/api\/v1\/(areas|components|apps|functions)\/([^/]+)\/([a-z-]+)\/?$/;

/** Classifies a request path (without query); undefined when it does not fan out. */
export function fanOutPath(pathname: string): FanOutPath | undefined {
  const p = pathname.replace(/\/+$/, '');
  if (p === '/api/v1/faults') return { kind: 'faults' };
  if (p === '/api/v1/version-info') return { kind: 'version-info' };
  const m = ENTITY_PATH.exec(p);
  if (!m || !ENTITY_COLLECTIONS.has(m[3])) return undefined;
  const id = decodeSegment(m[2]);
  if (id === undefined) return undefined;
  return { kind: m[3] as FanOutKind, entity: { segment: m[1], id } };
}

/**
 * Why a peer's part of a fan-out is missing (the reference's 0.7.0 reports the reason per peer, not only that
 * it failed): `offline` known down and not asked, `not_responding` no answer in the budget, `unreachable`
 * no connection, `error_status` an answer other than 200, `bad_answer` an answer that is not a list.
 */
type PeerFailureReason = 'offline' | 'not_responding' | 'unreachable' | 'error_status' | 'bad_answer';

export type PeerItems = { peer: string; ok: true; items: unknown[] } | { peer: string; ok: false; failure: PeerFailureReason; reason: string };

/** `x-medkit.peer_failures` entry. */
interface PeerFailureEntry {
  peer: string;
  reason: PeerFailureReason;
  detail?: string;
}

interface DroppedItem {
  peer: string;
  reason: string;
  source_id: string;
}

type Json = Record<string, unknown>;
const isObj = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Why a peer item is unusable for this collection, or undefined when it is fine. */
function itemProblem(kind: FanOutKind, item: unknown): string | undefined {
  if (!isObj(item)) return 'item is not an object';
  switch (kind) {
    case 'faults':
      return typeof item.fault_code === 'string' || typeof item.code === 'string' ? undefined : 'fault item has no fault_code';
    case 'version-info':
      return typeof item.version === 'string' ? undefined : 'version item has no version';
    default:
      return typeof item.id === 'string' && item.id.length > 0 ? undefined : 'item has no id';
  }
}

function sourceId(item: unknown): string {
  if (!isObj(item)) return '';
  const v = item.id ?? item.fault_code ?? item.code;
  return typeof v === 'string' ? v : '';
}

/**
 * Merges peer answers into the local body. `unreachable` peers (known offline, not asked) count as failed.
 * The body keeps every local field; counts are updated to the merged item count.
 */
export function mergeCollection(kind: FanOutKind, local: Json, answers: readonly PeerItems[], unreachable: readonly string[] = [], hideFault?: (code: string) => boolean): Json {
  const localItems = Array.isArray(local.items) ? local.items : [];
  const failed = new Set(unreachable);
  const failures: PeerFailureEntry[] = unreachable.map((peer) => ({ peer, reason: 'offline' }));
  const dropped: DroppedItem[] = [];
  let items: unknown[] = kind === 'faults' ? localItems.map((i) => faultGatewayTag(i, 'local')) : [...localItems];
  for (const a of answers) {
    if (!a.ok) {
      failed.add(a.peer);
      failures.push({ peer: a.peer, reason: a.failure, detail: a.reason });
      continue;
    }
    for (const item of a.items) {
      const problem = itemProblem(kind, item);
      if (problem) dropped.push({ peer: a.peer, reason: problem, source_id: sourceId(item) });
      // A peer's symptom this gateway's correlation muted: counted in the local muted_count already.
      else if (kind === 'faults' && hideFault?.(sourceId(item))) continue;
      else items.push(kind === 'faults' ? faultGatewayTag(item, a.peer) : item);
    }
  }
  if (kind === 'faults') items = sortFaultTimeline(items as Json[]);
  const out: Json = { ...local, items };
  if (kind === 'version-info' && Array.isArray(local.sovd_info)) out.sovd_info = items;
  const x: Json = isObj(local['x-medkit']) ? { ...local['x-medkit'] } : {};
  if (kind === 'faults') x.count = items.length;
  else if ('total_count' in x) x.total_count = items.length;
  if (failed.size > 0) {
    x.partial = true;
    x.failed_peers = [...failed].sort();
    x.peer_failures = failures.sort((a, b) => (a.peer < b.peer ? -1 : a.peer > b.peer ? 1 : 0));
  }
  if (dropped.length > 0) x.peer_dropped_items = dropped;
  if (Object.keys(x).length > 0) out['x-medkit'] = x;
  return out;
}

interface FanOutRequest {
  /** Path and query as received (`/api/v1/...?...`). */
  pathAndQuery: string;
  peers: { name: string; url: string }[];
  timeoutMs: number;
  /** Headers of one peer's call beyond `headers` (its own credential, aggregation.peer_auth_header). */
  peerHeaders?: (peer: string) => Record<string, string>;
  /** TLS towards peers. */
  agent?: OutboundAgent;
  headers?: Record<string, string>;
}

/** Asks every peer in parallel; the whole fan-out takes at most `timeoutMs` (max, not sum). */
export async function queryPeers(r: FanOutRequest): Promise<PeerItems[]> {
  return Promise.all(
    r.peers.map(async (p): Promise<PeerItems> => {
      const res = await peerJson(`${p.url}${r.pathAndQuery}`, { headers: { ...r.peerHeaders?.(p.name), ...r.headers, [NO_FAN_OUT_HEADER]: '1' }, timeoutMs: r.timeoutMs, agent: r.agent });
      if (!res.ok) {
        const failure: PeerFailureReason = res.failure === 'timeout' ? 'not_responding' : res.failure === 'unreachable' ? 'unreachable' : 'bad_answer';
        return { peer: p.name, ok: false, failure, reason: `${res.failure}: ${res.detail}` };
      }
      if (res.status !== 200) return { peer: p.name, ok: false, failure: 'error_status', reason: `status ${res.status}` };
      const items = isObj(res.body) ? res.body.items : undefined;
      if (!Array.isArray(items)) return { peer: p.name, ok: false, failure: 'bad_answer', reason: 'body has no items array' };
      return { peer: p.name, ok: true, items };
    }),
  );
}
