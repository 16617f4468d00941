// Operations and their executions (docs/resources.md): ROS services answer at once, actions run as executions.
import { z } from 'zod';
import type { ToolDeclaration } from './declaration.js';
import { anyEntity, id, jsonObject, o } from './schemas.js';
import { invalidCombination, ToolInputError } from '../tool-errors.js';

const op = { ...anyEntity, operation_id: id('operation id') };
const execution = { ...op, execution_id: id('execution id') };
const OPS = '/{entity_type}/{entity_id}/operations';
const CAPABILITIES = ['stop', 'execute', 'freeze', 'reset'] as const;
/** The reference names the operation `operation_name`. */
const opAliases = { operation_name: 'operation_id' };

/**
 * The reference's update_data ({"stop": true}, or {"capability": "stop"}) as our capability: the one
 * capability set to true, or the capability field; anything else names no capability and is refused.
 */
function capabilityOf(value: unknown): unknown {
  const data = value as Record<string, unknown>;
  if (data.capability !== undefined) return data.capability;
  const on = Object.entries(data).filter(([, v]) => v === true).map(([k]) => k);
  if (on.length === 1 && (CAPABILITIES as readonly string[]).includes(on[0])) return on[0];
  throw new ToolInputError(invalidCombination(`update_data must set exactly one of ${CAPABILITIES.join(', ')} to true (e.g. {"stop": true}) or carry a capability`));
}

export const OPERATION_TOOLS: ToolDeclaration[] = [
  { name: 'list_operations', title: 'List operations', description: 'The operations (ROS services and actions) an entity offers, with their request schemas.', method: 'GET', path: OPS, input: anyEntity, output: { items: o.items }, mutating: false },
  { name: 'get_operation', title: 'Operation detail', description: 'One operation with its request, response and feedback schemas.', method: 'GET', path: `${OPS}/{operation_id}`, input: op, aliases: opAliases, output: { item: o.obj }, mutating: false },
  {
    name: 'create_execution',
    title: 'Call an operation',
    description: 'Executes an operation: a service answers at once, an action runs asynchronously (poll it with get_execution; x-medkit-mcp.location is its status URL). Honours locks: an entity locked by another client refuses the call.',
    method: 'POST',
    path: `${OPS}/{operation_id}/executions`,
    input: { ...op, parameters: jsonObject.optional().describe('the request (service) or goal (action) as a JSON object') },
    aliases: { ...opAliases, request_data: 'parameters' },
    body: { kind: 'json', fields: { parameters: 'parameters' } },
    output: { id: o.str, status: o.str, parameters: o.any },
    mutating: true,
  },
  { name: 'list_executions', title: 'List executions', description: 'The executions of one operation.', method: 'GET', path: `${OPS}/{operation_id}/executions`, input: op, aliases: opAliases, output: { items: o.items }, mutating: false },
  { name: 'get_execution', title: 'Execution status', description: 'Status, progress, feedback and result of one operation execution.', method: 'GET', path: `${OPS}/{operation_id}/executions/{execution_id}`, input: execution, aliases: opAliases, output: { status: o.str, progress: o.numOrNull, parameters: o.any, error: o.any }, mutating: false },
  {
    name: 'control_execution',
    title: 'Control an execution',
    description: 'Controls a running execution: stop cancels the goal (like cancel_execution but answers the tracked execution); execute, freeze and reset are refused for ROS actions.',
    method: 'PUT',
    path: `${OPS}/{operation_id}/executions/{execution_id}`,
    input: { ...execution, capability: z.enum(CAPABILITIES) },
    aliases: { ...opAliases, update_data: { to: 'capability', schema: jsonObject.describe('{"stop": true} or {"capability": "stop"}'), convert: capabilityOf } },
    body: { kind: 'json', fields: { capability: 'capability' } },
    output: { id: o.str, status: o.str },
    mutating: true,
    referenceNames: [{ name: 'update_execution' }],
  },
  { name: 'cancel_execution', title: 'Cancel an execution', description: 'Cancels a running action execution (the goal is cancelled on the robot).', method: 'DELETE', path: `${OPS}/{operation_id}/executions/{execution_id}`, input: execution, aliases: opAliases, output: {}, mutating: true },
];
