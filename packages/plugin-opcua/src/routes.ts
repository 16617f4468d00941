// The opcua plugin's vendor routes (docs/opcua.md "Vendor routes"): `x-plc-data` (the
// last values of an entity's items), `x-plc-operations/set_<name>` (a type- and range-checked write) and
// `x-plc-status` (the connection). They only translate: the plugin does the work, its PluginErrors become
// SOVD errors here exactly as on the standard routes.
import { GENERIC_ERROR_RESPONSE, type PluginContext, type PluginRequest, type PluginResponse, type PluginRoute, providerFailure } from '@medkit/plugin-api';
import { OPCUA_ERROR_CODES } from './errors.js';
import type { PlcData, PlcItem, SetResult } from './plc-bodies.js';

/** What the routes need from the plugin. */
interface PlcRouteTarget {
  status(): Record<string, unknown>;
  /** True for the component and the Apps the node map creates. */
  bridges(entityId: string): boolean;
  isComponent(entityId: string): boolean;
  plcData(entityId: string): PlcData;
  plcDataItem(entityId: string, name: string): PlcItem | undefined;
  runSet(entityId: string, operation: string, parameters: unknown): Promise<SetResult>;
}

/** The entity of the route's first capture, answered 400/404 when invalid, unknown or not bridged. */
function bridgedEntity(target: PlcRouteTarget, ctx: PluginContext | undefined, req: PluginRequest, res: PluginResponse, group: number): string | undefined {
  if (!ctx) {
    res.sendError(503, 'service-unavailable', 'The opcua plugin is not started');
    return undefined;
  }
  const e = ctx.validateEntityForRoute(req, res, req.pathParam(group) ?? '');
  if (!e) return undefined;
  if (!target.bridges(e.id)) {
    res.sendError(404, 'resource-not-found', `${e.id} is not bridged by the opcua plugin`, { entity_id: e.id });
    return undefined;
  }
  return e.id;
}

function sendFailure(res: PluginResponse, call: string, err: unknown): void {
  const e = providerFailure('opcua', call, err, OPCUA_ERROR_CODES);
  res.sendError(e.status, e.vendorCode ?? e.code, e.message, e.parameters);
}

export function plcRoutes(target: PlcRouteTarget, ctx: () => PluginContext | undefined): PluginRoute[] {
  return [
    {
      method: 'GET',
      pattern: 'components/([^/]+)/x-plc-status',
      handler: (req, res) => {
        const id = bridgedEntity(target, ctx(), req, res, 1);
        if (id === undefined) return;
        if (!target.isComponent(id)) return res.sendError(404, 'resource-not-found', `${id} is not the OPC-UA component`, { entity_id: id });
        res.sendJson({ entity_id: id, ...target.status() });
      },
    },
    {
      method: 'GET',
      pattern: '(?:apps|components)/([^/]+)/x-plc-data',
      handler: (req, res) => {
        const id = bridgedEntity(target, ctx(), req, res, 1);
        if (id !== undefined) res.sendJson(target.plcData(id));
      },
    },
    {
      method: 'GET',
      pattern: '(?:apps|components)/([^/]+)/x-plc-data/([^/]+)',
      handler: (req, res) => {
        const id = bridgedEntity(target, ctx(), req, res, 1);
        if (id === undefined) return;
        const name = req.pathParam(2) ?? '';
        const item = target.plcDataItem(id, name);
        if (!item) return res.sendError(404, 'resource-not-found', `No data item '${name.slice(0, 64)}' on ${id}`, { entity_id: id, data_id: name.slice(0, 64) });
        const { connected, timestamp } = target.plcData(id);
        res.sendJson({ entity_id: id, connected, timestamp, ...item });
      },
    },
    {
      method: 'POST',
      pattern: '(?:apps|components)/([^/]+)/x-plc-operations/([^/]+)',
      handler: async (req, res) => {
        const c = ctx();
        const id = bridgedEntity(target, c, req, res, 1);
        if (id === undefined) return;
        const operation = (req.pathParam(2) ?? '').slice(0, 128);
        try {
          c!.checkLock(id, req.header('x-client-id'), 'operations');
          res.sendJson(await target.runSet(id, operation, req.body()));
        } catch (err) {
          sendFailure(res, operation, err);
        }
      },
    },
  ];
}

const json = (schema: Record<string, unknown>) => ({ content: { 'application/json': { schema } } });
const entityParam = (name: string, where: string) => ({ name, in: 'path', required: true, description: where, schema: { type: 'string' } });
const plcItemSchema = {
  type: 'object',
  properties: {
    name: { type: 'string' },
    value: {},
    unit: { type: 'string' },
    data_type: { type: 'string' },
    writable: { type: 'boolean' },
    status_code: { type: 'string' },
    source_timestamp: { type: 'string', format: 'date-time' },
  },
};
const errors = { 400: GENERIC_ERROR_RESPONSE, 404: GENERIC_ERROR_RESPONSE };
const tags = ['x-medkit opcua'];

/** OpenAPI path items of the routes (shown in `/docs`). */
export function plcRouteDocs(): Record<string, unknown> {
  const docs: Record<string, unknown> = {
    '/components/{component_id}/x-plc-status': {
      get: {
        tags,
        summary: 'OPC-UA connection status (opcua plugin)',
        parameters: [entityParam('component_id', 'The OPC-UA component')],
        responses: {
          200: {
            description: 'Connection state, endpoint, counts and active alarms',
            ...json({
              type: 'object',
              properties: {
                entity_id: { type: 'string' },
                connected: { type: 'boolean' },
                state: { type: 'string', enum: ['connecting', 'connected', 'waiting'] },
                endpoint_url: { type: 'string' },
                mode: { type: 'string', enum: ['polling', 'subscription'] },
                poll_count: { type: 'integer', description: 'Completed poll cycles (0 in subscription mode)' },
                server_description: { type: 'string', description: "The server's BuildInfo product name (else its application name)" },
                node_count: { type: 'integer', description: 'Data items bridged: configured nodes plus those auto_browse found' },
                event_alarm_count: { type: 'integer' },
                identity_source: { type: 'string', enum: ['opcua', 'plugin'], description: 'Provenance of the nameplate in x-medkit.identity' },
                auto_alarms: { type: 'boolean' },
                auto_alarm_count: { type: 'integer', description: 'Conditions mapped by auto_alarms' },
                auto_alarms_overflow: { type: 'integer', description: 'Conditions ignored past auto_alarms_max' },
                condition_replay: { type: 'object', additionalProperties: true, description: 'How the active conditions were last replayed (method, read, off)' },
                auto_browse: { type: 'object', additionalProperties: true, description: 'The address-space walk: root, done, node_count, truncated' },
                chosen_endpoint: { type: 'object', additionalProperties: true, description: 'With discovery.enabled: the endpoint picked from GetEndpoints' },
                error_count: { type: 'integer', description: 'Failed connection attempts, lost connections and failed poll cycles' },
                active_alarms: { type: 'array', items: { type: 'string' } },
              },
            }),
          },
          ...errors,
        },
      },
    },
  };
  for (const [seg, param] of [['apps', 'app_id'], ['components', 'component_id']] as const) {
    const entity = entityParam(param, 'An App of the node map or the OPC-UA component');
    docs[`/${seg}/{${param}}/x-plc-data`] = {
      get: {
        tags,
        summary: 'Last values of the entity’s OPC-UA items (opcua plugin)',
        parameters: [entity],
        responses: {
          200: { description: 'The items', ...json({ type: 'object', properties: { entity_id: { type: 'string' }, connected: { type: 'boolean' }, timestamp: { type: 'string', format: 'date-time' }, items: { type: 'array', items: plcItemSchema } } }) },
          ...errors,
        },
      },
    };
    docs[`/${seg}/{${param}}/x-plc-data/{name}`] = {
      get: {
        tags,
        summary: 'Last value of one OPC-UA item (opcua plugin)',
        parameters: [entity, { name: 'name', in: 'path', required: true, schema: { type: 'string' } }],
        responses: { 200: { description: 'The item', ...json(plcItemSchema) }, ...errors },
      },
    };
    docs[`/${seg}/{${param}}/x-plc-operations/{operation}`] = {
      post: {
        tags,
        summary: 'Write a writable OPC-UA item: set_<name> (opcua plugin)',
        parameters: [entity, { name: 'operation', in: 'path', required: true, schema: { type: 'string', pattern: '^set_' } }],
        requestBody: { required: true, ...json({ type: 'object', required: ['value'], properties: { value: {} } }) },
        responses: {
          200: { description: 'Written', ...json({ type: 'object', properties: { status: { type: 'string' }, operation: { type: 'string' }, node_id: { type: 'string' }, value_written: {} } }) },
          ...errors,
          403: GENERIC_ERROR_RESPONSE,
          409: GENERIC_ERROR_RESPONSE,
          502: GENERIC_ERROR_RESPONSE,
          503: GENERIC_ERROR_RESPONSE,
        },
      },
    };
  }
  return docs;
}
