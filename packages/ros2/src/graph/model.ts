/** The shapes the ROS graph hands out: plain data, safe to serialize. */
import type { QoS } from '@medkit/rtps';

/** A topic or service endpoint of one node, with every type advertised for that name. */
export interface GraphEndpoint {
  /** Fully qualified ROS name, e.g. `/sensors/scan`. */
  name: string;
  /** Advertised types, first one used (`sensor_msgs/msg/LaserScan`). */
  types: string[];
}

/** One node in a {@link RuntimeGraphSnapshot}. */
export interface GraphNode {
  /** Bare node name. */
  name: string;
  /** `/`-rooted namespace (`/` for the root). */
  namespace: string;
  publishes: GraphEndpoint[];
  subscribes: GraphEndpoint[];
  /** Services this node serves (actions show up as their `/_action/*` services). */
  services: GraphEndpoint[];
}

/** A plain picture of the graph at one moment (the gateway's discovery reads it). */
export interface RuntimeGraphSnapshot {
  nodes: GraphNode[];
}

/** Name used by ROS tools for endpoints that no node lists. */
export const UNKNOWN_NODE_NAME = '_NODE_NAME_UNKNOWN_';
/** Namespace used by ROS tools for endpoints that no node lists. */
export const UNKNOWN_NODE_NAMESPACE = '_NODE_NAMESPACE_UNKNOWN_';

/** A discovered DDS endpoint seen through ROS naming. */
export interface RosEndpointInfo {
  /** Endpoint GUID, 32 hex. */
  guid: string;
  kind: 'writer' | 'reader';
  /** DDS topic name (`rt/chatter`, `rq/add_two_intsRequest`). */
  ddsTopic: string;
  /** DDS type name (`std_msgs::msg::dds_::String_`). */
  ddsType: string;
  /** What the DDS topic is in ROS terms; `other` for non-ROS topics. */
  role: 'topic' | 'request' | 'reply' | 'other';
  /** ROS topic or service name (`/chatter`, `/add_two_ints`); the DDS name for `other`. */
  rosName: string;
  /** ROS type of the message (`std_msgs/msg/String`, `example_interfaces/srv/AddTwoInts_Request`); the DDS name if it does not demangle. */
  rosType: string;
  qos: QoS;
  /** `RIHS01_...` from USER_DATA (Iron+), when sent. */
  typeHash?: string;
  /** Every `key=value;` pair of the endpoint's USER_DATA. */
  userData: Record<string, string>;
  /** Owning participant GUID (32 hex). */
  participantGuid: string;
  vendorId: number;
  vendor: string;
  /** The owning node, when some ros_discovery_info lists this endpoint. */
  node?: { name: string; namespace: string };
  /** True for endpoints of this process. */
  local: boolean;
}

/** A service seen on one node: name, service type, and the endpoints that make it. */
export interface RosServiceInfo {
  name: string;
  /** `pkg/srv/X` (or `pkg/action/X_SendGoal` style for action parts); the request's DDS type if it does not demangle. */
  type: string;
  /** Request reader (server) or request writer (client) GUID. */
  requestEndpoint?: string;
  /** Reply writer (server) or reply reader (client) GUID. */
  replyEndpoint?: string;
}

/** An action seen on one node, from its `_action/*` parts. */
export interface RosActionInfo {
  name: string;
  /** `pkg/action/X`, when a typed part (send_goal, get_result, feedback) was seen. */
  type?: string;
}

/** A node with everything it owns. */
export interface RosNodeInfo {
  name: string;
  namespace: string;
  /** Fully qualified name (`/ns/name`). */
  fqn: string;
  /** Enclave from participant USER_DATA (`/` by default). */
  enclave: string;
  /** Owning participant GUID (32 hex). */
  participantGuid: string;
  vendorId: number;
  vendor: string;
  /** Gid layout of the participant's ros_discovery_info (16 Iron+, 24 Humble). */
  gidSize?: 16 | 24;
  /** Node of this process. */
  local: boolean;
  /** The bucket of endpoints no node lists (one per participant). */
  unknown: boolean;
  publishers: RosEndpointInfo[];
  subscriptions: RosEndpointInfo[];
  serviceServers: RosServiceInfo[];
  serviceClients: RosServiceInfo[];
  actionServers: RosActionInfo[];
  actionClients: RosActionInfo[];
}

/** A participant seen through SPDP. */
export interface RosParticipantInfo {
  guid: string;
  vendorId: number;
  vendor: string;
  enclave: string;
  userData: Record<string, string>;
  local: boolean;
  gidSize?: 16 | 24;
  /** Fully qualified names of its nodes. */
  nodes: string[];
}
