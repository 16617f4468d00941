/**
 * /safety/island_link: the safety island's I/O link to the robot, like a ROS 2 domain bridge. The
 * island runs on its own ROS domain (as if on another runtime); this node has one foot on each
 * domain and relays serialized messages unchanged: /scan and /cmd_vel from the robot to the island,
 * /cmd_vel_safe and /safety/protective_stop from the island back to the robot.
 * It reports no fault of its own: the island's PROTECTIVE_STOP reaches the main gateway through federation, and
 * the main gateway's correlation rule (config/main-correlation.yaml) takes it as the root cause of the navigation
 * aborts it causes (docs/faults.md "Correlation over federation"). A robot with a real safety PLC has no such
 * relay node either.
 */
import { QOS_DEFAULT, QOS_SENSOR_DATA, QOS_TRANSIENT_LOCAL, type QosInput, type RosContext } from '@medkit/ros2';
import type { DemoNode } from './demo-node.js';

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
  const relay = (from: typeof onRobot, to: typeof onRobot, r: Relay) => {
    const pub = to.createPublisher(r.topic, r.type, r.qos);
    from.createSubscription(r.topic, r.type, (_m, info) => pub.publishRaw(info.raw), r.qos, { raw: true });
  };
  for (const r of TO_ISLAND) relay(onRobot, onIsland, r);
  for (const r of TO_ROBOT) relay(onIsland, onRobot, r);
  onRobot.logger.info(`relaying ${TO_ISLAND.map((r) => r.topic).join(', ')} to domain ${island.domainId} and ${TO_ROBOT.map((r) => r.topic).join(', ')} back`);
  return {
    node: onRobot,
    close() {
      onRobot.destroy();
      onIsland.destroy();
    },
  };
}
