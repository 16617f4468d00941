// Locks are persisted (medkit decision, docs/locks.md): a lock promises "nobody else changes this
// while I work", and a gateway restart must not silently drop that promise before it expires.
import type { Migration, SqliteDatabase } from '@medkit/kit';
import type { Lock, LockScope, LockableType } from './model.js';

export const LOCK_MIGRATIONS: Migration[] = [
  {
    id: 'locks-001-tables',
    up(db) {
      db.exec(`CREATE TABLE locks (
        id TEXT PRIMARY KEY,
        entity_type TEXT NOT NULL,
        entity_id TEXT NOT NULL,
        client_id TEXT NOT NULL,
        scopes TEXT,
        expires_at INTEGER NOT NULL
      )`);
    },
  },
];

interface Row {
  id: string;
  entity_type: LockableType;
  entity_id: string;
  client_id: string;
  scopes: string | null;
  expires_at: number;
}

export class LockStore {
  private readonly insert;
  private readonly remove;
  private readonly setExpiry;
  constructor(private readonly db: SqliteDatabase) {
    this.insert = db.prepare('INSERT OR REPLACE INTO locks (id, entity_type, entity_id, client_id, scopes, expires_at) VALUES (?, ?, ?, ?, ?, ?)');
    this.remove = db.prepare('DELETE FROM locks WHERE id = ?');
    this.setExpiry = db.prepare('UPDATE locks SET expires_at = ? WHERE id = ?');
  }

  /** Live locks at `now`; expired rows are deleted. */
  load(now: number): Lock[] {
    this.db.prepare('DELETE FROM locks WHERE expires_at <= ?').run(now);
    const rows = this.db.prepare('SELECT * FROM locks').all() as Row[];
    return rows.map((r) => ({
      id: r.id,
      entityType: r.entity_type,
      entityId: r.entity_id,
      clientId: r.client_id,
      ...(r.scopes ? { scopes: JSON.parse(r.scopes) as LockScope[] } : {}),
      expiresAt: r.expires_at,
    }));
  }

  save(l: Lock): void {
    this.insert.run(l.id, l.entityType, l.entityId, l.clientId, l.scopes ? JSON.stringify(l.scopes) : null, l.expiresAt);
  }

  extend(id: string, expiresAt: number): void {
    this.setExpiry.run(expiresAt, id);
  }

  delete(id: string): void {
    this.remove.run(id);
  }
}
