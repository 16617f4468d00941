/**
 * /base/battery_monitor: publishes sensor_msgs/BatteryState on /base/battery once a second. The
 * pack starts full (25.2 V, a 6-cell LiFePO4-ish curve) and discharges by `discharge_rate` volts per
 * simulated minute; below `low_voltage` it reports BATTERY_LOW, above again it passes it.
 */
import { ParameterType, rosNow, type RosContext } from '@medkit/ros2';
import type { World } from '../sim/world.js';
import { DemoFaultReporter, Severity } from '../faults/fault-reporter.js';
import { num, type DemoNode } from './demo-node.js';

const FULL = 25.2;
const EMPTY = 21.0;
const D = { type: ParameterType.DOUBLE };

export function createBatteryMonitor(ctx: RosContext, world: World): DemoNode {
  const node = ctx.createNode('battery_monitor', '/base');
  node.parameters.declare('discharge_rate', 0.05, { ...D, description: 'Volts lost per simulated minute', floatingPointRange: { from: 0, to: 60 } });
  node.parameters.declare('low_voltage', 22.0, { ...D, description: 'BATTERY_LOW below this voltage (V)' });
  node.parameters.declare('voltage', FULL, { ...D, description: 'Current pack voltage (writable to simulate a swap)', floatingPointRange: { from: 18, to: 26 } });
  const pub = node.createPublisher('/base/battery', 'sensor_msgs/msg/BatteryState');
  const faults = new DemoFaultReporter(node);
  node.logger.info(`started: pack at ${num(node, 'voltage').toFixed(2)} V, discharging ${num(node, 'discharge_rate')} V/min`);
  let low = false;
  let last = Date.now();

  const stop = world.clock.every(1000, () => {
    const now = Date.now();
    const minutes = world.clock.simSeconds(now - last) / 60;
    last = now;
    const v = Math.max(EMPTY - 1, num(node, 'voltage') - num(node, 'discharge_rate') * minutes);
    node.parameters.set('voltage', Math.round(v * 1e4) / 1e4);
    const percentage = Math.min(1, Math.max(0, (v - EMPTY) / (FULL - EMPTY)));
    pub.publish({
      header: { stamp: rosNow(), frame_id: 'battery' },
      voltage: v,
      temperature: 28 + world.random.gaussian(0.05),
      current: -(2.0 + Math.abs(world.speed) * 6),
      charge: 40 * percentage,
      capacity: 40,
      design_capacity: 40,
      percentage,
      power_supply_status: 2, // DISCHARGING
      power_supply_health: 1, // GOOD
      power_supply_technology: 4, // LIFE
      present: true,
      cell_voltage: [],
      cell_temperature: [],
      location: 'base',
      serial_number: 'BP-2024-00731',
    });
    const isLow = v < num(node, 'low_voltage');
    if (isLow && !low) {
      faults.failed('BATTERY_LOW', Severity.WARN, `Battery voltage ${v.toFixed(2)} V below ${num(node, 'low_voltage')} V`);
      node.logger.warn(`battery low: ${v.toFixed(2)} V`);
    } else if (!isLow && low) {
      faults.passed('BATTERY_LOW');
      node.logger.info(`battery back to ${v.toFixed(2)} V`);
    }
    low = isLow;
  });

  return {
    node,
    close() {
      stop();
      faults.close();
      node.destroy();
    },
  };
}
