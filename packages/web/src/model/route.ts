// Client routes live in the URL hash (`#/faults`, `#/entity/apps/lidar/data`), so the gateway
// serves one index.html without any fallback rules and deep links survive reloads.
import { TYPE_OF_SEGMENT, SEGMENT, type EntityType } from './entities';

export type Route =
  | { view: 'home' }
  | { view: 'entity'; type: EntityType; id: string; tab?: string }
  | { view: 'faults' }
  | { view: 'fault'; code: string; type?: EntityType; id?: string; /** One occurrence, as in the incident view. */ at?: number }
  | { view: 'incident'; code: string; type: EntityType; id: string; /** One occurrence: its capture's epoch ms. */ at?: number }
  /** An incident file opened from disk. */
  | { view: 'incident-file' };

/** A URL segment decoded, or as it is when it is not valid percent-encoding. */
export const dec = (s: string) => {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
};

export function parseRoute(hash: string): Route {
  const parts = hash.replace(/^#\/?/, '').split('/').filter(Boolean).map(dec);
  if (parts[0] === 'entity' && parts[1] in TYPE_OF_SEGMENT && parts[2]) {
    return { view: 'entity', type: TYPE_OF_SEGMENT[parts[1]], id: parts[2], tab: parts[3] };
  }
  if (parts[0] === 'faults' && parts.length === 1) return { view: 'faults' };
  if (parts[0] === 'incident-file' && parts.length === 1) return { view: 'incident-file' };
  if (parts[0] === 'fault' && parts.length === 2) return { view: 'fault', code: parts[1] };
  if ((parts[0] === 'fault' || parts[0] === 'incident') && (parts.length === 4 || parts.length === 5) && parts[1] in TYPE_OF_SEGMENT) {
    const at = Number(parts[4]);
    return { view: parts[0] as 'fault' | 'incident', type: TYPE_OF_SEGMENT[parts[1]], id: parts[2], code: parts[3], ...(parts.length === 5 && Number.isFinite(at) ? { at } : {}) };
  }
  return { view: 'home' };
}

export function routeHash(r: Route): string {
  const enc = encodeURIComponent;
  switch (r.view) {
    case 'home':
      return '#/';
    case 'faults':
      return '#/faults';
    case 'incident-file':
      return '#/incident-file';
    case 'entity':
      return `#/entity/${SEGMENT[r.type]}/${enc(r.id)}${r.tab ? `/${enc(r.tab)}` : ''}`;
    case 'fault':
      return r.type && r.id ? `#/fault/${SEGMENT[r.type]}/${enc(r.id)}/${enc(r.code)}${r.at !== undefined ? `/${r.at}` : ''}` : `#/fault/${enc(r.code)}`;
    case 'incident':
      return `#/incident/${SEGMENT[r.type]}/${enc(r.id)}/${enc(r.code)}${r.at !== undefined ? `/${r.at}` : ''}`;
  }
}
