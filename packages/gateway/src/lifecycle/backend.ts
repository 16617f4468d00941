// Lifecycle services of remote nodes over the gateway's node: one LifecycleClient per node.
import type { LifecycleClient } from '@medkit/ros2';
import type { RosConnection } from '../ros/connection.js';
import { memo } from '../ros/route-kit.js';
import type { LifecycleBackend } from './ros-provider.js';

export function rosLifecycleBackend(ros: RosConnection): LifecycleBackend {
  const clients = new Map<string, LifecycleClient>();
  const client = (fqn: string) => memo(clients, fqn, () => ros.node.lifecycleClient(fqn));
  const serves = (name: string) => ros.graph.serviceServers(name).some((s) => !s.requestReader.local);
  return {
    isManaged: (fqn) => serves(`${fqn}/get_state`) && serves(`${fqn}/change_state`),
    getState: (fqn, o) => client(fqn).getState(o),
    changeState: (fqn, t, o) => client(fqn).changeState(t, o),
  };
}
