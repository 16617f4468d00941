/**
 * /safety/safety_gate, on the safety island's own ROS domain: reads /scan and the commanded
 * velocity /cmd_vel, passes the command on as /cmd_vel_safe, and clamps it to zero when the front
 * sector is closer than `stop_threshold_m` or the scan goes stale. It raises PROTECTIVE_STOP with
 * the island's fault manager and heals it when the way is clear again; /safety/protective_stop
 * (std_msgs/Bool, latched) tells the robot while the stop is raised. Its inputs are also published every scan as
 * ~/commanded_vx, ~/min_range_m and ~/stop_threshold_m (std_msgs/Float64), so the island gateway's
 * freeze frame captures them, each as a value with history.
 */
import { ParameterType, QOS_SENSOR_DATA, QOS_TRANSIENT_LOCAL, type RosContext } from '@medkit/ros2';
import { DemoFaultReporter, Severity } from '../faults/fault-reporter.js';
import { minFrontRange, type ScanLike } from '../safety/front-sector.js';
import { DEFAULT_GATE, GateLogic, type GateEvent } from '../safety/gate-logic.js';
import { num, type DemoNode } from './demo-node.js';

export const PROTECTIVE_STOP = 'PROTECTIVE_STOP';
/** Freeze-frame signal topics (the island's snapshot config names them). */
export const SIGNAL_TOPICS = ['/safety/safety_gate/commanded_vx', '/safety/safety_gate/min_range_m', '/safety/safety_gate/stop_threshold_m'];

const D = { type: ParameterType.DOUBLE };

export function createSafetyGate(ctx: RosContext): DemoNode {
  const node = ctx.createNode('safety_gate', '/safety');
  node.parameters.declare('stop_threshold_m', DEFAULT_GATE.stopThreshold, { ...D, description: 'Protective stop when anything in the front sector is closer (m)', floatingPointRange: { from: 0.2, to: 3 } });
  node.parameters.declare('hysteresis_m', DEFAULT_GATE.hysteresis, { ...D, description: 'Extra clearance needed to release the stop (m)', floatingPointRange: { from: 0, to: 1 } });
  node.parameters.declare('front_sector_deg', 60, { ...D, description: 'Width of the guarded sector ahead (degrees)', floatingPointRange: { from: 10, to: 360 } });
  node.parameters.declare('scan_timeout_sec', DEFAULT_GATE.scanTimeoutMs / 1000, { ...D, description: 'Scan older than this is stale: stop (s)', floatingPointRange: { from: 0.1, to: 5 } });
  const safe = node.createPublisher('/cmd_vel_safe', 'geometry_msgs/msg/Twist');
  const state = node.createPublisher('/safety/protective_stop', 'std_msgs/msg/Bool', QOS_TRANSIENT_LOCAL);
  const sig = {
    commanded: node.createPublisher('~/commanded_vx', 'std_msgs/msg/Float64'),
    range: node.createPublisher('~/min_range_m', 'std_msgs/msg/Float64'),
    threshold: node.createPublisher('~/stop_threshold_m', 'std_msgs/msg/Float64'),
  };
  const faults = new DemoFaultReporter(node);
  node.logger.info(`started: protective stop below ${num(node, 'stop_threshold_m')} m in the front ${num(node, 'front_sector_deg')}°`);
  const gate = new GateLogic({ ...DEFAULT_GATE });
  let commandedVx = 0;
  let lastSignalled: boolean | undefined;

  const settings = () => {
    gate.settings = {
      ...gate.settings,
      stopThreshold: num(node, 'stop_threshold_m'),
      hysteresis: num(node, 'hysteresis_m'),
      scanTimeoutMs: num(node, 'scan_timeout_sec') * 1000,
    };
  };
  const output = () => {
    safe.publish({ linear: { x: gate.stopped ? 0 : commandedVx, y: 0, z: 0 }, angular: { x: 0, y: 0, z: 0 } });
    // The robot is told about a protective stop once it is raised (not for a one-scan blip, nor while
    // the gate waits for its first scan at start-up: then it only holds the velocity at zero).
    if (gate.faultActive !== lastSignalled) {
      lastSignalled = gate.faultActive;
      state.publish({ data: gate.faultActive });
    }
  };
  const handle = (ev: GateEvent) => {
    if (!ev) return;
    if (ev.kind === 'raise') {
      node.logger.warn(`PROTECTIVE STOP: ${ev.reason}`);
      faults.failed(PROTECTIVE_STOP, Severity.CRITICAL, `Protective stop: ${ev.reason}`);
    } else {
      node.logger.info('protective stop released: front sector clear');
      faults.passed(PROTECTIVE_STOP);
    }
  };

  node.createSubscription('/cmd_vel', 'geometry_msgs/msg/Twist', (m) => {
    commandedVx = Number((m.linear as { x: number }).x) || 0;
    output();
  });
  node.createSubscription('/scan', 'sensor_msgs/msg/LaserScan', (m) => {
    settings();
    const range = minFrontRange(m as unknown as ScanLike, num(node, 'front_sector_deg'));
    // Signals first, so the freeze frame taken on the report already holds the sample that caused it.
    sig.commanded.publish({ data: commandedVx });
    sig.range.publish({ data: range });
    sig.threshold.publish({ data: gate.settings.stopThreshold });
    handle(gate.onScan(range));
    output();
  }, QOS_SENSOR_DATA);
  const watchdog = setInterval(() => {
    settings();
    const ev = gate.tick();
    if (ev) {
      handle(ev);
      output();
    }
  }, 100);
  output();

  return {
    node,
    close() {
      clearInterval(watchdog);
      faults.close();
      node.destroy();
    },
  };
}
