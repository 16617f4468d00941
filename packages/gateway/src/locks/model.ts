// Lock model (docs/locks.md): scopes, client ids, the wire view, and which lock scope a
// mutating route's collection falls under.
import { SovdError } from '@medkit/sovd';
import type { Collection } from '../entity-scope/index.js';
import type { LockView } from './rest-shape.js';

export type { LockView };

/** Entity types that can hold a lock. */
export type LockableType = 'app' | 'component';

export const LOCK_SCOPES = ['data', 'operations', 'configurations', 'faults', 'bulk-data', 'modes', 'scripts', 'logs', 'cyclic-subscriptions'] as const;
export type LockScope = (typeof LOCK_SCOPES)[number];

export interface Lock {
  id: string;
  entityType: LockableType;
  entityId: string;
  clientId: string;
  /** Undefined = every collection. */
  scopes?: LockScope[];
  /** Expiry instant, ms since the epoch. */
  expiresAt: number;
}


export function lockView(lock: Lock, clientId: string | undefined): LockView {
  return {
    id: lock.id,
    owned: clientId !== undefined && clientId === lock.clientId,
    ...(lock.scopes ? { scopes: [...lock.scopes] } : {}),
    lock_expiration: new Date(lock.expiresAt).toISOString(),
  };
}

export function covers(lock: Lock, scope: LockScope): boolean {
  return lock.scopes === undefined || lock.scopes.includes(scope);
}

/**
 * The lock scope that guards a mutation of `collection`. Triggers count as `cyclic-subscriptions`
 * (docs/locks.md [OURS]) and lifecycle transitions (`status`) as `modes`; other collections are not lockable.
 */
export function scopeOf(collection: Collection | string): LockScope | undefined {
  if ((LOCK_SCOPES as readonly string[]).includes(collection)) return collection as LockScope;
  if (collection === 'triggers') return 'cyclic-subscriptions';
  if (collection === 'status') return 'modes';
  return undefined;
}

/** Validates a requested scope list; empty or omitted = all collections. */
export function parseScopes(scopes: unknown): LockScope[] | undefined {
  if (scopes === undefined || scopes === null) return undefined;
  if (!Array.isArray(scopes)) throw new SovdError('invalid-parameter', 'scopes must be an array of collection names', { parameter: 'scopes', allowed_values: [...LOCK_SCOPES] });
  if (scopes.length === 0) return undefined;
  const out: LockScope[] = [];
  for (const s of scopes) {
    if (typeof s !== 'string' || !(LOCK_SCOPES as readonly string[]).includes(s)) {
      throw new SovdError('invalid-parameter', `Unknown lock scope '${String(s)}'`, { invalid_scope: s, allowed_values: [...LOCK_SCOPES] });
    }
    if (!out.includes(s as LockScope)) out.push(s as LockScope);
  }
  return out;
}

/** X-Client-Id (docs/api.md): 1–256 characters, no control characters. Returns the id or throws 400. */
export function requireClientId(header: unknown): string {
  const id = Array.isArray(header) ? header[0] : header;
  if (typeof id !== 'string' || id.length === 0) {
    throw new SovdError('invalid-parameter', 'X-Client-Id header is required', { parameter: 'X-Client-Id', details: 'send a client-chosen id (1–256 characters), e.g. a UUID' });
  }
  checkClientId(id);
  return id;
}

/** Throws 400 for an over-long id or one with control characters. */
function checkClientId(id: string): void {
  if (id.length > 256) throw new SovdError('invalid-parameter', 'X-Client-Id is longer than 256 characters', { parameter: 'X-Client-Id', details: 'at most 256 characters' });
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f]/.test(id)) throw new SovdError('invalid-parameter', 'X-Client-Id contains control characters', { parameter: 'X-Client-Id', details: 'no control characters allowed' });
}

