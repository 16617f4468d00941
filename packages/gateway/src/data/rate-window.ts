// A topic's receive statistics as `ros2 topic hz` and `ros2 topic bw` give them (issue 56): the mean rate, the
// min / max / standard deviation of the interval between messages and the bandwidth, over a window of the
// most recent messages. The window is the last WINDOW_SEC seconds, at most WINDOW_MAX messages (ros2 topic hz
// counts a window of messages; a time bound too makes a topic that fell silent lose its rate instead of
// keeping it forever). Pure: every time is passed in, as bigint ns since the epoch; memory is a fixed ring.
import type { TopicRateStats } from '@medkit/sovd';

/** Seconds of history the statistics cover. */
export const WINDOW_SEC = 10;
/** Messages the window holds at most (a 1 kHz topic is measured over its last second). */
export const WINDOW_MAX = 1000;

/** Statistics of one window, as a stream event carries them (the shape is the SOVD core's, shared with the client). */
export type RateStats = TopicRateStats;

const NS_PER_SEC = 1e9;

export class RateWindow {
  private readonly times: BigInt64Array;
  private readonly sizes: Float64Array;
  private start = 0;
  private count = 0;
  private received = 0;

  constructor(
    private readonly windowNs: bigint = BigInt(WINDOW_SEC) * 1_000_000_000n,
    capacity = WINDOW_MAX,
  ) {
    this.times = new BigInt64Array(capacity);
    this.sizes = new Float64Array(capacity);
  }

  /** One message received at `atNs` with a serialized payload of `bytes`. */
  record(atNs: bigint, bytes: number): void {
    const cap = this.times.length;
    if (this.count === cap) {
      this.start = (this.start + 1) % cap;
      this.count--;
    }
    const i = (this.start + this.count) % cap;
    this.times[i] = atNs;
    this.sizes[i] = bytes;
    this.count++;
    this.received++;
  }

  /** The newest message's receive time, if any is in the window. */
  latestNs(): bigint | undefined {
    return this.count > 0 ? this.times[(this.start + this.count - 1) % this.times.length] : undefined;
  }

  /** The statistics at `nowNs`: messages older than the window are dropped first. */
  stats(nowNs: bigint): RateStats {
    this.expire(nowNs);
    const cap = this.times.length;
    const n = this.count;
    const at = (k: number) => (this.start + k) % cap;
    let bytes = 0;
    for (let k = 0; k < n; k++) bytes += this.sizes[at(k)];
    const base = { window_count: Math.max(0, n - 1), mean_size_bytes: n > 0 ? bytes / n : null, received: this.received };
    if (n < 2) return { rate_hz: null, interval_min_sec: null, interval_max_sec: null, interval_std_sec: null, bandwidth_bytes_per_sec: null, ...base };
    // Intervals are differences of 64-bit times taken as bigint; each one fits a double exactly (< 2^53 ns).
    let min = Infinity;
    let max = 0;
    let sum = 0;
    const interval = (k: number) => Number(this.times[at(k)] - this.times[at(k - 1)]);
    for (let k = 1; k < n; k++) {
      const d = interval(k);
      if (d < min) min = d;
      if (d > max) max = d;
      sum += d;
    }
    const intervals = n - 1;
    const mean = sum / intervals;
    // Two passes: the deviations are summed around the mean, not as E[d²] - mean² (which cancels at µs jitter).
    let dev = 0;
    for (let k = 1; k < n; k++) dev += (interval(k) - mean) ** 2;
    const std = Math.sqrt(dev / intervals);
    // Bandwidth: the bytes that arrived after the first message of the window, over the window's span.
    const afterFirst = bytes - this.sizes[at(0)];
    return {
      rate_hz: mean > 0 ? NS_PER_SEC / mean : null,
      interval_min_sec: min / NS_PER_SEC,
      interval_max_sec: max / NS_PER_SEC,
      interval_std_sec: std / NS_PER_SEC,
      bandwidth_bytes_per_sec: sum > 0 ? (afterFirst * NS_PER_SEC) / sum : null,
      ...base,
    };
  }

  private expire(nowNs: bigint): void {
    const cap = this.times.length;
    const cutoff = nowNs - this.windowNs;
    while (this.count > 0 && this.times[this.start] < cutoff) {
      this.start = (this.start + 1) % cap;
      this.count--;
    }
  }
}
