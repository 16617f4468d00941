// The shared request stages every resource route goes through (the Fastify way: one hook per concern,
// driven by per-route config). Identity is read once per request into `request.client` (the token's
// subject and role when auth is on); the role stage then holds every request, whatever route or hook
// would serve it (built-in, plugin, forwarded to a peer, /mcp), to the minimum role its route declares
// in `config.role` or derives from its method and path (auth/route-access.ts). A disabled feature's routes
// (`config.standIn`, see route-index.ts) answer 501 here; any other per-route stage a server adds (the robot
// gateway resolves a route's `config.entity`) runs after that, before the handler. Route files keep only
// translation.
import type { FastifyRequest, RouteOptions } from 'fastify';
import type { Socket } from 'node:net';
import type { HttpApp } from './app-types.js';
import type { StandInRouteConfig } from './route-index.js';
import { SovdError } from '@medkit/sovd';
import type { ClientIdentity } from '../auth/identity.js';
import { accessOf, type RoleTable, type RouteRole } from '../auth/route-access.js';
import type { AccessPolicy, Identification } from '../auth/policy.js';
import type { CertificateIdentity } from '@medkit/kit';

declare module 'fastify' {
  interface FastifyRequest {
    /** The caller, read once per request. */
    client: ClientIdentity;
  }
  interface FastifyContextConfig extends StandInRouteConfig {
    /** The minimum role of this route (docs/security.md); defaults from method and path (auth/route-access.ts). */
    role?: RouteRole;
  }
}

const first = (v: string | string[] | undefined) => (Array.isArray(v) ? v[0] : v);

/**
 * The path as the router matched it (duplicate slashes collapsed, percent-decoded), so a route that decides
 * its role from the path (plugin vendor routes) sees what its handler will see: `%73ecrets` is `secrets`.
 */
function routedPath(url: string): string {
  const path = url.split('?')[0].replace(/\/{2,}/g, '/');
  try {
    return decodeURIComponent(path);
  } catch {
    // The router refuses malformed encoding before any hook runs; keep the raw path regardless.
    return path;
  }
}

/** Who decides access (auth/policy.ts) and the route → minimum role table it fills from route registrations. */
export interface AccessStages {
  policy: AccessPolicy;
  table: RoleTable;
}

/** Reads the verified client certificate of a connection (mutual TLS): its subject and mapped role. */
export type CertificateReader = (socket: Socket) => CertificateIdentity | undefined;

/** A request stage of one route, in Fastify's callback form (no promise per request on the hot path). */
export type Stage = (request: FastifyRequest, reply: unknown, done: (err?: Error) => void) => void;

/**
 * A stage a server adds to the routes whose `config` asks for it (the robot gateway's entity stage). `stageFor`
 * answers undefined for a route that does not, so such routes pay nothing.
 */
export interface RouteStage {
  /** Request decorations the stage sets (Fastify wants them declared before routes are registered). */
  install?(app: HttpApp): void;
  stageFor(config: NonNullable<RouteOptions['config']>): Stage | undefined;
}

/** Installs the identity, role and per-route stages; must run before routes are registered. */
export function installRequestPipeline(app: HttpApp, access: AccessStages, certificates?: CertificateReader, stages: readonly RouteStage[] = []): void {
  app.decorateRequest('client', null as unknown as ClientIdentity);
  for (const s of stages) s.install?.(app);
  // Identity and role stages in one callback hook: the token (if any) is verified once, then the request is
  // held to its route's minimum role. Global, so it runs before any later hook can answer (aggregation
  // forwards in onRequest), and for unmatched paths too (their default access applies). Without auth and
  // without a token nothing here allocates a promise, and an anonymous caller nothing at all (the entity-detail budget
  // of bench/http): the role stage is one function made here, not a closure per request.
  const admit = (request: FastifyRequest, who: Identification, done: (err?: Error) => void): void => {
    request.client = who.client;
    if (!access.policy.enabled) return done();
    try {
      const path = routedPath(request.url);
      access.policy.check(request.method, accessOf(request.method, request.routeOptions.url ?? path, request.routeOptions.config?.role, path), who);
      done();
    } catch (err) {
      done(err as Error);
    }
  };
  app.addHook('onRequest', (request, _reply, done) => {
    const who = access.policy.identify({
      clientId: first(request.headers['x-client-id']),
      authorization: first(request.headers.authorization),
      certificate: certificates?.(request.raw.socket),
    });
    if (who instanceof Promise) who.then((w) => admit(request, w, done), done);
    else admit(request, who, done);
  });
  app.addHook('onRoute', (route: RouteOptions) => {
    for (const m of Array.isArray(route.method) ? route.method : [route.method]) access.table.add(m, route.url, route.config?.role);
  });
  // Per-route stages are attached only to the routes that ask for one (or are stand-ins), so other routes pay nothing.
  app.addHook('onRoute', (route: RouteOptions) => {
    const config = route.config ?? {};
    const stage = config.standIn ? standInStage(config) : stages.map((s) => s.stageFor(config)).find((st) => st !== undefined);
    if (!stage) return;
    const existing = route.preHandler;
    route.preHandler = existing ? [stage, ...(Array.isArray(existing) ? existing : [existing])] : [stage];
  });
}

/** A disabled feature's route: its 501 (or its own answer), before any other stage or the handler. */
function standInStage(config: StandInRouteConfig): Stage {
  const message = config.disabledMessage ?? 'This feature is disabled on this gateway';
  const answer = config.disabledError ?? (() => new SovdError('not-implemented', message));
  return (_request, _reply, done) => done(answer());
}
