// The lock table: acquire / extend / release / list, exact expiry (one timer per lock plus a periodic
// sweep as a backstop), and the two-phase access check of docs/locks.md.
import { SovdError } from '@medkit/sovd';
import { covers, type Lock, type LockScope, type LockableType } from './model.js';
import type { PolicySource } from './settings.js';
import type { LockStore } from './store.js';
import { token, type Token } from '@medkit/server';

export interface LockManagerOptions {
  policy: PolicySource;
  /** Lockable ancestors of an entity (app → its component → parent components), nearest first. */
  ancestors: (type: LockableType, id: string) => { type: LockableType; id: string }[];
  store?: LockStore;
  now?: () => number;
}

export interface AcquireRequest {
  clientId: string;
  /** Seconds. */
  expiration: number;
  scopes?: LockScope[];
  breakLock?: boolean;
}

type ExpiryListener = (lock: Lock) => void;

const key = (type: string, id: string) => `${type}:${id}`;

export class LockManager {
  /** One live lock per entity. */
  private readonly byEntity = new Map<string, Lock>();
  private readonly timers = new Map<string, NodeJS.Timeout>();
  private readonly expiryListeners = new Set<ExpiryListener>();
  private seq = 0;
  private readonly now: () => number;

  constructor(private readonly opts: LockManagerOptions) {
    this.now = opts.now ?? Date.now;
    for (const l of opts.store?.load(this.now()) ?? []) {
      this.byEntity.set(key(l.entityType, l.entityId), l);
      this.seq = Math.max(this.seq, Number(l.id.slice('lock_'.length)) || 0);
      this.arm(l);
    }
  }

  get size(): number {
    return this.byEntity.size;
  }

  /** Called once per lock that runs out (not on release or break). */
  onExpired(l: ExpiryListener): () => void {
    this.expiryListeners.add(l);
    return () => this.expiryListeners.delete(l);
  }

  private validExpiration(type: LockableType, id: string, seconds: number): number {
    const max = this.opts.policy(type, id).maxExpiration;
    if (!Number.isInteger(seconds) || seconds <= 0 || seconds > max) {
      throw new SovdError('invalid-parameter', `lock_expiration must be an integer in 1..${max} seconds`, {
        parameter: 'lock_expiration',
        value: seconds,
        max_value: max,
        details: 'invalid-expiration',
      });
    }
    return seconds;
  }

  /** The live lock of an entity (expired ones are dropped on sight). */
  current(type: LockableType, id: string): Lock | undefined {
    const l = this.byEntity.get(key(type, id));
    if (l && l.expiresAt <= this.now()) {
      this.expire(l);
      return undefined;
    }
    return l;
  }

  acquire(type: LockableType, id: string, req: AcquireRequest): Lock {
    const seconds = this.validExpiration(type, id, req.expiration);
    const existing = this.current(type, id);
    if (existing && existing.clientId !== req.clientId) {
      if (!req.breakLock) {
        throw new SovdError('invalid-request', `Entity is locked by another client (${existing.id})`, { entity_id: id, existing_lock_id: existing.id, details: 'lock-conflict' }, { status: 409 });
      }
      if (!this.opts.policy(type, id).breakable) {
        throw new SovdError('invalid-request', `Lock ${existing.id} is not breakable`, { entity_id: id, existing_lock_id: existing.id, details: 'lock-not-breakable' }, { status: 409 });
      }
    }
    // The holder acquiring again, or a broken lock: the old one goes away without an expiry event.
    if (existing) this.drop(existing);
    const lock: Lock = { id: `lock_${++this.seq}`, entityType: type, entityId: id, clientId: req.clientId, expiresAt: this.now() + seconds * 1000 };
    if (req.scopes) lock.scopes = req.scopes;
    this.byEntity.set(key(type, id), lock);
    this.opts.store?.save(lock);
    this.arm(lock);
    return lock;
  }

  get(type: LockableType, id: string, lockId: string): Lock {
    const l = this.current(type, id);
    if (!l || l.id !== lockId) throw new SovdError('resource-not-found', 'Lock not found', { lock_id: lockId, entity_id: id });
    return l;
  }

  list(type: LockableType, id: string): Lock[] {
    const l = this.current(type, id);
    return l ? [l] : [];
  }

  extend(type: LockableType, id: string, lockId: string, clientId: string, expiration: number): Lock {
    const l = this.owned(type, id, lockId, clientId);
    const seconds = this.validExpiration(type, id, expiration);
    l.expiresAt = this.now() + seconds * 1000;
    this.opts.store?.extend(l.id, l.expiresAt);
    this.arm(l);
    return l;
  }

  release(type: LockableType, id: string, lockId: string, clientId: string): void {
    this.drop(this.owned(type, id, lockId, clientId));
  }

  private owned(type: LockableType, id: string, lockId: string, clientId: string): Lock {
    const l = this.get(type, id, lockId);
    if (l.clientId !== clientId) throw new SovdError('forbidden', 'Lock is owned by another client', { lock_id: lockId, entity_id: id });
    return l;
  }

  /**
   * The access check of a mutation (docs/locks.md): lock required → 409 invalid-request; another client's
   * live lock on the entity or an ancestor covering the scope → 409 lock-broken.
   */
  check(type: LockableType, id: string, scope: LockScope, clientId: string | undefined): void {
    const own = this.current(type, id);
    const policy = this.opts.policy(type, id);
    if (policy.requiredScopes.includes(scope) && !(own && own.clientId === clientId && covers(own, scope))) {
      throw new SovdError(
        'invalid-request',
        `A lock covering '${scope}' must be held on ${id} before this operation`,
        { details: `A lock must be held on the entity for '${scope}' (send X-Client-Id of the lock holder)`, entity_id: id, collection: scope },
        { status: 409 },
      );
    }
    for (const e of [{ type, id }, ...this.opts.ancestors(type, id)]) {
      const l = this.current(e.type, e.id);
      if (l && l.clientId !== clientId && covers(l, scope)) {
        throw new SovdError('lock-broken', `${e.id === id ? 'Entity' : `Ancestor ${e.id}`} is locked by another client`, { entity_id: id, collection: scope, lock_id: l.id });
      }
    }
  }

  /** Removes every expired lock (backstop of the per-lock timers). */
  sweep(): void {
    const now = this.now();
    for (const l of [...this.byEntity.values()]) if (l.expiresAt <= now) this.expire(l);
  }

  stop(): void {
    for (const t of this.timers.values()) clearTimeout(t);
    this.timers.clear();
  }

  private arm(l: Lock): void {
    clearTimeout(this.timers.get(l.id));
    // setTimeout caps at ~24.8 days; lock maxima are far below, but clamp anyway.
    const delay = Math.min(Math.max(0, l.expiresAt - this.now()), 2 ** 31 - 1);
    const t = setTimeout(() => {
      if (this.byEntity.get(key(l.entityType, l.entityId)) !== l) return;
      if (l.expiresAt <= this.now()) this.expire(l);
      else this.arm(l);
    }, delay);
    t.unref();
    this.timers.set(l.id, t);
  }

  private drop(l: Lock): void {
    clearTimeout(this.timers.get(l.id));
    this.timers.delete(l.id);
    if (this.byEntity.get(key(l.entityType, l.entityId)) === l) this.byEntity.delete(key(l.entityType, l.entityId));
    this.opts.store?.delete(l.id);
  }

  private expire(l: Lock): void {
    this.drop(l);
    for (const fn of this.expiryListeners) {
      try {
        fn(l);
      } catch {
        // listeners are other features; their failure must not keep a dead lock alive
      }
    }
  }
}

/** The lock manager, for features and plugins that check or take locks (published by the locks feature). */
export const LOCKS_SERVICE: Token<LockManager> = token('locks');
