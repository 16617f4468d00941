// Communication logs (docs/sovd-resources.md [ours]): recordings of the DDS traffic the
// gateway sees for an entity (discovery events, topic rates), started, read, stopped or resumed, deleted.
import { z } from 'zod';
import type { ToolDeclaration } from './declaration.js';
import { anyEntity, id, o } from './schemas.js';

const LOGS = '/{entity_type}/{entity_id}/communication-logs';
const one = { ...anyEntity, communication_log_id: id('communication log id') };
const detail = { id: o.str, protocol: o.str, status: o.str, event_count: o.num, dropped_events: o.num, events: o.items, topics: o.items };

export const COMMUNICATION_LOG_TOOLS: ToolDeclaration[] = [
  { name: 'communication_logs_list', title: 'List communication logs', description: 'The communication logs of an entity (id, status, event counts).', method: 'GET', path: LOGS, input: anyEntity, output: { items: o.items }, mutating: false },
  {
    name: 'communication_logs_create',
    title: 'Start a communication log',
    description: "Starts recording the entity's DDS traffic: discovery events of its nodes and the rates of the topics it publishes (protocol: dds, the only one).",
    method: 'POST',
    path: LOGS,
    input: { ...anyEntity, protocol: z.literal('dds').optional().describe('dds (default)') },
    body: { kind: 'json', fields: { protocol: 'protocol' } },
    output: detail,
    mutating: true,
  },
  { name: 'communication_logs_get', title: 'Read a communication log', description: 'One communication log: its events (oldest first) and topic rates.', method: 'GET', path: `${LOGS}/{communication_log_id}`, input: one, output: detail, mutating: false },
  {
    name: 'communication_logs_update',
    title: 'Stop or resume a communication log',
    description: 'status stopped stops recording (its subscriptions are released), running resumes it.',
    method: 'PUT',
    path: `${LOGS}/{communication_log_id}`,
    input: { ...one, status: z.enum(['running', 'stopped']) },
    body: { kind: 'json', fields: { status: 'status' } },
    output: detail,
    mutating: true,
  },
  { name: 'communication_logs_delete', title: 'Delete a communication log', description: 'Stops and deletes a communication log.', method: 'DELETE', path: `${LOGS}/{communication_log_id}`, input: one, output: {}, mutating: true },
];
