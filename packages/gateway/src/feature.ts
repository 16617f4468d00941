// A gateway feature (faults, locks, scripts, ...) plugs in through this one contract: its tables,
// its routes, its health report, and start/stop. The composition root (gateway.ts) knows only this.
import type { Logger } from '@medkit/kit';
import type { GatewayConfig } from './config/index.js';
import type { RouteModule } from './http/server.js';
import type { DocsEnricher, ExtraDocPaths } from './http/openapi.js';
import type { SseHub } from './http/sse.js';
import type { Capabilities } from './info/capabilities.js';
import type { EntityResolver } from './entity-scope/index.js';
import type { KeySpec } from '@medkit/kit';
import type { HealthRegistry } from '@medkit/kit';
import type { Migration, SqliteDatabase } from '@medkit/kit';
import type { AnyToken, ServiceRegistry } from './registry/index.js';
import type { CollectionSamplerRegistry } from './sampling/registry.js';

/** What every feature receives. Features find each other's services in `services`, by typed token. */
export interface GatewayContext {
  config: GatewayConfig;
  log: Logger;
  /** Absolute data dir. */
  dataDir: string;
  db: SqliteDatabase;
  sse: SseHub;
  health: HealthRegistry;
  capabilities: Capabilities;
  /** Resolves `/{segment}/{id}` with the spec's validation order (404/400/collection/lock). */
  resolver: EntityResolver;
  /** The address the HTTP server is bound to; set before features start (the configured port may be 0 in tests). */
  listening?: { host: string; port: number; scheme?: 'http' | 'https' };
  /** Cross-feature services by typed token (e.g. ENTITIES_SERVICE), published in init(). */
  services: ServiceRegistry;
  /** Collection samplers (data, faults, ...) for subscriptions and triggers (spec docs/subscriptions.md). */
  samplers: CollectionSamplerRegistry;
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

export interface GatewayFeature {
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
  init?(ctx: GatewayContext): void | Promise<void>;
  /** Route registration, by phase, then in feature order. */
  routes?(ctx: GatewayContext): RouteModule;
  docsEnrichers?(ctx: GatewayContext): DocsEnricher[];
  /** Path items added to /docs at request time (plugin routes). */
  docsPaths?(ctx: GatewayContext): ExtraDocPaths[];
  /** After the server listens (connect to ROS, start timers). */
  start?(ctx: GatewayContext): void | Promise<void>;
  /** Reverse order on shutdown; must be bounded in time. */
  stop?(ctx: GatewayContext): void | Promise<void>;
  /** One line for the start-up summary, e.g. ['entities', '3 areas, 5 apps']. */
  summary?(ctx: GatewayContext): [string, string][];
}
