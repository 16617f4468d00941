// Public API of the locking feature.
export { createLocksFeature, LOCK_KEYS, type LocksFeatureOptions } from './feature.js';
export { LOCKS_SERVICE } from './manager.js';
export { LockManager, type AcquireRequest, type LockManagerOptions } from './manager.js';
export { LOCK_SCOPES, scopeOf, lockView, requireClientId, type Lock, type LockScope, type LockView, type LockableType } from './model.js';
export type { EntityLockConfig, LockPolicy } from './settings.js';
