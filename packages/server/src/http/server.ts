// Builds the Fastify server: the request's life is split into stages that each own one concern
// (limits → CORS → rate limit → route → errors), and resource folders register their routes in order.
import Fastify, { type FastifyBaseLogger } from 'fastify';
import type { ServerOptions as HttpsServerOptions } from 'node:https';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { HttpApp } from './app-types.js';
import { clientErrorHandler, installErrorStage, sendError } from './error-stage.js';
import { installJsonBodyParser } from './json-body.js';
import { buildRequestValidator } from './validation.js';
import { buildResponseSerializer } from './serialization.js';
import { installCors, type CorsOptions } from './cors.js';
import { installRateLimit, type RateLimitOptions } from './rate-limit.js';
import { routeHeadAsGet } from './head-requests.js';
import { installResponseSchemaSplit } from './response-schemas.js';
import type { DocsEnricher, ExtraDocPaths, OpenApiOptions } from './openapi.js';
import { rewriteDocsUrl } from './openapi-names.js';
import { SovdError } from '@medkit/sovd';
import { installRequestPipeline, type AccessStages, type CertificateReader, type RouteStage } from './pipeline.js';
import { installBrowserGuards } from './browser-guards.js';
import { deferredRequestLoggers, quietRequestLines } from './request-logger.js';
import type { HostAllowList } from '../transport/allowed-hosts.js';
import { nodeServerOptions, type HttpLimits, type NodeServer, type RequestHandler } from './node-server.js';

export type { HttpLimits } from './node-server.js';

/** Registers one resource's routes. Modules run in the given order (order matters for routing). */
export type RouteModule = (app: HttpApp) => void | Promise<void>;

export interface HttpServerOptions {
  limits: HttpLimits;
  cors: CorsOptions;
  rateLimit: RateLimitOptions;
  /**
   * The API description (/api/v1/docs, Swagger UI). Absent: none, not even the disabled /docs answer (a deferred
   * server's early app, whose other paths go to the full app); its code (openapi.ts, @fastify/swagger) is then never loaded.
   */
  openApi?: OpenApiOptions;
  docsEnrichers?: DocsEnricher[];
  docsPaths?: ExtraDocPaths[];
  /** A pino logger instance. */
  logger: FastifyBaseLogger;
  routes: RouteModule[];
  /** Per-route stages a server adds (the robot gateway's entity stage, http/pipeline.ts). */
  routeStages?: readonly RouteStage[];
  /** Authentication and roles (http/pipeline.ts identity and role stages). */
  access: AccessStages;
  /** HTTPS (and mutual TLS) options; cleartext HTTP when absent. */
  https?: HttpsServerOptions;
  /** Reads a verified client certificate into `request.client` (mutual TLS). */
  certificates?: CertificateReader;
  /** Host header allow-list (DNS-rebinding defence). */
  allowedHosts: HostAllowList;
  /**
   * Makes the Node.js server the app answers on (Fastify's serverFactory) instead of Fastify making one: a server
   * whose routes are built after it listens (http/deferred-app.ts). Its options are then the factory's.
   */
  serverFactory?: (handler: RequestHandler) => NodeServer;
}

export interface HttpServer {
  app: HttpApp;
  /** Marks the server as closing: new requests get 503 x-medkit-gateway-shutdown. */
  beginShutdown(): void;
}

export async function createHttpServer(opts: HttpServerOptions): Promise<HttpServer> {
  const { limits } = opts;
  const serverOptions = nodeServerOptions(limits);
  const app = Fastify({
    loggerInstance: opts.logger,
    bodyLimit: limits.maxJsonBodyBytes,
    requestTimeout: limits.requestTimeoutMs,
    keepAliveTimeout: limits.keepAliveTimeoutMs,
    // https.createServer takes the same server options as http.createServer next to the TLS ones.
    ...(opts.https ? { https: { ...serverOptions, ...opts.https } } : { http: serverOptions }),
    ...(opts.serverFactory ? { serverFactory: opts.serverFactory } : {}),
    clientErrorHandler,
    // A request's child logger is made only when it writes a line (http/request-logger.ts).
    childLoggerFactory: deferredRequestLoggers,
    logController: quietRequestLines(opts.logger),
    rewriteUrl: (req) => {
      routeHeadAsGet(req);
      return rewriteDocsUrl(req.url ?? '/');
    },
    // HEAD is answered by the GET routes (http/head-requests.ts), not by a HEAD twin of each.
    exposeHeadRoutes: false,
    return503OnClosing: false,
    forceCloseConnections: 'idle',
    routerOptions: { ignoreTrailingSlash: true, ignoreDuplicateSlashes: true, maxParamLength: limits.maxUrlLength },
    // Bad percent-encoding and over-long path parameters are caught by the router before any hook.
    frameworkErrors: sendError,
    // Fastify types this factory as Ajv's own compile function; ours returns Fastify's per-route one, which is what it calls.
    schemaController: { compilersFactory: { buildValidator: buildRequestValidator as never, buildSerializer: buildResponseSerializer as never } },
  }).withTypeProvider<TypeBoxTypeProvider>() as unknown as HttpApp;
  app.server.headersTimeout = limits.headersTimeoutMs;

  let closing = false;
  installErrorStage(app);
  installResponseSchemaSplit(app);
  installJsonBodyParser(app);
  // Callback-style hooks on every request: an async hook costs a promise per request on the hot path.
  app.addHook('onRequest', (request, _reply, done) => {
    if (closing) return done(new SovdError('x-medkit-gateway-shutdown', 'Gateway is shutting down; do not retry on this instance'));
    if (request.url.length > limits.maxUrlLength) {
      return done(new SovdError('x-medkit-uri-too-long', `Request URL is longer than ${limits.maxUrlLength} characters`, { max_url_length: limits.maxUrlLength }));
    }
    done();
  });
  installBrowserGuards(app, { allowedHosts: opts.allowedHosts, corsOrigins: opts.cors.allowedOrigins, scheme: opts.https ? 'https' : 'http' });
  installCors(app, opts.cors);
  installRateLimit(app, opts.rateLimit);
  installRequestPipeline(app, opts.access, opts.certificates, opts.routeStages);
  if (opts.openApi) await (await import('./openapi.js')).installOpenApi(app, opts.openApi, opts.docsEnrichers ?? [], opts.docsPaths ?? []);
  for (const register of opts.routes) await register(app);
  return {
    app,
    beginShutdown: () => {
      closing = true;
    },
  };
}
