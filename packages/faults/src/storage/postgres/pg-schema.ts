// The fault store's tables in PostgreSQL (docs/faults.md "PostgreSQL") and the start-up load of all of them.
// Names start with `fault_` so the store can share a database with other medkit tables; one gateway per
// database or schema (`options=-c search_path=…` in the connection string): the store assumes it is the only writer.
import type { Pool } from 'pg';
import type { NearMiss } from '../../engine.js';
import type { FaultRecord, FaultStatus } from '../../model.js';
import type { HistoryChange } from '../../history/model.js';
import type { StoreRows } from '../memory-repository.js';

const DDL = `
CREATE TABLE IF NOT EXISTS fault_records (
  fault_code TEXT PRIMARY KEY, severity INTEGER NOT NULL, description TEXT NOT NULL DEFAULT '',
  first_occurred_ns BIGINT NOT NULL, last_occurred_ns BIGINT NOT NULL, occurrence_count INTEGER NOT NULL, status TEXT NOT NULL,
  reporting_sources TEXT NOT NULL DEFAULT '[]', debounce_counter INTEGER NOT NULL DEFAULT 0, last_failed_ns BIGINT NOT NULL DEFAULT 0,
  last_passed_ns BIGINT NOT NULL DEFAULT 0, confirmed_at_ns BIGINT NOT NULL DEFAULT 0);
CREATE TABLE IF NOT EXISTS fault_near_misses (
  id BIGSERIAL PRIMARY KEY, fault_code TEXT NOT NULL, occurred_at_ns BIGINT NOT NULL, debounce_counter INTEGER NOT NULL,
  confirmation_threshold INTEGER NOT NULL, severity INTEGER NOT NULL, source_id TEXT NOT NULL, resulting_status TEXT NOT NULL DEFAULT '');
CREATE INDEX IF NOT EXISTS fault_near_misses_code_id ON fault_near_misses (fault_code, id);
CREATE TABLE IF NOT EXISTS fault_snapshots (
  id BIGSERIAL PRIMARY KEY, fault_code TEXT NOT NULL, topic TEXT NOT NULL, message_type TEXT NOT NULL, data TEXT NOT NULL,
  captured_at_ns BIGINT NOT NULL, capture_id INTEGER NOT NULL DEFAULT 0, history TEXT NOT NULL DEFAULT '');
-- The occurrence that took the capture (issue 67); rows of an older store keep 0 (placed by time).
ALTER TABLE fault_snapshots ADD COLUMN IF NOT EXISTS occurrence INTEGER NOT NULL DEFAULT 0;
CREATE INDEX IF NOT EXISTS fault_snapshots_code ON fault_snapshots (fault_code, capture_id);
CREATE TABLE IF NOT EXISTS fault_freeze_frames (fault_code TEXT PRIMARY KEY, data TEXT NOT NULL, captured_at_ns BIGINT NOT NULL);
CREATE TABLE IF NOT EXISTS fault_rosbag_files (
  id BIGSERIAL PRIMARY KEY, fault_code TEXT NOT NULL, recording_id TEXT NOT NULL DEFAULT '', file_path TEXT NOT NULL,
  format TEXT NOT NULL, duration_sec DOUBLE PRECISION NOT NULL, size_bytes BIGINT NOT NULL, created_at_ns BIGINT NOT NULL,
  UNIQUE (fault_code, file_path));
CREATE TABLE IF NOT EXISTS fault_history (
  id BIGINT PRIMARY KEY, fault_code TEXT NOT NULL, at_ns BIGINT NOT NULL, change TEXT NOT NULL, status TEXT NOT NULL,
  occurrence INTEGER NOT NULL, source TEXT NOT NULL DEFAULT '', note TEXT NOT NULL DEFAULT '');
CREATE INDEX IF NOT EXISTS fault_history_code_id ON fault_history (fault_code, id);
`;

type Row = Record<string, unknown>;
const big = (v: unknown): bigint => BigInt(String(v ?? 0));
const num = (v: unknown): number => Number(v ?? 0);

function sourcesOf(text: unknown): string[] {
  try {
    const parsed: unknown = JSON.parse(String(text));
    return Array.isArray(parsed) ? [...new Set(parsed.map(String))].sort() : [];
  } catch {
    return [];
  }
}

function toRecord(r: Row): FaultRecord {
  return {
    fault_code: String(r.fault_code), severity: num(r.severity), description: String(r.description ?? ''),
    first_occurred_ns: big(r.first_occurred_ns), last_occurred_ns: big(r.last_occurred_ns), last_passed_ns: big(r.last_passed_ns),
    occurrence_count: num(r.occurrence_count), status: String(r.status) as FaultStatus, reporting_sources: sourcesOf(r.reporting_sources),
    debounce_counter: num(r.debounce_counter), last_failed_ns: big(r.last_failed_ns), confirmed_at_ns: big(r.confirmed_at_ns),
  };
}
const toNearMiss = (r: Row): NearMiss => ({
  fault_code: String(r.fault_code), occurred_at_ns: big(r.occurred_at_ns), debounce_counter: num(r.debounce_counter),
  confirmation_threshold: num(r.confirmation_threshold), severity: num(r.severity), source_id: String(r.source_id),
  resulting_status: String(r.resulting_status) as FaultStatus,
});

/** Creates the tables (idempotent). */
export async function migratePgFaultStore(pool: Pool): Promise<void> {
  await pool.query(DDL);
}

/** Every row of the store, in the orders the memory store keeps (insertion order = id order). */
export async function loadPgFaultStore(pool: Pool): Promise<StoreRows> {
  const [faults, misses, snaps, frames, links, history] = await Promise.all([
    pool.query('SELECT * FROM fault_records'),
    pool.query('SELECT * FROM fault_near_misses ORDER BY id'),
    pool.query('SELECT * FROM fault_snapshots ORDER BY id'),
    pool.query('SELECT * FROM fault_freeze_frames'),
    pool.query('SELECT * FROM fault_rosbag_files ORDER BY id'),
    pool.query('SELECT * FROM fault_history ORDER BY id'),
  ]);
  return {
    faults: (faults.rows as Row[]).map(toRecord),
    nearMisses: (misses.rows as Row[]).map(toNearMiss),
    snapshots: (snaps.rows as Row[]).map((r) => ({
      id: num(r.id), fault_code: String(r.fault_code), topic: String(r.topic), message_type: String(r.message_type), data: String(r.data),
      captured_at_ns: big(r.captured_at_ns), capture_id: num(r.capture_id), history: String(r.history ?? ''),
      ...(num(r.occurrence) > 0 ? { occurrence: num(r.occurrence) } : {}),
    })),
    frames: (frames.rows as Row[]).map((r) => ({ fault_code: String(r.fault_code), data: String(r.data), captured_at_ns: big(r.captured_at_ns) })),
    links: (links.rows as Row[]).map((r) => ({
      id: num(r.id), fault_code: String(r.fault_code), recording_id: String(r.recording_id), file_path: String(r.file_path),
      format: r.format === 'sqlite3' ? 'sqlite3' : 'mcap', duration_sec: Number(r.duration_sec), size_bytes: num(r.size_bytes), created_at_ns: big(r.created_at_ns),
    })),
    history: (history.rows as Row[]).map((r) => ({
      id: num(r.id), fault_code: String(r.fault_code), at_ns: big(r.at_ns), change: String(r.change) as HistoryChange,
      status: String(r.status) as FaultStatus, occurrence: num(r.occurrence), source: String(r.source), note: String(r.note),
    })),
  };
}
