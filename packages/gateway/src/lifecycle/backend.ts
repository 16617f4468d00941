// Lifecycle services of remote nodes over the gateway's node: the connection's one LifecycleClient per node
// (shared with plugins).
import type { RosConnection } from '../ros/connection.js';
import type { LifecycleBackend } from './ros-provider.js';

export function rosLifecycleBackend(ros: RosConnection): LifecycleBackend {
  const client = (fqn: string) => ros.lifecycleClient(fqn);
  const serves = (name: string) => ros.graph.serviceServers(name).some((s) => !s.requestReader.local);
  return {
    isManaged: (fqn) => serves(`${fqn}/get_state`) && serves(`${fqn}/change_state`),
    getState: (fqn, o) => client(fqn).getState(o),
    changeState: (fqn, t, o) => client(fqn).changeState(t, o),
  };
}
