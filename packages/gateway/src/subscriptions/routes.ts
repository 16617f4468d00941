// HTTP ↔ SubscriptionManager for /{apps|components|functions}/{id}/cyclic-subscriptions (docs/subscriptions.md).
import { Type } from '@sinclair/typebox';
import type { FastifyRequest } from 'fastify';
import { API_BASE, type HttpApp } from '@medkit/server';
import { EntityId, GenericError } from '@medkit/server';
import { SovdError } from '@medkit/sovd';
import type { SseHub } from '@medkit/server';
import { checkBody } from '@medkit/server';
import { ID_PARAM, } from '../entity-scope/index.js';
import type { CollectionSamplerRegistry } from '../sampling/index.js';
import type { SubscriptionManager } from './manager.js';
import { subscriptionView } from './model.js';
import { SubscriptionSchema } from './rest-shape.js';
import { parseDuration, parseInterval, parseTarget } from './validate.js';

const CreateBody = Type.Object(
  {
    resource: Type.String({ description: '/api/v1/{apps|components|functions}/{id}/{collection}[/{path}] of the route entity, or /api/v1/updates/{id}/status' }),
    interval: Type.String({ description: 'fast | normal | slow' }),
    duration: Type.Integer({ description: 'seconds, 1 … sse.max_duration_sec' }),
    protocol: Type.Optional(Type.String({ description: 'sse (only)' })),
  },
  { additionalProperties: true, examples: [{ resource: '/api/v1/apps/battery_monitor/data/voltage', interval: 'normal', duration: 60 }] },
);
const UpdateBody = Type.Object({ interval: Type.Optional(Type.String()), duration: Type.Optional(Type.Integer()) }, { additionalProperties: true });

const ERR = { 400: GenericError, 404: GenericError, 409: GenericError, 503: GenericError } as const;

interface SubscriptionRouteDeps {
  manager: SubscriptionManager;
  samplers: CollectionSamplerRegistry;
  sse: SseHub;
  maxDuration: number;
  keepaliveMs: number;
}

export function registerSubscriptionRoutes(deps: SubscriptionRouteDeps) {
  return (app: HttpApp): void => {
    app.addSchema(SubscriptionSchema);
    const SubRef = Type.Ref(SubscriptionSchema);
    for (const segment of ['apps', 'components', 'functions'] as const) {
      const idParam = ID_PARAM[segment];
      const base = `${API_BASE}/${segment}/:${idParam}/cyclic-subscriptions`;
      const Params = Type.Object({ [idParam]: EntityId('Entity id') });
      const ItemParams = Type.Object({ [idParam]: EntityId('Entity id'), subscription_id: Type.String({ minLength: 1, maxLength: 256 }) });
      const op = segment.charAt(0).toUpperCase() + segment.slice(1, -1);
      const tags = ['cyclic-subscriptions'];
      const read = { entity: { segment, collection: 'cyclic-subscriptions' as const } };
      const write = { entity: { segment, collection: 'cyclic-subscriptions' as const, mutating: true }, role: 'operator' as const };
      const subOf = (request: FastifyRequest) => {
        const { type, entity } = request.entity;
        return deps.manager.get(type, entity.id, (request.params as Record<string, string>).subscription_id);
      };

      app.post(
        base,
        { attachValidation: true, config: write, schema: { operationId: `create${op}CyclicSubscription`, summary: 'Create a cyclic subscription', tags, params: Params, body: CreateBody, response: { 201: SubRef, ...ERR } } },
        async (request, reply) => {
          const { type, entity } = request.entity;
          const body = (request.body ?? {}) as Record<string, unknown>;
          if (body.protocol !== undefined && body.protocol !== 'sse') {
            throw new SovdError('x-medkit-unsupported-protocol', `Unsupported protocol '${String(body.protocol)}'; only sse`, { protocol: body.protocol });
          }
          checkBody(request);
          if (body.resource === undefined) throw new SovdError('invalid-parameter', 'resource is required', { parameter: 'resource' });
          const interval = parseInterval(body.interval);
          const duration = parseDuration(body.duration, deps.maxDuration);
          const target = parseTarget(body.resource, { segment, id: entity.id, type }, deps.samplers);
          const s = deps.manager.create(type, entity.id, target, interval, duration);
          reply.header('Location', `${API_BASE}/${segment}/${entity.id}/cyclic-subscriptions/${s.id}`);
          return reply.code(201).send(subscriptionView(s, API_BASE));
        },
      );
      app.get(
        base,
        { config: read, schema: { operationId: `list${op}CyclicSubscriptions`, summary: 'Cyclic subscriptions of the entity', tags, params: Params, response: { 200: Type.Object({ items: Type.Array(SubRef) }), ...ERR } } },
        async (request) => {
          const { type, entity } = request.entity;
          return { items: deps.manager.list(type, entity.id).map((s) => subscriptionView(s, API_BASE)) };
        },
      );
      app.get(
        `${base}/:subscription_id/events`,
        { config: read, schema: { operationId: `stream${op}CyclicSubscription`, summary: 'SSE stream: one EventEnvelope per interval', tags, params: ItemParams, produces: ['text/event-stream'], response: { 200: Type.String({ description: 'text/event-stream' }), ...ERR } } },
        async (request, reply) => {
          const s = subOf(request);
          const stream = deps.sse.start(request, reply, deps.keepaliveMs);
          void deps.manager.stream(s, stream);
          return reply;
        },
      );
      app.get(
        `${base}/:subscription_id`,
        { config: read, schema: { operationId: `get${op}CyclicSubscription`, summary: 'One cyclic subscription', tags, params: ItemParams, response: { 200: SubRef, ...ERR } } },
        async (request) => subscriptionView(subOf(request), API_BASE),
      );
      app.put(
        `${base}/:subscription_id`,
        { attachValidation: true, config: write, schema: { operationId: `update${op}CyclicSubscription`, summary: 'Change interval and/or duration (duration counts from now)', tags, params: ItemParams, body: UpdateBody, response: { 200: SubRef, ...ERR } } },
        async (request) => {
          const s = subOf(request);
          const body = (request.body ?? {}) as Record<string, unknown>;
          const change = {
            ...(body.interval !== undefined ? { interval: parseInterval(body.interval) } : {}),
            ...(body.duration !== undefined ? { duration: parseDuration(body.duration, deps.maxDuration) } : {}),
          };
          deps.manager.update(s, change);
          return subscriptionView(s, API_BASE);
        },
      );
      app.delete(
        `${base}/:subscription_id`,
        { config: write, schema: { operationId: `delete${op}CyclicSubscription`, summary: 'Delete a cyclic subscription (closes its streams)', tags, params: ItemParams, response: { 204: Type.Null(), ...ERR } } },
        async (request, reply) => {
          deps.manager.remove(subOf(request));
          return reply.code(204).send(null);
        },
      );
    }
  };
}
