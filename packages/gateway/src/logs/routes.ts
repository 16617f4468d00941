// HTTP ↔ LogsService: /{entity}/logs, /{entity}/logs/configuration (docs/resources.md) and the raw ring buffer
// routes GET /rosout and GET /{entity}/rosout ([ours], binding decision in docs/api.md).
import { Type } from '@sinclair/typebox';
import { SEGMENT_TITLE } from '../entity-scope/index.js';
import { API_BASE, type HttpApp } from '@medkit/server';
import { EntityId, GenericError } from '@medkit/server';
import { ENTITY_SEGMENTS, ID_PARAM, SEGMENT_TO_TYPE, type EntityResolver } from '../entity-scope/index.js';
import type { LogsService } from './service.js';
import { LogConfigSchema, LogListSchema, RosoutListSchema } from './rest-shape.js';

const LogQuery = Type.Object({
  severity: Type.Optional(Type.String({ description: 'Minimum severity: debug | info | warning | error | fatal' })),
  context: Type.Optional(Type.String({ description: 'Substring of the logger name (≤ 256 characters)' })),
});
const LogConfigBody = Type.Object(
  { severity_filter: Type.Optional(Type.String({ description: 'debug | info | warning | error | fatal' })), max_entries: Type.Optional(Type.Integer({ minimum: 1, maximum: 10000, description: '1–10000' })) },
  { examples: [{ severity_filter: 'warning', max_entries: 50 }] },
);
const RosoutQuery = Type.Object({
  node: Type.Optional(Type.String({ description: 'Node FQN or logger name' })),
  severity: Type.Optional(Type.String({ description: 'Minimum severity name or ROS level' })),
  since: Type.Optional(Type.String({ description: 'ISO 8601 time or seconds since the epoch' })),
  limit: Type.Optional(Type.Integer({ minimum: 1, description: 'Newest n entries' })),
});

const ERR = { 400: GenericError, 404: GenericError, 409: GenericError, 500: GenericError, 503: GenericError } as const;

interface LogRouteDeps {
  service: () => LogsService;
  resolver: EntityResolver;
}

export function registerLogRoutes(deps: LogRouteDeps) {
  return (app: HttpApp): void => {
    app.get(
      `${API_BASE}/rosout`,
      { schema: { operationId: 'getRosout', summary: 'Raw /rosout ring buffer of every node', tags: ['logs'], querystring: RosoutQuery, response: { 200: RosoutListSchema, 400: GenericError } } },
      async (request) => deps.service().rosout(undefined, request.query),
    );
    for (const segment of ENTITY_SEGMENTS) {
      const idParam = ID_PARAM[segment];
      const Title = SEGMENT_TITLE[segment];
      const type = SEGMENT_TO_TYPE[segment];
      const base = `${API_BASE}/${segment}/:${idParam}`;
      const Params = Type.Object({ [idParam]: EntityId(`${Title} id`) });
      const tags = ['logs'];
      const logs = { entity: { segment, collection: 'logs' as const } };

      app.get(
        `${base}/logs`,
        { config: logs, schema: { operationId: `list${Title}Logs`, summary: `Log entries of a ${type}, oldest first`, tags, params: Params, querystring: LogQuery, response: { 200: LogListSchema, ...ERR } } },
        async (request) => deps.service().list(request.entity, request.query),
      );
      app.get(
        `${base}/logs/configuration`,
        { config: logs, schema: { operationId: `get${Title}LogConfiguration`, summary: `Log configuration of a ${type}`, tags, params: Params, response: { 200: LogConfigSchema, ...ERR } } },
        async (request) => deps.service().getConfig(request.entity),
      );
      app.put(
        `${base}/logs/configuration`,
        { config: { entity: { ...logs.entity, mutating: true }, role: 'configurator' }, schema: { operationId: `set${Title}LogConfiguration`, summary: `Change the log configuration of a ${type}`, tags, params: Params, body: LogConfigBody, response: { 204: Type.Null(), ...ERR } } },
        async (request, reply) => {
          deps.service().setConfig(request.entity, request.body ?? {});
          return reply.code(204).send(null);
        },
      );
      app.get(
        `${base}/rosout`,
        { config: { entity: { segment, collection: 'rosout' } }, schema: { operationId: `get${Title}Rosout`, summary: `Raw /rosout entries of a ${type}`, tags, params: Params, querystring: RosoutQuery, response: { 200: RosoutListSchema, ...ERR } } },
        async (request) => deps.service().rosout(request.entity, request.query),
      );
    }
  };
}
