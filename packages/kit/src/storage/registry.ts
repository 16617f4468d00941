// Features register their migrations here at start-up (no global state):
// the gateway builds one MigrationRegistry, each feature adds its steps, then storage opens once.
import type { Migration, SqliteDatabase } from './database.js';
import { openDatabase, runMigrations, storageFailure, StorageError } from './database.js';

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
  try {
    runMigrations(db, registry.migrations);
  } catch (err) {
    db.close();
    // Damage deeper in the file shows up only when a migration touches it.
    if (err instanceof StorageError || dataDir === ':memory:') throw err;
    throw storageFailure(db.name, err);
  }
  return db;
}
