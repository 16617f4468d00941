/**
 * @medkit/demo as a library: the demo robot's nodes (to build other simulated robots on
 * @medkit/ros2), the safety gate's logic, the simulation helpers, and the launcher's plan.
 * The runnable entries are dist/launch.js (`npm start`), dist/robot-process.js,
 * dist/island-process.js and dist/trigger-person.js.
 */
export type { DemoNode } from './nodes/demo-node.js';
export { createLidar, BEAMS, RANGE_MIN, RANGE_MAX } from './nodes/lidar.js';
export { createBatteryMonitor } from './nodes/battery-monitor.js';
export { createMotorController } from './nodes/motor-controller.js';
export { createControllerServer } from './nodes/controller-server.js';
export { createBtNavigator, NAVIGATE_ACTION, GOAL_ABORTED_CODE } from './nodes/bt-navigator.js';
export { createSensorMonitor } from './nodes/sensor-monitor.js';
export { createObstacleDetector } from './nodes/obstacle-detector.js';
export { createScenario, TRIGGER_SERVICE, type ScenarioOverrides } from './nodes/scenario.js';
export { createSafetyGate, PROTECTIVE_STOP, SIGNAL_TOPICS } from './nodes/safety-gate.js';
export { createIslandLink } from './nodes/island-link.js';
export { DemoFaultReporter, Severity, EVENT_FAILED, EVENT_PASSED, type DemoFaultReporterOptions } from './faults/fault-reporter.js';
export { GateLogic, DEFAULT_GATE, type GateSettings, type GateEvent } from './safety/gate-logic.js';
export { minFrontRange, type ScanLike } from './safety/front-sector.js';
export { SimClock } from './sim/sim-clock.js';
export { SeededRandom } from './sim/random.js';
export { World, type Pose2D } from './sim/world.js';
export { PersonWalk, DEFAULT_WALK, type PersonSighting, type PersonWalkTiming } from './sim/person.js';
export { parseLaunchOptions, LAUNCH_HELP, type LaunchOptions } from './launcher/options.js';
export { launchPlan, childEnv, ISLAND_PEER_NAME, type LaunchPlan, type ProcessSpec } from './launcher/plan.js';
export { DEMO_ROOT, DIST, MANIFESTS, CONFIG, SCRIPTS } from './paths.js';
