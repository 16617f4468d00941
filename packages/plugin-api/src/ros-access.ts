// The ROS-flavoured part of the plugin contract (docs/plugins.md): read the live graph, subscribe through the
// gateway (never on its node directly), read parameters and lifecycle states with a deadline, and report
// faults to the fault manager. Types only; the gateway implements it in ros-access.ts.
import type { QosInput, RosEndpointInfo, RosNode, RosNodeInfo } from '@medkit/ros2';

/** The live ROS graph as plain data, without the gateway's own endpoints. */
export interface PluginRosGraph {
  /** Changes whenever the graph changed (cheap change test). */
  readonly version: number;
  nodes(): RosNodeInfo[];
  publishersOf(topic: string): RosEndpointInfo[];
  subscribersOf(topic: string): RosEndpointInfo[];
}

/** What comes with each message of a plugin subscription. */
export interface PluginMessageInfo {
  /** The publisher's writer GUID (32 hex). */
  publisherGuid: string;
  /** Encoded size in bytes. */
  size: number;
}

/** A publisher a plugin created on the gateway's node (`advertise`). */
export interface PluginPublisher {
  readonly topic: string;
  readonly type: string;
  /** Serializes and sends a JSON-form message; throws when it does not fit the type (nothing is sent). */
  publish(message: Record<string, unknown>): void;
  /** Subscriptions matched right now. */
  readonly subscriptionCount: number;
  close(): void;
}

export interface PluginRosAccess {
  readonly graph: PluginRosGraph;
  /** [ours] The ROS domain the gateway joined (optional: absent on older gateways). */
  readonly domainId?: number;
  /**
   * Subscribes on the gateway's node; the returned function unsubscribes. The gateway closes what is left at
   * shutdown, and a callback that throws is counted as a failed plugin call instead of crashing the gateway.
   * `qos` defaults to 'auto' (matched to the publishers seen).
   */
  subscribe(topic: string, type: string, onMessage: (message: Record<string, unknown>, info: PluginMessageInfo) => void, qos?: QosInput | 'auto'): () => void;
  /**
   * [ours] Publishes on the gateway's node: a publisher of `type` (`std_msgs/msg/Float32`) on the absolute
   * `topic`, default QoS. The gateway closes what is left at shutdown. Throws on an invalid name or unknown type.
   */
  advertise(topic: string, type: string): PluginPublisher;
  /** Reads named parameters of a node (`/ns/name`); an unset name comes back with `value: null, set: false`. */
  getParameters(nodeFqn: string, names: string[], timeoutMs: number): Promise<{ name: string; set: boolean; value: unknown }[]>;
  /** Names of all parameters of a node. */
  listParameters(nodeFqn: string, timeoutMs: number): Promise<string[]>;
  /** Lifecycle state of a managed node (`{id: 3, label: 'active'}`); rejects when the node does not answer. */
  lifecycleState(nodeFqn: string, timeoutMs: number): Promise<{ id: number; label: string }>;
  /** True when the node serves the lifecycle services (is a managed node). */
  isManaged(nodeFqn: string): boolean;
  /**
   * [ours] A hidden helper node (its name starts with `_`) on the gateway's participant, without /rosout or
   * parameter services, for a plugin that must call ROS services as a node of its own (the parameter beacon
   * polls through `_param_beacon_node`). Destroy it when done; the gateway destroys what is left at shutdown.
   * Optional: absent on gateways before this contract.
   */
  helperNode?(name: string): RosNode;
}
