/**
 * /navigation/bt_navigator: serves nav2_msgs/action/NavigateToPose on /navigate_to_pose (the name
 * Nav2 uses, so the action status bridge reports ACTION_NAVIGATE_TO_POSE_ABORTED). A goal is
 * handed to the controller as a one-pose /plan and followed on /odom; it is aborted when the
 * safety island's protective stop (/safety/protective_stop) holds the robot for longer than
 * `stop_patience_sec`, and then the navigator itself
 * reports NAVIGATION_GOAL_ABORTED, which it passes again after the next goal succeeds.
 */
import { ParameterType, QOS_TRANSIENT_LOCAL, rosNow, type RosContext, type ServerGoalHandle } from '@medkit/ros2';
import type { World } from '../sim/world.js';
import { DemoFaultReporter, Severity } from '../faults/fault-reporter.js';
import { num, type DemoNode } from './demo-node.js';

export const NAVIGATE_ACTION = '/navigate_to_pose';
export const GOAL_ABORTED_CODE = 'NAVIGATION_GOAL_ABORTED';

export function createBtNavigator(ctx: RosContext, world: World): DemoNode {
  const node = ctx.createNode('bt_navigator', '/navigation');
  node.parameters.declare('goal_tolerance', 0.05, { type: ParameterType.DOUBLE, description: 'Distance at which a goal counts as reached (m)' });
  node.parameters.declare('stop_patience_sec', 1.0, { type: ParameterType.DOUBLE, description: 'How long a protective stop may hold the robot before the goal is aborted (simulated s)' });
  node.parameters.declare('default_bt_xml_filename', 'navigate_w_replanning_and_recovery.xml', { readOnly: true });
  const plan = node.createPublisher('/plan', 'nav_msgs/msg/Path');
  const faults = new DemoFaultReporter(node);
  node.logger.info('started: serving NavigateToPose on /navigate_to_pose');
  /** Wall-clock time the current protective stop began (undefined while none). */
  let stoppedSince: number | undefined;
  let goalAbortedActive = false;
  /** The stop episode (its start time) for which an abort was already logged as a warning. */
  let warnedFor: number | undefined;
  node.createSubscription('/safety/protective_stop', 'std_msgs/msg/Bool', (m) => {
    if (!m.data) stoppedSince = undefined;
    else stoppedSince ??= Date.now();
  }, QOS_TRANSIENT_LOCAL);
  // Like Nav2's progress checker: a short stop is waited out, a long one fails the goal.
  const stopTooLong = () => stoppedSince !== undefined && Date.now() - stoppedSince >= world.clock.wallMs(num(node, 'stop_patience_sec'), 500);

  const publishPlan = (x: number | null) =>
    plan.publish({
      header: { stamp: rosNow(), frame_id: 'map' },
      poses: x === null ? [] : [{ header: { stamp: rosNow(), frame_id: 'map' }, pose: { position: { x, y: 0, z: 0 }, orientation: { x: 0, y: 0, z: 0, w: 1 } } }],
    });

  const execute = async (goal: ServerGoalHandle) => {
    const target = Number(((goal.goal.pose as { pose: { position: { x: number } } }).pose.position.x)) || 0;
    const started = Date.now();
    node.logger.info(`navigating to x=${target.toFixed(2)}`);
    publishPlan(target);
    try {
      for (;;) {
        if (goal.isCancelRequested) {
          node.logger.info('goal canceled');
          goal.canceled({ error_code: 0, error_msg: 'canceled' });
          return;
        }
        if (stopTooLong()) {
          // One warning per stop episode; retries during the same stop are routine.
          const msg = 'goal aborted: protective stop from the safety island (obstacle in the path)';
          if (warnedFor !== stoppedSince) node.logger.warn(msg);
          else node.logger.info(msg);
          warnedFor = stoppedSince;
          goal.abort({ error_code: 9000, error_msg: 'protective stop active: robot cannot move' });
          faults.failed(GOAL_ABORTED_CODE, Severity.ERROR, `Navigation goal to x=${target.toFixed(2)} aborted: protective stop active`);
          goalAbortedActive = true;
          return;
        }
        const remaining = Math.abs(target - world.pose.x);
        if (remaining < num(node, 'goal_tolerance')) {
          node.logger.info(`goal reached (x=${world.pose.x.toFixed(2)})`);
          goal.succeed({ error_code: 0, error_msg: '' });
          if (goalAbortedActive) faults.passed(GOAL_ABORTED_CODE);
          goalAbortedActive = false;
          return;
        }
        const elapsedMs = Date.now() - started;
        const speed = Math.abs(world.speed) || 0.4;
        goal.publishFeedback({
          current_pose: { header: { stamp: rosNow(), frame_id: 'map' }, pose: { position: { x: world.pose.x, y: world.pose.y, z: 0 }, orientation: { x: 0, y: 0, z: 0, w: 1 } } },
          navigation_time: { sec: Math.floor(elapsedMs / 1000), nanosec: (elapsedMs % 1000) * 1e6 },
          estimated_time_remaining: { sec: Math.round(remaining / speed), nanosec: 0 },
          number_of_recoveries: 0,
          distance_remaining: remaining,
        });
        await new Promise((r) => setTimeout(r, 100));
      }
    } finally {
      publishPlan(null);
    }
  };
  // Finished goals stay in the status array for this long; kept short so that, once the aborted goals
  // have expired, a succeeded goal lets the action status bridge heal ACTION_NAVIGATE_TO_POSE_ABORTED.
  const resultTimeoutMs = world.clock.wallMs(15, 2000);
  node.createActionServer(NAVIGATE_ACTION, 'nav2_msgs/action/NavigateToPose', { execute, resultTimeoutMs, maxGoals: 50 });

  return {
    node,
    close() {
      faults.close();
      node.destroy();
    },
  };
}
