// HTTP ↔ ClearDataService: PUT /{entity}/clear-data (every kind), PUT …/clear-data/{kind}, GET
// …/clear-data/status (docs/sovd-resources.md [ours]). A clear answers 202 with `Location` of the status resource (the
// SOVD asynchronous pattern, docs/api.md); it has already run when the answer leaves. PUTs are mutating (lock scope
// `clear-data`).
import { Type } from '@sinclair/typebox';
import { API_BASE, type HttpApp } from '@medkit/server';
import { EntityId, GenericError, Opaque } from '@medkit/server';
import { ENTITY_SEGMENTS, ID_PARAM, SEGMENT_TITLE } from '../entity-scope/index.js';
import { CLEAR_KINDS, type ClearDataService, type ClearKind } from './service.js';

const ClearStatusSchema = Type.Object(
  {
    status: Type.Union([Type.Literal('idle'), Type.Literal('completed'), Type.Literal('failed')]),
    kinds: Type.Optional(Type.Array(Type.String())),
    started_at: Type.Optional(Type.String()),
    finished_at: Type.Optional(Type.String()),
    cleared: Type.Optional(Type.Record(Type.String(), Type.Integer(), { description: 'Count per cleared thing: cached_values, faults, data_lists, triggers, cyclic_subscriptions, modes' })),
    error: Type.Optional(Opaque('{clearer, message}')),
    'x-medkit': Type.Optional(Opaque('covers: what each kind clears on this gateway')),
  },
  { $id: 'ClearDataStatus', title: 'ClearDataStatus', examples: [{ status: 'completed', kinds: ['learned-data'], started_at: '2026-03-23T02:20:33.000Z', finished_at: '2026-03-23T02:20:33.004Z', cleared: { faults: 2 } }] },
);
const ERR = { 400: GenericError, 403: GenericError, 404: GenericError, 409: GenericError } as const;

export function registerClearDataRoutes(service: () => ClearDataService) {
  return (app: HttpApp): void => {
    app.addSchema(ClearStatusSchema);
    const StatusRef = Type.Ref(ClearStatusSchema);
    for (const segment of ENTITY_SEGMENTS) {
      const idParam = ID_PARAM[segment];
      const Title = SEGMENT_TITLE[segment];
      const base = `${API_BASE}/${segment}/:${idParam}/clear-data`;
      const Params = Type.Object({ [idParam]: EntityId(`${Title} id`) });
      const tags = ['clear-data'];
      const write = { entity: { segment, collection: 'clear-data' as const, mutating: true }, role: 'operator' as const };
      const clear = (kinds: readonly ClearKind[]) => async (request: { entity: Parameters<ClearDataService['run']>[0] }, reply: import('fastify').FastifyReply) => {
        const s = service().run(request.entity, kinds);
        reply.header('Location', `${API_BASE}/${segment}/${request.entity.entity.id}/clear-data/status`);
        return reply.code(202).send(s);
      };
      app.get(`${base}/status`, { config: { entity: { segment, collection: 'clear-data' as const } }, schema: { operationId: `get${Title}ClearDataStatus`, summary: 'Outcome of the last clear on the entity', tags, params: Params, response: { 200: StatusRef, ...ERR } } }, async (request) => ({
        ...service().status(request.entity),
        'x-medkit': { covers: service().describe() },
      }));
      app.put(base, { config: write, schema: { operationId: `clear${Title}AllData`, summary: 'Clear every kind: cached data, learned data and client-defined resources', tags, params: Params, response: { 202: StatusRef, ...ERR } } }, clear(CLEAR_KINDS));
      for (const kind of CLEAR_KINDS) {
        const op = kind.replace(/(^|-)(\w)/g, (_m, _d, c: string) => c.toUpperCase());
        app.put(`${base}/${kind}`, { config: write, schema: { operationId: `clear${Title}${op}`, summary: `Clear the entity's ${kind}`, tags, params: Params, response: { 202: StatusRef, ...ERR } } }, clear([kind]));
      }
    }
  };
}
