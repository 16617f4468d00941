export { openDatabase, openStoreFile, prepareDataDir, runMigrations, StorageError, storageFailure } from './database.js';
export type { Migration, SqliteDatabase } from './database.js';
export { MigrationRegistry, openStore } from './registry.js';
