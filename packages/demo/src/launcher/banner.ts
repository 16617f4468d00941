/** What the launcher prints once everything is up: where to look and what to try. */
import type { LaunchOptions } from './options.js';
import type { LaunchPlan } from './plan.js';

export function banner(o: LaunchOptions, plan: LaunchPlan, keepData: boolean): string {
  const api = `${plan.mainUrl}/api/v1`;
  const first = o.firstScenarioSec / o.speed;
  const period = o.scenarioPeriodSec / o.speed;
  const post = `curl -s -X POST -H 'Content-Type: application/json' -d '{}' ${api}/apps/scenario/operations/trigger_person/executions`;
  return [
    '',
    'medkit demo is running: a simulated robot, its safety island and two gateways',
    `(ROS domain ${o.domain} for the robot, ${o.islandDomain} for the safety island; loopback only)`,
    ...(plan.keystore ? [`Secured with SROS2 (DDS-Security): one enclave per process in ${plan.keystore}, SROS2's default governance`] : []),
    '',
    `  Web UI           ${plan.mainUrl}/`,
    `  Main gateway     ${api}`,
    `  Safety island    ${plan.islandUrl}/api/v1   (federated into the main gateway)`,
    '',
    'Try:',
    `  curl -s ${api}/areas                           # the tree: base, sensors, navigation, perception, safety, demo`,
    `  curl -s ${api}/apps                            # every app, the safety island's safety_gate included`,
    `  curl -s ${api}/apps/battery_monitor/data       # live topics of one app`,
    `  curl -s ${api}/apps/lidar/configurations       # ROS parameters (PUT one to inject a fault)`,
    `  curl -s ${api}/faults                          # faults from both gateways on one timeline`,
    `  ${post}`,
    '                                                   # a person steps into the path now',
    `  curl -s ${api}/apps/safety_gate/faults/PROTECTIVE_STOP   # freeze frame: commanded_vx, min_range_m, stop_threshold_m`,
    `  curl -sN ${api}/faults/stream                  # live fault events (Ctrl-C to stop)`,
    '',
    o.autoplay
      ? `A person steps into the robot's path ${first.toFixed(first < 10 ? 1 : 0)} s after start and then every ${period.toFixed(period < 10 ? 1 : 0)} s:`
      : 'A person steps into the robot\'s path whenever you run trigger_person (above):',
    'PROTECTIVE_STOP (safety island), then ACTION_NAVIGATE_TO_POSE_ABORTED and NAVIGATION_GOAL_ABORTED;',
    'the protective stop heals when the person has left.',
    '',
    `Data and logs: ${plan.dataDir}${keepData ? '' : ' (deleted on exit; --data-dir DIR keeps them)'}`,
    'Press Ctrl-C to stop everything.',
    '',
  ].join('\n');
}
