/**
 * Two nodes with the planted defects the graph watchdog finds (docs/graph.md), each fixable at run
 * time through a parameter of /navigation/local_costmap (for example from the gateway's configurations page):
 * - /perception/scan_filter republishes every other /scan on /perception/filtered_scan and publishes the
 *   nearest range on /perception/scan_stats, both BEST_EFFORT (sensor data).
 * - /navigation/local_costmap listens to /perception/filterd_scan, a typo nobody publishes: GRAPH_ORPHAN
 *   (`input_topic: /perception/filtered_scan` fixes it), and to /perception/scan_stats with RELIABLE QoS, which a
 *   BEST_EFFORT publisher cannot serve: GRAPH_QOS_MISMATCH (`reliable_stats: false` fixes it).
 */
import { QOS_SENSOR_DATA, type RosContext, type RosNode, type Subscription } from '@medkit/ros2';
import type { DemoNode } from './demo-node.js';

const FILTERED_SCAN = '/perception/filtered_scan';
const TYPO_SCAN = '/perception/filterd_scan';
const SCAN_STATS = '/perception/scan_stats';

/** Re-creates `sub` whenever one of the node's parameters named in `watch` is set (after the set is accepted). */
function resubscribeOnSet(node: RosNode, watch: string, make: () => Subscription): () => Subscription {
  let sub = make();
  node.parameters.onSet((params) => {
    if (!params.some((p) => p.name === watch)) return;
    setImmediate(() => {
      sub.close();
      sub = make();
    });
  });
  return () => sub;
}

export function createScanFilter(ctx: RosContext): DemoNode {
  const node = ctx.createNode('scan_filter', '/perception');
  const out = node.createPublisher(FILTERED_SCAN, 'sensor_msgs/msg/LaserScan', QOS_SENSOR_DATA);
  const stats = node.createPublisher(SCAN_STATS, 'std_msgs/msg/Float64', QOS_SENSOR_DATA);
  let n = 0;
  const sub = node.createSubscription('/scan', 'sensor_msgs/msg/LaserScan', (m) => {
    if (n++ % 2 !== 0) return;
    out.publish(m);
    const ranges = m.ranges as ArrayLike<number>;
    let min = Infinity;
    for (let i = 0; i < ranges.length; i++) if (ranges[i] < min) min = ranges[i];
    stats.publish({ data: Number.isFinite(min) ? min : 0 });
  }, QOS_SENSOR_DATA);
  node.logger.info(`started: every other /scan on ${FILTERED_SCAN}, nearest range on ${SCAN_STATS}`);
  return {
    node,
    close() {
      sub.close();
      node.destroy();
    },
  };
}

export function createLocalCostmap(ctx: RosContext): DemoNode {
  const node = ctx.createNode('local_costmap', '/navigation');
  node.parameters.declare('input_topic', TYPO_SCAN, { description: `Filtered scan to build the costmap from (${TYPO_SCAN} is a planted typo of ${FILTERED_SCAN})` });
  node.parameters.declare('reliable_stats', true, { description: `Subscribe to ${SCAN_STATS} with RELIABLE QoS, which its BEST_EFFORT publisher cannot serve (planted defect; false fixes it)` });
  const scan = resubscribeOnSet(node, 'input_topic', () => node.createSubscription(String(node.parameters.get('input_topic')), 'sensor_msgs/msg/LaserScan', () => {}, QOS_SENSOR_DATA));
  const stats = resubscribeOnSet(node, 'reliable_stats', () => node.createSubscription(SCAN_STATS, 'std_msgs/msg/Float64', () => {}, node.parameters.get('reliable_stats') === true ? undefined : QOS_SENSOR_DATA));
  node.logger.info(`started: costmap from ${String(node.parameters.get('input_topic'))}, stats ${node.parameters.get('reliable_stats') === true ? 'RELIABLE (planted QoS defect)' : 'BEST_EFFORT'}`);
  return {
    node,
    close() {
      scan().close();
      stats().close();
      node.destroy();
    },
  };
}
