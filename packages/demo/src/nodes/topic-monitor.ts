/**
 * /sensors/topic_monitor: measures the rate of a few pipeline topics and publishes it on /diagnostics in the
 * vocabulary the graph provider reads (like greenwave_monitor, docs/graph.md): one status per topic named
 * by its full name, with `frame_rate_msg`, `expected_frequency` and `drop_rate_percent`. Level is always OK:
 * judging the rate is the graph's job, so the diagnostic bridge raises nothing from it.
 */
import { QOS_SENSOR_DATA, rosNow, type RosContext } from '@medkit/ros2';
import type { World } from '../sim/world.js';
import type { DemoNode } from './demo-node.js';

/** Topic → [type, expected Hz, sensor-data QoS]. Not /perception/filtered_scan: a subscriber there would hide the planted typo. */
const WATCHED: [topic: string, type: string, expectedHz: number, sensor: boolean][] = [
  ['/scan', 'sensor_msgs/msg/LaserScan', 10, true],
  ['/cmd_vel', 'geometry_msgs/msg/Twist', 10, false],
  ['/odom', 'nav_msgs/msg/Odometry', 20, false],
];

export function createTopicMonitor(ctx: RosContext, world: World): DemoNode {
  const node = ctx.createNode('topic_monitor', '/sensors');
  const pub = node.createPublisher('/diagnostics', 'diagnostic_msgs/msg/DiagnosticArray');
  const counts = new Map<string, number>(WATCHED.map(([t]) => [t, 0]));
  const subs = WATCHED.map(([topic, type, , sensor]) => node.createSubscription(topic, type, () => counts.set(topic, (counts.get(topic) ?? 0) + 1), sensor ? QOS_SENSOR_DATA : undefined));
  let last = Date.now();
  const stop = world.clock.every(1000, () => {
    const now = Date.now();
    const secs = Math.max(0.001, (now - last) / 1000);
    last = now;
    const status = WATCHED.map(([topic, , expected]) => {
      const hz = (counts.get(topic) ?? 0) / secs;
      counts.set(topic, 0);
      return { level: 0, name: topic, message: 'OK', hardware_id: '', values: [{ key: 'frame_rate_msg', value: hz.toFixed(2) }, { key: 'expected_frequency', value: String(expected) }, { key: 'drop_rate_percent', value: '0' }] };
    });
    pub.publish({ header: { stamp: rosNow(), frame_id: '' }, status });
  });
  node.logger.info(`started: rates of ${WATCHED.map(([t]) => t).join(', ')} on /diagnostics every second`);
  return {
    node,
    close() {
      stop();
      for (const s of subs) s.close();
      node.destroy();
    },
  };
}
