// HTTP ↔ FaultTriggerEngine: GET/POST /apps/{app_id}/fault-triggers, GET [ours] and DELETE …/{trigger_id} (docs/plugins.md).
// With `fault_triggers.enabled: false` the three routes answer 404, as docs/plugins.md says.
import { Type } from '@sinclair/typebox';
import { API_BASE, type HttpApp } from '@medkit/server';
import { EntityId, GenericError } from '@medkit/server';
import { SovdError } from '@medkit/sovd';
import { routeAvailability } from '@medkit/server';
import type { App } from '../entities/model.js';
import type { FaultTriggerEngine } from './engine.js';
import { OPERATORS, parseRuleBody, SEVERITIES } from './model.js';

const OperatorSchema = Type.Union(OPERATORS.map((o) => Type.Literal(o)));
const SeveritySchema = Type.Union(Object.keys(SEVERITIES).map((s) => Type.Literal(s)));

const RuleSchema = Type.Object(
  {
    id: Type.String({ description: 'ftr_<n>' }),
    app_id: Type.String(),
    data_name: Type.String({ description: 'Data item of the App whose value is compared' }),
    operator: OperatorSchema,
    threshold: Type.Number(),
    fault_code: Type.String({ description: 'Fault raised while the value is past the threshold, cleared when it is back' }),
    severity: SeveritySchema,
    active: Type.Boolean({ description: 'false: kept, not evaluated' }),
    path: Type.Optional(Type.String({ description: '[ours] JSON Pointer into the value read (a field of a ROS message)' })),
  },
  {
    $id: 'FaultTriggerRule',
    title: 'FaultTriggerRule',
    examples: [{ id: 'ftr_1', app_id: 'tank_process', data_name: 'level', operator: '>=', threshold: 80, fault_code: 'TANK_OVERFILL', severity: 'CRITICAL', active: true }],
  },
);

const CreateBody = Type.Object(
  {
    data_name: Type.String({ minLength: 1 }),
    operator: OperatorSchema,
    threshold: Type.Number(),
    fault_code: Type.String({ minLength: 1 }),
    severity: SeveritySchema,
    active: Type.Optional(Type.Boolean({ default: true })),
    path: Type.Optional(Type.String({ maxLength: 1024, description: '[ours] JSON Pointer into the value read, e.g. /voltage of a sensor_msgs/BatteryState' })),
  },
  { title: 'FaultTriggerRuleCreate', additionalProperties: true, examples: [{ data_name: 'level', operator: '>=', threshold: 80, fault_code: 'TANK_OVERFILL', severity: 'CRITICAL' }] },
);

const ERR = { 400: GenericError, 403: GenericError, 404: GenericError, 409: GenericError, 503: GenericError } as const;

interface FaultTriggerRouteDeps {
  engine: () => FaultTriggerEngine;
  enabled: boolean;
}

export function registerFaultTriggerRoutes(deps: FaultTriggerRouteDeps) {
  return (app: HttpApp): void => {
    const available = routeAvailability(deps.enabled, 'Fault triggers are disabled', () => new SovdError('resource-not-found', 'Fault triggers are disabled (fault_triggers.enabled: false)'));
    app.addSchema(RuleSchema);
    const RuleRef = Type.Ref(RuleSchema);
    const base = `${API_BASE}/apps/:app_id/fault-triggers`;
    const Params = Type.Object({ app_id: EntityId('App id') });
    const ItemParams = Type.Object({ app_id: EntityId('App id'), trigger_id: Type.String({ minLength: 1, maxLength: 256, description: 'ftr_<n>' }) });
    const tags = ['fault-triggers'];
    const read = { ...available, entity: { segment: 'apps' as const, collection: 'fault-triggers' as const } };
    const write = { ...available, entity: { segment: 'apps' as const, collection: 'fault-triggers' as const, mutating: true }, role: 'configurator' as const };

    app.get(
      base,
      { config: read, schema: { operationId: 'listAppFaultTriggers', summary: 'Fault-trigger rules of the App', tags, params: Params, response: { 200: Type.Object({ items: Type.Array(RuleRef) }), ...ERR } } },
      async (request) => ({ items: deps.engine().list(request.entity.entity.id) }),
    );

    app.post(
      base,
      {
        attachValidation: true,
        config: write,
        schema: {
          operationId: 'createAppFaultTrigger',
          summary: 'Add a threshold rule that raises a fault while a data value is past it',
          description: 'Level-triggered: while the value is past the threshold the rule reports the fault on every poll; once it is back, the fault is cleared. 409 when another rule already uses the fault code.',
          tags,
          params: Params,
          body: CreateBody,
          response: { 201: RuleRef, ...ERR },
        },
      },
      async (request, reply) => {
        // The body's own checks name the failing field (the schema above documents it).
        const input = parseRuleBody(request.body);
        const rule = await deps.engine().create(request.entity.entity as App, input);
        reply.header('Location', `${API_BASE}/apps/${rule.app_id}/fault-triggers/${rule.id}`);
        return reply.code(201).send(rule);
      },
    );

    // [ours] The rule a create's Location names (the reference serves only the list and DELETE).
    app.get(
      `${base}/:trigger_id`,
      { config: read, schema: { operationId: 'readAppFaultTrigger', summary: 'One fault-trigger rule', tags, params: ItemParams, response: { 200: RuleRef, ...ERR } } },
      async (request) => deps.engine().get(request.entity.entity.id, request.params.trigger_id),
    );

    app.delete(
      `${base}/:trigger_id`,
      { config: write, schema: { operationId: 'deleteAppFaultTrigger', summary: 'Delete a rule; the fault it raised is cleared', tags, params: ItemParams, response: { 204: Type.Null(), ...ERR } } },
      async (request, reply) => {
        deps.engine().remove(request.entity.entity.id, request.params.trigger_id);
        return reply.code(204).send(null);
      },
    );
  };
}
