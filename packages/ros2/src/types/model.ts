/**
 * The resolved shape of ROS 2 interface types. Field lists use @foxglove/message-definition's
 * field objects with canonical type names: a primitive (`bool`, `int8` … `float64`, `string`,
 * `wstring`; `byte` and `char` read as `uint8`) or a full `pkg/msg/Name`-style name for nested types
 * (`builtin_interfaces/msg/Time` included, never the parser's `time` shorthand).
 */
import type { MessageDefinition, MessageDefinitionField } from '@foxglove/message-definition';

export type { MessageDefinition, MessageDefinitionField };

/** Primitive field types as they appear in resolved definitions. */
export type PrimitiveType =
  | 'bool'
  | 'int8'
  | 'uint8'
  | 'int16'
  | 'uint16'
  | 'int32'
  | 'uint32'
  | 'int64'
  | 'uint64'
  | 'float32'
  | 'float64'
  | 'string'
  | 'wstring';

/** Data fields (constants excluded) of every type reachable from a message, by canonical type name. */
export type TypeGraph = ReadonlyMap<string, readonly MessageDefinitionField[]>;

/** A message-like type (a `.msg`, one half of a service, or one part of an action) with all it depends on. */
export interface MessageType {
  /** Canonical ROS name, e.g. `geometry_msgs/msg/Twist`, `example_interfaces/srv/AddTwoInts_Request`. */
  readonly name: string;
  /** DDS type name, e.g. `geometry_msgs::msg::dds_::Twist_`. */
  readonly ddsName: string;
  /** Data fields in wire order. */
  readonly fields: readonly MessageDefinitionField[];
  /** Constants declared by this type (they do not go on the wire). */
  readonly constants: readonly MessageDefinitionField[];
  /** This type first, then every nested type, each named canonically (constants included). */
  readonly definitions: readonly MessageDefinition[];
  /** Data fields of this type and every nested type. */
  readonly graph: TypeGraph;
  /** Where the definition came from: `bundled`, `ament:<prefix>`, `registered`, `derived` … */
  readonly origin: string;
  /** The `.msg` text this type was parsed from. */
  readonly text: string;
}

/** A service: its request and response messages. */
export interface ServiceType {
  /** e.g. `example_interfaces/srv/AddTwoInts` or, for action services, `pkg/action/Fib_SendGoal`. */
  readonly name: string;
  readonly request: MessageType;
  readonly response: MessageType;
}

/** An action: the user's goal/result/feedback and the wrappers rosidl builds around them (docs/ros2.md). */
export interface ActionType {
  /** e.g. `example_interfaces/action/Fibonacci`. */
  readonly name: string;
  readonly goal: MessageType;
  readonly result: MessageType;
  readonly feedback: MessageType;
  /** `<Name>_SendGoal`: request `{goal_id, goal}`, response `{accepted, stamp}`. */
  readonly sendGoal: ServiceType;
  /** `<Name>_GetResult`: request `{goal_id}`, response `{status, result}`. */
  readonly getResult: ServiceType;
  /** `<Name>_FeedbackMessage`: `{goal_id, feedback}`, published on `<action>/_action/feedback`. */
  readonly feedbackMessage: MessageType;
  /** `action_msgs/srv/CancelGoal`, shared by every action. */
  readonly cancelGoal: ServiceType;
  /** `action_msgs/msg/GoalStatusArray`, published on `<action>/_action/status`. */
  readonly status: MessageType;
}

/** Result of looking a type up without throwing. */
export type TypeLookup =
  | { known: true; kind: 'msg'; message: MessageType }
  | { known: true; kind: 'srv'; service: ServiceType }
  | { known: true; kind: 'action'; action: ActionType }
  | { known: false; reason: string };
