// The hint store (docs/beacons.md): one entry per entity id with ACTIVE / STALE / EXPIRED states
// measured on a monotonic clock, bounded by `max_hints`. Both beacon plugins own one each.
import type { BeaconHint } from './hint.js';

type HintStatus = 'active' | 'stale';

/** A hint as served: its state and age at the moment of the snapshot. */
export interface StoredHint {
  hint: BeaconHint;
  status: HintStatus;
  ageSec: number;
}

interface HintStoreOptions {
  ttlSec: number;
  expirySec: number;
  maxHints: number;
  /** Monotonic milliseconds (injectable for tests). */
  now?: () => number;
  /** Told once when a new id is refused because the store is full. */
  onFull?: (entityId: string) => void;
}

/** The store's settings after the clamps of docs/beacons.md. */
interface HintStoreLimits {
  ttlSec: number;
  expirySec: number;
  maxHints: number;
}

/** Clamps of docs/beacons.md [REF]: ttl ≥ 0.1, expiry ≥ 1, max_hints ≥ 1, and expiry ≤ ttl → expiry = 10 × ttl. */
export function storeLimits(o: { ttlSec: number; expirySec: number; maxHints: number }): HintStoreLimits {
  const ttlSec = Math.max(0.1, o.ttlSec);
  let expirySec = Math.max(1, o.expirySec);
  if (expirySec <= ttlSec) expirySec = 10 * ttlSec;
  return { ttlSec, expirySec, maxHints: Math.max(1, Math.trunc(o.maxHints)) };
}

interface Entry {
  hint: BeaconHint;
  lastSeen: number;
}

export class HintStore {
  readonly limits: HintStoreLimits;
  readonly #now: () => number;
  readonly #entries = new Map<string, Entry>();
  readonly #onFull?: (id: string) => void;
  #warnedFull = false;
  /** New ids refused because the store was full. */
  rejectedFull = 0;
  /** Bumped whenever the set of hints or a hint's content changes (not on a same-content refresh). */
  version = 0;

  constructor(opts: HintStoreOptions) {
    this.limits = storeLimits(opts);
    this.#now = opts.now ?? (() => performance.now());
    this.#onFull = opts.onFull;
  }

  get size(): number {
    return this.#entries.size;
  }

  /** Monotonic now of this store's clock (ms). */
  now(): number {
    return this.#now();
  }

  /**
   * Stores or refreshes a hint seen at `seenAt` (monotonic ms, default now; the topic beacon back-projects
   * message stamps). A refresh overwrites only non-empty fields and replaces metadata when non-empty.
   * Returns false when a new id is refused (store full) or the hint is already past expiry.
   */
  update(hint: BeaconHint, seenAt = this.#now()): boolean {
    const now = this.#now();
    if ((now - seenAt) / 1000 >= this.limits.expirySec) return false;
    const existing = this.#entries.get(hint.entity_id);
    if (existing) {
      const merged = merge(existing.hint, hint);
      if (JSON.stringify(merged) !== JSON.stringify(existing.hint)) this.version++;
      existing.hint = merged;
      existing.lastSeen = Math.max(existing.lastSeen, seenAt);
      return true;
    }
    if (this.#entries.size >= this.limits.maxHints) {
      this.evict();
      if (this.#entries.size >= this.limits.maxHints) {
        this.rejectedFull++;
        if (!this.#warnedFull) {
          this.#warnedFull = true;
          this.#onFull?.(hint.entity_id);
        }
        return false;
      }
    }
    this.#entries.set(hint.entity_id, { hint, lastSeen: seenAt });
    this.version++;
    return true;
  }

  /** Removes hints past expiry (EXPIRED is never served). */
  evict(): void {
    const now = this.#now();
    for (const [id, e] of this.#entries) {
      if ((now - e.lastSeen) / 1000 < this.limits.expirySec) continue;
      this.#entries.delete(id);
      this.version++;
    }
  }

  #view(e: Entry, now: number): StoredHint {
    const ageSec = Math.max(0, (now - e.lastSeen) / 1000);
    return { hint: e.hint, status: ageSec < this.limits.ttlSec ? 'active' : 'stale', ageSec };
  }

  /** Evicts, then every live hint with its state. */
  snapshot(): StoredHint[] {
    this.evict();
    const now = this.#now();
    return [...this.#entries.values()].map((e) => this.#view(e, now));
  }

  /** One live hint, or undefined (also when it just expired). */
  get(entityId: string): StoredHint | undefined {
    const e = this.#entries.get(entityId);
    if (!e) return undefined;
    const now = this.#now();
    if ((now - e.lastSeen) / 1000 >= this.limits.expirySec) {
      this.#entries.delete(entityId);
      this.version++;
      return undefined;
    }
    return this.#view(e, now);
  }

  /** Ids of live hints that read stale now (change detection). */
  staleIds(): string[] {
    const now = this.#now();
    const out: string[] = [];
    for (const [id, e] of this.#entries) if ((now - e.lastSeen) / 1000 >= this.limits.ttlSec) out.push(id);
    return out;
  }

  clear(): void {
    this.version++;
    this.#entries.clear();
  }
}

/** A refresh: non-empty fields of `next` win, the rest keeps `prev`'s values. */
function merge(prev: BeaconHint, next: BeaconHint): BeaconHint {
  const out = { ...prev };
  for (const k of Object.keys(next) as (keyof BeaconHint)[]) {
    const v = next[k];
    const empty = v === '' || v === 0 || (Array.isArray(v) && v.length === 0) || (k === 'metadata' && Object.keys(v as object).length === 0);
    if (!empty) (out as Record<string, unknown>)[k] = v;
  }
  return out;
}
