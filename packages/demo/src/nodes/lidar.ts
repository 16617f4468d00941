/**
 * /sensors/lidar: a 360-beam planar lidar publishing sensor_msgs/LaserScan on /scan (sensor-data
 * QoS). The room is an open floor 2.6–3.4 m away; a scenario person shows up as a blob of short
 * returns straight ahead. Fault-injection parameters follow the reference sensor demo
 * (packages/demo/README.md): noise_stddev, failure_probability (dropped scans), inject_nan, drift_rate.
 */
import { ParameterType, QOS_SENSOR_DATA, rosNow, type RosContext } from '@medkit/ros2';
import type { World } from '../sim/world.js';
import { flag, num, type DemoNode } from './demo-node.js';

export const BEAMS = 360;
export const RANGE_MIN = 0.12;
export const RANGE_MAX = 3.5;

const D = { type: ParameterType.DOUBLE };

export function createLidar(ctx: RosContext, world: World): DemoNode {
  const node = ctx.createNode('lidar', '/sensors');
  node.parameters.declare('scan_rate', 10, { ...D, description: 'Scans per second', floatingPointRange: { from: 0.5, to: 50 } });
  node.parameters.declare('noise_stddev', 0.01, { ...D, description: 'Gaussian range noise (m)', floatingPointRange: { from: 0, to: 1 } });
  node.parameters.declare('failure_probability', 0, { ...D, description: 'Probability that a scan is lost', floatingPointRange: { from: 0, to: 1 } });
  node.parameters.declare('inject_nan', false, { description: 'Report every 10th beam as NaN' });
  node.parameters.declare('drift_rate', 0, { ...D, description: 'Range drift per simulated second (m/s)' });
  node.parameters.declare('frame_id', 'laser', { readOnly: true });
  const pub = node.createPublisher('/scan', 'sensor_msgs/msg/LaserScan', QOS_SENSOR_DATA);
  const rnd = world.random.fork(1);
  const startedAt = Date.now();
  const increment = (2 * Math.PI) / BEAMS;
  let timer: NodeJS.Timeout | undefined;
  let count = 0;

  const scan = () => {
    const rate = num(node, 'scan_rate');
    timer = setTimeout(scan, 1000 / (rate > 0 ? rate : 10));
    if (rnd.next() < num(node, 'failure_probability')) return;
    const noise = num(node, 'noise_stddev');
    const drift = num(node, 'drift_rate') * world.clock.simSeconds(Date.now() - startedAt);
    const nan = flag(node, 'inject_nan');
    const person = world.person?.at() ?? null;
    const ranges = new Array<number>(BEAMS);
    for (let i = 0; i < BEAMS; i++) {
      const a = -Math.PI + i * increment;
      let r = 3.0 + 0.35 * Math.sin(3 * a + world.pose.x * 0.4) + rnd.gaussian(noise) + drift;
      if (person && Math.abs(a) <= person.halfWidth) r = Math.min(r, person.distance + rnd.gaussian(noise));
      r = Math.min(RANGE_MAX, Math.max(RANGE_MIN, r));
      ranges[i] = nan && i % 10 === 0 ? NaN : r;
    }
    pub.publish({
      header: { stamp: rosNow(), frame_id: String(node.parameters.get('frame_id')) },
      angle_min: -Math.PI,
      angle_max: Math.PI - increment,
      angle_increment: increment,
      time_increment: 0,
      scan_time: 1 / (rate > 0 ? rate : 10),
      range_min: RANGE_MIN,
      range_max: RANGE_MAX,
      ranges,
      intensities: [],
    });
    if (++count === 1) node.logger.info(`publishing ${BEAMS}-beam scans on /scan at ${rate} Hz`);
  };
  timer = setTimeout(scan, 100);

  return {
    node,
    close() {
      clearTimeout(timer);
      node.destroy();
    },
  };
}
