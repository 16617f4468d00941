// What background capture keeps per snapshot topic (docs/faults.md background mode, docs/faults.md d): the newest
// message for `snapshots.background_capture`, and a short history of primary values for value-and-history
// freeze frames. Fed by the ROS layer's subscriptions; read by the capture through TopicSampler.
import { primaryValue, toJsonSafe } from './json-values.js';
import { TopicHistoryRing, type HistoryPoint, type SampledMessage } from './sampler.js';

/** Points kept per topic at most (100 Hz over the default 5 s window fits). */
export const HISTORY_MAX_POINTS = 1000;
/** Serialized bytes of the messages behind one topic's history at most (large messages keep short histories). */
export const HISTORY_MAX_BYTES = 1 << 20;

interface SignalCacheOptions {
  /** History window (`snapshots.history_window_sec` × 1000); 0 keeps no history. */
  historyWindowMs: number;
  /** Messages larger than this are ignored (`snapshots.max_message_size`). */
  maxMessageSize: number;
  maxPoints?: number;
  maxBytes?: number;
  now?: () => number;
}

export class SignalCache {
  private readonly newest = new Map<string, SampledMessage>();
  private readonly ring: TopicHistoryRing | undefined;

  constructor(private readonly o: SignalCacheOptions) {
    if (o.historyWindowMs > 0) this.ring = new TopicHistoryRing(o.historyWindowMs, o.maxPoints ?? HISTORY_MAX_POINTS, o.now, o.maxBytes ?? HISTORY_MAX_BYTES);
  }

  /** True when a history is kept (a window was configured). */
  get keepsHistory(): boolean {
    return this.ring !== undefined;
  }

  /** Takes one received message; oversized ones are skipped, like in a capture. */
  record(topic: string, msg: SampledMessage): void {
    if (msg.size_bytes > this.o.maxMessageSize) return;
    this.newest.set(topic, msg);
    this.ring?.push(topic, { timestamp_ns: msg.timestamp_ns, value: primaryValue(msg.type, toJsonSafe(msg.value)) }, msg.size_bytes);
  }

  latest(topic: string): SampledMessage | null {
    return this.newest.get(topic) ?? null;
  }

  history(topic: string, windowMs: number): HistoryPoint[] {
    return this.ring?.get(topic, windowMs) ?? [];
  }
}
