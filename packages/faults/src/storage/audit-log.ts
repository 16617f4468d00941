// Optional append-only audit log of fault transitions (docs/faults.md): a SHA-256 hash chain in its own
// SQLite database, so tampering with or dropping a row in the middle is detectable.
import { createHash } from 'node:crypto';
import Database from 'better-sqlite3';
import type { SqliteDatabase } from '@medkit/kit';
import { openDatabase } from '@medkit/kit';
import type { FaultLogger } from '../log.js';
import { silentLogger } from '../log.js';
import type { AuditKind, AuditSink } from '../manager.js';
import type { FaultStatus } from '../model.js';

interface AuditLogOptions {
  /** Data dir for `fault_audit.db`, or ':memory:'. */
  dataDir: string | ':memory:';
  /** File name inside `dataDir` (default `fault_audit.db`). */
  file?: string;
  transitions: 'all' | 'confirmed_only';
  retentionMaxRecords: number;
  failClosed: boolean;
  log?: FaultLogger;
  now?: () => bigint;
}

export interface AuditEntry {
  id: number;
  kind: string;
  fault_code: string;
  source: string;
  status: string;
  at_ns: bigint;
  prev_hash: string;
  hash: string;
}

const GENESIS = '0'.repeat(64);

function hashOf(prev: string, e: Omit<AuditEntry, 'id' | 'hash' | 'prev_hash'>): string {
  return createHash('sha256').update([prev, e.kind, e.fault_code, e.source, e.status, e.at_ns.toString()].join('\n')).digest('hex');
}

export class AuditLog implements AuditSink {
  private readonly db: SqliteDatabase;
  private last: string;
  private readonly log: FaultLogger;
  /** Writes that failed (fail-open mode). */
  failures = 0;

  constructor(private readonly o: AuditLogOptions) {
    this.log = o.log ?? silentLogger;
    this.db = o.dataDir === ':memory:' ? new Database(':memory:') : openDatabase(o.dataDir, o.file ?? 'fault_audit.db');
    this.db.exec(`CREATE TABLE IF NOT EXISTS audit_log (
      id INTEGER PRIMARY KEY AUTOINCREMENT, kind TEXT NOT NULL, fault_code TEXT NOT NULL, source TEXT NOT NULL,
      status TEXT NOT NULL, at_ns INTEGER NOT NULL, prev_hash TEXT NOT NULL, hash TEXT NOT NULL)`);
    this.last = (this.db.prepare('SELECT hash FROM audit_log ORDER BY id DESC LIMIT 1').pluck().get() as string | undefined) ?? GENESIS;
    this.append('logging_activated', '', 'audit_log', '');
  }

  private now(): bigint {
    return this.o.now?.() ?? BigInt(Date.now()) * 1_000_000n;
  }

  private append(kind: string, code: string, source: string, status: string, atNs = this.now()): void {
    const entry = { kind, fault_code: code, source, status, at_ns: atNs };
    const hash = hashOf(this.last, entry);
    this.db.prepare('INSERT INTO audit_log (kind, fault_code, source, status, at_ns, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?)')
      .run(kind, code, source, status, atNs, this.last, hash);
    this.last = hash;
    const max = this.o.retentionMaxRecords;
    if (max > 0) this.db.prepare('DELETE FROM audit_log WHERE id <= (SELECT MAX(id) FROM audit_log) - ?').run(max);
  }

  record(kind: AuditKind, code: string, source: string, status: FaultStatus, atNs: bigint): void {
    if (this.o.transitions === 'confirmed_only' && kind !== 'confirmed') return;
    try {
      this.append(kind, code, source, status, atNs);
    } catch (err) {
      this.failures++;
      this.log.error(`audit log write failed: ${(err as Error).message}`);
      if (this.o.failClosed) throw err;
    }
  }

  entries(): AuditEntry[] {
    return (this.db.prepare('SELECT * FROM audit_log ORDER BY id').safeIntegers(true).all() as Record<string, unknown>[]).map((r) => ({
      id: Number(r.id), kind: String(r.kind), fault_code: String(r.fault_code), source: String(r.source), status: String(r.status),
      at_ns: BigInt(r.at_ns as bigint), prev_hash: String(r.prev_hash), hash: String(r.hash),
    }));
  }

  /** Checks the chain from the oldest retained row; returns the id of the first broken row, or null. */
  verify(): number | null {
    const rows = this.entries();
    for (let i = 0; i < rows.length; i++) {
      const r = rows[i];
      if (i > 0 && r.prev_hash !== rows[i - 1].hash) return r.id;
      if (hashOf(r.prev_hash, r) !== r.hash) return r.id;
    }
    return null;
  }

  close(): void {
    this.append('logging_deactivated', '', 'audit_log', '');
    this.db.close();
  }
}
