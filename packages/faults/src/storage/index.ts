// The fault store's public surface (docs/faults.md): backends from the registry, the status of outages.
export type { FaultRepository, FreezeFrameRow, RosbagLink, SnapshotRow } from './repository.js';
export { MemoryFaultRepository } from './memory-repository.js';
export { SqliteFaultRepository } from './sqlite-repository.js';
export { PostgresFaultRepository, type PgStoreOptions } from './postgres/pg-repository.js';
export { faultMigrations } from './migrations.js';
export { openFaultRepository, openFaultStore, registerFaultMigrations, type FaultStore, type OpenFaultStoreOptions } from './registry.js';
export { FAULT_STORE_BACKENDS, FaultStoreStatus, FaultStoreUnavailable, type FaultStoreBackend, type FaultStoreProblem, type FaultStoreReport, type FaultStoreState } from './store-status.js';
