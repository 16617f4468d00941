// The robot gateway's composition root: the server core (@medkit/server) with the entity tree's resolver, the
// capabilities and collection samplers in every feature's context, the entity route stage, and GET /,
// /version-info and /health (first, alone, when the other routes are deferred). Nothing else wires things together.
import { createServer, loadedRoutes, type Server } from '@medkit/server';
import type { GatewayConfig } from './config/index.js';
import { Capabilities } from './info/capabilities.js';
import { HEALTH_PATH, registerHealthRoute } from './info/health-route.js';
import type { GatewayContext, GatewayFeature } from './feature.js';
import { CollectionSamplerRegistry } from './sampling/registry.js';
import { EntityResolver } from './entity-scope/index.js';
import { entityStage } from './http/entity-stage.js';
import { GATEWAY_VERSION, PRODUCT_NAME, SOVD_VERSION } from './version.js';

export interface GatewayOptions {
  config: GatewayConfig;
  /** In any order: the gateway orders them from their provides/needs/uses (FeatureGraphError when it cannot). */
  features: GatewayFeature[];
  /** Logger destination; defaults to stderr. */
  logStream?: NodeJS.WritableStream;
  /**
   * Listen answering only GET /health and build the other routes on first use (the `medkit` command; docs/deploy.md
   * "Start-up: /health first"): a request for them waits until they are built. `idleBuildMs`: when they are built if
   * nothing asks first (default 2 s after listening).
   */
  deferRoutes?: boolean | { idleBuildMs?: number };
}

/** A running (or ready to listen) robot gateway. */
export type Gateway = Server<GatewayContext>;

export function createGateway({ deferRoutes, ...opts }: GatewayOptions): Promise<Gateway> {
  return createServer<GatewayContext>({
    ...opts,
    ...(deferRoutes ? { early: { paths: [HEALTH_PATH], routes: (ctx: GatewayContext) => registerHealthRoute(ctx.health), ...(deferRoutes === true ? {} : deferRoutes) } } : {}),
    identity: { version: GATEWAY_VERSION, sovdVersion: SOVD_VERSION },
    context: (base, routeIndex) => ({
      ...base,
      capabilities: new Capabilities(routeIndex),
      resolver: new EntityResolver(),
      samplers: new CollectionSamplerRegistry(),
    }),
    routeStages: (ctx) => [entityStage(ctx.resolver)],
    routes: (ctx, { routeIndex, auth, docsPaths }) => [
      loadedRoutes(() => import('./info/routes.js'), (m) => m.registerInfoRoutes({
        name: PRODUCT_NAME,
        version: GATEWAY_VERSION,
        sovdVersion: SOVD_VERSION,
        capabilities: ctx.capabilities,
        health: ctx.health,
        routeIndex,
        auth: auth.rootInfo,
        // Plugin vendor routes: the paths their plugins document (the reference's 0.7.0 root lists plugin routes).
        extraPaths: () => docsPaths.map((p) => p()),
      })),
    ],
  });
}
