// @medkit/server: the HTTP server core both medkit servers run on (the robot gateway, `medkit fleet`): the
// feature contract and its ordering, configuration loading, the Fastify app with its request stages and error
// table, authentication and roles, TLS and the Host allow-list, the SSE hub, OpenAPI, /metrics' registry.
/** Composition: a server from its config and features. */
export { createServer, type Server, type ServerOptions, type ServerIdentity, type CoreParts } from './create-server.js';
export type { EarlyRoutes, ServerContext, ServerFeature, RoutePhase } from './feature.js';
export { token, type Token, type AnyToken, ServiceRegistry, MissingServiceError, orderFeatures, FeatureGraphError } from './registry/index.js';

/** Configuration: the core's keys and the loader a server builds on. */
export { ServerConfig, loadServerConfig, describeConfigOrigins, type ConfigProfile, type ConfigOrigin, type LoadOptions } from './config/load.js';
export { SERVER_CORE_KEYS, SERVER_KEYS, TLS_KEYS, AUTH_KEYS, CORS_KEYS, RATE_LIMIT_KEYS, STORAGE_KEYS, type ServerKeyName, type ServerValues } from './config/keys.js';
export { flatten, type FlatConfig } from './config/sources.js';
export { nearestKey } from './config/unknown-keys.js';
export { renderConfigReference } from './config/reference.js';

/** HTTP: the app type routes register on, schemas, stages and helpers route files use. */
export { API_BASE, type HttpApp } from './http/app-types.js';
export { type HttpServer, type RouteModule } from './http/server.js';
export { loadedRoutes } from './http/loaded-routes.js';
export { type RouteStage, type Stage } from './http/pipeline.js';
export { RouteIndex, routeAvailability, type StandInRouteConfig } from './http/route-index.js';
export { Collection, EntityId, GenericError, Links, Opaque } from './http/schemas.js';
export type { DocsEnricher, ExtraDocPaths, OpenApiOptions } from './http/openapi.js';
export { MINIMUM_ROLE_KEY } from './http/openapi-names.js';
export { pascal } from './http/openapi-components.js';
export { checkBody } from './http/validation.js';
export { sendResult } from './http/verbatim.js';
export { Verbatim } from './sovd/verbatim.js';
export { discardUpload, readMultipartUpload, withMultipart } from './http/multipart-upload.js';
export { sendError } from './http/error-stage.js';
export { servedResponses } from './http/response-schemas.js';
export { SseHub, type SseStream } from './http/sse.js';
export { forwardRequest, escapesPath, hasRequestBody, decodeSegment, MAX_FORWARD_RESPONSE_BYTES, type ForwardTarget, type ForwardOutcome, type ForwardOptions } from './http/forward.js';

/** Authentication and roles. */
export { ANONYMOUS, type ClientIdentity } from './auth/identity.js';
export {
  AuthConfigError,
  OAuthError,
  renderRoleTable,
  ROLE_TABLE_FLAGS,
  defaultAccess,
  stricter,
  MAX_CLOCK_SKEW_SEC,
  type RoleResolver,
  type TokenResponse,
  type GatewayAuth,
} from './auth/index.js';
export { isReadMethod } from './auth/route-access.js';

/** Transport: HTTPS, mutual TLS, the Host allow-list. */
export { readServerTransport, type ServerTransport } from './transport/server-transport.js';
export { buildHostAllowList, checkHost, type HostAllowList, type HostCheck } from './transport/allowed-hosts.js';
export { parseAuthority, parseOrigin, sameOrigin, type Authority, type Origin } from './transport/authority.js';

/** Metrics: the registry features add their collectors to, and /metrics. */
export { METRICS_SERVICE, type MetricsService, type PromClientModule } from './metrics/service.js';
export { HttpRequestMetrics } from './metrics/http-requests.js';
export { loadMetrics } from './metrics/load.js';
export { metricsRoutes, METRICS_PATH } from './metrics/routes.js';
