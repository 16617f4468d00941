/**
 * Discovery beacons of the demo robot (docs/beacons.md): some nodes describe themselves with
 * `ros2_medkit.discovery.*` parameters (read by the gateway's parameter beacon) and the motor controller
 * publishes MedkitDiscoveryHint messages on /ros2_medkit/discovery once a second (topic beacon), so the
 * gateway shows display names, extra function membership and metadata under `x-medkit.plugins.<name>`.
 */
import { hostname } from 'node:os';
import type { RosNode } from '@medkit/ros2';
import type { DemoNode } from './demo-node.js';

const PREFIX = 'ros2_medkit.discovery';

/** What a node says about itself (the parameter names of docs/beacons.md). */
interface DiscoveryHint {
  entity_id: string;
  display_name?: string;
  function_ids?: string[];
  metadata?: Record<string, string>;
}

/** Declares the hint as `ros2_medkit.discovery.*` parameters of `node`. */
function declareDiscoveryHint(node: RosNode, h: DiscoveryHint): void {
  node.parameters.declare(`${PREFIX}.entity_id`, h.entity_id);
  if (h.display_name) node.parameters.declare(`${PREFIX}.display_name`, h.display_name);
  if (h.function_ids?.length) node.parameters.declare(`${PREFIX}.function_ids`, h.function_ids);
  node.parameters.declare(`${PREFIX}.process_id`, process.pid);
  for (const [k, v] of Object.entries(h.metadata ?? {})) node.parameters.declare(`${PREFIX}.metadata.${k}`, v);
}

/** Publishes the hint on /ros2_medkit/discovery every `periodMs` until the returned closer runs. */
function publishTopicBeacon(node: RosNode, h: DiscoveryHint & { transport_type?: string }, periodMs = 1000): () => void {
  const pub = node.createPublisher('/ros2_medkit/discovery', 'ros2_medkit_msgs/msg/MedkitDiscoveryHint', { reliability: 'reliable', history: { kind: 'keep-last', depth: 10 } });
  const msg = {
    entity_id: h.entity_id,
    display_name: h.display_name ?? '',
    function_ids: h.function_ids ?? [],
    transport_type: h.transport_type ?? '',
    process_id: process.pid,
    process_name: 'medkit-demo-robot',
    hostname: hostname(),
    metadata: Object.entries(h.metadata ?? {}).map(([key, value]) => ({ key, value })),
  };
  const send = () => {
    try {
      pub.publish(msg);
    } catch {
      clearInterval(timer); // the node was destroyed (shutdown)
    }
  };
  const timer = setInterval(send, periodMs);
  timer.unref();
  send();
  return () => clearInterval(timer);
}

/** The demo's hints, applied to the running nodes by name; returns what stops the topic beacon. */
export function startDemoBeacons(nodes: readonly DemoNode[]): () => void {
  const byName = (name: string) => nodes.find((n) => n.node.name === name)?.node;
  const lidar = byName('lidar');
  if (lidar) declareDiscoveryHint(lidar, { entity_id: 'lidar', display_name: 'Front lidar', function_ids: ['environment-sensing', 'safety-monitoring'], metadata: { model: 'sim-360', beams: '360' } });
  const battery = byName('battery_monitor');
  if (battery) declareDiscoveryHint(battery, { entity_id: 'battery_monitor', display_name: 'Battery monitor', metadata: { chemistry: 'LiFePO4', cells: '8' } });
  const motor = byName('motor_controller');
  if (!motor) return () => {};
  return publishTopicBeacon(motor, { entity_id: 'motor_controller', display_name: 'Drive motors', transport_type: 'intra_process', metadata: { firmware: '2.1.0' } });
}
