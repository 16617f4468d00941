// Simulated signals of a fleet demo robot (no ROS): one float per fault source node, a random walk that a
// scenario pushes out of range before it reports its fault. They feed the faults feature as its topic
// sampler (freeze frames with a value history) and its black box (MCAP of std_msgs/Float64 messages).
import type { HistoryPoint, SampledMessage, TopicGraph, TopicSampler } from '@medkit/gateway';

interface Signal {
  topic: string;
  /** Normal value and the value the disturbance drives it to. */
  normal: number;
  bad: number;
  noise: number;
  value: number;
  target: number;
  history: HistoryPoint[];
}

const FLOAT64_DEF = 'float64 data\n';
/** History points kept per signal (at 5 Hz: a minute). */
const MAX_POINTS = 300;

/** CDR (little-endian) std_msgs/Float64. */
function cdrFloat64(v: number): Uint8Array {
  const out = Buffer.alloc(12);
  out.set([0, 1, 0, 0]);
  out.writeDoubleLE(v, 4);
  return out;
}

export class SignalSim implements TopicSampler, TopicGraph {
  /** Source node → its signal. */
  private readonly signals = new Map<string, Signal>([
    ['/safety/island_link', this.signal('/safety/min_range_m', 2.5, 0.3, 0.05)],
    ['/sensors/lidar', this.signal('/sensors/scan_age_ms', 100, 650, 8)],
    ['/base/battery_monitor', this.signal('/base/battery_voltage', 25.2, 21.0, 0.05)],
    ['/navigation/controller_server', this.signal('/navigation/path_cost', 40, 250, 4)],
  ]);

  private signal(topic: string, normal: number, bad: number, noise: number): Signal {
    return { topic, normal, bad, noise, value: normal, target: normal, history: [] };
  }

  /** Sends the node's signal towards its bad value (`true`) or back to normal. */
  disturb(node: string, bad: boolean): void {
    const s = this.signals.get(node);
    if (s) s.target = bad ? s.bad : s.normal;
  }

  /** One step of every signal; `publish` gets each sample as a CDR message (for the black box). */
  tick(publish: (topic: string, type: string, def: string, data: Uint8Array, ns: bigint) => void): void {
    const ns = BigInt(Date.now()) * 1_000_000n;
    for (const s of this.signals.values()) {
      s.value += (s.target - s.value) * 0.3 + (Math.random() - 0.5) * 2 * s.noise;
      s.history.push({ timestamp_ns: ns, value: Math.round(s.value * 1000) / 1000 });
      if (s.history.length > MAX_POINTS) s.history.shift();
      publish(s.topic, 'std_msgs/msg/Float64', FLOAT64_DEF, cdrFloat64(s.value), ns);
    }
  }

  private byTopic(topic: string): Signal | undefined {
    for (const s of this.signals.values()) if (s.topic === topic) return s;
    return undefined;
  }

  async sample(topic: string): Promise<SampledMessage | null> {
    return this.latest(topic);
  }

  latest(topic: string): SampledMessage | null {
    const s = this.byTopic(topic);
    const last = s?.history[s.history.length - 1];
    return last ? { type: 'std_msgs/msg/Float64', value: { data: last.value }, timestamp_ns: last.timestamp_ns, size_bytes: 12 } : null;
  }

  history(topic: string, windowMs: number): HistoryPoint[] {
    const since = BigInt(Date.now() - windowMs) * 1_000_000n;
    return this.byTopic(topic)?.history.filter((p) => p.timestamp_ns >= since) ?? [];
  }

  publishedTopics(node: string): string[] {
    const s = this.signals.get(node);
    return s ? [s.topic] : [];
  }

  allTopics(): string[] {
    return [...this.signals.values()].map((s) => s.topic);
  }
}
