import { describe, it, expect, afterEach } from 'vitest';
import { mkdtempSync, rmSync, chmodSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openDatabase, runMigrations, prepareDataDir, StorageError, MigrationRegistry, openStore } from '../src/index.js';
import { SQLITE_CACHE_KIB } from '../src/storage/database.js';

const dirs: string[] = [];
function tmp(): string {
  const d = mkdtempSync(join(tmpdir(), 'medkit-store-'));
  dirs.push(d);
  return d;
}
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

describe('storage', () => {
  it('opens a WAL database in the data dir and applies migrations once', () => {
    const dir = tmp();
    const reg = new MigrationRegistry().register(
      { id: 't-001', up: (db) => db.exec('CREATE TABLE t (k TEXT PRIMARY KEY, v INTEGER)') },
      { id: 't-002', up: (db) => db.exec('ALTER TABLE t ADD COLUMN note TEXT') },
    );
    const db = openStore(join(dir, 'data'), reg);
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    // Bounded page cache (better-sqlite3's build default is 16 MB per connection).
    expect(db.pragma('cache_size', { simple: true })).toBe(-SQLITE_CACHE_KIB);
    db.prepare('INSERT INTO t (k, v, note) VALUES (?, ?, ?)').run('a', 1, 'x');
    db.close();
    // Re-opening runs nothing again and keeps the row.
    const db2 = openDatabase(join(dir, 'data'));
    expect(runMigrations(db2, reg.migrations)).toEqual([]);
    expect(db2.prepare('SELECT v FROM t WHERE k = ?').pluck().get('a')).toBe(1);
    db2.close();
  });

  it('rolls back a failing migration and does not record it', () => {
    const db = openDatabase(':memory:');
    const bad = { id: 'bad-001', up: (d: typeof db) => { d.exec('CREATE TABLE x (a)'); throw new Error('boom'); } };
    expect(() => runMigrations(db, [bad])).toThrow('boom');
    expect(db.prepare("SELECT count(*) FROM sqlite_master WHERE name = 'x'").pluck().get()).toBe(0);
    expect(db.prepare('SELECT count(*) FROM schema_migrations').pluck().get()).toBe(0);
  });

  it('rejects a duplicate migration id', () => {
    const db = openDatabase(':memory:');
    const m = { id: 'dup', up: () => {} };
    expect(() => runMigrations(db, [m, m])).toThrow(/registered twice/);
  });

  it('explains an unwritable data dir', () => {
    const dir = tmp();
    const file = join(dir, 'not-a-dir');
    writeFileSync(file, 'x');
    expect(() => prepareDataDir(join(file, 'sub'))).toThrow(StorageError);
    expect(() => prepareDataDir(join(file, 'sub'))).toThrow(/not writable.*--data-dir/);
    if (process.getuid?.() !== 0) {
      const ro = join(dir, 'ro');
      prepareDataDir(ro);
      chmodSync(ro, 0o500);
      expect(() => prepareDataDir(ro)).toThrow(/not writable/);
    }
  });
});
