// Which gateway the UI talks to: `?gateway=<url>` in the page address wins and is remembered in
// localStorage; otherwise the remembered URL; otherwise the origin that served the page.
// The API base path is the client's (one definition for the UI and the client it calls with).
import { API_BASE } from '@medkit/client';

/** localStorage key holding the chosen gateway URL. */
export const GATEWAY_STORAGE_KEY = 'medkit.gateway';

type KeyValueStore = Pick<Storage, 'getItem' | 'setItem' | 'removeItem'>;

/**
 * Normalises a user-entered gateway address to `scheme://host[:port][/prefix]` without a trailing
 * slash or `/api/v1`. Returns null for anything that is not an absolute http(s) URL.
 */
export function normalizeGatewayUrl(input: string): string | null {
  const text = input.trim();
  if (text === '') return null;
  let url: URL;
  try {
    url = new URL(/^[a-z][a-z0-9+.-]*:\/\//i.test(text) ? text : `http://${text}`);
  } catch {
    return null;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return null;
  let path = url.pathname.replace(/\/+$/, '');
  if (path.endsWith(API_BASE)) path = path.slice(0, -API_BASE.length);
  return `${url.protocol}//${url.host}${path}`;
}

/**
 * The gateway base URL to use ('' = same origin). A valid `?gateway=` parameter is stored so later
 * visits without it keep the choice; an invalid one is ignored.
 */
export function resolveGatewayUrl(search: string, storage: KeyValueStore | null): string {
  const fromQuery = new URLSearchParams(search).get('gateway');
  if (fromQuery !== null) {
    const normalized = normalizeGatewayUrl(fromQuery);
    if (normalized !== null) {
      safeSet(storage, normalized);
      return normalized;
    }
  }
  const stored = safeGet(storage);
  return stored !== null ? (normalizeGatewayUrl(stored) ?? '') : '';
}

/** Remembers a gateway URL ('' or null forgets it: back to same origin). */
export function rememberGatewayUrl(url: string | null, storage: KeyValueStore | null): void {
  if (!storage) return;
  try {
    if (url) storage.setItem(GATEWAY_STORAGE_KEY, url);
    else storage.removeItem(GATEWAY_STORAGE_KEY);
  } catch {
    // Private browsing or a full quota: the choice just is not remembered.
  }
}

/** Absolute (or origin-relative) URL of an API path such as `/faults`. */
export function apiUrl(base: string, path: string): string {
  const p = path.startsWith(API_BASE) ? path : `${API_BASE}${path.startsWith('/') ? '' : '/'}${path}`;
  return `${base}${p}`;
}

function safeGet(storage: KeyValueStore | null): string | null {
  try {
    return storage?.getItem(GATEWAY_STORAGE_KEY) ?? null;
  } catch {
    return null;
  }
}

function safeSet(storage: KeyValueStore | null, value: string): void {
  rememberGatewayUrl(value, storage);
}
