// The scripts package's REST bodies against their schemas (issue 58, "a REST body's shape is written once"): audit
// records as the real audit stores and reads them back must pass the schema the gateway serves, with no field it
// does not list (the response serialiser would drop it).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { MigrationRegistry, openStore } from '@medkit/kit';
import { AUDIT_MIGRATIONS, AuditRecordSchema, ScriptAudit } from '@medkit/scripts';
import { shapeProblems } from '../../../test-support/rest-shape.js';

let dir: string | undefined;
afterEach(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
  dir = undefined;
});

describe('script REST bodies match their schemas (issue 58)', () => {
  it('audit records of every kind, with and without an actor', () => {
    dir = mkdtempSync(join(tmpdir(), 'medkit-audit-'));
    const db = openStore(dir, new MigrationRegistry().register(...AUDIT_MIGRATIONS));
    try {
      const audit = new ScriptAudit(db, dir, 1000);
      const actor = { clientId: 'alice', subject: 'alice', role: 'operator', remoteIp: '127.0.0.1' };
      audit.record({ action: 'upload', entity_id: 'e', script_id: 's', execution_id: null, parameters: { filename: 'a.sh' }, status: null, exit_code: null, duration_ms: null, message: null, actor });
      audit.record({ action: 'start', entity_id: 'e', script_id: 's', execution_id: 'x', parameters: { threshold: 1 }, status: 'running', exit_code: null, duration_ms: null, message: null, actor });
      audit.record({ action: 'finish', entity_id: 'e', script_id: 's', execution_id: 'x', parameters: null, status: 'failed', exit_code: 2, duration_ms: 40, message: 'exit 2', actor: null });
      const records = audit.query({ limit: 10 });
      expect(records).toHaveLength(3);
      for (const r of records) expect(shapeProblems(AuditRecordSchema, [], r)).toEqual([]);
    } finally {
      db.close();
    }
  });
});
