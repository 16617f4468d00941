// HTTP ↔ LockManager for /{apps|components}/{id}/locks (docs/locks.md). Routes exist only for apps and
// components; areas and functions fall to the generic 404.
import { Type } from '@sinclair/typebox';
import { API_BASE, type HttpApp } from '@medkit/server';
import { EntityId, GenericError } from '@medkit/server';
import { ID_PARAM } from '../entity-scope/index.js';
import type { LockManager } from './manager.js';
import { lockView, parseScopes, requireClientId, type LockableType } from './model.js';
import { routeAvailability } from '@medkit/server';
import { LockSchema } from './rest-shape.js';

const AcquireBody = Type.Object(
  {
    lock_expiration: Type.Integer({ minimum: 1, description: 'TTL in seconds, > 0 and ≤ the entity maximum (default 3600)' }),
    scopes: Type.Optional(Type.Array(Type.String(), { description: 'collections covered; omitted = all' })),
    break_lock: Type.Optional(Type.Boolean({ description: "replace another client's breakable lock" })),
  },
  { examples: [{ lock_expiration: 300, scopes: ['configurations'] }] },
);
const ExtendBody = Type.Object({ lock_expiration: Type.Integer({ minimum: 1, description: 'new TTL in seconds from now, ≤ the entity maximum' }) }, { examples: [{ lock_expiration: 600 }] });
const ClientHeader = Type.Object({ 'x-client-id': Type.Optional(Type.String({ description: 'Client identity (1–256 characters, no control characters)' })) });

const ERR = { 400: GenericError, 403: GenericError, 404: GenericError, 409: GenericError, 501: GenericError } as const;

interface LockRouteDeps {
  manager: LockManager;
  enabled: boolean;
}

export function registerLockRoutes(deps: LockRouteDeps) {
  return (app: HttpApp): void => {
    const available = routeAvailability(deps.enabled, 'Locking is disabled');
    app.addSchema(LockSchema);
    const LockRef = Type.Ref(LockSchema);
    for (const segment of ['apps', 'components'] as const) {
      const type: LockableType = segment === 'apps' ? 'app' : 'component';
      const idParam = ID_PARAM[segment];
      const Title = type === 'app' ? 'App' : 'Component';
      const base = `${API_BASE}/${segment}/:${idParam}/locks`;
      const Params = Type.Object({ [idParam]: EntityId(`${Title} id`) });
      const ItemParams = Type.Object({ [idParam]: EntityId(`${Title} id`), lock_id: Type.String({ minLength: 1, maxLength: 256, description: 'Lock id' }) });
      const tags = ['locks'];
      // Lock routes manage locks rather than mutate the entity: none passes the lock check itself.
      const config = { ...available, entity: { segment, collection: 'locks' as const } };
      const write = { ...config, role: 'operator' as const };

      app.post(
        base,
        { config: write, schema: { operationId: `acquire${Title}Lock`, summary: `Acquire a lock on a ${type}`, tags, params: Params, headers: ClientHeader, body: AcquireBody, response: { 201: LockRef, ...ERR } } },
        async (request, reply) => {
          const id = request.entity.entity.id;
          const clientId = requireClientId(request.client.id);
          const body = request.body;
          const lock = deps.manager.acquire(type, id, { clientId, expiration: body.lock_expiration, scopes: parseScopes(body.scopes), breakLock: body.break_lock === true });
          reply.header('Location', `${API_BASE}/${segment}/${id}/locks/${lock.id}`);
          return reply.code(201).send(lockView(lock, clientId));
        },
      );
      app.get(
        base,
        { config, schema: { operationId: `list${Title}Locks`, summary: `Locks of a ${type}`, tags, params: Params, headers: ClientHeader, response: { 200: Type.Object({ items: Type.Array(LockRef) }), ...ERR } } },
        async (request) => {
          const id = request.entity.entity.id;
          const clientId = request.client.id;
          return { items: deps.manager.list(type, id).map((l) => lockView(l, clientId)) };
        },
      );
      app.get(
        `${base}/:lock_id`,
        { config, schema: { operationId: `get${Title}Lock`, summary: `One lock of a ${type}`, tags, params: ItemParams, headers: ClientHeader, response: { 200: LockRef, ...ERR } } },
        async (request) => {
          return lockView(deps.manager.get(type, request.entity.entity.id, request.params.lock_id), request.client.id);
        },
      );
      app.put(
        `${base}/:lock_id`,
        { config: write, schema: { operationId: `extend${Title}Lock`, summary: `Extend a lock (new expiry = now + lock_expiration)`, tags, params: ItemParams, headers: ClientHeader, body: ExtendBody, response: { 204: Type.Null(), ...ERR } } },
        async (request, reply) => {
          const clientId = requireClientId(request.client.id);
          deps.manager.extend(type, request.entity.entity.id, request.params.lock_id, clientId, request.body.lock_expiration);
          return reply.code(204).send(null);
        },
      );
      app.delete(
        `${base}/:lock_id`,
        { config: write, schema: { operationId: `release${Title}Lock`, summary: 'Release a lock', tags, params: ItemParams, headers: ClientHeader, response: { 204: Type.Null(), ...ERR } } },
        async (request, reply) => {
          const clientId = requireClientId(request.client.id);
          deps.manager.release(type, request.entity.entity.id, request.params.lock_id, clientId);
          return reply.code(204).send(null);
        },
      );
    }
  };
}
