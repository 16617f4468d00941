// HTTP ↔ LifecycleService: GET /{apps|components}/{id}/status and the five PUT transition routes
// (docs/resources.md). Areas and functions have no status routes (generic 404).
import { Type } from '@sinclair/typebox';
import { API_BASE, type HttpApp } from '@medkit/server';
import { EntityId, GenericError } from '@medkit/server';
import { ID_PARAM, type EntityResolver } from '../entity-scope/index.js';
import { clientGone } from '../ros/client-gone.js';
import { SOVD_TRANSITIONS } from './plan.js';
import type { LifecycleService } from './service.js';
import { StatusSchema, TransitionAcceptedSchema } from './rest-shape.js';

const ERR = { 400: GenericError, 403: GenericError, 404: GenericError, 409: GenericError, 500: GenericError, 501: GenericError, 503: GenericError } as const;

interface LifecycleRouteDeps {
  service: () => LifecycleService;
  resolver: EntityResolver;
}

export function registerLifecycleRoutes(deps: LifecycleRouteDeps) {
  return (app: HttpApp): void => {
    for (const segment of ['apps', 'components'] as const) {
      const idParam = ID_PARAM[segment];
      const Title = segment === 'apps' ? 'App' : 'Component';
      const base = `${API_BASE}/${segment}/:${idParam}/status`;
      const Params = Type.Object({ [idParam]: EntityId(`${Title} id`) });
      const tags = ['status'];
      app.get(base, { config: { entity: { segment, collection: 'status' } }, schema: { operationId: `get${Title}Status`, summary: `Readiness of a ${Title.toLowerCase()} and its transition URIs`, tags, params: Params, response: { 200: StatusSchema, ...ERR } } }, async (request, reply) => {
        return deps.service().status(request.entity, clientGone(reply.raw));
      });
      for (const t of SOVD_TRANSITIONS) {
        const op = t.replace(/-(\w)/g, (_m, c: string) => c.toUpperCase());
        app.put(
          `${base}/${t}`,
          {
            // docs/security.md: operators start and restart, configurators also shut down.
            config: { entity: { segment, collection: 'status', mutating: true }, role: t.includes('shutdown') ? 'configurator' : 'operator' },
            schema: {
              operationId: `${op}${Title}`,
              summary: `Lifecycle transition '${t}' (asynchronous: poll the status)`,
              tags,
              params: Params,
              response: { 202: TransitionAcceptedSchema, ...ERR },
            },
          },
          async (request, reply) => {
            const ref = request.entity;
            await deps.service().transition(ref, t, clientGone(reply.raw));
            const status = `${API_BASE}/${segment}/${ref.entity.id}/status`;
            reply.header('Location', status);
            return reply.code(202).send({ transition: t, status });
          },
        );
      }
    }
  };
}
