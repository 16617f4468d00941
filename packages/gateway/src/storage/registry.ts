// Features register their migrations here at start-up (no global state):
// the gateway builds one MigrationRegistry, each feature adds its steps, then storage opens once.
import type { Migration, SqliteDatabase } from './database.js';
import { openDatabase, runMigrations } from './database.js';

export class MigrationRegistry {
  private readonly steps: Migration[] = [];

  /** Adds a feature's migrations; order within a feature is kept. */
  register(...migrations: Migration[]): this {
    this.steps.push(...migrations);
    return this;
  }

  get migrations(): readonly Migration[] {
    return this.steps;
  }
}

/** Opens the store and brings its schema up to date. */
export function openStore(dataDir: string | ':memory:', registry: MigrationRegistry): SqliteDatabase {
  const db = openDatabase(dataDir);
  runMigrations(db, registry.migrations);
  return db;
}
