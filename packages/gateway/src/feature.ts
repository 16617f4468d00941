// A robot gateway feature (faults, locks, scripts, ...) is a server-core feature (@medkit/server) whose
// context also holds the entity tree's resolver, the capabilities of GET / and the collection samplers.
import type { ServerContext, ServerFeature } from '@medkit/server';
import type { Capabilities } from './info/capabilities.js';
import type { EntityResolver } from './entity-scope/index.js';
import type { CollectionSamplerRegistry } from './sampling/registry.js';
import type { GatewayConfig } from './config/index.js';

/** What every gateway feature receives. Features find each other's services in `services`, by typed token. */
export interface GatewayContext extends ServerContext {
  config: GatewayConfig;
  capabilities: Capabilities;
  /** Resolves `/{segment}/{id}` in the validation order of docs/api.md (404/400/collection/lock). */
  resolver: EntityResolver;
  /** Collection samplers (data, faults, ...) for subscriptions and triggers (docs/subscriptions.md). */
  samplers: CollectionSamplerRegistry;
}

export type GatewayFeature = ServerFeature<GatewayContext>;
export type { RoutePhase } from '@medkit/server';
