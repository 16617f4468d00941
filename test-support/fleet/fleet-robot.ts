// A robot gateway for fleet tests that has something to drill into: the fleet link on, freeze frames from a
// topic with a value history (a sampler standing in for the ROS layer, as in the fault tests), and the black
// box recording the topic's messages around each confirmed fault (MCAP, fed like the bulk-data tests).
import { startRobotGateway, type FaultGateway } from './robot-gateway.js';
import type { FlatConfig, HistoryPoint, SampledMessage, TopicGraph, TopicSampler } from '@medkit/gateway';

export const BATTERY_NODE = '/base/battery_monitor';
export const BATTERY_TOPIC = '/base/battery_voltage';
const FLOAT_DEF = 'float64 data\n';

/** CDR (little-endian) std_msgs/Float64. */
function cdrFloat64(v: number): Uint8Array {
  const out = Buffer.alloc(12);
  out.set([0, 1, 0, 0]);
  out.writeDoubleLE(v, 4);
  return out;
}

export interface FleetRobot extends FaultGateway {
  /** Publishes one voltage sample (history for freeze frames, a message for the black box). */
  voltage(v: number): void;
}

export async function startFleetRobot(o: { fleet: string; robotId: string; nats: string[]; flags?: FlatConfig }): Promise<FleetRobot> {
  const points: HistoryPoint[] = [];
  const sampler: TopicSampler = {
    async sample(topic) {
      const last = points[points.length - 1];
      return topic === BATTERY_TOPIC && last ? ({ type: 'std_msgs/msg/Float64', value: { data: last.value }, timestamp_ns: last.timestamp_ns, size_bytes: 12 } satisfies SampledMessage) : null;
    },
    history: (topic, windowMs) => {
      const since = BigInt(Date.now() - windowMs) * 1_000_000n;
      return topic === BATTERY_TOPIC ? points.filter((p) => p.timestamp_ns >= since) : [];
    },
  };
  const graph: TopicGraph = { publishedTopics: (fqn) => (fqn === BATTERY_NODE ? [BATTERY_TOPIC] : []), allTopics: () => [BATTERY_TOPIC] };
  const g = await startRobotGateway({
    feature: { sampler, graph },
    flags: {
      'fleet.enabled': true,
      'fleet.id': o.fleet,
      'fleet.robot_id': o.robotId,
      'fleet.nats.servers': o.nats,
      'fleet.health_interval_sec': 1,
      'faults.snapshots.rosbag.enabled': true,
      'faults.snapshots.rosbag.topics': 'all',
      'faults.snapshots.rosbag.duration_after_sec': 0.2,
      ...o.flags,
    },
  });
  return {
    ...g,
    voltage(v: number) {
      const ns = BigInt(Date.now()) * 1_000_000n;
      points.push({ timestamp_ns: ns, value: v });
      if (points.length > 200) points.shift();
      g.faults.system.blackbox?.onMessage(BATTERY_TOPIC, 'std_msgs/msg/Float64', FLOAT_DEF, cdrFloat64(v), ns);
    },
  };
}
