// A gateway feature (faults, locks, scripts, ...) plugs in through this one contract: its tables,
// its routes, its health report, and start/stop. The composition root (gateway.ts) knows only this.
import type { FastifyBaseLogger } from 'fastify';
import type { GatewayConfig } from './config/index.js';
import type { RouteModule } from './http/server.js';
import type { DocsEnricher } from './http/openapi.js';
import type { SseHub } from './http/sse.js';
import type { Capabilities } from './info/capabilities.js';
import type { EntityResolver } from './entity-scope/index.js';
import type { KeySpec } from './config/index.js';
import type { HealthRegistry } from './info/health-registry.js';
import type { Migration, SqliteDatabase } from './storage/index.js';

/** What every feature receives. Features also find each other's services in `services`. */
export interface GatewayContext {
  config: GatewayConfig;
  log: FastifyBaseLogger;
  /** Absolute data dir. */
  dataDir: string;
  db: SqliteDatabase;
  sse: SseHub;
  health: HealthRegistry;
  capabilities: Capabilities;
  /** Resolves `/{segment}/{id}` with the spec's validation order (404/400/collection/lock). */
  resolver: EntityResolver;
  /** The address the HTTP server is bound to; set before features start (the configured port may be 0 in tests). */
  listening?: { host: string; port: number };
  /** Cross-feature services by name (e.g. 'entities', 'faults', 'ros'), set in init(). */
  services: Map<string, unknown>;
}

export interface GatewayFeature {
  name: string;
  /** Configuration keys this feature reads (also listed in the generated configuration reference). */
  keys?: Record<string, KeySpec>;
  migrations?: Migration[];
  /** Runs after storage is open and before routes are registered; may publish services. */
  init?(ctx: GatewayContext): void | Promise<void>;
  /** Route registration, in feature order. */
  routes?(ctx: GatewayContext): RouteModule;
  docsEnrichers?(ctx: GatewayContext): DocsEnricher[];
  /** After the server listens (connect to ROS, start timers). */
  start?(ctx: GatewayContext): void | Promise<void>;
  /** Reverse order on shutdown; must be bounded in time. */
  stop?(ctx: GatewayContext): void | Promise<void>;
  /** One line for the start-up summary, e.g. ['entities', '3 areas, 5 apps']. */
  summary?(ctx: GatewayContext): [string, string][];
}

/** Typed service lookup; throws with a clear message when a feature is missing. */
export function service<T>(ctx: GatewayContext, name: string): T {
  const s = ctx.services.get(name);
  if (s === undefined) throw new Error(`gateway service '${name}' is not available (feature not enabled?)`);
  return s as T;
}
