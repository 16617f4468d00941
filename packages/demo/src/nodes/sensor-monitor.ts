/**
 * /sensors/sensor_monitor: watches the sensors and publishes their health as
 * diagnostic_msgs/DiagnosticArray on /diagnostics once a second, for the gateway's diagnostic bridge:
 * the lidar's scan rate (OK near the configured rate, WARN when low, ERROR when scans stop, plus
 * NaN counts) and the battery's voltage.
 */
import { QOS_SENSOR_DATA, rosNow, type RosContext } from '@medkit/ros2';
import type { World } from '../sim/world.js';
import type { DemoNode } from './demo-node.js';

const OK = 0;
const WARN = 1;
const ERROR = 2;

interface Status {
  level: number;
  name: string;
  message: string;
  hardware_id: string;
  values: Array<{ key: string; value: string }>;
}

export function createSensorMonitor(ctx: RosContext, world: World): DemoNode {
  const node = ctx.createNode('sensor_monitor', '/sensors');
  node.parameters.declare('expected_scan_rate', 10.0, { description: 'Scan rate the lidar should reach (Hz)' });
  const pub = node.createPublisher('/diagnostics', 'diagnostic_msgs/msg/DiagnosticArray');
  node.logger.info('started: lidar and battery health on /diagnostics every second');
  let scans = 0;
  let total = 0;
  let nans = 0;
  let voltage: number | undefined;
  node.createSubscription('/scan', 'sensor_msgs/msg/LaserScan', (m) => {
    scans++;
    total++;
    const ranges = m.ranges as ArrayLike<number>;
    let n = 0;
    for (let i = 0; i < ranges.length; i++) if (Number.isNaN(ranges[i])) n++;
    nans = n;
  }, QOS_SENSOR_DATA);
  node.createSubscription('/base/battery', 'sensor_msgs/msg/BatteryState', (m) => {
    voltage = Number(m.voltage);
  });

  const startedAt = Date.now();
  let last = startedAt;
  /** Before a sensor was ever heard, its status is left out for this long (start-up, not a fault). */
  const WARMUP_MS = 10_000;
  const stop = world.clock.every(1000, () => {
    const now = Date.now();
    const rate = (scans * 1000) / Math.max(1, now - last);
    scans = 0;
    last = now;
    const expected = Number(node.parameters.get('expected_scan_rate')) || 10;
    const lidar: Status = { level: OK, name: 'lidar', message: 'OK', hardware_id: 'lidar_sensor', values: [] };
    if (rate === 0) Object.assign(lidar, { level: ERROR, message: 'TIMEOUT: no scans' });
    else if (nans > 0) Object.assign(lidar, { level: WARN, message: `NAN_VALUES: ${nans} beams` });
    else if (rate < expected * 0.7) Object.assign(lidar, { level: WARN, message: `RATE_DEGRADED: ${rate.toFixed(1)} Hz` });
    lidar.values = [
      { key: 'status', value: lidar.message },
      { key: 'msg_count', value: String(total) },
      { key: 'rate_hz', value: rate.toFixed(1) },
    ];
    const battery: Status = { level: OK, name: 'battery', message: 'OK', hardware_id: 'battery_pack', values: [] };
    if (voltage === undefined) Object.assign(battery, { level: WARN, message: 'no battery state yet' });
    else if (voltage < 21.5) Object.assign(battery, { level: ERROR, message: `voltage critical: ${voltage.toFixed(2)} V` });
    else if (voltage < 22) Object.assign(battery, { level: WARN, message: `voltage low: ${voltage.toFixed(2)} V` });
    battery.values = [{ key: 'voltage', value: voltage === undefined ? '' : voltage.toFixed(2) }];
    const warming = now - startedAt < WARMUP_MS;
    const status = [...(total > 0 || !warming ? [lidar] : []), ...(voltage !== undefined || !warming ? [battery] : [])];
    if (status.length > 0) pub.publish({ header: { stamp: rosNow(), frame_id: '' }, status });
  });

  return {
    node,
    close() {
      stop();
      node.destroy();
    },
  };
}
