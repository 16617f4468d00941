/**
 * /navigation/controller_server: follows the plan bt_navigator publishes on /plan (nav_msgs/Path;
 * an empty path means "hold") and commands geometry_msgs/Twist on /cmd_vel at 10 Hz: full speed
 * (`max_vel_x`) toward the last pose, slowing down on the final half metre.
 */
import { ParameterType, type RosContext } from '@medkit/ros2';
import type { World } from '../sim/world.js';
import { num, type DemoNode } from './demo-node.js';

export function createControllerServer(ctx: RosContext, world: World): DemoNode {
  const node = ctx.createNode('controller_server', '/navigation');
  node.parameters.declare('max_vel_x', 0.4, { type: ParameterType.DOUBLE, description: 'Cruise speed (m/s)', floatingPointRange: { from: 0, to: 2 } });
  node.parameters.declare('controller_frequency', 10, { type: ParameterType.DOUBLE, readOnly: true, description: 'Command rate (Hz)' });
  const cmd = node.createPublisher('/cmd_vel', 'geometry_msgs/msg/Twist');
  node.logger.info('started: following /plan, commanding /cmd_vel at 10 Hz');
  let target: number | null = null;
  node.createSubscription('/plan', 'nav_msgs/msg/Path', (m) => {
    const poses = m.poses as Array<{ pose: { position: { x: number } } }>;
    target = poses.length > 0 ? poses[poses.length - 1].pose.position.x : null;
  });

  const stop = world.clock.every(100, () => {
    let vx = 0;
    if (target !== null) {
      const err = target - world.pose.x;
      const speed = num(node, 'max_vel_x');
      // The last term keeps one command period from overshooting when the simulation runs fast.
      vx = Math.sign(err) * Math.min(speed, Math.max(0.05, Math.abs(err)) * speed * 2, Math.abs(err) / (2 * world.clock.simSeconds(100)));
      if (Math.abs(err) < 0.02) vx = 0;
    }
    cmd.publish({ linear: { x: vx, y: 0, z: 0 }, angular: { x: 0, y: 0, z: 0 } });
  });

  return {
    node,
    close() {
      stop();
      node.destroy();
    },
  };
}
