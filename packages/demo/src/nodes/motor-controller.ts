/**
 * /base/motor_controller: drives the base from the safety gate's output (/cmd_vel_safe), never from
 * /cmd_vel directly, so the robot only moves while the safety island lets it. Limits speed to
 * `max_speed`, stops when the safe command goes quiet (the island is the robot's dead-man switch),
 * integrates odometry and publishes nav_msgs/Odometry on /odom. Service `~/emergency_stop`
 * (std_srvs/SetBool) latches or releases a software e-stop.
 */
import { ParameterType, rosNow, type RosContext } from '@medkit/ros2';
import type { World } from '../sim/world.js';
import { num, type DemoNode } from './demo-node.js';

/** Without a fresh safe command for this long the base stops (ms). */
const COMMAND_TIMEOUT_MS = 500;
const TICK_MS = 50;

export function createMotorController(ctx: RosContext, world: World): DemoNode {
  const node = ctx.createNode('motor_controller', '/base');
  node.parameters.declare('max_speed', 0.5, { type: ParameterType.DOUBLE, description: 'Wheel speed limit (m/s)', floatingPointRange: { from: 0, to: 2 } });
  const odom = node.createPublisher('/odom', 'nav_msgs/msg/Odometry');
  node.logger.info('started: driving from /cmd_vel_safe, odometry on /odom');
  let commanded = 0;
  let commandAt = 0;
  let estop = false;
  let quiet = true;
  node.createSubscription('/cmd_vel_safe', 'geometry_msgs/msg/Twist', (m) => {
    commanded = Number((m.linear as { x: number }).x) || 0;
    commandAt = Date.now();
  });
  node.createService('~/emergency_stop', 'std_srvs/srv/SetBool', (r) => {
    estop = Boolean((r as { data: boolean }).data);
    node.logger.warn(estop ? 'software emergency stop engaged' : 'software emergency stop released');
    return { success: true, message: estop ? 'emergency stop engaged' : 'emergency stop released' };
  });

  let ticks = 0;
  const stop = world.clock.every(TICK_MS, () => {
    const fresh = Date.now() - commandAt <= COMMAND_TIMEOUT_MS;
    if (!fresh && !quiet && commanded !== 0) node.logger.warn('no safe velocity command from the safety island: stopping');
    quiet = !fresh;
    const limit = num(node, 'max_speed');
    world.speed = estop || !fresh ? 0 : Math.max(-limit, Math.min(limit, commanded));
    world.advance(world.clock.simSeconds(TICK_MS));
    if (++ticks % 2 !== 0) return;
    odom.publish({
      header: { stamp: rosNow(), frame_id: 'odom' },
      child_frame_id: 'base_link',
      pose: { pose: { position: { x: world.pose.x, y: world.pose.y, z: 0 }, orientation: { x: 0, y: 0, z: Math.sin(world.pose.theta / 2), w: Math.cos(world.pose.theta / 2) } } },
      twist: { twist: { linear: { x: world.speed, y: 0, z: 0 } } },
    });
  });

  return {
    node,
    close() {
      stop();
      node.destroy();
    },
  };
}
