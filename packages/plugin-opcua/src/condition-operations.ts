// The `acknowledge_fault` and `confirm_fault` operations (docs/opcua.md "Acknowledge and
// confirm"): on an entity that reports native-condition faults, call the condition's Acknowledge / Confirm
// method with the latest EventId of that condition and the comment as LocalizedText. Parameters are checked
// before anything is sent; the server's refusal comes back with its StatusCode name.
import { MAX_FAULT_CODE_LENGTH, PluginError, validateFaultCode } from '@medkit/plugin-api';
import type { ConditionMap } from './condition-map.js';

const CONDITION_OPERATIONS = ['acknowledge_fault', 'confirm_fault'] as const;
type ConditionOperation = (typeof CONDITION_OPERATIONS)[number];

/** The longest comment passed to the server. */
const MAX_COMMENT = 1024;

/** Refusals that are about the condition's state (409); access refusals are 403, the rest 502. */
const STATE_REFUSALS = new Set([
  'BadConditionBranchAlreadyAcked', 'BadConditionBranchAlreadyConfirmed', 'BadConditionAlreadyDisabled', 'BadConditionDisabled',
  'BadEventIdUnknown', 'BadInvalidState', 'BadStateNotActive', 'BadConditionAlreadyShelved', 'BadConditionNotShelved',
]);
const ACCESS_REFUSALS = new Set(['BadUserAccessDenied', 'BadNotExecutable', 'BadSecurityModeInsufficient']);

export const isConditionOperation = (name: string): name is ConditionOperation => (CONDITION_OPERATIONS as readonly string[]).includes(name);

/** What the operations need: the condition calls on the live session (throwing NotConnectedError when down). */
export interface ConditionCaller {
  /** Calls Acknowledge / Confirm on `conditionId` with `eventId` (raw bytes); resolves with the StatusCode name. */
  call(method: 'Acknowledge' | 'Confirm', conditionId: string, eventId: Buffer, comment: string): Promise<string>;
}

/** The answer of a successful acknowledge_fault / confirm_fault. */
interface ConditionOperationResult {
  status: 'success';
  operation: ConditionOperation;
  fault_code: string;
  condition_id: string;
  status_code: string;
}

/** The operation items of an entity with native-condition faults. */
export function conditionOperationItems(): Record<string, unknown>[] {
  return CONDITION_OPERATIONS.map((id) => ({
    id,
    name: id === 'acknowledge_fault' ? 'Acknowledge an OPC-UA alarm' : 'Confirm an OPC-UA alarm',
    proximity_proof_required: false,
    asynchronous_execution: false,
    'x-medkit': {
      opcua: { method: id === 'acknowledge_fault' ? 'Acknowledge' : 'Confirm' },
      parameters: { fault_code: { required: true, type: 'string', max_length: MAX_FAULT_CODE_LENGTH }, comment: { required: false, type: 'string', max_length: MAX_COMMENT } },
    },
  }));
}

/** `{fault_code, comment}` checked: a JSON object with exactly those keys, a valid fault code, a bounded comment. */
export function conditionParams(operation: string, parameters: unknown): { fault_code: string; comment: string } {
  const bad = (message: string, extra: Record<string, unknown> = {}) => new PluginError('invalid-parameter', `${operation}: ${message}`, 400, { operation_id: operation, ...extra });
  if (typeof parameters !== 'object' || parameters === null || Array.isArray(parameters)) throw bad('takes {"fault_code": "…", "comment": "…"}');
  const p = parameters as Record<string, unknown>;
  for (const k of Object.keys(p)) if (k !== 'fault_code' && k !== 'comment') throw bad(`unknown parameter '${k.slice(0, 64)}'`);
  if (typeof p.fault_code !== 'string') throw bad('fault_code must be a string', { parameter: 'fault_code' });
  const codeProblem = validateFaultCode(p.fault_code);
  if (codeProblem) throw bad(codeProblem, { parameter: 'fault_code' });
  if (p.comment !== undefined && typeof p.comment !== 'string') throw bad('comment must be a string', { parameter: 'comment' });
  const comment = (p.comment as string | undefined) ?? '';
  if (comment.length > MAX_COMMENT) throw bad(`comment is longer than ${MAX_COMMENT} characters`, { parameter: 'comment' });
  return { fault_code: p.fault_code, comment };
}

/**
 * Runs acknowledge_fault / confirm_fault for `entityId`: 400 for bad parameters, 404 for a fault code this
 * entity does not report from a condition, 409 when no event of the condition has been received yet, 503
 * when not connected (from the caller), 409/403/502 for the server's refusal.
 */
export async function runConditionOperation(
  conditions: ConditionMap,
  caller: ConditionCaller,
  entityId: string,
  operation: ConditionOperation,
  parameters: unknown,
): Promise<ConditionOperationResult> {
  const { fault_code, comment } = conditionParams(operation, parameters);
  const target = conditions.get(fault_code);
  if (!target || target.entity_id !== entityId) {
    throw new PluginError('resource-not-found', `No OPC-UA alarm with fault code '${fault_code}' on ${entityId}`, 404, { entity_id: entityId, fault_code });
  }
  if (!target.condition_id || !target.event_id) {
    throw new PluginError('x-medkit-opcua-condition-unknown', `No event of the condition of '${fault_code}' has been received yet: nothing to ${operation === 'acknowledge_fault' ? 'acknowledge' : 'confirm'}`, 409, { fault_code });
  }
  const method = operation === 'acknowledge_fault' ? 'Acknowledge' : 'Confirm';
  const status = await caller.call(method, target.condition_id, Buffer.from(target.event_id, 'hex'), comment);
  if (status !== 'Good') {
    const state = STATE_REFUSALS.has(status);
    const access = ACCESS_REFUSALS.has(status);
    throw new PluginError(
      'x-medkit-opcua-condition-refused',
      `The OPC-UA server refused ${method} of '${fault_code}': ${status}`,
      state ? 409 : access ? 403 : 502,
      { fault_code, condition_id: target.condition_id, status_code: status },
    );
  }
  return { status: 'success', operation, fault_code, condition_id: target.condition_id, status_code: status };
}
