// What freeze-frame capture needs from the live ROS graph (docs/faults.md): the topics a node
// publishes, every topic, and a one-shot sample of a topic through a short-lived subscription.
import type { RosGraph, RosNode } from '@medkit/ros2';
import { onAbort as whenAborted } from '@medkit/ros2/light';
import type { SampledMessage, TopicGraph, TopicSampler } from '../snapshots/sampler.js';
import type { SignalCache } from '../snapshots/signal-cache.js';

/** TopicGraph over the live graph. */
export function rosTopicGraph(graph: RosGraph): TopicGraph {
  return {
    publishedTopics: (fqn) => [...new Set(graph.node(fqn)?.publishers.map((e) => e.rosName) ?? [])],
    subscribedTopics: (fqn) => [...new Set(graph.node(fqn)?.subscriptions.map((e) => e.rosName) ?? [])],
    allTopics: () => graph.topics().map((t) => t.name),
  };
}

/**
 * TopicSampler that subscribes on demand (best effort, so it matches reliable and best-effort publishers)
 * and resolves with the first message, or null when the topic has no publisher, its type is unknown, the
 * timeout passes or `signal` aborts. With `signals` (fed by the SnapshotSignalTap) it also answers `latest`
 * (background mode) and `history` (value-and-history frames), and a topic the tap already holds a message of is
 * sampled from it: that is the value when the fault confirmed, where a fresh subscription would take the first
 * message after its endpoints matched (seconds on a loaded or secured graph, by when the signal may have moved on).
 */
export function rosTopicSampler(node: () => RosNode | undefined, graph: RosGraph, signals?: SignalCache): TopicSampler {
  return {
    ...(signals ? { latest: (topic: string) => signals.latest(topic), history: (topic: string, windowMs: number) => signals.history(topic, windowMs) } : {}),
    sample(topic, timeoutMs, signal) {
      const n = node();
      const type = graph.topics().find((t) => t.name === topic)?.types[0];
      if (!n || !type || graph.publishersOf(topic).length === 0 || signal?.aborted) return Promise.resolve(null);
      const held = signals?.latest(topic);
      if (held) return Promise.resolve(held);
      return new Promise<SampledMessage | null>((resolve) => {
        let sub: { close(): void } | undefined;
        let unlisten = () => {};
        const done = (m: SampledMessage | null) => {
          clearTimeout(timer);
          unlisten();
          sub?.close();
          sub = undefined;
          resolve(m);
        };
        const timer = setTimeout(() => done(null), timeoutMs);
        // The capture pool passes one long-lived signal to every capture, many at once: one listener for all.
        if (signal) unlisten = whenAborted(signal, () => done(null));
        try {
          sub = n.createSubscription(topic, type, (value, info) => {
            done({ type, value, timestamp_ns: BigInt(Date.now()) * 1_000_000n, size_bytes: info.raw.length });
          }, 'sensorData');
        } catch {
          done(null);
        }
      });
    },
  };
}
