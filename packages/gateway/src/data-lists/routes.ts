// HTTP ↔ data lists: GET/POST /{entity}/data-lists, GET/DELETE …/data-lists/{data_list_id} (docs/sovd-resources.md
// [ours]). Reading a list reads every item through the data service at once; a failing item carries its
// own SOVD error instead of failing the list. POST and DELETE are mutating (lock scope `data-lists`).
import { Type } from '@sinclair/typebox';
import { API_BASE, type HttpApp } from '@medkit/server';
import { EntityId, GenericError, Opaque } from '@medkit/server';
import { ENTITY_SEGMENTS, ID_PARAM, SEGMENT_TITLE } from '../entity-scope/index.js';
import { SovdError } from '@medkit/sovd';
import { clientGone } from '../ros/client-gone.js';
import type { DataService } from '../data/service.js';
import { normalizeTopicId } from '../data/items.js';
import { MAX_ITEMS, type DataListStore } from './store.js';

const DataListSchema = Type.Object(
  {
    id: Type.String(),
    name: Type.Optional(Type.String()),
    items: Type.Array(Type.String(), { description: 'Data item ids' }),
    created_at: Type.String(),
  },
  { $id: 'DataList', title: 'DataList', examples: [{ id: 'dl_1', name: 'battery', items: ['/base/battery_state'], created_at: '2026-03-23T02:20:33.000Z' }] },
);
const CreateBody = Type.Object(
  {
    items: Type.Array(Type.String({ minLength: 1, maxLength: 512 }), { minItems: 1, maxItems: MAX_ITEMS, description: 'Data item ids of the entity' }),
    name: Type.Optional(Type.String({ minLength: 1, maxLength: 128 })),
  },
  { title: 'CreateDataList', examples: [{ name: 'battery', items: ['/base/battery_state'] }] },
);
const DataListValues = Type.Object(
  {
    id: Type.String(),
    name: Type.Optional(Type.String()),
    items: Type.Array(Opaque('{id, data, x-medkit} as GET …/data/{id} answers, or {id, error: GenericError} for an item that failed')),
    'x-medkit': Type.Optional(Opaque('read_at')),
  },
  { $id: 'DataListValues', title: 'DataListValues' },
);
const ERR = { 400: GenericError, 403: GenericError, 404: GenericError, 409: GenericError, 503: GenericError } as const;

interface DataListRouteDeps {
  store: DataListStore;
  data: () => DataService | undefined;
}

export function registerDataListRoutes(deps: DataListRouteDeps) {
  const data = (): DataService => {
    const d = deps.data();
    if (!d) throw new SovdError('not-implemented', 'Data lists need the data feature');
    return d;
  };
  return (app: HttpApp): void => {
    app.addSchema(DataListSchema);
    app.addSchema(DataListValues);
    for (const segment of ENTITY_SEGMENTS) {
      const idParam = ID_PARAM[segment];
      const Title = SEGMENT_TITLE[segment];
      const base = `${API_BASE}/${segment}/:${idParam}/data-lists`;
      const Params = Type.Object({ [idParam]: EntityId(`${Title} id`) });
      const ItemParams = Type.Object({ [idParam]: EntityId(`${Title} id`), data_list_id: Type.String({ minLength: 1, maxLength: 64 }) });
      const tags = ['data-lists'];
      const read = { entity: { segment, collection: 'data-lists' as const } };
      const write = { entity: { segment, collection: 'data-lists' as const, mutating: true }, role: 'operator' as const };

      app.get(base, { config: read, schema: { operationId: `list${Title}DataLists`, summary: 'Data lists defined on the entity', tags, params: Params, response: { 200: Type.Object({ items: Type.Array(Type.Ref(DataListSchema)) }), ...ERR } } }, async (request) => ({
        items: deps.store.list(request.entity.type, request.entity.entity.id),
      }));

      app.post(
        base,
        { config: write, schema: { operationId: `create${Title}DataList`, summary: 'Define a data list (items must be data items of the entity)', tags, params: Params, body: CreateBody, response: { 201: Type.Ref(DataListSchema), ...ERR } } },
        async (request, reply) => {
          const { type, entity } = request.entity;
          const known = new Set(data().list(request.entity).items.map((i) => String(i.id)));
          const items = request.body.items.map((raw) => {
            const id = normalizeTopicId(raw);
            if (!known.has(id)) throw new SovdError('invalid-parameter', `'${raw.slice(0, 128)}' is not a data item of ${entity.id}`, { entity_id: entity.id, parameter: 'items', value: raw.slice(0, 128) });
            return id;
          });
          const list = deps.store.create(type, entity.id, [...new Set(items)], request.body.name);
          reply.header('Location', `${API_BASE}/${segment}/${entity.id}/data-lists/${list.id}`);
          return reply.code(201).send(list);
        },
      );

      app.get(
        `${base}/:data_list_id`,
        { config: read, schema: { operationId: `read${Title}DataList`, summary: 'Read every item of a data list at once', tags, params: ItemParams, response: { 200: Type.Ref(DataListValues), ...ERR } } },
        async (request, reply) => {
          const list = deps.store.get(request.entity.type, request.entity.entity.id, request.params.data_list_id);
          const svc = data();
          const signal = clientGone(reply.raw);
          const items = await Promise.all(
            list.items.map(async (id) => {
              try {
                return await svc.read(request.entity, id, signal);
              } catch (err) {
                const e = err instanceof SovdError ? err : new SovdError('internal-error', (err as Error).message);
                return { id, error: e.toBody() };
              }
            }),
          );
          return { id: list.id, ...(list.name ? { name: list.name } : {}), items, 'x-medkit': { read_at: new Date().toISOString() } };
        },
      );

      app.delete(`${base}/:data_list_id`, { config: write, schema: { operationId: `delete${Title}DataList`, summary: 'Delete a data list', tags, params: ItemParams, response: { 204: Type.Null(), ...ERR } } }, async (request, reply) => {
        deps.store.remove(request.entity.type, request.entity.entity.id, request.params.data_list_id);
        return reply.code(204).send(null);
      });
    }
  };
}
