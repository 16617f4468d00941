// The MCP tools: the reference MCP server's tool names (so existing prompts keep working, gateway.md
// §15.2 [OURS]) plus logs, triggers and scripts. Each tool is one row — its input schema and the one
// REST call it makes — so the table reads like the API it wraps.
import { z } from 'zod';
import type { SovdClient, SovdResponse } from './sovd-client.js';

export const ENTITY_TYPES = ['areas', 'components', 'apps', 'functions'] as const;

// Ids go into URL paths: the schema rejects anything that could change the path (slashes, dots-only,
// query or fragment characters) before a request is made; the gateway validates them again.
const id = (what: string) =>
  z
    .string()
    .min(1)
    .max(256)
    .regex(/^[A-Za-z0-9_][A-Za-z0-9_.:~-]*$/, `${what} may contain letters, digits, '_', '-', '.', ':' and '~' only`)
    .describe(what);
// Data ids are topic names ('/base/battery'): slashes are allowed (they are percent-encoded into one
// path segment) but no '.' or '..' segment.
const dataId = z
  .string()
  .min(1)
  .max(256)
  .regex(/^\/?[A-Za-z0-9_~][A-Za-z0-9_.:~/-]*$/, "data item ids are topic names: letters, digits, '_', '/', '-', '.', ':' and '~'")
  .refine((v) => !v.split('/').some((seg) => seg === '.' || seg === '..'), "no '.' or '..' segments")
  .describe('data item id (the topic name, e.g. /base/battery)');
const entityType = z.enum(ENTITY_TYPES).describe('entity collection: areas, components, apps or functions');
const entity = { entity_type: entityType, entity_id: id('entity id') };
const jsonObject = z.record(z.string(), z.unknown());

/** What a tool hands back before it is bounded: JSON from the gateway, possibly enriched. */
export type ToolResult = unknown;

export interface ToolSpec<S extends z.ZodRawShape = z.ZodRawShape> {
  name: string;
  title: string;
  description: string;
  input: S;
  /** True for tools that change the robot (publish, execute, set, clear): MCP's destructive hint. */
  mutating: boolean;
  run(client: SovdClient, args: z.infer<z.ZodObject<S>>): Promise<ToolResult>;
}

const enc = encodeURIComponent;
const base = (a: { entity_type: string; entity_id: string }) => `/${a.entity_type}/${enc(a.entity_id)}`;
const body = (r: SovdResponse) => r.body ?? { status: r.status };

function tool<S extends z.ZodRawShape>(spec: ToolSpec<S>): ToolSpec {
  return spec as unknown as ToolSpec;
}

/** Every link the gateway put in a fault (recordings, snapshots), made absolute so an agent can hand it on. */
function absoluteLinks(client: SovdClient, value: unknown, out: Record<string, string>, path = '', depth = 0): Record<string, string> {
  if (depth > 8 || value === null || typeof value !== 'object') return out;
  for (const [k, v] of Object.entries(value)) {
    const here = path ? `${path}.${k}` : k;
    if (typeof v === 'string' && (k.endsWith('_uri') || k.endsWith('_url') || k === 'href') && v.startsWith('/')) out[here] = client.url(v);
    else absoluteLinks(client, v, out, here, depth + 1);
  }
  return out;
}

export const TOOLS: ToolSpec[] = [
  tool({
    name: 'sovd_version',
    title: 'Gateway version',
    description: 'SOVD version and implementation of the gateway.',
    input: {},
    mutating: false,
    run: async (c) => body(await c.get('/version-info')),
  }),
  tool({
    name: 'sovd_entities_list',
    title: 'List entities',
    description: 'Lists the robot\'s entities (areas, components, apps = ROS nodes, functions) with ids, names and online state. Without entity_type, lists all four collections.',
    input: { entity_type: entityType.optional() },
    mutating: false,
    run: async (c, a) => {
      const types = a.entity_type ? [a.entity_type] : ENTITY_TYPES;
      const out: Record<string, unknown> = {};
      for (const t of types) out[t] = ((await c.get(`/${t}`)).body as { items?: unknown }).items ?? [];
      return out;
    },
  }),
  tool({
    name: 'sovd_entities_get',
    title: 'Entity detail',
    description: 'One entity: its metadata, relationships and which resource collections (data, operations, configurations, faults, logs, bulk-data) it offers.',
    input: entity,
    mutating: false,
    run: async (c, a) => body(await c.get(base(a))),
  }),
  tool({
    name: 'sovd_area_components',
    title: 'Components of an area',
    description: 'The components placed in one area.',
    input: { area_id: id('area id') },
    mutating: false,
    run: async (c, a) => body(await c.get(`/areas/${enc(a.area_id)}/components`)),
  }),
  tool({
    name: 'sovd_faults_list',
    title: 'List faults',
    description: 'Faults across the robot (and federated gateways), or of one entity. status: pending | confirmed | cleared | healed | all (default: active = pending + confirmed). severity: minimum (info, warn, error, critical).',
    input: {
      entity_type: entityType.optional(),
      entity_id: id('entity id').optional(),
      status: z.enum(['pending', 'confirmed', 'cleared', 'healed', 'all']).optional(),
      severity: z.enum(['info', 'warn', 'error', 'critical']).optional(),
    },
    mutating: false,
    run: async (c, a) => {
      if ((a.entity_type === undefined) !== (a.entity_id === undefined)) throw new Error('give both entity_type and entity_id, or neither');
      const path = a.entity_type && a.entity_id ? `${base({ entity_type: a.entity_type, entity_id: a.entity_id })}/faults` : '/faults';
      return body(await c.get(path, { status: a.status, severity: a.severity }));
    },
  }),
  tool({
    name: 'sovd_faults_get',
    title: 'Explain a fault',
    description: 'One fault in full: status, occurrences, reporting sources, the freeze frame (signal values and their history at the moment of the fault) and the black-box recording, with absolute download links.',
    input: { ...entity, fault_code: id('fault code') },
    mutating: false,
    run: async (c, a) => {
      const detail = body(await c.get(`${base(a)}/faults/${enc(a.fault_code)}`));
      return { ...(detail as object), 'x-medkit-mcp': { links: absoluteLinks(c, detail, {}) } };
    },
  }),
  tool({
    name: 'sovd_faults_clear',
    title: 'Clear a fault',
    description: 'Clears one fault of an entity (it is raised again if its cause persists).',
    input: { ...entity, fault_code: id('fault code') },
    mutating: true,
    run: async (c, a) => body(await c.delete(`${base(a)}/faults/${enc(a.fault_code)}`)),
  }),
  tool({
    name: 'sovd_entity_data',
    title: 'List data',
    description: 'The data items (ROS topics) of an entity, with their types.',
    input: entity,
    mutating: false,
    run: async (c, a) => body(await c.get(`${base(a)}/data`)),
  }),
  tool({
    name: 'sovd_entity_topic_data',
    title: 'Read data',
    description: 'The current value of one data item (the latest message on its topic), with its age.',
    input: { ...entity, data_id: dataId },
    mutating: false,
    run: async (c, a) => body(await c.get(`${base(a)}/data/${enc(a.data_id)}`)),
  }),
  tool({
    name: 'sovd_publish_topic',
    title: 'Publish data',
    description: 'Publishes one message on a data item\'s topic. type is the ROS message type (pkg/msg/Type).',
    input: { ...entity, data_id: dataId, type: z.string().max(256), data: z.unknown() },
    mutating: true,
    run: async (c, a) => body(await c.put(`${base(a)}/data/${enc(a.data_id)}`, { type: a.type, data: a.data })),
  }),
  tool({
    name: 'sovd_list_operations',
    title: 'List operations',
    description: 'The operations (ROS services and actions) an entity offers, with their request schemas.',
    input: entity,
    mutating: false,
    run: async (c, a) => body(await c.get(`${base(a)}/operations`)),
  }),
  tool({
    name: 'sovd_create_execution',
    title: 'Call an operation',
    description: 'Executes an operation: a service answers at once, an action runs asynchronously (poll it with sovd_get_execution). Honours locks: an entity locked by another client refuses the call.',
    input: { ...entity, operation_id: id('operation id'), parameters: jsonObject.optional() },
    mutating: true,
    run: async (c, a) => {
      const r = await c.post(`${base(a)}/operations/${enc(a.operation_id)}/executions`, { parameters: a.parameters ?? {} });
      const location = r.headers.get('location');
      return location ? { ...(body(r) as object), status_url: c.url(location) } : body(r);
    },
  }),
  tool({
    name: 'sovd_get_execution',
    title: 'Execution status',
    description: 'Status, progress, feedback and result of one operation execution.',
    input: { ...entity, operation_id: id('operation id'), execution_id: id('execution id') },
    mutating: false,
    run: async (c, a) => body(await c.get(`${base(a)}/operations/${enc(a.operation_id)}/executions/${enc(a.execution_id)}`)),
  }),
  tool({
    name: 'sovd_list_executions',
    title: 'List executions',
    description: 'The executions of one operation.',
    input: { ...entity, operation_id: id('operation id') },
    mutating: false,
    run: async (c, a) => body(await c.get(`${base(a)}/operations/${enc(a.operation_id)}/executions`)),
  }),
  tool({
    name: 'sovd_cancel_execution',
    title: 'Cancel an execution',
    description: 'Cancels a running action execution.',
    input: { ...entity, operation_id: id('operation id'), execution_id: id('execution id') },
    mutating: true,
    run: async (c, a) => body(await c.delete(`${base(a)}/operations/${enc(a.operation_id)}/executions/${enc(a.execution_id)}`)),
  }),
  tool({
    name: 'sovd_list_configurations',
    title: 'List configurations',
    description: 'The configurations (ROS parameters) of an entity with their values.',
    input: entity,
    mutating: false,
    run: async (c, a) => body(await c.get(`${base(a)}/configurations`)),
  }),
  tool({
    name: 'sovd_get_configuration',
    title: 'Read a configuration',
    description: 'One configuration (ROS parameter) value.',
    input: { ...entity, config_id: id('configuration id') },
    mutating: false,
    run: async (c, a) => body(await c.get(`${base(a)}/configurations/${enc(a.config_id)}`)),
  }),
  tool({
    name: 'sovd_set_configuration',
    title: 'Set a configuration',
    description: 'Sets one configuration (ROS parameter); the value\'s JSON type must match the parameter type.',
    input: { ...entity, config_id: id('configuration id'), value: z.unknown() },
    mutating: true,
    run: async (c, a) => body(await c.put(`${base(a)}/configurations/${enc(a.config_id)}`, { data: a.value })),
  }),
  tool({
    name: 'sovd_delete_configuration',
    title: 'Reset a configuration',
    description: 'Resets one configuration to its default.',
    input: { ...entity, config_id: id('configuration id') },
    mutating: true,
    run: async (c, a) => body(await c.delete(`${base(a)}/configurations/${enc(a.config_id)}`)),
  }),
  tool({
    name: 'sovd_delete_all_configurations',
    title: 'Reset all configurations',
    description: 'Resets every configuration of an entity to its default.',
    input: entity,
    mutating: true,
    run: async (c, a) => body(await c.delete(`${base(a)}/configurations`)),
  }),
  tool({
    name: 'sovd_logs_query',
    title: 'Read logs',
    description: 'Recent log lines (/rosout) of an entity, newest last. severity is the minimum level; context filters by logger name.',
    input: { ...entity, severity: z.enum(['debug', 'info', 'warning', 'error', 'fatal']).optional(), context: z.string().max(256).optional() },
    mutating: false,
    run: async (c, a) => body(await c.get(`${base(a)}/logs`, { severity: a.severity, context: a.context })),
  }),
  tool({
    name: 'sovd_triggers_create',
    title: 'Create a trigger',
    description: 'Creates a condition trigger on an entity resource (api.md §13.2 body: resource, trigger_condition, …); its events stream from the returned event_source.',
    input: { ...entity, trigger: jsonObject.describe('the trigger body as the REST API takes it') },
    mutating: true,
    run: async (c, a) => body(await c.post(`${base(a)}/triggers`, a.trigger)),
  }),
  tool({
    name: 'sovd_scripts_execute',
    title: 'Run a diagnostic script',
    description: 'Starts an uploaded diagnostic script on an app or component; poll the returned status_url for its result.',
    input: { entity_type: z.enum(['apps', 'components']), entity_id: id('entity id'), script_id: id('script id'), parameters: jsonObject.optional() },
    mutating: true,
    run: async (c, a) => {
      const r = await c.post(`${base(a)}/scripts/${enc(a.script_id)}/executions`, { execution_type: 'now', ...(a.parameters ? { parameters: a.parameters } : {}) });
      const location = r.headers.get('location');
      return location ? { ...(body(r) as object), status_url: c.url(location) } : body(r);
    },
  }),
];
