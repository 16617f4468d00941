/**
 * ROS interface type names ↔ DDS type names (docs/ros2.md):
 * `std_msgs/msg/String` ↔ `std_msgs::msg::dds_::String_`, `pkg/srv/X` requests and responses are
 * `pkg::srv::dds_::X_Request_` / `X_Response_`, action parts `pkg::action::dds_::X_SendGoal_Request_` etc.
 */

/** The three kinds of interface files. */
export type InterfaceKind = 'msg' | 'srv' | 'action';

/** A ROS type name split in its parts: `geometry_msgs/msg/Twist` → `{pkg, kind: 'msg', name: 'Twist'}`. */
interface RosTypeName {
  pkg: string;
  kind: InterfaceKind;
  name: string;
}

const PKG = /^[A-Za-z][A-Za-z0-9_]*$/;
const TYPE = /^[A-Za-z][A-Za-z0-9_]*$/;
const KINDS: readonly string[] = ['msg', 'srv', 'action'];

/**
 * Parses `pkg/kind/Name`, the short form `pkg/Name` (= `pkg/msg/Name`) or a DDS type name
 * (`pkg::msg::dds_::Name_`). Returns `undefined` for anything else.
 */
export function parseRosTypeName(typeName: string): RosTypeName | undefined {
  if (typeName.includes('::')) {
    const ros = ddsTypeToRos(typeName);
    return ros === undefined ? undefined : parseRosTypeName(ros);
  }
  const parts = typeName.split('/');
  if (parts.length === 2) parts.splice(1, 0, 'msg');
  if (parts.length !== 3) return undefined;
  const [pkg, kind, name] = parts;
  if (!PKG.test(pkg) || !KINDS.includes(kind) || !TYPE.test(name)) return undefined;
  return { pkg, kind: kind as InterfaceKind, name };
}

/** Canonical `pkg/kind/Name` of any form {@link parseRosTypeName} accepts, or `undefined`. */
export function normalizeRosTypeName(typeName: string): string | undefined {
  const parsed = parseRosTypeName(typeName);
  return parsed && formatRosTypeName(parsed);
}

/** `{pkg, kind, name}` → `pkg/kind/name`. */
function formatRosTypeName(t: RosTypeName): string {
  return `${t.pkg}/${t.kind}/${t.name}`;
}

/**
 * DDS type name of a ROS message-like type: `std_msgs/msg/String` → `std_msgs::msg::dds_::String_`,
 * `pkg/srv/X_Request` → `pkg::srv::dds_::X_Request_`. Throws on a malformed name.
 */
export function rosTypeToDds(typeName: string): string {
  const t = parseRosTypeName(typeName);
  if (!t) throw new Error(`'${typeName}' is not a ROS type name (expected pkg/msg|srv|action/Name)`);
  return `${t.pkg}::${t.kind}::dds_::${t.name}_`;
}

/**
 * ROS type name of a DDS type name: `std_msgs::msg::dds_::String_` → `std_msgs/msg/String`.
 * Requires four `::` parts, `dds_` third and a trailing `_`; returns `undefined` otherwise.
 */
export function ddsTypeToRos(ddsName: string): string | undefined {
  const parts = ddsName.split('::');
  if (parts.length !== 4) return undefined;
  const [pkg, kind, dds, last] = parts;
  if (dds !== 'dds_' || !last.endsWith('_') || !KINDS.includes(kind)) return undefined;
  const name = last.slice(0, -1);
  if (!PKG.test(pkg) || !TYPE.test(name)) return undefined;
  return `${pkg}/${kind}/${name}`;
}

/** DDS type names of a service's request and response: `pkg/srv/X` → `..._Request_`, `..._Response_`. */
export function serviceTypeToDds(serviceType: string): { request: string; response: string } {
  return { request: rosTypeToDds(`${serviceType}_Request`), response: rosTypeToDds(`${serviceType}_Response`) };
}

/** Message-like types that make up an action `pkg/action/X` on the wire. */
interface ActionWireTypes {
  sendGoalRequest: string;
  sendGoalResponse: string;
  getResultRequest: string;
  getResultResponse: string;
  feedbackMessage: string;
  cancelGoalRequest: string;
  cancelGoalResponse: string;
  status: string;
}

/** ROS names of the wire types of action `pkg/action/X` (use {@link rosTypeToDds} for the DDS form). */
export function actionWireTypes(actionType: string): ActionWireTypes {
  const base = normalizeRosTypeName(actionType);
  if (!base || parseRosTypeName(base)?.kind !== 'action') {
    throw new Error(`'${actionType}' is not an action type name (expected pkg/action/Name)`);
  }
  return {
    sendGoalRequest: `${base}_SendGoal_Request`,
    sendGoalResponse: `${base}_SendGoal_Response`,
    getResultRequest: `${base}_GetResult_Request`,
    getResultResponse: `${base}_GetResult_Response`,
    feedbackMessage: `${base}_FeedbackMessage`,
    cancelGoalRequest: 'action_msgs/srv/CancelGoal_Request',
    cancelGoalResponse: 'action_msgs/srv/CancelGoal_Response',
    status: 'action_msgs/msg/GoalStatusArray',
  };
}

/** What role a message-like type plays: a plain message, part of a service, or part of an action. */
type TypeRole =
  | { role: 'message'; type: string }
  | { role: 'request' | 'response' | 'event'; service: string }
  | { role: 'goal' | 'result' | 'feedback' | 'feedbackMessage'; action: string }
  | { role: 'sendGoalRequest' | 'sendGoalResponse' | 'getResultRequest' | 'getResultResponse'; action: string };

const SERVICE_SUFFIXES = [
  ['_Request', 'request'],
  ['_Response', 'response'],
  ['_Event', 'event'],
] as const;
// Longest first, so `_SendGoal_Request` wins over a shorter match.
const ACTION_SUFFIXES = [
  ['_SendGoal_Response', 'sendGoalResponse'],
  ['_GetResult_Response', 'getResultResponse'],
  ['_SendGoal_Request', 'sendGoalRequest'],
  ['_GetResult_Request', 'getResultRequest'],
  ['_FeedbackMessage', 'feedbackMessage'],
  ['_Feedback', 'feedback'],
  ['_Result', 'result'],
  ['_Goal', 'goal'],
] as const;

/**
 * Classifies a message-like type name (ROS or DDS form): `pkg/srv/X_Request` → request of service
 * `pkg/srv/X`, `pkg::action::dds_::F_FeedbackMessage_` → feedback message of action `pkg/action/F`.
 * Returns `undefined` for a malformed name or a srv/action name without a known suffix.
 */
export function classifyType(typeName: string): TypeRole | undefined {
  const t = parseRosTypeName(typeName);
  if (!t) return undefined;
  const full = formatRosTypeName(t);
  if (t.kind === 'msg') return { role: 'message', type: full };
  const table = t.kind === 'srv' ? SERVICE_SUFFIXES : ACTION_SUFFIXES;
  for (const [suffix, role] of table) {
    if (t.name.endsWith(suffix) && t.name.length > suffix.length) {
      const base = full.slice(0, -suffix.length);
      return t.kind === 'srv'
        ? { role: role as 'request' | 'response' | 'event', service: base }
        : ({ role, action: base } as TypeRole);
    }
  }
  return undefined;
}
