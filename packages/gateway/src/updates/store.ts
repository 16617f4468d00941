// Registered update packages and their status in SQLite, so both survive a restart.
import type { Migration, SqliteDatabase } from '@medkit/kit';
import type { UpdatePackage, UpdateStatusView } from './model.js';

export const UPDATES_MIGRATIONS: Migration[] = [
  {
    id: 'updates-001-packages',
    up(db) {
      db.exec(`CREATE TABLE update_packages (
        id TEXT PRIMARY KEY,
        seq INTEGER NOT NULL,
        metadata TEXT NOT NULL,
        status TEXT NOT NULL
      );`);
    },
  },
];

export class UpdateStore {
  private readonly packages = new Map<string, UpdatePackage>();

  constructor(private readonly db: SqliteDatabase) {
    for (const row of db.prepare('SELECT id, metadata, status FROM update_packages ORDER BY seq').all() as { id: string; metadata: string; status: string }[]) {
      this.packages.set(row.id, { id: row.id, metadata: JSON.parse(row.metadata) as Record<string, unknown>, status: JSON.parse(row.status) as UpdateStatusView });
    }
  }

  all(): UpdatePackage[] {
    return [...this.packages.values()];
  }

  get(id: string): UpdatePackage | undefined {
    return this.packages.get(id);
  }

  insert(p: UpdatePackage): void {
    const seq = ((this.db.prepare('SELECT MAX(seq) AS m FROM update_packages').get() as { m: number | null }).m ?? 0) + 1;
    this.db.prepare('INSERT INTO update_packages (id, seq, metadata, status) VALUES (?, ?, ?, ?)').run(p.id, seq, JSON.stringify(p.metadata), JSON.stringify(p.status));
    this.packages.set(p.id, p);
  }

  /** Writes the package's current status. */
  saveStatus(p: UpdatePackage): void {
    this.db.prepare('UPDATE update_packages SET status = ? WHERE id = ?').run(JSON.stringify(p.status), p.id);
  }

  delete(id: string): void {
    this.db.prepare('DELETE FROM update_packages WHERE id = ?').run(id);
    this.packages.delete(id);
  }
}
