// Per-entity lock policy (docs/locks.md): manifest `lock:` block on the entity → type default →
// global maximum. The manifest block arrives either through the factory option or on the entity model.
import type { LockableType, LockScope } from './model.js';
import { LOCK_SCOPES } from './model.js';

/** The manifest `lock:` block of one Component or App. */
export interface EntityLockConfig {
  required_scopes?: string[];
  breakable?: boolean;
  /** Seconds; 0 = use the global maximum. */
  max_expiration?: number;
}

export interface LockPolicy {
  requiredScopes: LockScope[];
  breakable: boolean;
  /** Effective maximum lock_expiration in seconds. */
  maxExpiration: number;
}

export interface TypeDefaults {
  requiredScopes: string[];
  breakable: boolean;
}

/** Reads a raw manifest block defensively (it may come straight from YAML). */
export function parseLockBlock(raw: unknown): EntityLockConfig | undefined {
  if (!raw || typeof raw !== 'object') return undefined;
  const r = raw as Record<string, unknown>;
  const out: EntityLockConfig = {};
  if (Array.isArray(r.required_scopes)) out.required_scopes = r.required_scopes.filter((s): s is string => typeof s === 'string');
  if (typeof r.breakable === 'boolean') out.breakable = r.breakable;
  if (typeof r.max_expiration === 'number' && Number.isFinite(r.max_expiration)) out.max_expiration = r.max_expiration;
  return out;
}

const known = (scopes: string[]): LockScope[] => scopes.filter((s): s is LockScope => (LOCK_SCOPES as readonly string[]).includes(s));

export function resolvePolicy(entityBlock: EntityLockConfig | undefined, defaults: TypeDefaults, globalMax: number): LockPolicy {
  return {
    requiredScopes: known(entityBlock?.required_scopes ?? defaults.requiredScopes),
    breakable: entityBlock?.breakable ?? defaults.breakable,
    maxExpiration: entityBlock?.max_expiration && entityBlock.max_expiration > 0 ? entityBlock.max_expiration : globalMax,
  };
}

export type PolicySource = (type: LockableType, id: string) => LockPolicy;
