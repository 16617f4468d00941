// The audit trail of script activity ([ours], docs/scripts.md): who uploaded, deleted, started,
// stopped what, with which parameters, and how it ended. Rows go to SQLite (queryable through
// GET …/x-medkit-script-audit) and, as the spec asks, to an append-only JSON-lines file.
import { appendFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Logger } from '@medkit/kit';
import type { Migration, SqliteDatabase } from '@medkit/kit';
import { withoutEnvValues } from './metadata.js';
import type { Actor } from './model.js';
import type { AuditAction, AuditRecord } from './rest-schemas.js';

export { AUDIT_ACTIONS, type AuditAction } from './rest-schemas.js';

export type AuditEntry = Omit<AuditRecord, 'seq' | 'timestamp' | 'client_id' | 'subject' | 'role' | 'remote_ip'> & { actor: Actor | null };

interface AuditQuery {
  entity_id?: string;
  script_id?: string;
  execution_id?: string;
  client_id?: string;
  action?: AuditAction;
  /** ISO timestamp: records at or after it. */
  since?: string;
  limit?: number;
}

const MAX_PARAMS_CHARS = 4096;

export const AUDIT_MIGRATIONS: Migration[] = [
  {
    id: 'scripts-002-audit',
    up(db) {
      db.exec(`CREATE TABLE script_audit (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        timestamp TEXT NOT NULL,
        action TEXT NOT NULL,
        entity_id TEXT NOT NULL,
        script_id TEXT NOT NULL,
        execution_id TEXT,
        client_id TEXT,
        subject TEXT,
        role TEXT,
        remote_ip TEXT,
        parameters TEXT,
        status TEXT,
        exit_code INTEGER,
        duration_ms INTEGER,
        message TEXT
      );
      CREATE INDEX script_audit_entity ON script_audit(entity_id, seq);
      CREATE INDEX script_audit_script ON script_audit(script_id, seq);`);
    },
  },
  {
    // Start-up looks for starts without a finish (executions a killed gateway left): by execution id.
    id: 'scripts-003-audit-execution',
    up(db) {
      db.exec('CREATE INDEX script_audit_execution ON script_audit(execution_id, action);');
    },
  },
  {
    // Upload records of older versions held the script's env values (credentials) in their metadata.
    id: 'scripts-004-audit-hide-env-values',
    up(db) {
      const rows = db.prepare("SELECT seq, parameters FROM script_audit WHERE action = 'upload' AND parameters IS NOT NULL").all() as { seq: number; parameters: string }[];
      const update = db.prepare('UPDATE script_audit SET parameters = ? WHERE seq = ?');
      for (const r of rows) {
        const hidden = hideEnvValues(JSON.parse(r.parameters) as unknown);
        if (hidden !== r.parameters) update.run(hidden, r.seq);
      }
    },
  },
];

/**
 * The stored text of an upload record's parameters with the metadata's env values hidden. A record cut at
 * MAX_PARAMS_CHARS keeps only a text preview, which cannot be taken apart: a preview naming `env` is dropped.
 */
function hideEnvValues(parameters: unknown): string {
  const p = parameters as Record<string, unknown> | null;
  if (p && typeof p === 'object' && p.truncated === true) return JSON.stringify(String(p.preview).includes('"env"') ? { truncated: true } : p);
  if (!p || typeof p !== 'object' || !('metadata' in p)) return JSON.stringify(parameters);
  return JSON.stringify({ ...p, metadata: withoutEnvValues(p.metadata) });
}

function clipParameters(value: unknown): string | null {
  if (value === undefined || value === null) return null;
  const text = JSON.stringify(value);
  return text.length <= MAX_PARAMS_CHARS ? text : JSON.stringify({ truncated: true, preview: text.slice(0, MAX_PARAMS_CHARS) });
}

export class ScriptAudit {
  private readonly insert;
  private readonly file: string;
  private writes = 0;

  constructor(
    private readonly db: SqliteDatabase,
    stateDir: string,
    private readonly maxRecords: number,
    private readonly log?: Logger,
  ) {
    this.insert = db.prepare(`INSERT INTO script_audit (timestamp, action, entity_id, script_id, execution_id, client_id, subject, role, remote_ip,
      parameters, status, exit_code, duration_ms, message) VALUES (@timestamp, @action, @entity_id, @script_id, @execution_id, @client_id,
      @subject, @role, @remote_ip, @parameters, @status, @exit_code, @duration_ms, @message)`);
    const dir = join(stateDir, 'audit');
    mkdirSync(dir, { recursive: true });
    this.file = join(dir, 'scripts.jsonl');
  }

  /** Records one event; never throws (auditing must not break the action it describes). */
  record(e: AuditEntry): void {
    const row = {
      timestamp: new Date().toISOString(),
      action: e.action,
      entity_id: e.entity_id,
      script_id: e.script_id,
      execution_id: e.execution_id,
      client_id: e.actor?.clientId ?? null,
      subject: e.actor?.subject ?? null,
      role: e.actor?.role ?? null,
      remote_ip: e.actor?.remoteIp ?? null,
      parameters: clipParameters(e.parameters),
      status: e.status,
      exit_code: e.exit_code,
      duration_ms: e.duration_ms,
      message: e.message,
    };
    try {
      const seq = Number(this.insert.run(row).lastInsertRowid);
      appendFileSync(this.file, `${JSON.stringify({ seq, ...row, parameters: e.parameters ?? null })}\n`);
      if (++this.writes % 100 === 0) this.prune();
      this.log?.info({ audit: 'scripts', entity_id: e.entity_id, script_id: e.script_id, execution_id: e.execution_id, action: e.action, status: e.status, client_id: row.client_id }, `script ${e.action}`);
    } catch (err) {
      this.log?.error({ err }, 'could not write script audit record');
    }
  }

  /** Newest first. */
  query(q: AuditQuery): AuditRecord[] {
    const where: string[] = [];
    const args: Record<string, unknown> = { limit: Math.min(Math.max(q.limit ?? 100, 1), 1000) };
    for (const key of ['entity_id', 'script_id', 'execution_id', 'client_id', 'action'] as const) {
      if (q[key] !== undefined) {
        where.push(`${key} = @${key}`);
        args[key] = q[key];
      }
    }
    if (q.since !== undefined) {
      where.push('timestamp >= @since');
      args.since = new Date(q.since).toISOString();
    }
    const sql = `SELECT * FROM script_audit ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY seq DESC LIMIT @limit`;
    return (this.db.prepare(sql).all(args) as (Omit<AuditRecord, 'parameters'> & { parameters: string | null })[]).map((r) => ({
      ...r,
      parameters: r.parameters === null ? null : (JSON.parse(r.parameters) as unknown),
    }));
  }

  /** `start` records with no `finish` record: executions a gateway that is gone left unfinished. Oldest first. */
  unfinishedStarts(): AuditRecord[] {
    const rows = this.db
      .prepare(
        `SELECT * FROM script_audit s WHERE s.action = 'start' AND s.execution_id IS NOT NULL
          AND NOT EXISTS (SELECT 1 FROM script_audit f WHERE f.execution_id = s.execution_id AND f.action = 'finish') ORDER BY s.seq`,
      )
      .all() as (Omit<AuditRecord, 'parameters'> & { parameters: string | null })[];
    return rows.map((r) => ({ ...r, parameters: r.parameters === null ? null : (JSON.parse(r.parameters) as unknown) }));
  }

  private prune(): void {
    this.db.prepare('DELETE FROM script_audit WHERE seq <= (SELECT MAX(seq) FROM script_audit) - ?').run(this.maxRecords);
  }
}
