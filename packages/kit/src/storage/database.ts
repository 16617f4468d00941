// The gateway's embedded store: one SQLite file in WAL mode inside the data dir.
// Features register their tables as migrations; they run in order, once each, in a transaction.
import Database from 'better-sqlite3';
import { accessSync, constants, mkdirSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';

export type SqliteDatabase = Database.Database;

/** One schema step of one feature. `id` is unique across features, e.g. `faults-001-tables`. */
export interface Migration {
  id: string;
  up(db: SqliteDatabase): void;
}

/** Raised when the data dir cannot be used; the message says what to do. */
export class StorageError extends Error {
  readonly code: string = 'storage-unusable';
  constructor(message: string) {
    super(message);
    this.name = 'StorageError';
  }
}

/** Creates the data dir if needed and checks that the gateway can write there. */
export function prepareDataDir(dir: string): string {
  const abs = resolve(dir);
  try {
    // 0700: the database and recordings are not for other local users (script executions run as one).
    mkdirSync(abs, { recursive: true, mode: 0o700 });
    accessSync(abs, constants.W_OK | constants.R_OK);
  } catch (err) {
    const reason = (err as NodeJS.ErrnoException).code ?? String(err);
    throw new StorageError(
      `data dir '${abs}' is not writable (${reason}); pass --data-dir with a writable directory or set MEDKIT_DATA_DIR`,
    );
  }
  return abs;
}

/**
 * SQLite's page cache per connection, in KiB. better-sqlite3 builds SQLite with a 16 MB default, which a
 * store that grows under a steady fault load fills over hours (issue 32: RSS flat over a soak); the hot
 * pages of our tables (current faults, triggers, locks) fit in far less, and the OS page cache holds the rest.
 */
export const SQLITE_CACHE_KIB = 2048;

/** Opens (or creates) `<dataDir>/medkit.db` in WAL mode. `:memory:` gives a private in-memory store. */
export function openDatabase(dataDir: string | ':memory:', file = 'medkit.db'): SqliteDatabase {
  if (dataDir === ':memory:') return new Database(':memory:');
  const path = join(prepareDataDir(dataDir), file);
  let db: SqliteDatabase | undefined;
  try {
    db = new Database(path);
    // SQLite reads the file header on the first statement, so a corrupt file fails here, not in the constructor.
    db.pragma('busy_timeout = 5000');
    db.pragma('journal_mode = WAL');
    // NORMAL keeps WAL durable against process crashes (only an OS crash can lose the last commits).
    db.pragma('synchronous = NORMAL');
    db.pragma('foreign_keys = ON');
    db.pragma(`cache_size = -${SQLITE_CACHE_KIB}`);
    db.prepare('SELECT count(*) FROM sqlite_master').get();
  } catch (err) {
    db?.close();
    throw storageFailure(path, err);
  }
  return db;
}

/**
 * Opens a feature's own SQLite file (a `*.storage.path` setting) and creates its tables with `setup`; a file
 * that cannot be set up is closed again and reported through {@link storageFailure}.
 */
export function openStoreFile(path: string, setup: (db: SqliteDatabase) => void): SqliteDatabase {
  const db = openDatabase(dirname(path), basename(path));
  try {
    setup(db);
  } catch (err) {
    db.close();
    throw storageFailure(path, err);
  }
  return db;
}

/** SQLite result codes that mean the file itself is damaged or not a database. */
const CORRUPT = new Set(['SQLITE_CORRUPT', 'SQLITE_NOTADB']);

/**
 * A StorageError for a database file that cannot be used, naming the file and what the operator can do
 * (docs/hardening.md, "Storage failures"). Callers that open or migrate a store pass their failures through here.
 */
export function storageFailure(path: string, err: unknown): StorageError {
  const code = (err as { code?: string }).code ?? '';
  const reason = (err as Error).message ?? String(err);
  if (CORRUPT.has(code) || code.startsWith('SQLITE_CORRUPT')) {
    return new StorageError(
      `database '${path}' is corrupt or not a SQLite database (${reason}). Recovery: stop every gateway using it, then either ` +
        `restore '${path}' from a backup, or try \`sqlite3 '${path}' .recover | sqlite3 recovered.db\` and move recovered.db into its place, ` +
        `or move the file (with its -wal and -shm files) aside to start with an empty store (stored faults, triggers and locks are lost); ` +
        `or start with --data-dir pointing at another directory`,
    );
  }
  return new StorageError(
    `cannot open database '${path}': ${reason}${code ? ` (${code})` : ''}. Check that the file and its directory are readable and writable by this user, ` +
      `that no other program holds it locked, and that the disk is not full; or start with --data-dir pointing at another directory`,
  );
}

/** Applies the migrations not yet recorded in `schema_migrations`, in the given order. */
export function runMigrations(db: SqliteDatabase, migrations: readonly Migration[]): string[] {
  db.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
    id TEXT PRIMARY KEY,
    applied_at TEXT NOT NULL
  )`);
  const seen = new Set(db.prepare('SELECT id FROM schema_migrations').pluck().all() as string[]);
  const ids = new Set<string>();
  const applied: string[] = [];
  const record = db.prepare('INSERT INTO schema_migrations (id, applied_at) VALUES (?, ?)');
  for (const m of migrations) {
    if (ids.has(m.id)) throw new StorageError(`migration id '${m.id}' is registered twice`);
    ids.add(m.id);
    if (seen.has(m.id)) continue;
    db.transaction(() => {
      m.up(db);
      record.run(m.id, new Date().toISOString());
    })();
    applied.push(m.id);
  }
  return applied;
}
