// Wires the fault manager with its store, config files, capture and black box in the start-up order of
// docs/faults.md. The gateway calls `createFaultSystem` once; the ROS layer later supplies sampler, graph
// and feeds `blackbox` (a TopicTap).
import { readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import type { SqliteDatabase } from '@medkit/kit';
import { openDatabase } from '@medkit/kit';
import { FaultCapture } from './capture.js';
import type { FaultClock } from './clock.js';
import { systemClock } from './clock.js';
import type { FaultManagerConfig } from './config.js';
import { parseCorrelationConfig } from './correlation/config.js';
import type { CorrelationConfig } from './correlation/config.js';
import { parseEntityThresholds } from './debounce.js';
import type { DebounceOverride } from './debounce.js';
import type { FaultLogger } from './log.js';
import { silentLogger } from './log.js';
import { FaultManager } from './manager.js';
import { BlackBoxRecorder } from './blackbox/recorder.js';
import { topicSelection } from './blackbox/topic-selection.js';
import type { TopicGraph, TopicSampler } from './snapshots/sampler.js';
import { allConfiguredTopics, parseSnapshotTopicConfig } from './snapshots/topic-config.js';
import { AuditLog } from './storage/audit-log.js';
import { openFaultStore } from './storage/registry.js';
import { countChanges } from './storage/change-counter.js';
import type { FaultRepository } from './storage/repository.js';
import type { FaultStoreStatus } from './storage/store-status.js';

interface FaultSystemOptions {
  /** Sanitised config (`sanitizeFaultConfig`). */
  config: FaultManagerConfig;
  /** Data dir (SQLite file, audit log, default bag dir) or ':memory:'. */
  dataDir: string | ':memory:';
  /** The gateway's shared SQLite store; when absent the fault store opens `<dataDir>/medkit.db`. */
  db?: SqliteDatabase;
  clock?: FaultClock;
  log?: FaultLogger;
  sampler?: TopicSampler;
  graph?: TopicGraph;
  /** Reads a config file (tests); default: UTF-8 from disk, relative to the working directory. */
  readFile?: (path: string) => string;
}

export interface FaultSystem {
  manager: FaultManager;
  repository: FaultRepository;
  /** What the store can do now (docs/faults.md "Storage outages"): /health, /metrics and 503s read it. */
  store: FaultStoreStatus;
  capture: FaultCapture;
  /** Present when `snapshots.rosbag.enabled`. Feed it from the ROS layer (`onMessage`). */
  blackbox?: BlackBoxRecorder;
  audit?: AuditLog;
  /** Resolved bag directory. */
  rosbagDir: string;
  /** Every topic the snapshot configuration names (file and `default_topics`): what background capture keeps. */
  snapshotTopics: string[];
  /** Number of writes to the store so far: readers memoise views until it changes. */
  changes(): number;
  /** Stops timers, drains capture, finalises an open recording, waits (bounded) for pending store writes, closes the audit log. */
  stop(): Promise<void>;
}

function readOptional(path: string, what: string, read: (p: string) => string, log: FaultLogger): string | undefined {
  if (!path) return undefined;
  try {
    return read(resolve(path));
  } catch (err) {
    log.error(`${what} '${path}' cannot be read: ${(err as Error).message}`);
    return undefined;
  }
}

/** Where the audit log lives (docs/faults.md): its own path, else next to the fault store, in memory for non-file stores. */
function auditLocation(cfg: FaultManagerConfig, dataDir: string | ':memory:', dbPath: string | undefined): { dataDir: string | ':memory:'; file?: string } {
  if (cfg.audit_log.database_path) {
    const p = resolve(cfg.audit_log.database_path);
    return { dataDir: dirname(p), file: basename(p) };
  }
  if (cfg.storage_type !== 'sqlite' || dbPath === ':memory:') return { dataDir: ':memory:' };
  return { dataDir: dbPath ? dirname(dbPath) : dataDir };
}

export function createFaultSystem(o: FaultSystemOptions): FaultSystem {
  const log = o.log ?? silentLogger;
  const clock = o.clock ?? systemClock();
  const cfg = o.config;
  const read = o.readFile ?? ((p: string) => readFileSync(p, 'utf8'));
  const dbPath = cfg.database_path ? (cfg.database_path === ':memory:' ? ':memory:' : resolve(cfg.database_path)) : undefined;
  // The reference's database_path: a store file of its own (parent directory created, failure stops start-up).
  const ownDb = cfg.storage_type === 'sqlite' && dbPath ? openDatabase(dbPath === ':memory:' ? ':memory:' : dirname(dbPath), basename(dbPath)) : undefined;
  const pg = cfg.postgresql;
  const store = openFaultStore({
    storageType: cfg.storage_type, dataDir: o.dataDir, db: ownDb ?? o.db, log,
    postgresql: { url: pg.url, poolSize: pg.pool_size, queryTimeoutMs: pg.query_timeout_ms, reconnectMaxMs: pg.reconnect_max_ms, maxPendingWrites: pg.max_pending_writes },
  });
  const offStatus = store.status.onChange((r) => {
    if (r.state === 'ok') log.info(`fault store (${r.backend}) works again`);
    else log.error(`fault store (${r.backend}) ${r.state}${r.problem ? ` (${r.problem})` : ''}: ${r.last_error ?? ''}; fault reports are refused until it works again`);
  });
  const probe = store.probe;
  const probeTimer = probe ? clock.setInterval(() => probe(clock.wallNs()), cfg.store_probe_interval_sec * 1000) : undefined;
  const counted = countChanges(store.repository);
  const repository = counted.repository;
  const audit = cfg.audit_log.enabled
    ? new AuditLog({ ...auditLocation(cfg, o.dataDir, dbPath), transitions: cfg.audit_log.transitions, retentionMaxRecords: cfg.audit_log.retention_max_records, failClosed: cfg.audit_log.fail_closed, log })
    : undefined;

  const thresholdsText = readOptional(cfg.entity_thresholds.config_file, 'entity thresholds file', read, log);
  const entityThresholds: Record<string, DebounceOverride> = thresholdsText !== undefined ? parseEntityThresholds(thresholdsText, log) : {};
  let correlation: CorrelationConfig | undefined;
  const correlationText = readOptional(cfg.correlation.config_file, 'correlation file', read, log);
  if (correlationText !== undefined) {
    correlation = parseCorrelationConfig(correlationText);
    correlation.errors.forEach((e) => log.error(`correlation: ${e}`));
    correlation.warnings.forEach((w) => log.warn(`correlation: ${w}`));
    if (correlation.errors.length > 0) log.error('correlation disabled because of configuration errors');
  }
  const manager = new FaultManager({ config: cfg, repository, clock, log, entityThresholds, correlation, audit });

  const snapshotText = readOptional(cfg.snapshots.config_file, 'snapshot config file', read, log);
  const topics = parseSnapshotTopicConfig(snapshotText, cfg.snapshots.default_topics, log);
  const rb = cfg.snapshots.rosbag;
  const rosbagDir = rb.storage_path || (o.dataDir === ':memory:' ? join(tmpdir(), 'medkit-rosbags') : join(o.dataDir, 'rosbags'));
  let blackbox: BlackBoxRecorder | undefined;
  if (rb.enabled) {
    if (rb.format === 'sqlite3') log.warn('snapshots.rosbag.format sqlite3: the sqlite3 bag backend is not available; recording MCAP instead');
    if (rb.max_bags_per_fault !== 1 && cfg.snapshots.recapture_cooldown_sec > 0) {
      log.warn('snapshots.rosbag.max_bags_per_fault != 1 with a capture cooldown: a fault re-confirming within the cooldown keeps one recording');
    }
    blackbox = new BlackBoxRecorder({ config: { ...rb, format: 'mcap' }, selection: topicSelection(rb, allConfiguredTopics(topics)), repository, clock, storageDir: rosbagDir, graph: o.graph, log });
  }
  const capture = new FaultCapture({ config: cfg, repository, clock, topics, sampler: o.sampler, graph: o.graph, blackbox, log });
  manager.setCaptureHooks(capture);
  manager.start();
  return {
    manager, repository, store: store.status, capture, blackbox, audit, rosbagDir, changes: counted.changes, snapshotTopics: allConfiguredTopics(topics),
    async stop() {
      manager.stop();
      clock.clear(probeTimer);
      offStatus();
      await capture.stop();
      // A write-behind store gets one query deadline to send what it accepted; what is left is logged, not hidden.
      await repository.drain?.(cfg.postgresql.query_timeout_ms);
      if (store.status.pending > 0) {
        // PostgreSQL's accepted writes are in its write-ahead journal in the data dir (pg-journal.ts) unless there is none.
        const kept = store.status.backend === 'postgresql' && o.dataDir !== ':memory:';
        if (kept) log.warn(`fault store (postgresql): ${store.status.pending} accepted writes were not committed before stop; they are kept in the journal and sent at the next start`);
        else log.error(`fault store (${store.status.backend}): ${store.status.pending} accepted writes were not stored before stop`);
      }
      repository.close();
      audit?.close();
      ownDb?.close();
    },
  };
}
