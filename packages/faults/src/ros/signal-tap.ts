// Background capture of the snapshot topics (docs/faults.md background mode, docs/faults.md d): every topic named in
// the snapshot configuration (`default_topics`, `fault_specific`, `patterns`) is subscribed as soon as it
// appears on the graph with a publisher, and each message goes into the SignalCache (newest message +
// history of primary values), so a confirmed fault's freeze frame shows the values leading up to it.
import type { RosGraph, RosNode } from '@medkit/ros2';
import type { FaultLogger } from '../log.js';
import type { SignalCache } from '../snapshots/signal-cache.js';
import { TopicWatch } from './topic-watch.js';

export class SnapshotSignalTap {
  private readonly watch: TopicWatch;

  constructor(node: RosNode, graph: RosGraph, topics: readonly string[], cache: SignalCache, log: FaultLogger) {
    const wanted = [...new Set(topics)];
    this.watch = new TopicWatch({
      graph,
      log,
      what: 'snapshot signals',
      wanted: () => wanted,
      // Sensor-data QoS (best effort) matches reliable and best-effort publishers alike (docs/faults.md).
      subscribe: (topic, type) => node.createSubscription(topic, type, (value, info) => {
        cache.record(topic, { type, value, timestamp_ns: BigInt(Date.now()) * 1_000_000n, size_bytes: info.raw.length });
      }, 'sensorData'),
    });
  }

  start(): void {
    this.watch.start();
  }

  /** Topics currently subscribed. */
  topics(): string[] {
    return this.watch.topics();
  }

  stop(): void {
    this.watch.stop();
  }
}
