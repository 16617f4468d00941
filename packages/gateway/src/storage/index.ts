export { openDatabase, prepareDataDir, runMigrations, StorageError } from './database.js';
export type { Migration, SqliteDatabase } from './database.js';
export { MigrationRegistry, openStore } from './registry.js';
