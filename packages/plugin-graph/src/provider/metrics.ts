// Edge metrics from `/diagnostics` (docs/graph.md): a DiagnosticArray whose status names are fully-qualified
// topic names, with the producer vocabulary of greenwave_monitor. One entry per topic, bounded (FIFO eviction),
// stamped with a monotonic time so staleness is judged on ages.

/** What one topic's last `/diagnostics` sample said. */
export interface TopicMetrics {
  frequencyHz?: number;
  latencyMs?: number;
  dropRatePercent?: number;
  /** `expected_frequency` from the producer: beats every configured expectation. */
  expectedFrequencyHz?: number;
  /** Node (FQN) that published the sample, when attributable. */
  source?: string;
  /** Monotonic ms of arrival. */
  receivedAt: number;
}

/** Bounds on peer-driven input: statuses read per message, values read per status, name length. */
export const METRICS_LIMITS = { maxTopics: 512, maxStatusesPerMessage: 1024, maxValuesPerStatus: 64, maxNameLength: 256 } as const;

const TOPIC_NAME = /^\/[A-Za-z0-9_~{}/]*$/;

/** A finite number from a diagnostic value string, else undefined. */
function num(s: unknown): number | undefined {
  if (typeof s !== 'string' || s.trim() === '' || s.length > 64) return undefined;
  const n = Number(s);
  return Number.isFinite(n) ? n : undefined;
}

/** Maps one status's key/value pairs to metrics (undefined when it carries none of the vocabulary). */
export function metricsOfValues(values: readonly { key?: unknown; value?: unknown }[]): Omit<TopicMetrics, 'receivedAt' | 'source'> | undefined {
  const kv = new Map<string, unknown>();
  for (const v of values.slice(0, METRICS_LIMITS.maxValuesPerStatus)) if (typeof v?.key === 'string') kv.set(v.key, v.value);
  const out: Omit<TopicMetrics, 'receivedAt' | 'source'> = {};
  const msgRate = num(kv.get('frame_rate_msg'));
  if (msgRate !== undefined && msgRate >= 0) out.frequencyHz = msgRate;
  // Header-less types: the node-side rate stands in only when the message rate is present and exactly 0.
  const nodeRate = num(kv.get('frame_rate_node'));
  if (msgRate === 0 && nodeRate !== undefined && nodeRate >= 0) out.frequencyHz = nodeRate;
  const latency = num(kv.get('current_delay_from_realtime_ms'));
  if (latency !== undefined) out.latencyMs = latency;
  const drop = num(kv.get('drop_rate_percent')) ?? num(kv.get('drop_rate'));
  if (drop !== undefined) out.dropRatePercent = drop;
  const expected = num(kv.get('expected_frequency'));
  if (expected !== undefined && expected > 0) out.expectedFrequencyHz = expected;
  const recognized = ['frame_rate_msg', 'frame_rate_node', 'current_delay_from_realtime_ms', 'drop_rate_percent', 'drop_rate', 'expected_frequency', 'total_dropped_frames'];
  return recognized.some((k) => kv.has(k)) ? out : undefined;
}

export class TopicMetricsCache {
  /** Insertion order = eviction order. */
  private readonly byTopic = new Map<string, TopicMetrics>();

  constructor(private readonly maxTopics: number = METRICS_LIMITS.maxTopics) {}

  /**
   * Takes one DiagnosticArray. `source` is the attributed publisher node, or undefined (then the sample
   * clears any earlier attribution: latest message wins).
   */
  ingest(message: Record<string, unknown>, source: string | undefined, now: number): number {
    const status = message.status;
    if (!Array.isArray(status)) return 0;
    let taken = 0;
    for (const s of status.slice(0, METRICS_LIMITS.maxStatusesPerMessage)) {
      const name = (s as { name?: unknown })?.name;
      if (typeof name !== 'string' || name.length > METRICS_LIMITS.maxNameLength || !TOPIC_NAME.test(name)) continue;
      const values = (s as { values?: unknown }).values;
      const m = metricsOfValues(Array.isArray(values) ? values : []);
      if (!m) continue;
      // Re-insert so a refreshed topic moves to the back of the eviction queue.
      this.byTopic.delete(name);
      this.byTopic.set(name, { ...m, ...(source ? { source } : {}), receivedAt: now });
      taken++;
      while (this.byTopic.size > this.maxTopics) this.byTopic.delete(this.byTopic.keys().next().value as string);
    }
    return taken;
  }

  get(topic: string): TopicMetrics | undefined {
    return this.byTopic.get(topic);
  }

  get size(): number {
    return this.byTopic.size;
  }
}
