// The composition root of a server: config → storage → features → HTTP server, and the shutdown order. A server
// built on the core (the robot gateway) widens the features' context and adds its own routes and route stages.
import pino from 'pino';
import type { ServerConfig } from './config/load.js';
import { createHttpServer, type HttpServer, type HttpServerOptions, type RouteModule } from './http/server.js';
import { createNodeServer, type HttpLimits } from './http/node-server.js';
import { createDeferredApp } from './http/deferred-app.js';
import { routesHealth } from './http/routes-health.js';
import { SseHub } from './http/sse.js';
import { HealthRegistry, MigrationRegistry, openStore, prepareDataDir, redactingDestination, reloadServerTls, type TlsReloadResult } from '@medkit/kit';
import { RouteIndex } from './http/route-index.js';
import type { RouteStage } from './http/pipeline.js';
import type { ExtraDocPaths } from './http/openapi.js';
import type { RoutePhase, ServerContext, ServerFeature } from './feature.js';
import { orderFeatures, ServiceRegistry } from './registry/index.js';
import { AUTH_MIGRATIONS, createGatewayAuth, readAuthSettings, type GatewayAuth } from './auth/index.js';
import { registerAuthRoutes } from './auth/routes.js';
import { readServerTransport, type ServerTransport } from './transport/server-transport.js';
import type { Server as TlsServer } from 'node:tls';

/** A deferred server builds its routes this long after listening at the latest (no request needed them yet). */
const IDLE_BUILD_MS = 2_000;

/** What the server says it is (GET /version-info, the OpenAPI document). */
export interface ServerIdentity {
  version: string;
  sovdVersion: string;
}

/** The core's parts a server built on it reads while it adds its own routes. */
export interface CoreParts {
  /** Every registered API route (capabilities, GET /). */
  routeIndex: RouteIndex;
  auth: GatewayAuth;
  /** Path items the features document outside the route table (plugin routes). */
  docsPaths: ExtraDocPaths[];
}

export interface ServerOptions<C extends ServerContext> {
  config: ServerConfig;
  /** In any order: the server orders them from their provides/needs/uses (FeatureGraphError when it cannot). */
  features: ServerFeature<C>[];
  identity: ServerIdentity;
  /** Widens the core context with what this server's features also receive. */
  context(base: ServerContext, routeIndex: RouteIndex): C;
  /** Routes registered before the features' (the root and info routes). */
  routes?(ctx: C, core: CoreParts): RouteModule[];
  /** Per-route stages (the robot gateway's entity stage). */
  routeStages?(ctx: C): RouteStage[];
  /** Logger destination; defaults to stderr. */
  logStream?: NodeJS.WritableStream;
  /**
   * Listen with only these routes and the features' early ones (ServerFeature.early) and build the others on first
   * use (http/deferred-app.ts; the `medkit` command's servers): `paths` are what `routes` serves (GET and HEAD,
   * below the API base or not), e.g. /health.
   */
  early?: {
    paths: readonly string[];
    routes(ctx: C): RouteModule;
    /** Build the other routes this long after listening when nothing has asked yet (default IDLE_BUILD_MS). */
    idleBuildMs?: number;
  };
}

export interface Server<C extends ServerContext = ServerContext> {
  ctx: C;
  /** The app that listens: the one with every route, or a deferred server's early app (ServerOptions.early). */
  http: HttpServer;
  /** Authentication and roles: the route → minimum role table (docs/roles.md) and the token service. */
  auth: GatewayAuth;
  /** Binds the configured host/port (tests pass port 0 for an ephemeral one); resolves with the base URL. */
  listen(port?: number): Promise<string>;
  /** Stops accepting, lets in-flight requests finish (bounded), stops features, closes storage. */
  close(): Promise<void>;
  summary(): [string, string][];
  /** HTTP or HTTPS, and the checked TLS settings. */
  transport: ServerTransport;
  /** Re-reads the TLS certificate, key and CA (SIGHUP); undefined without TLS. The old ones stay on failure. */
  reloadTls(): TlsReloadResult | undefined;
}
/** `scheme://host:port` of a bound address (IPv6 in brackets). */
export function boundUrl(scheme: string, host: string, port: number): string {
  return `${scheme}://${host.includes(':') ? `[${host}]` : host}:${port}`;
}

const ROUTE_PHASES: RoutePhase[] = ['intercept', 'resource', 'fallback'];

export async function createServer<C extends ServerContext>(opts: ServerOptions<C>): Promise<Server<C>> {
  const { config } = opts;
  // Checked before anything is opened: a missing or cyclic dependency is a configuration error.
  const features = orderFeatures(opts.features);
  // TLS files are checked before anything is opened: a set key that cannot be honoured stops start-up.
  const transport = readServerTransport(config);
  // Also before anything is opened: auth settings that cannot be honoured refuse start-up (fail closed).
  const authSettings = readAuthSettings(config);
  // Every line passes the URL-password filter: an error may quote a connection string (docs/configuration.md "Secrets").
  const log = pino({ level: config.get('logging.level'), base: undefined }, redactingDestination(opts.logStream ?? process.stderr) as pino.DestinationStream);
  const dataDir = prepareDataDir(config.get('data_dir'));
  const migrations = new MigrationRegistry();
  migrations.register(...AUTH_MIGRATIONS);
  for (const f of features) if (f.migrations) migrations.register(...f.migrations);
  const db = openStore(dataDir, migrations);
  const auth = createGatewayAuth(authSettings, db);
  for (const w of authSettings.warnings) log.warn(w);
  for (const w of transport.warnings) log.warn(w);

  // Capabilities are read from the routes as registered (GET / docs/api.md), so the index exists first.
  const routeIndex = new RouteIndex();
  const base: ServerContext = {
    config,
    log,
    dataDir,
    db,
    sse: new SseHub(config.get('sse.max_clients')),
    health: new HealthRegistry(),
    services: new ServiceRegistry(),
  };
  const ctx = opts.context(base, routeIndex);
  // Features that ran init() own resources (ROS participant, timers, files) even before start():
  // every exit path stops them, newest first.
  const initialized: ServerFeature<C>[] = [];
  const stopFeatures = async () => {
    for (const f of initialized.splice(0).reverse()) {
      try {
        await f.stop?.(ctx);
      } catch (err) {
        log.error({ err, feature: f.name }, 'feature failed to stop cleanly');
      }
    }
  };
  const abandon = async (err: unknown): Promise<never> => {
    await stopFeatures();
    auth.close();
    db.close();
    throw err;
  };
  try {
    for (const f of features) {
      initialized.push(f);
      await f.init?.(ctx);
    }
  } catch (err) {
    await abandon(err);
  }

  const docsPaths = features.flatMap((f) => f.docsPaths?.(ctx) ?? []);
  const docsEnrichers = features.flatMap((f) => f.docsEnrichers?.(ctx) ?? []);
  const routeStages = opts.routeStages?.(ctx);
  const limits: HttpLimits = {
    maxJsonBodyBytes: config.get('server.limits.max_json_body_bytes'),
    maxHeaderBytes: config.get('server.limits.max_header_bytes'),
    maxUrlLength: config.get('server.limits.max_url_length'),
    requestTimeoutMs: config.get('server.limits.request_timeout_ms'),
    headersTimeoutMs: config.get('server.limits.headers_timeout_ms'),
    keepAliveTimeoutMs: config.get('server.keep_alive_timeout_sec') * 1000,
  };
  // One app's options; the early app of a deferred server (http/deferred-app.ts) has no API description.
  const httpOptions = (routes: RouteModule[], serverFactory?: HttpServerOptions['serverFactory'], docs = true): HttpServerOptions => ({
    // Per-request logs only at debug; errors always (unless silent).
    logger: log.child({ component: 'http' }, { level: ['debug', 'trace', 'silent', 'fatal', 'error'].includes(config.get('logging.level')) ? config.get('logging.level') : 'warn' }),
    limits,
    cors: {
      allowedOrigins: config.get('cors.allowed_origins'),
      allowedMethods: config.get('cors.allowed_methods'),
      allowedHeaders: config.get('cors.allowed_headers'),
      allowCredentials: config.get('cors.allow_credentials'),
      maxAgeSeconds: config.get('cors.max_age_seconds'),
      authEnabled: authSettings.enabled,
    },
    rateLimit: {
      enabled: config.get('rate_limiting.enabled'),
      globalRpm: config.get('rate_limiting.global_requests_per_minute'),
      clientRpm: config.get('rate_limiting.client_requests_per_minute'),
      endpointLimits: config.get('rate_limiting.endpoint_limits'),
      cleanupIntervalSec: config.get('rate_limiting.client_cleanup_interval_seconds'),
      maxIdleSec: config.get('rate_limiting.client_max_idle_seconds'),
    },
    openApi: docs ? { enabled: config.get('docs.enabled'), version: opts.identity.version, sovdVersion: opts.identity.sovdVersion, security: auth.security } : undefined,
    routeStages,
    access: { policy: auth.policy, table: auth.table },
    https: transport.https,
    certificates: transport.certificates,
    allowedHosts: transport.allowedHosts,
    docsEnrichers,
    docsPaths,
    routes,
    serverFactory,
  });
  // Route factories run when the app with every route is built (at once, or on first use when deferred).
  const allRoutes = (): RouteModule[] => [
    (app) => routeIndex.install(app),
    ...(opts.routes?.(ctx, { routeIndex, auth, docsPaths }) ?? []),
    registerAuthRoutes(auth.service, config.get('auth.requests_per_minute')),
    ...ROUTE_PHASES.flatMap((phase) => features.filter((f) => (f.routePhase ?? 'resource') === phase).flatMap((f) => (f.routes ? [f.routes(ctx)] : []))),
  ];
  const built = async (options: HttpServerOptions): Promise<HttpServer> => {
    const server = await createHttpServer(options);
    await server.app.ready();
    return server;
  };
  const early = opts.early;
  // The features' early routes (their entity lists) answer beside the server's own before the full build.
  const featuresEarly = early ? features.flatMap((f) => (f.early ? [f.early(ctx)] : [])) : [];
  const deferred = early
    ? await createDeferredApp({
        buildEarly: (serverFactory) => built(httpOptions([early.routes(ctx), ...featuresEarly.map((e) => e.routes)], serverFactory, false)),
        buildFull: (serverFactory) => built(httpOptions(allRoutes(), serverFactory)),
        earlyPaths: [...early.paths, ...featuresEarly.flatMap((e) => e.paths)],
        createNodeServer: (handler) => createNodeServer(limits, transport.https, handler),
        onFailure: (err) => log.error({ err }, 'building the API routes failed: only the early routes (/health, the entity lists) answer'),
      }).catch(abandon)
    : undefined;
  if (deferred) ctx.health.add(() => routesHealth(deferred.failure()));
  const http = deferred ? deferred.early : await built(httpOptions(allRoutes())).catch(abandon);

  let closed: Promise<void> | undefined;
  return {
    ctx,
    http,
    auth,
    async listen(port?: number) {
      const fallback = await http.app.listen({ host: config.get('server.host'), port: port ?? config.get('server.port') });
      // The address actually bound (Fastify's own answer names one interface for 0.0.0.0).
      const bound = http.app.server.address();
      let address = fallback;
      if (bound && typeof bound === 'object') {
        ctx.listening = { host: bound.address, port: bound.port, scheme: transport.scheme };
        address = boundUrl(transport.scheme, bound.address, bound.port);
      }
      for (const f of features) await f.start?.(ctx);
      deferred?.buildWhenIdle(early?.idleBuildMs ?? IDLE_BUILD_MS);
      deferred?.buildAfter(Promise.allSettled(features.map((f) => f.startupWork?.(ctx))));
      return address;
    },
    close() {
      closed ??= (async () => {
        http.beginShutdown();
        // A deferred server's full app, when it was built (a build under way is waited for; none starts now).
        const full = await deferred?.beginShutdown();
        full?.beginShutdown();
        ctx.sse.closeAll();
        const grace = config.get('server.shutdown_grace_ms');
        const force = setTimeout(() => http.app.server.closeAllConnections(), grace);
        force.unref();
        try {
          await full?.app.close();
          await http.app.close();
        } finally {
          clearTimeout(force);
        }
        // Also when listen() failed: init() already joined ROS and opened files.
        await stopFeatures();
        auth.close();
        db.close();
      })();
      return closed;
    },
    summary() {
      return features.flatMap((f) => f.summary?.(ctx) ?? []);
    },
    transport,
    reloadTls() {
      if (!transport.tls) return undefined;
      const result = reloadServerTls(http.app.server as unknown as TlsServer, transport.tls);
      if (result.ok) log.info(result.message);
      else log.error(result.message);
      return result;
    },
  };
}
