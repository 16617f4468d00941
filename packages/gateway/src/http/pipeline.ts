// The shared request stages every resource route goes through (the Fastify way: one hook per concern,
// driven by per-route config). Identity is read once per request into `request.client`; a route that
// declares `config: { entity: {segment, collection, mutating} }` gets its entity resolved in the spec's
// validation order (api.md §2.4) and, for mutating calls, the access decision, before its handler runs,
// which then reads the typed `request.entity`. A disabled feature's routes (`config.standIn`, see
// route-index.ts) answer 501 here, before the entity is looked up. Route files keep only translation.
import type { FastifyRequest, RouteOptions } from 'fastify';
import type { HttpApp } from './app-types.js';
import type { StandInRouteConfig } from './route-index.js';
import { SovdError } from '../sovd/errors.js';
import { ANONYMOUS, ID_PARAM, type ClientIdentity, type EntityResolver, type EntityRouteSpec, type ResolvedEntity } from '../entity-scope/index.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** The caller, read once per request. */
    client: ClientIdentity;
    /** The route's entity; set only on routes whose config declares `entity`. */
    entity: ResolvedEntity;
  }
  interface FastifyContextConfig extends StandInRouteConfig {
    /** The entity this route acts on (see http/pipeline.ts). */
    entity?: EntityRouteSpec;
  }
}

/** `X-Client-Id` of a request: the first value when repeated, none when empty. */
export function clientOf(headers: FastifyRequest['headers']): ClientIdentity {
  const raw = headers['x-client-id'];
  const id = Array.isArray(raw) ? raw[0] : raw;
  return id ? { id } : ANONYMOUS;
}

/** Installs the identity stage and the entity stage; must run before routes are registered. */
export function installRequestPipeline(app: HttpApp, resolver: EntityResolver): void {
  app.decorateRequest('client', null as unknown as ClientIdentity);
  app.decorateRequest('entity', null as unknown as ResolvedEntity);
  app.addHook('onRequest', (request, _reply, done) => {
    request.client = clientOf(request.headers);
    done();
  });
  // The entity stage is attached to the routes that declare an entity (or are stand-ins) only, so other routes pay nothing.
  app.addHook('onRoute', (route: RouteOptions) => {
    const stage = entityStage(route.config ?? {}, resolver);
    if (!stage) return;
    const existing = route.preHandler;
    route.preHandler = existing ? [stage, ...(Array.isArray(existing) ? existing : [existing])] : [stage];
  });
}

type Stage = (request: FastifyRequest, reply: unknown, done: (err?: Error) => void) => void;

/** The stage of one route: 501 for a stand-in, else the entity of `config.entity` (and the access decision). */
function entityStage(config: { entity?: EntityRouteSpec } & StandInRouteConfig, resolver: EntityResolver): Stage | undefined {
  if (config.standIn) {
    const message = config.disabledMessage ?? 'This feature is disabled on this gateway';
    return (_request, _reply, done) => done(new SovdError('not-implemented', message));
  }
  const spec = config.entity;
  if (!spec) return undefined;
  const { segment, collection, parentParam } = spec;
  const idParam = spec.idParam ?? ID_PARAM[segment];
  const mutating = spec.mutating ?? false;
  return (request, _reply, done) => {
    try {
      const params = request.params as Record<string, string>;
      request.entity = parentParam
        ? resolver.resolveChild(segment, params[parentParam], params[idParam], { collection, mutating, client: request.client })
        : resolver.resolve(segment, params[idParam], { collection, mutating, client: request.client });
      done();
    } catch (err) {
      done(err as Error);
    }
  };
}
