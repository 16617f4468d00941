// Choosing and opening the fault store (docs/faults.md).
import type { MigrationRegistry, SqliteDatabase } from '@medkit/kit';
import { openDatabase, runMigrations } from '@medkit/kit';
import type { FaultLogger } from '../log.js';
import { silentLogger } from '../log.js';
import { MemoryFaultRepository } from './memory-repository.js';
import { faultMigrations } from './migrations.js';
import type { FaultRepository } from './repository.js';
import { SqliteFaultRepository } from './sqlite-repository.js';

export type { FaultRepository, FreezeFrameRow, RosbagLink, SnapshotRow } from './repository.js';
export { MemoryFaultRepository } from './memory-repository.js';
export { SqliteFaultRepository } from './sqlite-repository.js';
export { faultMigrations } from './migrations.js';

/** Adds the fault tables to the gateway's migration registry (call before `openStore`). */
export function registerFaultMigrations(registry: MigrationRegistry): MigrationRegistry {
  return registry.register(...faultMigrations);
}

/**
 * Opens the fault store. `sqlite` uses `db` when given (the gateway's shared store, migrations already
 * registered or applied here), else opens `<dataDir>/medkit.db`; `':memory:'` gives a private SQLite DB.
 * Any other type logs an error and falls back to memory.
 */
export function openFaultRepository(opts: { storageType: string; dataDir?: string | ':memory:'; db?: SqliteDatabase; log?: FaultLogger }): FaultRepository {
  const log = opts.log ?? silentLogger;
  if (opts.storageType === 'memory') return new MemoryFaultRepository();
  if (opts.storageType !== 'sqlite') {
    log.error(`fault storage_type '${opts.storageType}' is unknown; using memory (faults are lost on exit)`);
    return new MemoryFaultRepository();
  }
  const db = opts.db ?? openDatabase(opts.dataDir ?? ':memory:');
  runMigrations(db, faultMigrations);
  return new SqliteFaultRepository(db);
}
