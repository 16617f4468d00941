// Parses the `resource` URI of a trigger or cyclic subscription (docs/triggers.md, docs/subscriptions.md):
// `/api/v1/{type}/{id}/{collection}[/{item path}]`, or the server-level `/api/v1/updates/{id}/status`.
// Malformed URIs and path traversal → x-medkit-invalid-resource-uri; another entity → x-medkit-entity-mismatch.
import { SovdError, isValidEntityId } from '@medkit/sovd';
import { API_BASE } from '@medkit/sovd';
import { SEGMENT_TO_TYPE, type EntitySegment } from '../entity-scope/index.js';

type ParsedResource =
  | { kind: 'entity'; segment: EntitySegment; id: string; collection: string; itemPath?: string }
  | { kind: 'update-status'; updateId: string };

const MAX_URI = 2048;

function invalid(uri: string, details: string): SovdError {
  return new SovdError('x-medkit-invalid-resource-uri', `Invalid resource URI: ${details}`, { resource: uri, details });
}

/**
 * Parses and checks `uri` against the route's entity. `allowUpdateStatus` admits the server-level
 * update status form (cyclic subscriptions only).
 */
export function parseResourceUri(uri: unknown, route: { segment: EntitySegment; id: string }, opts: { allowUpdateStatus?: boolean } = {}): ParsedResource {
  if (typeof uri !== 'string' || uri.length === 0) throw new SovdError('invalid-parameter', 'resource must be a non-empty string', { parameter: 'resource' });
  if (uri.length > MAX_URI) throw invalid(uri.slice(0, 64) + '…', `longer than ${MAX_URI} characters`);
  // eslint-disable-next-line no-control-regex
  if (/[?#\s]/.test(uri) || /[\u0000-\u001f\u007f]/.test(uri)) throw invalid(uri, 'query, fragment, whitespace and control characters are not allowed');
  if (!uri.startsWith(`${API_BASE}/`)) throw invalid(uri, `must start with ${API_BASE}/`);
  const raw = uri.slice(API_BASE.length + 1).split('/');
  const segs: string[] = [];
  for (const [i, s] of raw.entries()) {
    if (s === '' && i === raw.length - 1 && i > 0) continue; // one trailing slash is harmless
    let d: string;
    try {
      d = decodeURIComponent(s);
    } catch {
      throw invalid(uri, 'bad percent-encoding');
    }
    if (s === '' ) throw invalid(uri, 'empty path segment');
    // Traversal in either form (raw or percent-encoded, also hidden inside an encoded topic path).
    if (d.split('/').some((p) => p === '..' || p === '.')) throw invalid(uri, "'.' and '..' segments are not allowed");
    segs.push(d);
  }
  if (opts.allowUpdateStatus && segs[0] === 'updates') {
    if (segs.length !== 3 || segs[2] !== 'status' || !isValidEntityId(segs[1])) throw invalid(uri, 'update resources have the form /api/v1/updates/{id}/status');
    return { kind: 'update-status', updateId: segs[1] };
  }
  const [segment, id, collection, ...rest] = segs;
  if (!segment || !(segment in SEGMENT_TO_TYPE)) throw invalid(uri, 'must name an entity: /api/v1/{areas|components|apps|functions}/{id}/{collection}');
  if (!id || !isValidEntityId(id)) throw invalid(uri, 'invalid entity id');
  if (segment !== route.segment || id !== route.id) {
    throw new SovdError('x-medkit-entity-mismatch', `Resource names ${segment}/${id}, not ${route.segment}/${route.id}`, {
      resource: uri,
      entity_id: route.id,
      resource_entity: `${segment}/${id}`,
    });
  }
  if (!collection) throw invalid(uri, 'missing collection');
  const itemPath = rest.length > 0 ? '/' + rest.join('/').split('/').filter((p) => p.length > 0).join('/') : undefined;
  return { kind: 'entity', segment: segment as EntitySegment, id, collection, itemPath: itemPath === '/' ? undefined : itemPath };
}
