/**
 * /safety/island_link: the safety island's I/O link to the robot, like a ROS 2 domain bridge. The
 * island runs on its own ROS domain (as if on another runtime); this node has one foot on each
 * domain and relays serialized messages unchanged: /scan and /cmd_vel from the robot to the island,
 * /cmd_vel_safe and /safety/protective_stop from the island back to the robot.
 * When it relays a raised protective stop it also reports PROTECTIVE_STOP to the robot's own fault
 * manager (the main gateway), as the robot sees it: the main gateway's correlation rule
 * (config/main-correlation.yaml) then lists the navigation aborts the stop causes as its symptoms.
 */
import { QOS_DEFAULT, QOS_SENSOR_DATA, QOS_TRANSIENT_LOCAL, type QosInput, type RosContext } from '@medkit/ros2';
import { DemoFaultReporter, Severity } from '../faults/fault-reporter.js';
import type { DemoNode } from './demo-node.js';

const ROBOT_SIDE_STOP = 'PROTECTIVE_STOP';

interface Relay {
  topic: string;
  type: string;
  qos: QosInput;
}

const TO_ISLAND: Relay[] = [
  { topic: '/scan', type: 'sensor_msgs/msg/LaserScan', qos: QOS_SENSOR_DATA },
  { topic: '/cmd_vel', type: 'geometry_msgs/msg/Twist', qos: QOS_DEFAULT },
];
const TO_ROBOT: Relay[] = [
  { topic: '/cmd_vel_safe', type: 'geometry_msgs/msg/Twist', qos: QOS_DEFAULT },
  { topic: '/safety/protective_stop', type: 'std_msgs/msg/Bool', qos: QOS_TRANSIENT_LOCAL },
];

export function createIslandLink(robot: RosContext, island: RosContext): DemoNode {
  const onRobot = robot.createNode('island_link', '/safety');
  const onIsland = island.createNode('island_link', '/safety');
  const faults = new DemoFaultReporter(onRobot);
  let stopped = false;
  // The stop as relayed: std_msgs/Bool in CDR is the 4-byte encapsulation header and one byte (one reader of
  // the topic, the relay's own).
  const onStop = (raw: Uint8Array) => {
    const now = raw.length > 4 && raw[4] !== 0;
    if (now === stopped) return;
    stopped = now;
    if (now) faults.failed(ROBOT_SIDE_STOP, Severity.CRITICAL, 'Safety island holds the robot: protective stop relayed by the island link');
    else faults.passed(ROBOT_SIDE_STOP);
  };
  const relay = (from: typeof onRobot, to: typeof onRobot, r: Relay) => {
    const pub = to.createPublisher(r.topic, r.type, r.qos);
    from.createSubscription(r.topic, r.type, (_m, info) => {
      pub.publishRaw(info.raw);
      if (r.topic === '/safety/protective_stop') onStop(info.raw);
    }, r.qos, { raw: true });
  };
  for (const r of TO_ISLAND) relay(onRobot, onIsland, r);
  for (const r of TO_ROBOT) relay(onIsland, onRobot, r);
  onRobot.logger.info(`relaying ${TO_ISLAND.map((r) => r.topic).join(', ')} to domain ${island.domainId} and ${TO_ROBOT.map((r) => r.topic).join(', ')} back`);
  return {
    node: onRobot,
    close() {
      faults.close();
      onRobot.destroy();
      onIsland.destroy();
    },
  };
}
