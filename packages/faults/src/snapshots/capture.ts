// Freeze-frame capture for one confirmed fault (docs/faults.md): sample the resolved topics one after
// another, store them as one capture set, and keep the compact `{topic: message}` frame.
import type { FaultClock } from '../clock.js';
import type { SnapshotConfig } from '../config.js';
import type { FaultLogger } from '../log.js';
import { silentLogger } from '../log.js';
import type { FaultRecord } from '../model.js';
import type { FaultRepository, SnapshotRow } from '../storage/repository.js';
import { int64ToJson, toJsonSafe } from './json-values.js';
import type { TopicGraph, TopicSampler } from './sampler.js';
import type { SnapshotTopicConfig } from './topic-config.js';
import { resolveSnapshotTopics } from './topic-config.js';

interface SnapshotCapturerOptions {
  repository: FaultRepository;
  config: SnapshotConfig;
  topics: SnapshotTopicConfig;
  sampler: TopicSampler;
  graph?: TopicGraph;
  clock: FaultClock;
  log?: FaultLogger;
}

interface CaptureSummary {
  captureId: number;
  topics: string[];
  stored: number;
  /** Rows were dropped because the fault was cleared while capturing. */
  discarded: boolean;
}

export class SnapshotCapturer {
  /** The last capture id handed out; read from the store at the first capture, not at start-up. */
  private captureSeq: number | undefined;
  private readonly log: FaultLogger;

  constructor(private readonly o: SnapshotCapturerOptions) {
    this.log = o.log ?? silentLogger;
  }

  /** Runs the capture procedure for `fault`. Returns null when no topics resolved (nothing stored). */
  async capture(fault: FaultRecord, signal?: AbortSignal): Promise<CaptureSummary | null> {
    const { config, repository: repo } = this.o;
    const resolved = resolveSnapshotTopics(fault.fault_code, fault.reporting_sources, this.o.topics, config.entity_default, this.o.graph, this.log);
    if (!resolved) return null;
    // Capture ids continue after the largest stored one (docs/faults.md). Read now rather than at start-up: a
    // networked store (PostgreSQL) may still be connecting then, and the gateway must start all the same.
    this.captureSeq ??= repo.maxCaptureId();
    const captureId = ++this.captureSeq;
    // The occurrence whose confirmation this is (the record was copied then): the rows' own times are their
    // messages', which for a slow topic predate this occurrence, so readers attribute the set by this number.
    const occurrence = fault.occurrence_count;
    const rows: SnapshotRow[] = [];
    const frame: Record<string, unknown> = {};
    for (const topic of resolved.topics) {
      if (signal?.aborted) break;
      const background = config.background_capture && !resolved.entityDefault;
      let msg;
      try {
        msg = background ? this.o.sampler.latest?.(topic) ?? null : await this.o.sampler.sample(topic, config.timeout_sec * 1000, signal);
      } catch (err) {
        this.log.warn(`snapshot of '${topic}' for '${fault.fault_code}' failed: ${(err as Error).message}`);
        continue;
      }
      if (!msg) continue;
      if (msg.size_bytes > config.max_message_size) {
        this.log.debug(`snapshot of '${topic}' skipped: ${msg.size_bytes} bytes > max_message_size`);
        continue;
      }
      const value = toJsonSafe(msg.value);
      frame[topic] = value;
      let history = '';
      if (config.history_window_sec > 0 && this.o.sampler.history) {
        const points = this.o.sampler.history(topic, config.history_window_sec * 1000);
        if (points.length > 0) {
          history = JSON.stringify(points.map((p) => [int64ToJson(p.timestamp_ns), p.value]));
        }
      }
      rows.push({ fault_code: fault.fault_code, topic, message_type: msg.type, data: JSON.stringify(value), captured_at_ns: msg.timestamp_ns, capture_id: captureId, occurrence, history });
    }
    const after = repo.getFault(fault.fault_code);
    const discarded = rows.length > 0 && after?.status === 'CLEARED' && !config.retain_on_clear;
    if (rows.length > 0 && !discarded) repo.insertCaptureSet(rows, config.max_per_fault);
    const finishedAt = this.o.clock.wallNs();
    if (rows.length > 0) {
      repo.putFreezeFrame({ fault_code: fault.fault_code, data: JSON.stringify(frame), captured_at_ns: finishedAt });
    } else if (!resolved.entityDefault) {
      // An empty re-capture never overwrites a good frame.
      const existing = repo.freezeFrame(fault.fault_code);
      if (!existing || existing.data === '{}') repo.putFreezeFrame({ fault_code: fault.fault_code, data: '{}', captured_at_ns: finishedAt });
    }
    return { captureId, topics: resolved.topics, stored: discarded ? 0 : rows.length, discarded };
  }
}
