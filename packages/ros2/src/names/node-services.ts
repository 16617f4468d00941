/**
 * Services and topics that belong to a node by name (docs/ros2.md): the parameter services of
 * every rclcpp node, get_type_description (Jazzy+), logger services (Iron+, opt-in) and the
 * lifecycle interface of managed nodes. All are `<node FQN>/<suffix>`.
 */

/** A node-scoped interface: its name suffix below the node FQN and its ROS type. */
export interface NodeScopedInterface {
  suffix: string;
  type: string;
}

/** The six parameter services every rclcpp node has (parameters QoS profile). */
export const PARAMETER_SERVICES = {
  describeParameters: { suffix: 'describe_parameters', type: 'rcl_interfaces/srv/DescribeParameters' },
  getParameters: { suffix: 'get_parameters', type: 'rcl_interfaces/srv/GetParameters' },
  getParameterTypes: { suffix: 'get_parameter_types', type: 'rcl_interfaces/srv/GetParameterTypes' },
  listParameters: { suffix: 'list_parameters', type: 'rcl_interfaces/srv/ListParameters' },
  setParameters: { suffix: 'set_parameters', type: 'rcl_interfaces/srv/SetParameters' },
  setParametersAtomically: { suffix: 'set_parameters_atomically', type: 'rcl_interfaces/srv/SetParametersAtomically' },
} as const satisfies Record<string, NodeScopedInterface>;

/** Runtime type lookup (Jazzy+, on by default). */
export const TYPE_DESCRIPTION_SERVICE = {
  suffix: 'get_type_description',
  type: 'type_description_interfaces/srv/GetTypeDescription',
} as const satisfies NodeScopedInterface;

/** Logger level services (Iron+, only when the node enables them). */
const LOGGER_SERVICES = {
  getLoggerLevels: { suffix: 'get_logger_levels', type: 'rcl_interfaces/srv/GetLoggerLevels' },
  setLoggerLevels: { suffix: 'set_logger_levels', type: 'rcl_interfaces/srv/SetLoggerLevels' },
} as const satisfies Record<string, NodeScopedInterface>;

/** Services of a lifecycle (managed) node. */
export const LIFECYCLE_SERVICES = {
  changeState: { suffix: 'change_state', type: 'lifecycle_msgs/srv/ChangeState' },
  getState: { suffix: 'get_state', type: 'lifecycle_msgs/srv/GetState' },
  getAvailableStates: { suffix: 'get_available_states', type: 'lifecycle_msgs/srv/GetAvailableStates' },
  getAvailableTransitions: { suffix: 'get_available_transitions', type: 'lifecycle_msgs/srv/GetAvailableTransitions' },
  getTransitionGraph: { suffix: 'get_transition_graph', type: 'lifecycle_msgs/srv/GetAvailableTransitions' },
} as const satisfies Record<string, NodeScopedInterface>;

/** Topic a lifecycle node publishes its transitions on. */
export const LIFECYCLE_TRANSITION_EVENT_TOPIC = {
  suffix: 'transition_event',
  type: 'lifecycle_msgs/msg/TransitionEvent',
} as const satisfies NodeScopedInterface;

/** Name of a node-scoped interface: (`/ns/node`, `get_parameters`) → `/ns/node/get_parameters`. */
export function nodeScopedName(nodeFqn: string, suffix: string): string {
  return `${nodeFqn === '/' ? '' : nodeFqn}/${suffix}`;
}

/**
 * Splits a service or topic name that ends in a known node-scoped suffix into the node FQN and the
 * interface: `/ns/node/get_parameters` → `{node: '/ns/node', interface: PARAMETER_SERVICES.getParameters}`.
 * Only the given table is considered (defaults to every table above).
 */
export function parseNodeScopedName(
  name: string,
  table: readonly NodeScopedInterface[] = ALL_NODE_SCOPED,
): { node: string; interface: NodeScopedInterface } | undefined {
  for (const entry of table) {
    const tail = `/${entry.suffix}`;
    if (name.endsWith(tail) && name.length > tail.length) return { node: name.slice(0, -tail.length), interface: entry };
  }
  return undefined;
}

/** Every node-scoped service and topic above, in one list. */
const ALL_NODE_SCOPED: readonly NodeScopedInterface[] = [
  ...Object.values(PARAMETER_SERVICES),
  TYPE_DESCRIPTION_SERVICE,
  ...Object.values(LOGGER_SERVICES),
  ...Object.values(LIFECYCLE_SERVICES),
  LIFECYCLE_TRANSITION_EVENT_TOPIC,
];
