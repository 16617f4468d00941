// The script audit's upgrade path (issue 31 point 2): upload records written by older versions held the script's
// env values; the migration hides them in the real SQLite file, as a gateway opening an older data dir runs it.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { MigrationRegistry, openStore } from '@medkit/kit';
import { AUDIT_MIGRATIONS, ScriptAudit } from '@medkit/scripts';

const KEY = 'sk-live-old-record';
let dir: string | undefined;
afterEach(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
  dir = undefined;
});

describe('script audit upgrade', () => {
  it('hides the env values of upload records an older version wrote, keeping their names and the rest', () => {
    dir = mkdtempSync(join(tmpdir(), 'medkit-audit-'));
    // The schema as the older version left it, with its records.
    const old = openStore(dir, new MigrationRegistry().register(AUDIT_MIGRATIONS[0]));
    const insert = old.prepare("INSERT INTO script_audit (timestamp, action, entity_id, script_id, parameters) VALUES ('2026-01-01T00:00:00Z', ?, 'e', ?, ?)");
    insert.run('upload', 'a', JSON.stringify({ filename: 'a.sh', size: 3, format: 'sh', metadata: { name: 'A', env: { VENDOR_API_KEY: KEY } } }));
    insert.run('upload', 'b', JSON.stringify({ truncated: true, preview: `{"filename":"b.sh","metadata":{"env":{"VENDOR_API_KEY":"${KEY}"` }));
    insert.run('upload', 'c', JSON.stringify({ truncated: true, preview: '{"filename":"c.sh","metadata":{"parameters_schema":{' }));
    insert.run('start', 'a', JSON.stringify({ mode: 'quick' }));
    old.close();

    const db = openStore(dir, new MigrationRegistry().register(...AUDIT_MIGRATIONS));
    try {
      const byScript = Object.fromEntries(new ScriptAudit(db, dir, 1000).query({ limit: 10 }).map((r) => [`${r.action}:${r.script_id}`, r.parameters]));
      expect(JSON.stringify(byScript)).not.toContain(KEY);
      expect(byScript['upload:a']).toEqual({ filename: 'a.sh', size: 3, format: 'sh', metadata: { name: 'A', env: { VENDOR_API_KEY: '(hidden)' } } });
      expect(byScript['upload:b']).toEqual({ truncated: true });
      expect(byScript['upload:c']).toEqual({ truncated: true, preview: '{"filename":"c.sh","metadata":{"parameters_schema":{' });
      expect(byScript['start:a']).toEqual({ mode: 'quick' });
    } finally {
      db.close();
    }
  });
});
