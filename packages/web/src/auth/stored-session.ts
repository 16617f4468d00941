// Where a tab keeps its sign-in to one gateway (sessionStorage: a reload keeps it, closing the tab signs out),
// apart from the session logic so the entry script can read the token for its early reads (api/early-reads.ts)
// without loading the client.
import { readClaims } from './jwt';

/** What the tab stores of a session. */
export interface StoredSession {
  access: string;
  refresh?: string;
  via: 'credentials' | 'token';
}

export type KeyValueStore = Pick<Storage, 'getItem' | 'setItem' | 'removeItem'>;

/** The storage key of the session with `gateway` ('' = same origin). */
export function sessionKey(gateway: string): string {
  return `medkit.auth:${gateway || 'same-origin'}`;
}

/** The stored session of `key`, or undefined when there is none or it is not one (edited, another version's). */
export function readStoredSession(storage: KeyValueStore | null, key: string): StoredSession | undefined {
  try {
    const raw = storage?.getItem(key);
    if (!raw) return undefined;
    const s = JSON.parse(raw) as StoredSession;
    if (typeof s.access !== 'string' || !readClaims(s.access) || (s.via !== 'credentials' && s.via !== 'token')) return undefined;
    return s;
  } catch {
    return undefined;
  }
}
