// The revocation store on a real SQLite file: revocations and spent refresh tokens persist across a
// reopen, a spent token cannot be spent twice, and rows whose tokens have expired are pruned.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { MigrationRegistry, openStore, type SqliteDatabase } from '@medkit/kit';
import { AUTH_MIGRATIONS } from '../../src/auth/index.js';
import { nowSec, RevocationStore } from '../../src/auth/revocations.js';

const dirs: string[] = [];
const dbs: SqliteDatabase[] = [];
afterEach(() => {
  for (const db of dbs.splice(0)) db.close();
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function open(dir: string): SqliteDatabase {
  const db = openStore(dir, new MigrationRegistry().register(...AUTH_MIGRATIONS));
  dbs.push(db);
  return db;
}

describe('revocation store', () => {
  it('persists revocations and spent refresh tokens, and spends each refresh token once', () => {
    const dir = mkdtempSync(join(tmpdir(), 'medkit-revocations-'));
    dirs.push(dir);
    const now = nowSec();
    const a = new RevocationStore(open(dir));
    a.revoke(['jti-1', 'grant-1'], now + 600);
    expect(a.spend('r-1', 'grant-2', now + 600)).toBe(true);
    expect(a.spend('r-1', 'grant-2', now + 600)).toBe(false);
    dbs.pop()!.close();

    const b = new RevocationStore(open(dir));
    expect(b.isRevoked('jti-1')).toBe(true);
    expect(b.isRevoked(undefined, 'x', 'grant-1')).toBe(true);
    expect(b.isRevoked('jti-2', undefined)).toBe(false);
    expect(b.spend('r-1', 'grant-2', now + 600)).toBe(false);
  });

  it('prunes rows whose tokens have expired, in memory and in the file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'medkit-revocations-'));
    dirs.push(dir);
    const db = open(dir);
    const now = nowSec();
    const s = new RevocationStore(db);
    s.revoke(['old'], now - 10);
    s.revoke(['live'], now + 600);
    s.spend('old-r', 'g', now - 10);
    s.prune(now);
    expect(s.isRevoked('old')).toBe(false);
    expect(s.isRevoked('live')).toBe(true);
    expect(db.prepare('SELECT id FROM auth_revoked').pluck().all()).toEqual(['live']);
    expect(db.prepare('SELECT count(*) FROM auth_used_refresh').pluck().get()).toBe(0);
  });
});
