/**
 * /demo/scenario: plays the demo. It patrols (NavigateToPose goals back and forth between two
 * waypoints, like a fleet manager would send), and it makes a person step into the robot's path:
 * first `first_scenario_sec` after start, then every `scenario_period_sec` (simulated seconds),
 * and on demand through the service /demo/trigger_person (std_srvs/Trigger), which the gateway
 * shows as the operation `trigger_person`.
 */
import { GoalStatus, ParameterType, RosCallError, rosNow, type RosContext } from '@medkit/ros2';
import type { World } from '../sim/world.js';
import { flag, num, type DemoNode } from './demo-node.js';
import { NAVIGATE_ACTION } from './bt-navigator.js';

export const TRIGGER_SERVICE = '/demo/trigger_person';
const WAYPOINTS = [4, 0];
const D = { type: ParameterType.DOUBLE };

/** Start values of the scenario's timing parameters (undefined = the default). */
export interface ScenarioOverrides {
  autoplay?: boolean;
  first_scenario_sec?: number;
  scenario_period_sec?: number;
}

export function createScenario(ctx: RosContext, world: World, overrides: ScenarioOverrides = {}): DemoNode {
  const parameterOverrides = Object.fromEntries(Object.entries(overrides).filter(([, v]) => v !== undefined)) as Record<string, number | boolean>;
  const node = ctx.createNode('scenario', '/demo', { parameterOverrides });
  node.parameters.declare('autoplay', true, { description: 'Repeat the person scenario on its own' });
  node.parameters.declare('first_scenario_sec', 20, { ...D, description: 'Simulated seconds from start to the first person', floatingPointRange: { from: 0, to: 1e6 } });
  node.parameters.declare('scenario_period_sec', 60, { ...D, description: 'Simulated seconds between two persons', floatingPointRange: { from: 5, to: 1e6 } });
  node.parameters.declare('patrol', true, { description: 'Send patrol goals to bt_navigator' });
  let closed = false;
  node.logger.info(flag(node, 'autoplay') ? `started: first person in ${num(node, 'first_scenario_sec')} s (simulated), then every ${num(node, 'scenario_period_sec')} s` : 'started: persons on demand (/demo/trigger_person)');

  const stepIn = (why: string): { success: boolean; message: string } => {
    if (world.person) return { success: false, message: 'a person is already in the path' };
    const walk = world.personStepsIn();
    node.logger.warn(`person steps into the robot's path (${why}); leaves again in ${(walk.durationMs / 1000).toFixed(1)} s`);
    return { success: true, message: `a person steps into the path now and leaves after ${(walk.durationMs / 1000).toFixed(1)} s; expect PROTECTIVE_STOP, then ACTION_NAVIGATE_TO_POSE_ABORTED and NAVIGATION_GOAL_ABORTED` };
  };
  node.createService(TRIGGER_SERVICE, 'std_srvs/srv/Trigger', () => stepIn('on demand'));

  // Autoplay: the first person soon after start, then periodically.
  let cancelNext = world.clock.after(num(node, 'first_scenario_sec'), function tick() {
    if (flag(node, 'autoplay')) stepIn('scheduled');
    cancelNext = world.clock.after(num(node, 'scenario_period_sec'), tick, 1000);
  }, 500);

  // Patrol: one goal at a time; after an abort wait a little and try the same waypoint again.
  const client = node.createActionClient(NAVIGATE_ACTION, 'nav2_msgs/action/NavigateToPose');
  const patrol = async () => {
    let i = 0;
    while (!closed) {
      if (!flag(node, 'patrol')) {
        await world.clock.sleep(1, 500);
        continue;
      }
      const x = WAYPOINTS[i % WAYPOINTS.length];
      let status: number = GoalStatus.UNKNOWN;
      try {
        const handle = await client.sendGoal({ pose: { header: { stamp: rosNow(), frame_id: 'map' }, pose: { position: { x, y: 0, z: 0 }, orientation: { x: 0, y: 0, z: 0, w: 1 } } }, behavior_tree: '' }, { timeoutMs: 5000 });
        status = (await handle.result({ timeoutMs: 600_000 })).status;
      } catch (err) {
        if (closed) return;
        if (!(err instanceof RosCallError)) node.logger.error(`patrol: ${(err as Error).message}`);
      }
      if (status === GoalStatus.SUCCEEDED) i++;
      // Pause at the waypoint (or before retrying after an abort).
      await world.clock.sleep(status === GoalStatus.SUCCEEDED ? 2 : 3, 1000);
    }
  };
  void patrol();

  return {
    node,
    close() {
      closed = true;
      cancelNext();
      node.destroy();
    },
  };
}
