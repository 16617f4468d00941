/** Builders for RuntimeGraphSnapshot test data (plain data, as the ROS layer would fill it). */
import type { GraphEndpoint, GraphNode, RuntimeGraphSnapshot } from '@medkit/gateway';

export interface NodeSpec {
  pub?: Array<string | [string, string]>;
  sub?: Array<string | [string, string]>;
  srv?: Array<[string, string]>;
}

function ep(x: string | [string, string]): GraphEndpoint {
  return typeof x === 'string' ? { name: x, types: ['std_msgs/msg/String'] } : { name: x[0], types: [x[1]] };
}

/** A node from its FQN. */
export function node(fqn: string, spec: NodeSpec = {}): GraphNode {
  const i = fqn.lastIndexOf('/');
  return {
    name: fqn.slice(i + 1),
    namespace: i === 0 ? '/' : fqn.slice(0, i),
    publishes: (spec.pub ?? []).map(ep),
    subscribes: (spec.sub ?? []).map(ep),
    services: (spec.srv ?? []).map(([name, type]) => ({ name, types: [type] })),
  };
}

export function graph(...nodes: GraphNode[]): RuntimeGraphSnapshot {
  return { nodes };
}

/** A source whose snapshot the test can swap. */
export class StaticGraphSource {
  constructor(public current: RuntimeGraphSnapshot = graph()) {}
  snapshot(): RuntimeGraphSnapshot {
    return structuredClone(this.current);
  }
}
