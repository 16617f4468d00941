// The fault manager's keys in the gateway's configuration tables (`faults.*`), for the config loader and the
// generated reference. Ranges are not declared here on purpose: docs/faults.md repairs out-of-range values in
// its own way (negating thresholds, falling back to defaults) and `sanitizeFaultConfig` (config.ts) applies those
// rules. The defaults here are the only ones: `defaultFaultConfig()` is built from them.
import type { KeySpec } from '@medkit/kit';
import { bool, float, int, list, str } from '@medkit/kit';
import { FAULT_STORE_BACKENDS } from './storage/store-status.js';

export const FAULT_KEYS = {
  'faults.storage_type': str('sqlite', 'Fault store: `sqlite` (in the data dir), `memory` (lost on exit) or `postgresql` (faults.postgresql.url; write-behind, docs/faults.md); any other value stops start-up.', { enum: FAULT_STORE_BACKENDS, policy: 'refuse' }),
  'faults.store_probe_interval_sec': float(2, '[ours] How often the fault store checks its file (removed, replaced, unreadable) and, during an outage, whether it takes writes again.', { min: 0.1, max: 300, policy: 'clamp' }),
  'faults.postgresql.url': str('', '[ours] Connection string of the PostgreSQL fault store (`postgres://user:password@host:5432/db`; one gateway per database or schema: `?options=-c%20search_path%3Drobot1`). The password is never logged.'),
  'faults.postgresql.pool_size': int(4, '[ours] PostgreSQL connections of the fault store (start-up load in parallel; writes go one transaction at a time).', { min: 1, max: 64, policy: 'clamp' }),
  'faults.postgresql.query_timeout_ms': int(5000, '[ours] Deadline of one PostgreSQL query or connection attempt of the fault store; past it the write is retried and the store shows `timeout`.', { min: 100, max: 60_000, policy: 'clamp' }),
  'faults.postgresql.reconnect_max_ms': int(30_000, '[ours] Ceiling of the reconnect backoff (from 250 ms, doubling) while PostgreSQL cannot be reached.', { min: 250, max: 600_000, policy: 'clamp' }),
  'faults.postgresql.max_pending_writes': int(10_000, '[ours] Statements accepted and not yet in PostgreSQL past which new fault writes are refused (503, report not accepted).', { min: 10, max: 1_000_000, policy: 'clamp' }),
  'faults.database_path': str('', 'SQLite file of the fault store (the reference\'s `database_path`; parent directory created, failure stops start-up); empty = the gateway store in the data dir.'),
  'faults.confirmation_threshold': int(-1, 'Debounce counter value at which a fault confirms (positive values are negated; 0 acts as -1).'),
  'faults.healing_enabled': bool(false, 'Whether PASSED reports can heal a fault (HEALED).'),
  'faults.healing_threshold': int(3, 'Counter value at which a fault heals; also the counter ceiling (negative values are negated).'),
  'faults.auto_confirm_after_sec': float(0, 'Confirm PREFAILED faults quiet for this long (0 = off; negative → 0).'),
  'faults.entity_thresholds.config_file': str('', 'YAML map of entity prefix → thresholds (longest path prefix wins).'),
  'faults.near_miss.max_per_fault': int(200, 'Near-miss entries kept per code (0 = unlimited; negative → 200).'),
  'faults.history.max_per_fault': int(100, '[ours] Status-history entries kept per fault code (occurred, confirmed, healed, cleared, muted, unmuted, acknowledged; the oldest go first). With max_fault_codes it bounds the whole history. 0 = unlimited.', { min: 0, max: 100_000, policy: 'clamp' }),
  'faults.max_fault_codes': int(10000, '[ours] Distinct fault codes kept; the oldest cleared/healed records are evicted, confirmed ones never (0 = unlimited).'),
  'faults.event_replay_buffer': int(100, '[ours] Fault events kept for SSE Last-Event-ID replay.'),
  'faults.stream_flush_ms': int(50, '[ours] /faults/stream clients get the events of each window of this many ms in one write (fewer system calls under a burst of reports); 0 = every event-loop turn.', { min: 0, max: 1000, policy: 'refuse' }),
  'faults.snapshots.enabled': bool(true, 'Capture freeze frames on confirmation.'),
  'faults.snapshots.background_capture': bool(false, 'Keep subscriptions and cache the newest message instead of sampling on demand.'),
  'faults.snapshots.timeout_sec': float(1, 'Wait per topic when sampling on demand (≤0 → 1).'),
  'faults.snapshots.max_message_size': int(65536, 'Messages larger than this (bytes) are skipped, not truncated (≤0 → 65536).'),
  'faults.snapshots.default_topics': list([], 'Fallback topics for every fault.'),
  'faults.snapshots.entity_default': bool(true, 'Without configured topics, sample what the reporting nodes publish (≤16 topics).'),
  'faults.snapshots.config_file': str('', 'YAML with `fault_specific`, `patterns` (first match in file order) and `default_topics`.'),
  'faults.snapshots.recapture_cooldown_sec': float(60, 'No new capture of the same code within this time (0 = off).'),
  'faults.snapshots.max_per_fault': int(10, 'Snapshot rows kept per code; whole old capture sets are evicted (0 = unlimited).'),
  'faults.snapshots.retain_on_clear': bool(false, 'Keep per-topic snapshots when a fault is cleared.'),
  'faults.snapshots.capture_pool_size': int(2, 'Capture workers (<1 → 1).'),
  'faults.snapshots.capture_queue_depth': int(16, 'Pending capture jobs (<1 → 1).'),
  'faults.snapshots.capture_queue_full_policy': str('reject_newest', '`reject_newest` or `drop_oldest` when the capture queue is full.'),
  'faults.snapshots.history_window_sec': float(5, '[ours] Seconds of per-topic value history shown with a freeze frame (0 = off).'),
  'faults.snapshots.rosbag.enabled': bool(false, 'Black-box recording of topics around each confirmed fault (MCAP).'),
  'faults.snapshots.rosbag.duration_sec': float(5, 'Pre-fault ring-buffer age (≤0 → 5).'),
  'faults.snapshots.rosbag.duration_after_sec': float(1, 'Post-fault window (0 = none).'),
  'faults.snapshots.rosbag.topics': str('entity', '`entity`, `config`, `all`, `auto`, `explicit` or a comma-separated topic list.'),
  'faults.snapshots.rosbag.include_topics': list([], 'Topics added to the selection.'),
  'faults.snapshots.rosbag.exclude_topics': list([], 'Topics removed from the selection.'),
  'faults.snapshots.rosbag.exclude_sensor_topics': bool(true, 'Broad modes skip /image, /points, /depth and /compressed topics.'),
  'faults.snapshots.rosbag.lazy_start': bool(false, 'Start buffering only when a fault first becomes PREFAILED.'),
  'faults.snapshots.rosbag.format': str('mcap', 'Bag format; medkit writes `mcap` (a `sqlite3` request falls back to mcap with a warning).'),
  'faults.snapshots.rosbag.qos_match': bool(true, 'Subscribe with a QoS compatible with all current publishers.'),
  'faults.snapshots.rosbag.storage_path': str('', 'Bag directory (default: `<data_dir>/rosbags`).'),
  'faults.snapshots.rosbag.max_buffer_mb': float(256, 'RAM cap of the ring buffer (≤0 → 256); shared with what a finished recording still has waiting for the disk.'),
  'faults.snapshots.rosbag.max_write_queue_mb': float(64, '[ours] RAM a recording may use beyond max_buffer_mb for post-fault messages waiting for the disk; a message that does not fit is dropped and counted (the recording\'s metadata, /metrics). The black box holds at most max_buffer_mb + max_write_queue_mb of messages (≤0 → 64).'),
  'faults.snapshots.rosbag.max_bag_size_mb': float(50, 'Split size per bag file (≤0 → 50).'),
  'faults.snapshots.rosbag.max_total_storage_mb': float(500, 'Disk quota of all bags; oldest recordings are deleted first (≤0 → 500).'),
  'faults.snapshots.rosbag.max_bags_per_fault': int(1, 'Recordings kept per fault code (0 = unlimited).'),
  'faults.snapshots.rosbag.auto_cleanup': bool(true, 'Delete a fault\'s recordings when it is cleared (only with max_bags_per_fault 1).'),
  'faults.correlation.config_file': str('', 'Correlation rules YAML (root cause/symptoms, auto clusters); empty = off.'),
  'faults.correlation.cleanup_interval_sec': float(5, 'Sweep of expired correlation windows (≤0 → 5).'),
  'faults.audit_log.enabled': bool(false, 'Hash-chained transition log in `<data_dir>/fault_audit.db`.'),
  'faults.audit_log.database_path': str('', 'Audit log SQLite file; empty = `fault_audit.db` next to the fault store (in memory for a memory store).'),
  'faults.audit_log.transitions': str('all', '`all` or `confirmed_only`.'),
  'faults.audit_log.retention_max_records': int(0, 'Audit rows kept (0 = unlimited).'),
  'faults.audit_log.fail_closed': bool(false, 'Fail a report when its audit write fails (default: log and count).'),
} satisfies Record<string, KeySpec>;

/** The name of a fault manager key. */
export type FaultKeyName = keyof typeof FAULT_KEYS;
