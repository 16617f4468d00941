// The faults feature's topic sources for a gateway without ROS: one Float64 topic published by one node, its
// samples and history read from `points` (which the test appends to), so freeze frames and black-box windows
// hold what the test wrote.
import type { HistoryPoint, SampledMessage, TopicGraph, TopicSampler } from '@medkit/gateway';

export function oneTopicSource(topic: string, node: string, points: HistoryPoint[]): { sampler: TopicSampler; graph: TopicGraph } {
  const sampler: TopicSampler = {
    async sample(t) {
      const last = points[points.length - 1];
      return t === topic && last ? ({ type: 'std_msgs/msg/Float64', value: { data: last.value }, timestamp_ns: last.timestamp_ns, size_bytes: 12 } satisfies SampledMessage) : null;
    },
    history: (t, windowMs) => (t === topic ? points.filter((p) => p.timestamp_ns >= BigInt(Date.now() - windowMs) * 1_000_000n) : []),
  };
  const graph: TopicGraph = { publishedTopics: (fqn) => (fqn === node ? [topic] : []), allTopics: () => [topic] };
  return { sampler, graph };
}
