// The fault store backends by `faults.storage_type` (docs/faults.md "Storage backends"). Each entry opens
// its store, says how outages show (a probe, a check before writes, remote errors) and is wrapped in the
// guard that turns them into the store's status. An unknown type stops start-up: no silent fallback.
import type { MigrationRegistry, SqliteDatabase } from '@medkit/kit';
import { openDatabase, runMigrations } from '@medkit/kit';
import type { FaultLogger } from '../log.js';
import { silentLogger } from '../log.js';
import { guardRepository } from './guarded-repository.js';
import { MemoryFaultRepository } from './memory-repository.js';
import { faultMigrations } from './migrations.js';
import { PostgresFaultRepository, type PgStoreOptions } from './postgres/pg-repository.js';
import type { FaultRepository } from './repository.js';
import { SqliteFaultRepository } from './sqlite-repository.js';
import { SqliteStoreProbe } from './sqlite-probe.js';
import { FAULT_STORE_BACKENDS, FaultStoreStatus, type FaultStoreBackend } from './store-status.js';


export interface OpenFaultStoreOptions {
  storageType: string;
  /** SQLite: the data dir of `medkit.db`, or ':memory:' (ignored when `db` is given). */
  dataDir?: string | ':memory:';
  /** SQLite: an open database (the gateway's shared store, or the `database_path` file). */
  db?: SqliteDatabase;
  /** PostgreSQL: connection and limits. */
  postgresql?: PgStoreOptions;
  log?: FaultLogger;
}

/** An open fault store: the repository (guarded), its status, and its periodic check. */
export interface FaultStore {
  repository: FaultRepository;
  status: FaultStoreStatus;
  /** Checks the medium and ends an outage when the store works again (SQLite); none for the others. */
  probe?: (nowNs: bigint) => void;
}

type Opener = (o: OpenFaultStoreOptions, log: FaultLogger) => FaultStore;

const BACKENDS: Record<FaultStoreBackend, Opener> = {
  memory: () => {
    const status = new FaultStoreStatus('memory');
    return { repository: guardRepository(new MemoryFaultRepository(), status), status };
  },
  sqlite: (o) => {
    const status = new FaultStoreStatus('sqlite');
    const db = o.db ?? openDatabase(o.dataDir ?? ':memory:');
    runMigrations(db, faultMigrations);
    const probe = new SqliteStoreProbe(db, status);
    const repository = guardRepository(new SqliteFaultRepository(db), status, { beforeWrite: () => probe.fileIsHere() });
    return { repository, status, probe: (now) => probe.check(now) };
  },
  postgresql: (o, log) => {
    if (!o.postgresql?.url) throw new Error('faults.storage_type postgresql needs faults.postgresql.url (a connection string)');
    const bad = connectionStringProblem(o.postgresql.url);
    if (bad) throw new Error(`faults.postgresql.url is not a usable connection string: ${bad} (expected postgres://user:password@host:5432/database)`);
    const status = new FaultStoreStatus('postgresql', 'connecting');
    return { repository: guardRepository(new PostgresFaultRepository({ ...o.postgresql, journalDir: o.dataDir ?? ':memory:' }, status, log), status, { remote: true }), status };
  },
};

/** Why `url` cannot be a PostgreSQL connection string, or undefined; never quotes the string (it may hold a password). */
function connectionStringProblem(url: string): string | undefined {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return 'it does not parse as a URL';
  }
  if (u.protocol !== 'postgres:' && u.protocol !== 'postgresql:') return `the scheme is '${u.protocol.replace(/:$/, '')}', not postgres or postgresql`;
  // A Unix socket is named by ?host=/run/postgresql with an empty host part (libpq's form).
  if (!u.hostname && !u.searchParams.get('host')) return 'it names no host';
  return undefined;
}

function isBackend(t: string): t is FaultStoreBackend {
  return (FAULT_STORE_BACKENDS as readonly string[]).includes(t);
}

/** Opens the store `storageType` names; throws naming the known types for any other. */
export function openFaultStore(o: OpenFaultStoreOptions): FaultStore {
  if (!isBackend(o.storageType)) {
    throw new Error(`faults.storage_type '${o.storageType}' is unknown; known: ${FAULT_STORE_BACKENDS.join(', ')}`);
  }
  return BACKENDS[o.storageType](o, o.log ?? silentLogger);
}

/** The repository of {@link openFaultStore} (tests and tools that need no status). */
export function openFaultRepository(o: OpenFaultStoreOptions): FaultRepository {
  return openFaultStore(o).repository;
}

/** Adds the fault tables to the gateway's migration registry (call before opening the store). */
export function registerFaultMigrations(registry: MigrationRegistry): MigrationRegistry {
  return registry.register(...faultMigrations);
}
