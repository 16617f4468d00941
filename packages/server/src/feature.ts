// A feature (faults, locks, the fleet's ingest, ...) plugs into a server through this one contract: its
// tables, its routes, its health report, and start/stop. The composition root (create-server.ts) knows only
// this; a server built on the core (the robot gateway) widens the context its features receive.
import type { HealthRegistry, KeySpec, Logger, Migration, SqliteDatabase } from '@medkit/kit';
import type { ServerConfig } from './config/load.js';
import type { RouteModule } from './http/server.js';
import type { DocsEnricher, ExtraDocPaths } from './http/openapi.js';
import type { SseHub } from './http/sse.js';
import type { AnyToken, ServiceRegistry } from './registry/index.js';

/** What every feature receives. Features find each other's services in `services`, by typed token. */
export interface ServerContext {
  config: ServerConfig;
  log: Logger;
  /** Absolute data dir. */
  dataDir: string;
  db: SqliteDatabase;
  sse: SseHub;
  health: HealthRegistry;
  /** The address the HTTP server is bound to; set before features start (the configured port may be 0 in tests). */
  listening?: { host: string; port: number; scheme?: 'http' | 'https' };
  /** Cross-feature services by typed token (e.g. ENTITIES_SERVICE), published in init(). */
  services: ServiceRegistry;
}

/**
 * When a feature's routes and request hooks are registered. Fastify matches routes by path, not by
 * order, but hooks run in registration order and a catch-all must come after the API it could shadow.
 */
export type RoutePhase =
  /** Request hooks that must see a request before any resource handler (aggregation forwarding). */
  | 'intercept'
  /** The API resources (default). */
  | 'resource'
  /** Routes outside the API that must not shadow it (the web UI at `/`). */
  | 'fallback';

/** A feature's routes of a deferred server's early app (ServerFeature.early). */
export interface EarlyRoutes {
  /** The paths they answer (GET and HEAD; no query, no trailing slash), e.g. `/api/v1/apps`. */
  paths: readonly string[];
  routes: RouteModule;
}

/** One feature of a server whose features receive the context `C`. */
export interface ServerFeature<C extends ServerContext = ServerContext> {
  name: string;
  /** Services this feature may publish in init() (see registry/order.ts). */
  provides?: readonly AnyToken[];
  /** Services that must be provided by another feature; start-up fails (FeatureGraphError) without one. */
  needs?: readonly AnyToken[];
  /** Services used when present; their provider is initialised first. */
  uses?: readonly AnyToken[];
  /** Default 'resource'. */
  routePhase?: RoutePhase;
  /** Configuration keys this feature reads (also listed in the generated configuration reference). */
  keys?: Record<string, KeySpec>;
  migrations?: Migration[];
  /** Runs after storage is open and before routes are registered; may publish services. */
  init?(ctx: C): void | Promise<void>;
  /** Route registration, by phase, then in feature order. */
  routes?(ctx: C): RouteModule;
  /**
   * GET routes a deferred server (ServerOptions.early) also answers before its other routes are built, from state
   * init() made: what a user asks for first and must not wait for the full build (the robot gateway's entity lists).
   * Their module loads before the server listens, so it stays small. Once every route is built, `routes` answers them.
   */
  early?(ctx: C): EarlyRoutes;
  docsEnrichers?(ctx: C): DocsEnricher[];
  /** Path items added to /docs at request time (plugin routes). */
  docsPaths?(ctx: C): ExtraDocPaths[];
  /** After the server listens (connect to ROS, start timers). */
  start?(ctx: C): void | Promise<void>;
  /**
   * What start() set going that the first answers should get through before a deferred server (ServerOptions.early)
   * builds its other routes: that build begins after the first early answer once every feature's start-up work is done,
   * or `early.idleBuildMs` after listening, or at once for a request that needs it. Building takes the event loop for
   * 0.5–0.8 s: begun at the first `/health`, it held back the nodes and peers discovered just after (issue 69). The
   * robot gateway's entities resolve once the graph stopped changing, aggregation after the peers' first round.
   */
  startupWork?(ctx: C): Promise<unknown> | undefined;
  /** Reverse order on shutdown; must be bounded in time. */
  stop?(ctx: C): void | Promise<void>;
  /** One line for the start-up summary, e.g. ['entities', '3 areas, 5 apps']. */
  summary?(ctx: C): [string, string][];
}
