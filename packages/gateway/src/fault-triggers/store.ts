// Where fault-trigger rules are kept: in memory (the default, as the reference does), or in the SQLite
// file `fault_triggers.storage.path` names, so they survive a restart. Ids are never reused: the last
// number handed out is kept with the rules.
import { openStoreFile, type SqliteDatabase } from '@medkit/kit';
import type { FaultTriggerRule } from './model.js';

export interface FaultTriggerStore {
  load(): FaultTriggerRule[];
  lastId(): number;
  save(rule: FaultTriggerRule, lastId: number): void;
  remove(id: string): void;
  close(): void;
}

export class MemoryFaultTriggerStore implements FaultTriggerStore {
  load(): FaultTriggerRule[] {
    return [];
  }
  lastId(): number {
    return 0;
  }
  save(): void {}
  remove(): void {}
  close(): void {}
}

interface Row {
  id: string;
  app_id: string;
  data_name: string;
  operator: FaultTriggerRule['operator'];
  threshold: number;
  fault_code: string;
  severity: FaultTriggerRule['severity'];
  active: number;
  path: string | null;
}

export class SqliteFaultTriggerStore implements FaultTriggerStore {
  private readonly db: SqliteDatabase;

  constructor(path: string) {
    this.db = openStoreFile(path, (db) =>
      db.exec(`CREATE TABLE IF NOT EXISTS fault_trigger_rules (
        id TEXT PRIMARY KEY,
        app_id TEXT NOT NULL,
        data_name TEXT NOT NULL,
        operator TEXT NOT NULL,
        threshold REAL NOT NULL,
        fault_code TEXT NOT NULL UNIQUE,
        severity TEXT NOT NULL,
        active INTEGER NOT NULL,
        path TEXT,
        created_at TEXT NOT NULL
      );
      CREATE TABLE IF NOT EXISTS fault_trigger_counter (
        id INTEGER PRIMARY KEY CHECK (id = 1),
        last INTEGER NOT NULL
      );`),
    );
  }

  load(): FaultTriggerRule[] {
    const rows = this.db.prepare('SELECT * FROM fault_trigger_rules ORDER BY created_at, id').all() as Row[];
    return rows.map((r) => ({
      id: r.id,
      app_id: r.app_id,
      data_name: r.data_name,
      operator: r.operator,
      threshold: r.threshold,
      fault_code: r.fault_code,
      severity: r.severity,
      active: r.active === 1,
      ...(r.path !== null ? { path: r.path } : {}),
    }));
  }

  lastId(): number {
    return (this.db.prepare('SELECT last FROM fault_trigger_counter WHERE id = 1').get() as { last: number } | undefined)?.last ?? 0;
  }

  save(rule: FaultTriggerRule, lastId: number): void {
    this.db.transaction(() => {
      this.db
        .prepare('INSERT OR REPLACE INTO fault_trigger_rules (id, app_id, data_name, operator, threshold, fault_code, severity, active, path, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)')
        .run(rule.id, rule.app_id, rule.data_name, rule.operator, rule.threshold, rule.fault_code, rule.severity, rule.active ? 1 : 0, rule.path ?? null, new Date().toISOString());
      this.db.prepare('INSERT INTO fault_trigger_counter (id, last) VALUES (1, ?) ON CONFLICT(id) DO UPDATE SET last = excluded.last').run(lastId);
    })();
  }

  remove(id: string): void {
    this.db.prepare('DELETE FROM fault_trigger_rules WHERE id = ?').run(id);
  }

  close(): void {
    this.db.close();
  }
}
