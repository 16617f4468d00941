/**
 * The demo robot's ROS nodes, in one process on the robot's ROS domain (loopback only): lidar,
 * sensor monitor, battery monitor, motor controller, controller server, bt_navigator, the managed
 * obstacle detector and the scenario player. Started by the launcher; runnable on its own:
 *   node packages/demo/dist/robot-process.js --domain 77 [--speed 1] [--seed 42]
 */
import { RosContext } from '@medkit/ros2';
import { createBatteryMonitor } from './nodes/battery-monitor.js';
import { createBtNavigator } from './nodes/bt-navigator.js';
import { createControllerServer } from './nodes/controller-server.js';
import { createLidar } from './nodes/lidar.js';
import { createMotorController } from './nodes/motor-controller.js';
import { createObstacleDetector } from './nodes/obstacle-detector.js';
import { createScenario } from './nodes/scenario.js';
import { createSensorMonitor } from './nodes/sensor-monitor.js';
import { startDemoBeacons } from './nodes/beacons.js';
import { createLocalCostmap, createScanFilter } from './nodes/pipeline-defects.js';
import { createTopicMonitor } from './nodes/topic-monitor.js';
import { parseNodeProcessArgs } from './process/args.js';
import { announceAndWait } from './process/run.js';
import { processSecurity } from './process/security.js';
import { applyRemaps } from './process/ros-args.js';
import { SeededRandom } from './sim/random.js';
import { SimClock } from './sim/sim-clock.js';
import { World } from './sim/world.js';

async function main(): Promise<void> {
  const args = parseNodeProcessArgs(process.argv.slice(2));
  const clock = new SimClock(args.speed);
  const world = new World(clock, new SeededRandom(args.seed));
  // SROS2 (the launcher's --secure): every participant of this process joins with the process's enclave.
  const security = await processSecurity('robot');
  // One context (DDS participant) per node: @medkit/ros2 does not deliver between endpoints of the
  // same participant, and the nodes talk to each other.
  const contexts: RosContext[] = [];
  const ctx = async () => {
    const c = applyRemaps(await RosContext.create({ domainId: args.domain, localhostOnly: true, security }), args.remap);
    contexts.push(c);
    return c;
  };
  const detector = createObstacleDetector(await ctx());
  const nodes = [
    createLidar(await ctx(), world),
    createSensorMonitor(await ctx(), world),
    createBatteryMonitor(await ctx(), world),
    createMotorController(await ctx(), world),
    createControllerServer(await ctx(), world),
    createBtNavigator(await ctx(), world),
    detector,
    createScenario(await ctx(), world, { autoplay: args.autoplay, first_scenario_sec: args.firstScenarioSec, scenario_period_sec: args.scenarioPeriodSec }),
  ];
  startDemoBeacons(nodes);
  // Like a lifecycle manager: bring the managed node up at start.
  if (!(await detector.activate())) console.error('robot: obstacle_detector did not reach active');
  // The graph watchdog's planted defects (a QoS mismatch and a topic typo) and the topic-rate monitor, started
  // after the robot is up and sharing one participant: the defects only need to be seen in the graph (the
  // filter does not serve the costmap in the same participant, which nothing here relies on), and one
  // participant instead of three keeps the robot's start-up as quick as before.
  const pipeline = await ctx();
  nodes.push(createScanFilter(pipeline), createLocalCostmap(pipeline), createTopicMonitor(pipeline, world));
  announceAndWait('robot', { contexts, nodes, clock });
}

main().catch((err) => {
  console.error(`robot: ${(err as Error).stack ?? err}`);
  process.exit(1);
});
