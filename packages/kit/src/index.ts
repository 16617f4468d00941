// @medkit/kit: the parts every medkit server (the robot gateway, the fleet server) builds on and that know
// nothing of SOVD resources: how a configuration key is described, and the embedded SQLite store.
export * from './config/key-spec.js';
export { openDatabase, openStoreFile, prepareDataDir, runMigrations, StorageError, storageFailure, SQLITE_CACHE_KIB } from './storage/database.js';
export type { Migration, SqliteDatabase } from './storage/database.js';
export { MigrationRegistry, openStore } from './storage/registry.js';
export { API_BASE } from './http/api-base.js';
