// Fault-manager tables (docs/faults.md), registered with the gateway's migration registry.
import type { Migration, SqliteDatabase } from '@medkit/kit';

function hasColumn(db: SqliteDatabase, table: string, column: string): boolean {
  return (db.prepare(`PRAGMA table_info(${table})`).all() as { name: string }[]).some((c) => c.name === column);
}

export const faultMigrations: readonly Migration[] = [
  {
    id: 'faults-001-tables',
    up(db) {
      db.exec(`
        CREATE TABLE IF NOT EXISTS faults (
          fault_code TEXT PRIMARY KEY,
          severity INTEGER NOT NULL,
          description TEXT NOT NULL DEFAULT '',
          first_occurred_ns INTEGER NOT NULL,
          last_occurred_ns INTEGER NOT NULL,
          occurrence_count INTEGER NOT NULL,
          status TEXT NOT NULL,
          reporting_sources TEXT NOT NULL DEFAULT '[]',
          debounce_counter INTEGER NOT NULL DEFAULT 0,
          last_failed_ns INTEGER NOT NULL DEFAULT 0,
          last_passed_ns INTEGER NOT NULL DEFAULT 0,
          confirmed_at_ns INTEGER NOT NULL DEFAULT 0
        );
        CREATE TABLE IF NOT EXISTS snapshots (
          id INTEGER PRIMARY KEY AUTOINCREMENT,
          fault_code TEXT NOT NULL,
          topic TEXT NOT NULL,
          message_type TEXT NOT NULL,
          data TEXT NOT NULL,
          captured_at_ns INTEGER NOT NULL,
          capture_id INTEGER NOT NULL DEFAULT 0,
          history TEXT NOT NULL DEFAULT ''
        );
        CREATE INDEX IF NOT EXISTS snapshots_code ON snapshots (fault_code);
        CREATE INDEX IF NOT EXISTS snapshots_code_topic ON snapshots (fault_code, topic);
        CREATE TABLE IF NOT EXISTS freeze_frames (
          fault_code TEXT PRIMARY KEY,
          data TEXT NOT NULL,
          captured_at_ns INTEGER NOT NULL
        );
        CREATE TABLE IF NOT EXISTS near_misses (
          id INTEGER PRIMARY KEY AUTOINCREMENT,
          fault_code TEXT NOT NULL,
          occurred_at_ns INTEGER NOT NULL,
          debounce_counter INTEGER NOT NULL,
          confirmation_threshold INTEGER NOT NULL,
          severity INTEGER NOT NULL,
          source_id TEXT NOT NULL,
          resulting_status TEXT NOT NULL DEFAULT ''
        );
        CREATE INDEX IF NOT EXISTS near_misses_code_id ON near_misses (fault_code, id);
        CREATE TABLE IF NOT EXISTS rosbag_files (
          id INTEGER PRIMARY KEY AUTOINCREMENT,
          fault_code TEXT NOT NULL,
          recording_id TEXT NOT NULL DEFAULT '',
          file_path TEXT NOT NULL,
          format TEXT NOT NULL,
          duration_sec REAL NOT NULL,
          size_bytes INTEGER NOT NULL,
          created_at_ns INTEGER NOT NULL,
          UNIQUE (fault_code, file_path)
        );
        CREATE INDEX IF NOT EXISTS rosbag_files_code ON rosbag_files (fault_code);
        CREATE INDEX IF NOT EXISTS rosbag_files_created ON rosbag_files (created_at_ns);
        CREATE INDEX IF NOT EXISTS rosbag_files_recording ON rosbag_files (recording_id);
        CREATE INDEX IF NOT EXISTS rosbag_files_path ON rosbag_files (file_path);
      `);
      // Databases written by an older layout gain the newer columns with neutral defaults (docs/faults.md).
      if (!hasColumn(db, 'faults', 'confirmed_at_ns')) db.exec('ALTER TABLE faults ADD COLUMN confirmed_at_ns INTEGER NOT NULL DEFAULT 0');
      if (!hasColumn(db, 'snapshots', 'capture_id')) db.exec('ALTER TABLE snapshots ADD COLUMN capture_id INTEGER NOT NULL DEFAULT 0');
      if (!hasColumn(db, 'snapshots', 'history')) db.exec("ALTER TABLE snapshots ADD COLUMN history TEXT NOT NULL DEFAULT ''");
      if (!hasColumn(db, 'near_misses', 'resulting_status')) db.exec("ALTER TABLE near_misses ADD COLUMN resulting_status TEXT NOT NULL DEFAULT ''");
      if (!hasColumn(db, 'rosbag_files', 'recording_id')) db.exec("ALTER TABLE rosbag_files ADD COLUMN recording_id TEXT NOT NULL DEFAULT ''");
    },
  },
  {
    // One row the outage probe rewrites to learn that the store takes writes again (docs/faults.md).
    id: 'faults-002-store-probe',
    up(db) {
      db.exec('CREATE TABLE IF NOT EXISTS fault_store_probe (id INTEGER PRIMARY KEY, at_ns INTEGER NOT NULL)');
    },
  },
  {
    // The status history of each fault (docs/faults.md "Status history").
    id: 'faults-003-history',
    up(db) {
      db.exec(`CREATE TABLE IF NOT EXISTS fault_history (
          id INTEGER PRIMARY KEY AUTOINCREMENT, fault_code TEXT NOT NULL, at_ns INTEGER NOT NULL, change TEXT NOT NULL,
          status TEXT NOT NULL, occurrence INTEGER NOT NULL, source TEXT NOT NULL DEFAULT '', note TEXT NOT NULL DEFAULT '');
        CREATE INDEX IF NOT EXISTS fault_history_code_id ON fault_history (fault_code, id);`);
    },
  },
  {
    // Each capture row names the occurrence that took it (issue 67): a capture is stamped with its messages' times,
    // which for a slow topic can fall in the previous occurrence. Rows stored before keep 0: placed by time.
    id: 'faults-004-snapshot-occurrence',
    up(db) {
      if (!hasColumn(db, 'snapshots', 'occurrence')) db.exec('ALTER TABLE snapshots ADD COLUMN occurrence INTEGER NOT NULL DEFAULT 0');
    },
  },
];
