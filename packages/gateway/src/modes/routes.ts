// HTTP ↔ ModesService: GET /{apps|components}/{id}/modes, GET and PUT …/modes/{mode_id} (docs/sovd-resources.md [ours];
// docs/sovd-resources.md). PUT is mutating (lock scope `modes`).
import { Type } from '@sinclair/typebox';
import { API_BASE, type HttpApp } from '@medkit/server';
import { EntityId, GenericError } from '@medkit/server';
import { ID_PARAM, SEGMENT_TITLE } from '../entity-scope/index.js';
import { clientGone } from '../ros/client-gone.js';
import { MAX_EXPIRATION_SEC, type ModesService } from './service.js';
import { ModeListSchema, ModeSchema } from './rest-shape.js';

const SetMode = Type.Object(
  {
    value: Type.String({ minLength: 1, maxLength: 64, description: 'One of the mode\'s values (lifecycle: active or finalized)' }),
    mode_expiration: Type.Optional(Type.Integer({ minimum: 1, maximum: MAX_EXPIRATION_SEC, description: 'Seconds until a manifest mode returns to its default' })),
  },
  { title: 'SetMode', examples: [{ value: 'auto', mode_expiration: 600 }] },
);
const ERR = { 400: GenericError, 403: GenericError, 404: GenericError, 409: GenericError, 501: GenericError, 503: GenericError } as const;

export function registerModeRoutes(service: () => ModesService) {
  return (app: HttpApp): void => {
    app.addSchema(ModeListSchema);
    app.addSchema(ModeSchema);
    for (const segment of ['apps', 'components'] as const) {
      const idParam = ID_PARAM[segment];
      const Title = SEGMENT_TITLE[segment];
      const base = `${API_BASE}/${segment}/:${idParam}/modes`;
      const Params = Type.Object({ [idParam]: EntityId(`${Title} id`) });
      const ItemParams = Type.Object({ [idParam]: EntityId(`${Title} id`), mode_id: Type.String({ minLength: 1, maxLength: 64 }) });
      const tags = ['modes'];
      const read = { entity: { segment, collection: 'modes' as const } };
      const write = { entity: { segment, collection: 'modes' as const, mutating: true }, role: 'configurator' as const };
      app.get(base, { config: read, schema: { operationId: `list${Title}Modes`, summary: `Modes of a ${Title.toLowerCase()}: its lifecycle state and its manifest mode table`, tags, params: Params, response: { 200: Type.Ref(ModeListSchema), ...ERR } } }, async (request) =>
        service().list(request.entity),
      );
      app.get(`${base}/:mode_id`, { config: read, schema: { operationId: `get${Title}Mode`, summary: 'One mode and its current value', tags, params: ItemParams, response: { 200: Type.Ref(ModeSchema), ...ERR } } }, async (request, reply) =>
        service().get(request.entity, request.params.mode_id, clientGone(reply.raw)),
      );
      app.put(
        `${base}/:mode_id`,
        { config: write, schema: { operationId: `set${Title}Mode`, summary: 'Set a mode (lifecycle: runs the SOVD transition that reaches the state)', tags, params: ItemParams, body: SetMode, response: { 200: Type.Ref(ModeSchema), ...ERR } } },
        async (request, reply) => service().set(request.entity, request.params.mode_id, request.body.value, request.body.mode_expiration, clientGone(reply.raw)),
      );
    }
  };
}
