// HTTP ↔ communication logs: GET/POST /{entity}/communication-logs, GET/PUT/DELETE …/{communication_log_id}
// (docs/sovd-resources.md [ours]). POST starts a log; PUT {status: running|stopped}
// restarts or stops it. POST, PUT and DELETE are mutating (lock scope `communication-logs`).
import { Type } from '@sinclair/typebox';
import type { FastifyRequest } from 'fastify';
import { API_BASE, type HttpApp } from '@medkit/server';
import { EntityId, GenericError, Opaque } from '@medkit/server';
import { ENTITY_SEGMENTS, ID_PARAM, SEGMENT_TITLE, type ResolvedEntity } from '../entity-scope/index.js';
import { SovdError } from '@medkit/sovd';
import type { CommunicationLogs, TrafficSource } from './recorder.js';

const Summary = Type.Object(
  {
    id: Type.String(),
    protocol: Type.Literal('dds'),
    status: Type.Union([Type.Literal('running'), Type.Literal('stopped')]),
    created_at: Type.String(),
    started_at: Type.Optional(Type.String()),
    stopped_at: Type.Optional(Type.String()),
    event_count: Type.Integer(),
    dropped_events: Type.Integer({ description: 'Oldest events dropped from the bounded ring' }),
  },
  { $id: 'CommunicationLogSummary', title: 'CommunicationLogSummary' },
);
const Detail = Type.Object(
  {
    ...Summary.properties,
    events: Type.Array(Opaque('{seq, timestamp, event: snapshot | node_online | node_offline | endpoint_added | endpoint_removed, node, endpoint?}')),
    topics: Type.Array(Opaque('{topic, type?, messages, rate_hz (null until two messages), watched}')),
  },
  { $id: 'CommunicationLog', title: 'CommunicationLog' },
);
const CreateBody = Type.Object({ protocol: Type.Optional(Type.Literal('dds', { description: 'Only dds' })) }, { title: 'CreateCommunicationLog', examples: [{ protocol: 'dds' }] });
const UpdateBody = Type.Object({ status: Type.Union([Type.Literal('running'), Type.Literal('stopped')]) }, { title: 'UpdateCommunicationLog', examples: [{ status: 'stopped' }] });
const ERR = { 400: GenericError, 403: GenericError, 404: GenericError, 409: GenericError } as const;

interface CommunicationLogRouteDeps {
  logs: CommunicationLogs;
  source(entity: ResolvedEntity): TrafficSource;
}

export function registerCommunicationLogRoutes(deps: CommunicationLogRouteDeps) {
  const keyOf = (request: FastifyRequest) => `${request.entity.type}/${request.entity.entity.id}`;
  return (app: HttpApp): void => {
    app.addSchema(Summary);
    app.addSchema(Detail);
    for (const segment of ENTITY_SEGMENTS) {
      const idParam = ID_PARAM[segment];
      const Title = SEGMENT_TITLE[segment];
      const base = `${API_BASE}/${segment}/:${idParam}/communication-logs`;
      const Params = Type.Object({ [idParam]: EntityId(`${Title} id`) });
      const ItemParams = Type.Object({ [idParam]: EntityId(`${Title} id`), communication_log_id: Type.String({ minLength: 1, maxLength: 64 }) });
      const tags = ['communication-logs'];
      const read = { entity: { segment, collection: 'communication-logs' as const } };
      const write = { entity: { segment, collection: 'communication-logs' as const, mutating: true }, role: 'operator' as const };

      app.get(base, { config: read, schema: { operationId: `list${Title}CommunicationLogs`, summary: 'Communication logs of the entity', tags, params: Params, response: { 200: Type.Object({ items: Type.Array(Type.Ref(Summary)) }), ...ERR } } }, async (request) => ({
        items: deps.logs.list(keyOf(request)).map((l) => l.summary()),
      }));
      app.post(
        base,
        { config: write, schema: { operationId: `start${Title}CommunicationLog`, summary: "Start logging the entity's DDS traffic (discovery events, topic rates)", tags, params: Params, body: CreateBody, response: { 201: Type.Ref(Detail), ...ERR } } },
        async (request, reply) => {
          if (request.body?.protocol !== undefined && request.body.protocol !== 'dds') throw new SovdError('invalid-parameter', 'Only the dds protocol is logged', { parameter: 'protocol' });
          const log = deps.logs.create(keyOf(request), deps.source(request.entity));
          reply.header('Location', `${API_BASE}/${segment}/${request.entity.entity.id}/communication-logs/${log.id}`);
          return reply.code(201).send(log.detail());
        },
      );
      app.get(`${base}/:communication_log_id`, { config: read, schema: { operationId: `get${Title}CommunicationLog`, summary: 'A communication log: events and topic rates', tags, params: ItemParams, response: { 200: Type.Ref(Detail), ...ERR } } }, async (request) =>
        deps.logs.get(keyOf(request), request.params.communication_log_id).detail(),
      );
      app.put(
        `${base}/:communication_log_id`,
        { config: write, schema: { operationId: `update${Title}CommunicationLog`, summary: 'Stop or restart a communication log', tags, params: ItemParams, body: UpdateBody, response: { 200: Type.Ref(Detail), ...ERR } } },
        async (request) => {
          const log = deps.logs.get(keyOf(request), request.params.communication_log_id);
          if (request.body.status === 'running') log.start();
          else log.stop();
          return log.detail();
        },
      );
      app.delete(`${base}/:communication_log_id`, { config: write, schema: { operationId: `delete${Title}CommunicationLog`, summary: 'Stop and delete a communication log', tags, params: ItemParams, response: { 204: Type.Null(), ...ERR } } }, async (request, reply) => {
        deps.logs.remove(keyOf(request), request.params.communication_log_id);
        return reply.code(204).send(null);
      });
    }
  };
}
