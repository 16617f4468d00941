// The robot gateway's per-route stage: a route that declares `config: { entity: {segment, collection, mutating} }`
// gets its entity resolved in the validation order of docs/api.md (and, for mutating calls, the access decision)
// before its handler runs, which then reads the typed `request.entity`. A stand-in route answers 501 before this
// (the server core's pipeline).
import type { RouteStage } from '@medkit/server';
import { ID_PARAM, type EntityResolver, type EntityRouteSpec, type ResolvedEntity } from '../entity-scope/index.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** The route's entity; set only on routes whose config declares `entity`. */
    entity: ResolvedEntity;
  }
  interface FastifyContextConfig {
    /** The entity this route acts on (see http/entity-stage.ts). */
    entity?: EntityRouteSpec;
  }
}

/** The entity stage, resolving through `resolver`. */
export function entityStage(resolver: EntityResolver): RouteStage {
  return {
    install(app) {
      app.decorateRequest('entity', null as unknown as ResolvedEntity);
    },
    stageFor(config) {
      const spec = config.entity;
      if (!spec) return undefined;
      const { segment, collection, parentParam } = spec;
      const idParam = spec.idParam ?? ID_PARAM[segment];
      const mutating = spec.mutating ?? false;
      // Only a mutating call's access decision reads the caller, so a reading route resolves with one options object.
      const reading = { collection, mutating: false };
      return (request, _reply, done) => {
        try {
          const params = request.params as Record<string, string>;
          const opts = mutating ? { collection, mutating, client: request.client } : reading;
          request.entity = parentParam ? resolver.resolveChild(segment, params[parentParam], params[idParam], opts) : resolver.resolve(segment, params[idParam], opts);
          done();
        } catch (err) {
          done(err as Error);
        }
      };
    },
  };
}
