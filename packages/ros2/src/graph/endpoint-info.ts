/** Turns an SEDP endpoint announcement into its ROS view (names demangled, USER_DATA parsed). */
import { internString, vendorName, type EndpointData } from '@medkit/rtps';
import { classifyType, ddsTypeToRos, parseDdsTopic } from '../names/index.js';
import type { RosEndpointInfo } from './model.js';
import { parseUserData } from './user-data.js';

/** USER_DATA pairs of an endpoint that sends none (one shared, frozen record). */
const NO_PAIRS: Record<string, string> = Object.freeze({});

/**
 * The ROS view of one endpoint (node filled in later by the graph). Names, type hash and participant are
 * shared with equal ones of other endpoints (the graph of a large robot repeats them thousands of times).
 */
export function endpointInfo(d: EndpointData, local: boolean): RosEndpointInfo {
  const parsed = parseDdsTopic(d.topicName);
  const pairs = parseUserData(d.userData);
  const userData = Object.keys(pairs).length === 0 ? NO_PAIRS : pairs;
  return {
    guid: d.guid,
    kind: d.kind,
    ddsTopic: d.topicName,
    ddsType: d.typeName,
    role: parsed?.kind ?? 'other',
    rosName: internString(parsed?.rosName ?? d.topicName),
    rosType: internString(ddsTypeToRos(d.typeName) ?? d.typeName),
    qos: d.qos,
    typeHash: userData.typehash === undefined ? undefined : internString(userData.typehash),
    userData,
    participantGuid: internString(`${d.participantGuidPrefix}000001c1`),
    vendorId: d.vendorId,
    vendor: vendorName(d.vendorId),
    local,
  };
}

/**
 * The service type behind a request or reply message type: `pkg/srv/X_Request` → `pkg/srv/X`,
 * `pkg/action/F_SendGoal_Response` → `pkg/action/F_SendGoal`. Anything else comes back unchanged.
 */
export function serviceTypeOf(messageType: string): string {
  const role = classifyType(messageType);
  if (!role) return messageType;
  if ('service' in role) return role.service;
  if (role.role === 'sendGoalRequest' || role.role === 'sendGoalResponse') return `${role.action}_SendGoal`;
  if (role.role === 'getResultRequest' || role.role === 'getResultResponse') return `${role.action}_GetResult`;
  return messageType;
}

/** The action type a part's message type belongs to (`pkg/action/F_FeedbackMessage` → `pkg/action/F`). */
export function actionTypeOf(messageType: string): string | undefined {
  const role = classifyType(messageType);
  return role && 'action' in role ? role.action : undefined;
}
