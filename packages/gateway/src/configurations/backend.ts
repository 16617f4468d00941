// The parameter services of remote nodes as the configurations resource needs them. The ROS binding
// wraps @medkit/ros2's ParameterClient; unit tests can hand in a fake.
import type { RosConnection } from '../ros/connection.js';
import type { RosParameterValue } from './values.js';

export interface CallOpts {
  timeoutMs: number;
  signal?: AbortSignal;
}

export interface ParamValue {
  name: string;
  /** ParameterType id; 0 = the node does not have it. */
  type: number;
  value: RosParameterValue;
}

export interface ParamDescriptor {
  name: string;
  type: number;
  description: string;
  read_only: boolean;
  additional_constraints: string;
}

export interface ParameterBackend {
  /** False when the graph shows no parameter service for the node (answer "unavailable" without waiting). */
  serves(fqn: string): boolean;
  list(fqn: string, o: CallOpts): Promise<string[]>;
  get(fqn: string, names: string[], o: CallOpts): Promise<ParamValue[]>;
  describe(fqn: string, names: string[], o: CallOpts): Promise<ParamDescriptor[]>;
  set(fqn: string, params: { name: string; type: number; value: RosParameterValue }[], o: CallOpts): Promise<{ successful: boolean; reason: string }[]>;
  close(): void;
}

/**
 * The backend over the gateway's node: the connection's one ParameterClient per target node, created on first use
 * (not memoised here: the connection closes the clients of nodes that left the graph).
 */
export function rosParameterBackend(ros: RosConnection): ParameterBackend {
  const client = (fqn: string) => ros.parameterClient(fqn);
  return {
    serves: (fqn) => ros.graph.serviceServers(`${fqn}/get_parameters`).some((s) => !s.requestReader.local),
    list: async (fqn, o) => (await client(fqn).list([], 0, o)).names,
    get: (fqn, names, o) => client(fqn).get(names, o),
    describe: async (fqn, names, o) =>
      (await client(fqn).describe(names, o)).map((d, i) => ({
        name: d.name || names[i],
        type: d.type,
        description: d.description,
        read_only: d.read_only,
        additional_constraints: d.additional_constraints,
      })),
    set: (fqn, params, o) => client(fqn).set(params, o),
    // The clients belong to the connection (shared with plugins); it closes them with the gateway's node.
    close: () => {},
  };
}
