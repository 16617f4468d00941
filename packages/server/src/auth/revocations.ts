// Revoked token ids and spent refresh tokens, kept in the gateway's SQLite store so a restart forgets
// neither (docs/security.md). Rows carry the instant after which the tokens they refer to are expired
// anyway; those rows are pruned.
import type { Migration, SqliteDatabase } from '@medkit/kit';

export const AUTH_MIGRATIONS: Migration[] = [
  {
    id: 'auth-001-revocations',
    up(db) {
      // id: a token's jti or a grant id (every token issued from one client-credentials exchange shares it).
      db.exec(`CREATE TABLE auth_revoked (id TEXT PRIMARY KEY, expires_at INTEGER NOT NULL)`);
      db.exec(`CREATE TABLE auth_used_refresh (jti TEXT PRIMARY KEY, grant_id TEXT NOT NULL, expires_at INTEGER NOT NULL)`);
      db.exec(`CREATE INDEX auth_revoked_expiry ON auth_revoked (expires_at)`);
      db.exec(`CREATE INDEX auth_used_refresh_expiry ON auth_used_refresh (expires_at)`);
    },
  },
];

/** Seconds since the epoch. */
export const nowSec = (): number => Math.floor(Date.now() / 1000);

export class RevocationStore {
  /** Mirror of auth_revoked (id → expiry), consulted on every authenticated request without a query. */
  private readonly revoked = new Map<string, number>();
  private readonly insertRevoked;
  private readonly insertUsed;
  private readonly pruneRevoked;
  private readonly pruneUsed;

  constructor(db: SqliteDatabase) {
    this.insertRevoked = db.prepare('INSERT INTO auth_revoked (id, expires_at) VALUES (?, ?) ON CONFLICT(id) DO UPDATE SET expires_at = max(expires_at, excluded.expires_at)');
    this.insertUsed = db.prepare('INSERT OR IGNORE INTO auth_used_refresh (jti, grant_id, expires_at) VALUES (?, ?, ?)');
    this.pruneRevoked = db.prepare('DELETE FROM auth_revoked WHERE expires_at < ?');
    this.pruneUsed = db.prepare('DELETE FROM auth_used_refresh WHERE expires_at < ?');
    this.prune();
    for (const row of db.prepare('SELECT id, expires_at FROM auth_revoked').all() as { id: string; expires_at: number }[]) this.revoked.set(row.id, row.expires_at);
  }

  /** Revokes token or grant ids until `expiresAt` (epoch seconds). */
  revoke(ids: readonly string[], expiresAt: number): void {
    for (const id of ids) {
      this.insertRevoked.run(id, expiresAt);
      this.revoked.set(id, Math.max(expiresAt, this.revoked.get(id) ?? 0));
    }
  }

  /** True when any of `ids` is revoked. */
  isRevoked(...ids: (string | undefined)[]): boolean {
    return ids.some((id) => id !== undefined && this.revoked.has(id));
  }

  /** Marks a refresh token spent; false when it already was (a replay). */
  spend(jti: string, grantId: string, expiresAt: number): boolean {
    return this.insertUsed.run(jti, grantId, expiresAt).changes === 1;
  }

  /** Drops rows whose tokens have expired. */
  prune(now = nowSec()): void {
    this.pruneRevoked.run(now);
    this.pruneUsed.run(now);
    for (const [id, exp] of this.revoked) if (exp < now) this.revoked.delete(id);
  }
}
