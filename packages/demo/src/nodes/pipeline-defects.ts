/**
 * Two nodes with the planted defects the graph watchdog finds (spec/gateway.md §4.2), each fixable at run
 * time through a parameter (for example from the gateway's configurations page):
 * - /perception/scan_filter subscribes to /scan with the default RELIABLE QoS while the lidar offers only
 *   BEST_EFFORT (sensor data), so it never receives a scan: GRAPH_QOS_MISMATCH. `sensor_qos: true` fixes it.
 *   What it does receive it republishes, decimated, on /perception/filtered_scan.
 * - /navigation/local_costmap listens to /perception/filterd_scan, a typo nobody publishes: GRAPH_ORPHAN.
 *   `input_topic: /perception/filtered_scan` fixes it.
 */
import { QOS_SENSOR_DATA, type RosContext, type RosNode, type Subscription } from '@medkit/ros2';
import type { DemoNode } from './demo-node.js';

export const FILTERED_SCAN = '/perception/filtered_scan';
export const TYPO_SCAN = '/perception/filterd_scan';

/** Re-creates `sub` whenever one of the node's parameters named in `watch` is set (after the set is accepted). */
function resubscribeOnSet(node: RosNode, watch: string[], make: () => Subscription): () => Subscription {
  let sub = make();
  node.parameters.onSet((params) => {
    if (!params.some((p) => watch.includes(p.name))) return;
    setImmediate(() => {
      sub.close();
      sub = make();
    });
  });
  return () => sub;
}

export function createScanFilter(ctx: RosContext): DemoNode {
  const node = ctx.createNode('scan_filter', '/perception');
  node.parameters.declare('sensor_qos', false, { description: 'Subscribe to /scan with the sensor-data (BEST_EFFORT) QoS the lidar offers; false plants a QoS mismatch' });
  const out = node.createPublisher(FILTERED_SCAN, 'sensor_msgs/msg/LaserScan', QOS_SENSOR_DATA);
  let n = 0;
  const current = resubscribeOnSet(node, ['sensor_qos'], () =>
    node.createSubscription('/scan', 'sensor_msgs/msg/LaserScan', (m) => {
      if (n++ % 2 === 0) out.publish(m);
    }, node.parameters.get('sensor_qos') === true ? QOS_SENSOR_DATA : undefined),
  );
  node.logger.info(node.parameters.get('sensor_qos') === true ? 'started: filtering /scan' : 'started: subscribed to /scan with RELIABLE QoS (planted defect: the lidar offers BEST_EFFORT)');
  return {
    node,
    close() {
      current().close();
      node.destroy();
    },
  };
}

export function createLocalCostmap(ctx: RosContext): DemoNode {
  const node = ctx.createNode('local_costmap', '/navigation');
  node.parameters.declare('input_topic', TYPO_SCAN, { description: `Filtered scan to build the costmap from (${TYPO_SCAN} is a planted typo of ${FILTERED_SCAN})` });
  const current = resubscribeOnSet(node, ['input_topic'], () => node.createSubscription(String(node.parameters.get('input_topic')), 'sensor_msgs/msg/LaserScan', () => {}, QOS_SENSOR_DATA));
  node.logger.info(`started: costmap from ${String(node.parameters.get('input_topic'))}`);
  return {
    node,
    close() {
      current().close();
      node.destroy();
    },
  };
}
