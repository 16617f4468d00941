// HTTP ↔ TriggerEngine for /{entity}/triggers (docs/triggers.md) on all four entity types.
import { Type } from '@sinclair/typebox';
import type { FastifyRequest } from 'fastify';
import { API_BASE, type HttpApp } from '@medkit/server';
import { EntityId, GenericError } from '@medkit/server';
import { SovdError } from '@medkit/sovd';
import type { SseHub } from '@medkit/server';
import { checkBody } from '@medkit/server';
import { ENTITY_SEGMENTS, ID_PARAM, } from '../entity-scope/index.js';
import type { ConditionRegistry } from './conditions.js';
import type { TriggerEngine } from './engine.js';
import { triggerView } from './model.js';
import { TriggerSchema } from './rest-shape.js';
import { MAX_LIFETIME_SEC, parseLifetime, parseTriggerBody } from './validate.js';
import { routeAvailability } from '@medkit/server';

const Lifetime = Type.Integer({ minimum: 1, maximum: MAX_LIFETIME_SEC, description: 'seconds (at most ten years); omit for no expiry' });

const CreateBody = Type.Object(
  {
    resource: Type.String({ description: 'Full URI /api/v1/{type}/{id}/{collection}[/{path}] of the route entity' }),
    trigger_condition: Type.Object({ condition_type: Type.String({ description: 'OnChange | OnChangeTo | EnterRange | LeaveRange | x-<plugin>' }) }, { additionalProperties: true }),
    path: Type.Optional(Type.String({ description: 'JSON Pointer into the resource payload', maxLength: 1024 })),
    protocol: Type.Optional(Type.String({ description: 'sse (default) or webhook [ours]' })),
    webhook_url: Type.Optional(Type.String({ description: '[ours] http(s) URL receiving each event as a JSON POST' })),
    webhook_secret: Type.Optional(Type.String({ description: '[ours] HMAC-SHA256 key for X-Medkit-Signature (write-only)' })),
    multishot: Type.Optional(Type.Boolean()),
    persistent: Type.Optional(Type.Boolean()),
    lifetime: Type.Optional(Lifetime),
    log_settings: Type.Optional(Type.Object({ severity: Type.Optional(Type.String()), marker: Type.Optional(Type.String()) })),
  },
  {
    additionalProperties: true,
    examples: [{ resource: '/api/v1/apps/battery_monitor/data/voltage', trigger_condition: { condition_type: 'EnterRange', lower_bound: 0, upper_bound: 22 }, multishot: true }],
  },
);

// 403 x-medkit-ros2-permission-denied: a topic the gateway's SROS2 permissions deny.
const ERR = { 400: GenericError, 403: GenericError, 404: GenericError, 409: GenericError, 501: GenericError, 503: GenericError } as const;

interface TriggerRouteDeps {
  engine: TriggerEngine;
  conditions: ConditionRegistry;
  sse: SseHub;
  enabled: boolean;
  keepaliveMs: number;
}

export function registerTriggerRoutes(deps: TriggerRouteDeps) {
  return (app: HttpApp): void => {
    const available = routeAvailability(deps.enabled, 'Triggers not available');
    app.addSchema(TriggerSchema);
    const TriggerRef = Type.Ref(TriggerSchema);
    for (const segment of ENTITY_SEGMENTS) {
      const idParam = ID_PARAM[segment];
      const base = `${API_BASE}/${segment}/:${idParam}/triggers`;
      const Params = Type.Object({ [idParam]: EntityId('Entity id') });
      const ItemParams = Type.Object({ [idParam]: EntityId('Entity id'), trigger_id: Type.String({ minLength: 1, maxLength: 256 }) });
      const op = segment.charAt(0).toUpperCase() + segment.slice(1, -1);
      const tags = ['triggers'];
      const read = { ...available, entity: { segment, collection: 'triggers' as const } };
      const write = { ...available, entity: { segment, collection: 'triggers' as const, mutating: true }, role: 'operator' as const };
      const triggerOf = (request: FastifyRequest) => {
        const { type, entity } = request.entity;
        return deps.engine.get(type, entity.id, (request.params as Record<string, string>).trigger_id);
      };

      app.post(
        base,
        { attachValidation: true, config: write, schema: { operationId: `create${op}Trigger`, summary: 'Create a condition trigger', tags, params: Params, body: CreateBody, response: { 201: TriggerRef, ...ERR } } },
        async (request, reply) => {
          const { type, entity } = request.entity;
          checkBody(request);
          const input = parseTriggerBody(request.body, { segment, id: entity.id }, deps.conditions);
          const t = deps.engine.create({ ...input, entityType: type });
          const view = triggerView(t, API_BASE);
          reply.header('Location', `${API_BASE}/${segment}/${entity.id}/triggers/${t.id}`);
          return reply.code(201).send(view);
        },
      );
      app.get(
        base,
        { config: read, schema: { operationId: `list${op}Triggers`, summary: 'Triggers of the entity', tags, params: Params, response: { 200: Type.Object({ items: Type.Array(TriggerRef) }), ...ERR } } },
        async (request) => {
          const { type, entity } = request.entity;
          return { items: deps.engine.list(type, entity.id).map((t) => triggerView(t, API_BASE)) };
        },
      );
      app.get(
        `${base}/:trigger_id/events`,
        { config: read, schema: { operationId: `stream${op}TriggerEvents`, summary: 'SSE stream of trigger events (EventEnvelope frames with id lines)', tags, params: ItemParams, produces: ['text/event-stream'], response: { 200: Type.String({ description: 'text/event-stream' }), ...ERR } } },
        async (request, reply) => {
          const t = triggerOf(request);
          if (!deps.engine.canStream(t)) throw new SovdError('resource-not-found', 'Trigger is no longer active', { trigger_id: t.id });
          const stream = deps.sse.start(request, reply, deps.keepaliveMs);
          // A HEAD request's stream is closed from the start: attaching it would consume pending events.
          if (!stream.closed) deps.engine.attach(t, stream);
          return reply;
        },
      );
      app.get(
        `${base}/:trigger_id`,
        { config: read, schema: { operationId: `get${op}Trigger`, summary: 'One trigger', tags, params: ItemParams, response: { 200: TriggerRef, ...ERR } } },
        async (request) => triggerView(triggerOf(request), API_BASE),
      );
      app.put(
        `${base}/:trigger_id`,
        {
          attachValidation: true,
          config: write,
          schema: { operationId: `update${op}Trigger`, summary: 'Set a new lifetime (restarts the expiry clock)', tags, params: ItemParams, body: Type.Object({ lifetime: Lifetime }), response: { 200: TriggerRef, ...ERR } },
        },
        async (request) => {
          const t = triggerOf(request);
          const body = request.body as { lifetime?: unknown } | undefined;
          if (body?.lifetime === undefined) throw new SovdError('invalid-parameter', 'lifetime is required', { parameter: 'lifetime' });
          deps.engine.setLifetime(t, parseLifetime(body.lifetime));
          return triggerView(t, API_BASE);
        },
      );
      app.delete(
        `${base}/:trigger_id`,
        { config: write, schema: { operationId: `delete${op}Trigger`, summary: 'Delete a trigger (closes its streams)', tags, params: ItemParams, response: { 204: Type.Null(), ...ERR } } },
        async (request, reply) => {
          deps.engine.remove(triggerOf(request));
          return reply.code(204).send(null);
        },
      );
    }
  };
}
