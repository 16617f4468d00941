// HTTP ↔ ConfigurationsService for /{entity}/configurations (docs/resources.md). `{config_id}` spans segments
// (parameter names may hold `/` and `.`): item routes are registered as `:config_id` and `*`.
import { Type } from '@sinclair/typebox';
import { SEGMENT_TITLE } from '../entity-scope/index.js';
import { API_BASE, type HttpApp } from '@medkit/server';
import { EntityId, GenericError } from '@medkit/server';
import { ENTITY_SEGMENTS, ID_PARAM, SEGMENT_TO_TYPE, type EntityResolver } from '../entity-scope/index.js';
import { clientGone } from '../ros/client-gone.js';
import type { ConfigurationsService } from './service.js';
import { ConfigListSchema, ConfigResetMultiStatusSchema, ConfigValueSchema } from './rest-shape.js';

const SetBody = Type.Object(
  { data: Type.Optional(Type.Unknown({ description: 'New value (JSON type must match the parameter type)' })), value: Type.Optional(Type.Unknown({ description: 'Legacy form of data' })) },
  { examples: [{ data: 20.0 }] },
);

const ERR = { 400: GenericError, 403: GenericError, 404: GenericError, 409: GenericError, 500: GenericError, 501: GenericError, 503: GenericError, 504: GenericError } as const;

interface ConfigurationRouteDeps {
  service: () => ConfigurationsService;
  resolver: EntityResolver;
}

interface Req {
  params: unknown;
  body?: unknown;
  headers: Record<string, unknown>;
}

export function registerConfigurationRoutes(deps: ConfigurationRouteDeps) {
  return (app: HttpApp): void => {
    for (const segment of ENTITY_SEGMENTS) {
      const idParam = ID_PARAM[segment];
      const Title = SEGMENT_TITLE[segment];
      const type = SEGMENT_TO_TYPE[segment];
      const base = `${API_BASE}/${segment}/:${idParam}/configurations`;
      const Params = Type.Object({ [idParam]: EntityId(`${Title} id`) });
      const ItemParams = Type.Object({ [idParam]: EntityId(`${Title} id`), config_id: Type.String({ description: 'Parameter id; may contain / and .' }) });
      const WildParams = Type.Object({ [idParam]: EntityId(`${Title} id`), '*': Type.String() });
      const tags = ['configurations'];
      const reads = { entity: { segment, collection: 'configurations' as const } };
      const writes = { entity: { segment, collection: 'configurations' as const, mutating: true }, role: 'configurator' as const };
      const configId = (request: Req) => {
        const p = request.params as Record<string, string>;
        return p.config_id ?? p['*'] ?? '';
      };
      const both = (suffix: string, schema: Record<string, unknown>, register: (path: string, s: Record<string, unknown>) => void) => {
        register(`${base}/:config_id`, { ...schema, params: ItemParams });
        register(`${base}/*`, { ...schema, params: WildParams, operationId: `${schema.operationId as string}${suffix}`, hide: true });
      };

      app.get(
        base,
        { config: reads, schema: { operationId: `list${Title}Configurations`, summary: `Parameters of the nodes behind a ${type}`, tags, params: Params, response: { 200: ConfigListSchema, ...ERR } } },
        async (request, reply) => deps.service().list(request.entity, clientGone(reply.raw)),
      );
      app.delete(
        base,
        { config: writes, schema: { operationId: `reset${Title}Configurations`, summary: `Reset every parameter of a ${type} to its initial value`, tags, params: Params, response: { 204: Type.Null(), 207: ConfigResetMultiStatusSchema, ...ERR } } },
        async (request, reply) => {
          const out = await deps.service().resetAll(request.entity, clientGone(reply.raw));
          return out ? reply.code(207).send(out) : reply.code(204).send(null);
        },
      );
      both('Path', { operationId: `get${Title}Configuration`, summary: `One parameter of a ${type}`, tags, response: { 200: ConfigValueSchema, ...ERR } }, (path, schema) =>
        app.get(path, { config: reads, schema }, async (request, reply) => deps.service().get(request.entity, configId(request), clientGone(reply.raw))),
      );
      both('Path', { operationId: `set${Title}Configuration`, summary: `Set one parameter of a ${type}`, tags, body: SetBody, response: { 200: ConfigValueSchema, ...ERR } }, (path, schema) =>
        app.put(path, { config: writes, schema }, async (request, reply) =>
          deps.service().set(request.entity, configId(request), (request.body ?? {}) as { data?: unknown; value?: unknown }, clientGone(reply.raw)),
        ),
      );
      both('Path', { operationId: `reset${Title}Configuration`, summary: `Reset one parameter of a ${type} to its initial value`, tags, response: { 204: Type.Null(), ...ERR } }, (path, schema) =>
        app.delete(path, { config: writes, schema }, async (request, reply) => {
          await deps.service().reset(request.entity, configId(request), clientGone(reply.raw));
          return reply.code(204).send(null);
        }),
      );
    }
  };
}
