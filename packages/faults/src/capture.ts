// Evidence capture on fault transitions (docs/faults.md): one pool job per confirmed fault, the
// freeze frame first, then the black-box step under its single-writer lock.
import type { FaultClock } from './clock.js';
import type { FaultManagerConfig } from './config.js';
import type { FaultLogger } from './log.js';
import { silentLogger } from './log.js';
import type { FaultCaptureHooks } from './manager.js';
import type { FaultRecord } from './model.js';
import type { BlackBoxRecorder } from './blackbox/recorder.js';
import { CapturePool } from './snapshots/capture-pool.js';
import type { EnqueueResult } from './snapshots/capture-pool.js';
import { SnapshotCapturer } from './snapshots/capture.js';
import type { TopicGraph, TopicSampler } from './snapshots/sampler.js';
import type { SnapshotTopicConfig } from './snapshots/topic-config.js';
import type { FaultRepository } from './storage/repository.js';

interface FaultCaptureOptions {
  config: FaultManagerConfig;
  repository: FaultRepository;
  clock: FaultClock;
  topics: SnapshotTopicConfig;
  /** Absent until the ROS layer provides one: freeze frames are then skipped. */
  sampler?: TopicSampler;
  graph?: TopicGraph;
  blackbox?: BlackBoxRecorder;
  log?: FaultLogger;
}

export class FaultCapture implements FaultCaptureHooks {
  readonly pool: CapturePool | undefined;
  private readonly snapshots: SnapshotCapturer | undefined;
  private readonly log: FaultLogger;

  constructor(private readonly o: FaultCaptureOptions) {
    this.log = o.log ?? silentLogger;
    const s = o.config.snapshots;
    if (s.enabled && o.sampler) {
      this.snapshots = new SnapshotCapturer({ repository: o.repository, config: s, topics: o.topics, sampler: o.sampler, graph: o.graph, clock: o.clock, log: this.log });
    }
    // No pool when there is nothing to capture (docs/faults.md).
    if (this.snapshots || o.blackbox) {
      this.pool = new CapturePool({
        poolSize: s.capture_pool_size, queueDepth: s.capture_queue_depth, policy: s.capture_queue_full_policy,
        cooldownMs: s.recapture_cooldown_sec * 1000, now: () => o.clock.monoMs(), log: this.log,
      });
    }
  }

  /** Last enqueue result per code (diagnostics and tests). */
  readonly lastResult = new Map<string, EnqueueResult>();

  onConfirmed(fault: FaultRecord, context: { rootCause?: string } = {}): void {
    if (!this.pool) return;
    const result = this.pool.enqueue(fault.fault_code, async (signal) => {
      if (this.snapshots) {
        try {
          await this.snapshots.capture(fault, signal);
        } catch (err) {
          this.log.error(`freeze frame for '${fault.fault_code}' failed: ${(err as Error).message}`);
        }
      }
      if (this.o.blackbox) await this.o.blackbox.onConfirmed(fault, context);
    });
    this.lastResult.set(fault.fault_code, result);
  }

  onPrefailed(_fault: FaultRecord): void {
    this.o.blackbox?.onPrefailed();
  }

  onCleared(codes: readonly string[]): void {
    this.pool?.resetCooldown(codes);
    this.o.blackbox?.onCleared(codes);
  }

  /** Waits for queued and running capture work, including an open black-box window's finalisation. */
  async idle(): Promise<void> {
    await this.pool?.idle();
    await this.o.blackbox?.idle();
  }

  /** Shutdown order of docs/faults.md: stop the pool (pending jobs dropped, in-flight finish), then the black box. */
  async stop(): Promise<void> {
    await this.pool?.stop(true);
    await this.o.blackbox?.stop();
  }
}
