// Fault-manager configuration keys with their defaults and the sanitisation rules of docs/faults.md.
// The gateway's config loader passes the `faults:` section (any shape) to `sanitizeFaultConfig`.
import type { FaultLogger } from './log.js';
import { silentLogger } from './log.js';
import { sanitizeDebounce } from './debounce.js';
import { FAULT_KEYS, type FaultKeyName } from './config-keys.js';
import { FAULT_STORE_BACKENDS } from './storage/store-status.js';
import type { FaultStoreBackend } from './storage/store-status.js';

export type QueueFullPolicy = 'reject_newest' | 'drop_oldest';
export interface RosbagConfig {
  enabled: boolean;
  duration_sec: number;
  duration_after_sec: number;
  /** Raw `topics` value: a mode name or a comma-separated topic list. */
  topics: string;
  include_topics: string[];
  exclude_topics: string[];
  exclude_sensor_topics: boolean;
  lazy_start: boolean;
  format: 'mcap' | 'sqlite3';
  qos_match: boolean;
  /** Bag directory; '' = `<data dir>/rosbags` ([ours]: the data dir, not the temp dir, so bags survive reboots). */
  storage_path: string;
  max_buffer_mb: number;
  /** [ours] Post-fault messages waiting for the disk beyond max_buffer_mb (docs/faults.md, "Heavy topics"). */
  max_write_queue_mb: number;
  max_bag_size_mb: number;
  max_total_storage_mb: number;
  max_bags_per_fault: number;
  auto_cleanup: boolean;
  /** [ours] Longest a recording is kept open by faults joining it, from its opening (docs/faults.md "One recording per incident"). */
  max_incident_sec: number;
}

export interface SnapshotConfig {
  enabled: boolean;
  background_capture: boolean;
  timeout_sec: number;
  max_message_size: number;
  default_topics: string[];
  entity_default: boolean;
  config_file: string;
  recapture_cooldown_sec: number;
  max_per_fault: number;
  retain_on_clear: boolean;
  capture_pool_size: number;
  capture_queue_depth: number;
  capture_queue_full_policy: QueueFullPolicy;
  /** [EXTENSION] seconds of primary-value history kept per sampled topic for value-and-history frames; 0 = off. */
  history_window_sec: number;
  rosbag: RosbagConfig;
}

export interface FaultManagerConfig {
  /** `sqlite` (default, in the data dir), `memory` or `postgresql`. */
  storage_type: FaultStoreBackend;
  /** Seconds between checks of the store's medium (file identity, recovery after an outage). */
  store_probe_interval_sec: number;
  /** The PostgreSQL store (storage_type `postgresql`). */
  postgresql: { url: string; pool_size: number; query_timeout_ms: number; reconnect_max_ms: number; max_pending_writes: number };
  /** SQLite file of the fault store; '' = the gateway's store in the data dir. */
  database_path: string;
  confirmation_threshold: number;
  healing_enabled: boolean;
  healing_threshold: number;
  auto_confirm_after_sec: number;
  entity_thresholds: { config_file: string };
  near_miss: { max_per_fault: number };
  /** Status-history entries kept per code (docs/faults.md "Status history"); 0 = unlimited. */
  history: { max_per_fault: number };
  /** docs/faults.md decision Q7: cap on distinct fault codes; evicts cleared/healed records, never confirmed ones. 0 = unlimited. */
  max_fault_codes: number;
  /** Events kept for SSE `Last-Event-ID` replay (docs/faults.md). */
  event_replay_buffer: number;
  /** Window (ms) whose stream events go to each SSE client in one write; 0 = every event-loop turn. */
  stream_flush_ms: number;
  snapshots: SnapshotConfig;
  correlation: { config_file: string; cleanup_interval_sec: number };
  /** `database_path` '' = `fault_audit.db` next to the fault store. */
  audit_log: { enabled: boolean; database_path: string; transitions: 'all' | 'confirmed_only'; retention_max_records: number; fail_closed: boolean };
}

/** `faults.a.b` keys → `{a: {b: value}}`, the shape of FaultManagerConfig. */
function nest(value: (key: FaultKeyName) => unknown): Record<string, unknown> {
  const nested: Record<string, unknown> = {};
  for (const key of Object.keys(FAULT_KEYS) as FaultKeyName[]) {
    const v = value(key);
    if (v === undefined) continue;
    const path = key.split('.').slice(1);
    let node = nested;
    for (const p of path.slice(0, -1)) node = (node[p] ??= {}) as Record<string, unknown>;
    node[path[path.length - 1]] = v;
  }
  return nested;
}

/** The defaults, from the key table (FAULT_KEYS holds the only copy of each). */
export function defaultFaultConfig(): FaultManagerConfig {
  return nest((key) => structuredClone(FAULT_KEYS[key].default)) as unknown as FaultManagerConfig;
}

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The keys of `T` whose values are of type `V` (a string-valued key for `str`, a map for `section`, ...). */
type KeysOf<T, V> = { [K in keyof T]-?: T[K] extends V ? K : never }[keyof T] & string;
/** The keys of `T` that hold a nested map (not a list). */
type SectionKeys<T> = { [K in keyof T]-?: T[K] extends readonly unknown[] ? never : T[K] extends object ? K : never }[keyof T] & string;

/**
 * Reads typed values from a loosely shaped section, logging every replaced value. `T` is the section's shape in
 * FaultManagerConfig: a misspelt key, or a key read as the wrong type, does not compile.
 */
class Reader<T> {
  constructor(private readonly src: Obj, private readonly prefix: string, private readonly log: FaultLogger) {}
  private warn(key: string, value: unknown, used: unknown, why: string): void {
    this.log.warn(`faults config: ${this.prefix}${key} = ${JSON.stringify(value)} ${why}; using ${JSON.stringify(used)}`);
  }
  has(key: keyof T & string): boolean {
    return this.src[key] !== undefined;
  }
  bool(key: KeysOf<T, boolean>, def: boolean): boolean {
    const v = this.src[key];
    if (v === undefined) return def;
    if (typeof v === 'boolean') return v;
    if (v === 'true' || v === 'false') return v === 'true';
    this.warn(key, v, def, 'is not a boolean');
    return def;
  }
  num(key: KeysOf<T, number>, def: number): number {
    const v = this.src[key];
    if (v === undefined) return def;
    const n = typeof v === 'string' && v.trim() !== '' ? Number(v) : v;
    if (typeof n === 'number' && Number.isFinite(n)) return n;
    this.warn(key, v, def, 'is not a finite number');
    return def;
  }
  /** A number with a repair rule: `fix(n)` returns the value to use (warns when it differs). */
  fixed(key: KeysOf<T, number>, def: number, fix: (n: number) => number, why: string): number {
    const n = this.num(key, def);
    const f = fix(n);
    if (f !== n) this.warn(key, n, f, why);
    return f;
  }
  str(key: KeysOf<T, string>, def: string): string {
    const v = this.src[key];
    if (v === undefined) return def;
    if (typeof v === 'string') return v;
    this.warn(key, v, def, 'is not a string');
    return def;
  }
  list(key: KeysOf<T, string[]>): string[] {
    const v = this.src[key];
    if (v === undefined) return [];
    const arr = Array.isArray(v) ? v : typeof v === 'string' ? v.split(',') : null;
    if (!arr) {
      this.warn(key, v, [], 'is not a list');
      return [];
    }
    return arr.map((x) => String(x).trim()).filter((x) => x !== '');
  }
  section<K extends SectionKeys<T>>(key: K): Reader<T[K]> {
    const v = this.src[key];
    if (v !== undefined && !isObj(v)) this.log.warn(`faults config: ${this.prefix}${key} is not a map; ignored`);
    return new Reader<T[K]>(isObj(v) ? v : {}, `${this.prefix}${key}.`, this.log);
  }
}

/**
 * Builds a complete, valid config from a user-supplied `faults` section. Unknown keys are ignored; every
 * repaired value is logged as a warning (docs/faults.md, decision Q7).
 */
export function sanitizeFaultConfig(input: unknown = {}, log: FaultLogger = silentLogger): FaultManagerConfig {
  const d = defaultFaultConfig();
  const r = new Reader<FaultManagerConfig>(isObj(input) ? input : {}, '', log);
  const storage = r.str('storage_type', d.storage_type);
  // No fallback: a store other than the one configured would lose faults silently (the reference's #650).
  if (!(FAULT_STORE_BACKENDS as readonly string[]).includes(storage)) {
    throw new Error(`faults.storage_type '${storage}' is unknown; known: ${FAULT_STORE_BACKENDS.join(', ')}`);
  }
  const storage_type = storage as FaultStoreBackend;
  const pg = r.section('postgresql');
  const dpg = d.postgresql;
  const atLeast = (min: number) => (n: number) => Math.max(min, Math.trunc(n));
  const deb = sanitizeDebounce({
    confirmation_threshold: r.num('confirmation_threshold', d.confirmation_threshold),
    healing_enabled: r.bool('healing_enabled', d.healing_enabled),
    healing_threshold: r.num('healing_threshold', d.healing_threshold),
  }, log);
  const nm = r.section('near_miss');
  const s = r.section('snapshots');
  const ds = d.snapshots;
  const policy = s.str('capture_queue_full_policy', ds.capture_queue_full_policy);
  const rb = s.section('rosbag');
  const drb = ds.rosbag;
  const fmt = rb.str('format', drb.format);
  const c = r.section('correlation');
  const a = r.section('audit_log');
  const transitions = a.str('transitions', d.audit_log.transitions);
  return {
    storage_type,
    database_path: r.str('database_path', d.database_path),
    store_probe_interval_sec: r.fixed('store_probe_interval_sec', d.store_probe_interval_sec, (n) => Math.min(300, Math.max(0.1, n)), 'is out of 0.1..300'),
    postgresql: {
      url: pg.str('url', dpg.url),
      pool_size: pg.fixed('pool_size', dpg.pool_size, atLeast(1), 'must be at least 1'),
      query_timeout_ms: pg.fixed('query_timeout_ms', dpg.query_timeout_ms, atLeast(100), 'must be at least 100'),
      reconnect_max_ms: pg.fixed('reconnect_max_ms', dpg.reconnect_max_ms, atLeast(250), 'must be at least 250'),
      max_pending_writes: pg.fixed('max_pending_writes', dpg.max_pending_writes, atLeast(10), 'must be at least 10'),
    },
    ...deb,
    auto_confirm_after_sec: r.fixed('auto_confirm_after_sec', d.auto_confirm_after_sec, (n) => Math.max(0, n), 'is negative'),
    entity_thresholds: { config_file: r.section('entity_thresholds').str('config_file', d.entity_thresholds.config_file) },
    near_miss: { max_per_fault: nm.fixed('max_per_fault', d.near_miss.max_per_fault, (n) => (n < 0 ? d.near_miss.max_per_fault : Math.trunc(n)), 'is negative') },
    history: { max_per_fault: r.section('history').fixed('max_per_fault', d.history.max_per_fault, (n) => (n < 0 ? d.history.max_per_fault : Math.trunc(n)), 'is negative') },
    max_fault_codes: r.fixed('max_fault_codes', d.max_fault_codes, (n) => (n < 0 ? d.max_fault_codes : Math.trunc(n)), 'is negative'),
    event_replay_buffer: r.fixed('event_replay_buffer', d.event_replay_buffer, (n) => (n < 1 ? d.event_replay_buffer : Math.trunc(n)), 'must be at least 1'),
    stream_flush_ms: r.num('stream_flush_ms', d.stream_flush_ms),
    snapshots: {
      enabled: s.bool('enabled', ds.enabled),
      background_capture: s.bool('background_capture', ds.background_capture),
      timeout_sec: s.fixed('timeout_sec', ds.timeout_sec, (n) => (n <= 0 ? ds.timeout_sec : n), 'must be > 0'),
      max_message_size: s.fixed('max_message_size', ds.max_message_size, (n) => (n <= 0 ? ds.max_message_size : Math.trunc(n)), 'must be > 0'),
      default_topics: s.list('default_topics'),
      entity_default: s.bool('entity_default', ds.entity_default),
      config_file: s.str('config_file', ds.config_file),
      recapture_cooldown_sec: s.fixed('recapture_cooldown_sec', ds.recapture_cooldown_sec, (n) => Math.max(0, n), 'is negative'),
      max_per_fault: s.fixed('max_per_fault', ds.max_per_fault, (n) => Math.max(0, Math.trunc(n)), 'is negative'),
      retain_on_clear: s.bool('retain_on_clear', ds.retain_on_clear),
      capture_pool_size: s.fixed('capture_pool_size', ds.capture_pool_size, (n) => Math.max(1, Math.trunc(n)), 'must be at least 1'),
      capture_queue_depth: s.fixed('capture_queue_depth', ds.capture_queue_depth, (n) => Math.max(1, Math.trunc(n)), 'must be at least 1'),
      capture_queue_full_policy: policy === 'drop_oldest' || policy === 'reject_newest' ? policy
        : (log.warn(`faults config: snapshots.capture_queue_full_policy '${policy}' is unknown; using reject_newest`), 'reject_newest'),
      history_window_sec: s.fixed('history_window_sec', ds.history_window_sec, (n) => Math.max(0, n), 'is negative'),
      rosbag: {
        enabled: rb.bool('enabled', drb.enabled),
        duration_sec: rb.fixed('duration_sec', drb.duration_sec, (n) => (n <= 0 ? drb.duration_sec : n), 'must be > 0'),
        duration_after_sec: rb.fixed('duration_after_sec', drb.duration_after_sec, (n) => Math.max(0, n), 'is negative'),
        topics: rb.str('topics', drb.topics).trim() || drb.topics,
        include_topics: rb.list('include_topics'),
        exclude_topics: rb.list('exclude_topics'),
        exclude_sensor_topics: rb.bool('exclude_sensor_topics', drb.exclude_sensor_topics),
        lazy_start: rb.bool('lazy_start', drb.lazy_start),
        format: fmt === 'mcap' || fmt === 'sqlite3' ? fmt : (log.warn(`faults config: snapshots.rosbag.format '${fmt}' is unknown; using sqlite3`), 'sqlite3'),
        qos_match: rb.bool('qos_match', drb.qos_match),
        storage_path: rb.str('storage_path', drb.storage_path),
        max_buffer_mb: rb.fixed('max_buffer_mb', drb.max_buffer_mb, (n) => (n <= 0 ? drb.max_buffer_mb : n), 'must be > 0'),
        max_write_queue_mb: rb.fixed('max_write_queue_mb', drb.max_write_queue_mb, (n) => (n <= 0 ? drb.max_write_queue_mb : n), 'must be > 0'),
        max_bag_size_mb: rb.fixed('max_bag_size_mb', drb.max_bag_size_mb, (n) => (n <= 0 ? drb.max_bag_size_mb : n), 'must be > 0'),
        max_total_storage_mb: rb.fixed('max_total_storage_mb', drb.max_total_storage_mb, (n) => (n <= 0 ? drb.max_total_storage_mb : n), 'must be > 0'),
        max_bags_per_fault: rb.fixed('max_bags_per_fault', drb.max_bags_per_fault, (n) => Math.max(0, Math.trunc(n)), 'is negative'),
        auto_cleanup: rb.bool('auto_cleanup', drb.auto_cleanup),
        max_incident_sec: rb.fixed('max_incident_sec', drb.max_incident_sec, (n) => Math.max(0, n), 'is negative'),
      },
    },
    correlation: {
      config_file: c.str('config_file', d.correlation.config_file),
      cleanup_interval_sec: c.fixed('cleanup_interval_sec', d.correlation.cleanup_interval_sec, (n) => (n <= 0 ? d.correlation.cleanup_interval_sec : n), 'must be > 0'),
    },
    audit_log: {
      enabled: a.bool('enabled', d.audit_log.enabled),
      database_path: a.str('database_path', d.audit_log.database_path),
      transitions: transitions === 'confirmed_only' ? 'confirmed_only' : 'all',
      retention_max_records: a.fixed('retention_max_records', d.audit_log.retention_max_records, (n) => Math.max(0, Math.trunc(n)), 'is negative'),
      fail_closed: a.bool('fail_closed', d.audit_log.fail_closed),
    },
  };
}

/**
 * Builds the sanitised fault config from the gateway config: `value(key)` returns the loaded value of a
 * `faults.*` key (the gateway reads it with `config.read(FAULT_KEYS, key)`).
 */
export function faultConfigFromKeys(value: (key: FaultKeyName) => unknown, log?: FaultLogger): FaultManagerConfig {
  return sanitizeFaultConfig(nest(value), log);
}
