// SQLite persistence of persistent triggers and their previous values (docs/triggers.md).
import { openStoreFile, type Migration, type SqliteDatabase } from '@medkit/kit';
import type { Previous } from './conditions.js';
import type { TriggerDefinition } from './model.js';

function createTables(db: SqliteDatabase): void {
  db.exec(`CREATE TABLE IF NOT EXISTS triggers (
    id TEXT PRIMARY KEY,
    entity_id TEXT NOT NULL,
    entity_type TEXT NOT NULL,
    resource_uri TEXT NOT NULL,
    collection TEXT NOT NULL,
    resource_path TEXT,
    path TEXT,
    condition_type TEXT NOT NULL,
    condition_params TEXT NOT NULL,
    protocol TEXT NOT NULL,
    multishot INTEGER NOT NULL,
    persistent INTEGER NOT NULL,
    lifetime_sec INTEGER,
    log_settings TEXT,
    status TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    expires_at INTEGER,
    resolved_topic_name TEXT NOT NULL DEFAULT '',
    webhook_url TEXT,
    webhook_secret TEXT
  );
  CREATE TABLE IF NOT EXISTS trigger_counter (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    last INTEGER NOT NULL
  );
  CREATE TABLE IF NOT EXISTS trigger_state (
    trigger_id TEXT PRIMARY KEY REFERENCES triggers(id) ON DELETE CASCADE,
    previous_value TEXT NOT NULL
  );`);
}

export const TRIGGER_MIGRATIONS: Migration[] = [{ id: 'triggers-001-tables', up: createTables }];

interface Row {
  id: string;
  entity_id: string;
  entity_type: TriggerDefinition['entityType'];
  resource_uri: string;
  collection: string;
  resource_path: string | null;
  path: string | null;
  condition_type: string;
  condition_params: string;
  protocol: TriggerDefinition['protocol'];
  multishot: number;
  persistent: number;
  lifetime_sec: number | null;
  log_settings: string | null;
  created_at: number;
  expires_at: number | null;
  webhook_url: string | null;
  webhook_secret: string | null;
  previous_value: string | null;
}

export class TriggerStore {
  private readonly db: SqliteDatabase;
  private readonly own: boolean;
  private readonly upsertState;
  constructor(db: SqliteDatabase, path = '') {
    // `triggers.storage.path` names a separate SQLite file; empty = the gateway store.
    this.own = path !== '';
    this.db = this.own ? openStoreFile(path, createTables) : db;
    this.upsertState = this.db.prepare('INSERT INTO trigger_state (trigger_id, previous_value) VALUES (?, ?) ON CONFLICT(trigger_id) DO UPDATE SET previous_value = excluded.previous_value');
  }

  /** The last `trig_<n>` number handed out, so ids are never reused across restarts. */
  lastId(): number {
    const r = this.db.prepare('SELECT last FROM trigger_counter WHERE id = 1').get() as { last: number } | undefined;
    return r?.last ?? 0;
  }

  setLastId(n: number): void {
    this.db.prepare('INSERT INTO trigger_counter (id, last) VALUES (1, ?) ON CONFLICT(id) DO UPDATE SET last = excluded.last').run(n);
  }

  /** Drops every stored trigger (restart behaviour `reset`). */
  clear(): void {
    this.db.exec('DELETE FROM trigger_state; DELETE FROM triggers;');
  }

  /** Stored active triggers, dropping those whose lifetime has passed. */
  load(now: number): (TriggerDefinition & { previous: Previous })[] {
    this.db.prepare("DELETE FROM triggers WHERE status != 'active' OR (expires_at IS NOT NULL AND expires_at <= ?)").run(now);
    const rows = this.db.prepare('SELECT t.*, s.previous_value FROM triggers t LEFT JOIN trigger_state s ON s.trigger_id = t.id').all() as Row[];
    return rows.map((r) => ({
      id: r.id,
      entityType: r.entity_type,
      entityId: r.entity_id,
      resourceUri: r.resource_uri,
      collection: r.collection,
      ...(r.resource_path !== null ? { resourcePath: r.resource_path } : {}),
      ...(r.path !== null ? { path: r.path } : {}),
      conditionType: r.condition_type,
      conditionParams: JSON.parse(r.condition_params) as Record<string, unknown>,
      protocol: r.protocol,
      ...(r.webhook_url ? { webhookUrl: r.webhook_url } : {}),
      ...(r.webhook_secret ? { webhookSecret: r.webhook_secret } : {}),
      multishot: r.multishot === 1,
      persistent: r.persistent === 1,
      ...(r.lifetime_sec !== null ? { lifetime: r.lifetime_sec } : {}),
      ...(r.log_settings ? { logSettings: JSON.parse(r.log_settings) as TriggerDefinition['logSettings'] } : {}),
      createdAt: r.created_at,
      ...(r.expires_at !== null ? { expiresAt: r.expires_at } : {}),
      previous: r.previous_value !== null ? { value: JSON.parse(r.previous_value) as unknown } : undefined,
    }));
  }

  save(t: TriggerDefinition): void {
    this.db
      .prepare(
        `INSERT OR REPLACE INTO triggers (id, entity_id, entity_type, resource_uri, collection, resource_path, path, condition_type, condition_params,
          protocol, multishot, persistent, lifetime_sec, log_settings, status, created_at, expires_at, webhook_url, webhook_secret)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'active', ?, ?, ?, ?)`,
      )
      .run(
        t.id,
        t.entityId,
        t.entityType,
        t.resourceUri,
        t.collection,
        t.resourcePath ?? null,
        t.path ?? null,
        t.conditionType,
        JSON.stringify(t.conditionParams),
        t.protocol,
        t.multishot ? 1 : 0,
        t.persistent ? 1 : 0,
        t.lifetime ?? null,
        t.logSettings ? JSON.stringify(t.logSettings) : null,
        t.createdAt,
        t.expiresAt ?? null,
        t.webhookUrl ?? null,
        t.webhookSecret ?? null,
      );
  }

  setExpiry(id: string, lifetime: number, expiresAt: number): void {
    this.db.prepare('UPDATE triggers SET lifetime_sec = ?, expires_at = ? WHERE id = ?').run(lifetime, expiresAt, id);
  }

  /** Writes several previous values in one transaction (the engine flushes them periodically). */
  savePrevious(entries: { id: string; value: unknown }[]): void {
    if (entries.length === 0) return;
    this.db.transaction(() => {
      for (const e of entries) this.upsertState.run(e.id, JSON.stringify(e.value ?? null));
    })();
  }

  delete(id: string): void {
    this.db.prepare('DELETE FROM triggers WHERE id = ?').run(id);
  }

  close(): void {
    if (this.own) this.db.close();
  }
}
