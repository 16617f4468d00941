// The capability booleans of GET / (the 17 of docs/api.md and 4 [ours] for docs/sovd-resources.md), all always present. Flags of a REST
// resource are derived from the route index: a flag is true exactly when its resource's route is
// registered and answers (not a disabled feature's 501 stand-in), so a flag cannot drift from what
// is served. Only the flags that describe configuration rather than a resource are set explicitly.
import { API_BASE } from '@medkit/sovd';

export const CAPABILITY_NAMES = [
  'discovery',
  'data_access',
  'operations',
  'async_actions',
  'configurations',
  'faults',
  'logs',
  'bulk_data',
  'cyclic_subscriptions',
  'locking',
  'triggers',
  'updates',
  'authentication',
  'tls',
  'scripts',
  'aggregation',
  'vendor_extensions',
  // [ours] the four SOVD resources medkit implements beyond the reference (docs/sovd-resources.md).
  'modes',
  'data_lists',
  'clear_data',
  'communication_logs',
] as const;

type CapabilityName = (typeof CAPABILITY_NAMES)[number];

/** The route that proves each resource capability (an app-level route where the resource is per entity). */
export const CAPABILITY_ROUTES = {
  discovery: `GET ${API_BASE}/apps`,
  data_access: `GET ${API_BASE}/apps/{app_id}/data`,
  operations: `GET ${API_BASE}/apps/{app_id}/operations`,
  // Asynchronous executions are polled on their status resource (docs/api.md).
  async_actions: `GET ${API_BASE}/apps/{app_id}/operations/{operation_id}/executions/{execution_id}`,
  configurations: `GET ${API_BASE}/apps/{app_id}/configurations`,
  faults: `GET ${API_BASE}/faults`,
  logs: `GET ${API_BASE}/apps/{app_id}/logs`,
  bulk_data: `GET ${API_BASE}/apps/{app_id}/bulk-data`,
  cyclic_subscriptions: `GET ${API_BASE}/apps/{app_id}/cyclic-subscriptions`,
  locking: `GET ${API_BASE}/apps/{app_id}/locks`,
  triggers: `GET ${API_BASE}/apps/{app_id}/triggers`,
  updates: `GET ${API_BASE}/updates`,
  authentication: `POST ${API_BASE}/auth/token`,
  scripts: `GET ${API_BASE}/apps/{app_id}/scripts`,
  modes: `GET ${API_BASE}/apps/{app_id}/modes`,
  data_lists: `GET ${API_BASE}/apps/{app_id}/data-lists`,
  clear_data: `PUT ${API_BASE}/apps/{app_id}/clear-data`,
  communication_logs: `GET ${API_BASE}/apps/{app_id}/communication-logs`,
} as const satisfies Partial<Record<CapabilityName, string>>;

/**
 * Entity-level resources whose capability entry (docs/api.md) follows the route index: listed on an
 * entity's detail exactly when the entity type's route answers. [resource, method proving it]
 */
const ENTITY_RESOURCE_ROUTES = [
  // The reference's 0.7.0 advertises these on every entity type that serves them (fault-triggers: apps).
  ['data-categories', 'GET'],
  ['data-groups', 'GET'],
  ['fault-triggers', 'GET'],
  ['modes', 'GET'],
  ['data-lists', 'GET'],
  ['clear-data', 'PUT'],
  ['communication-logs', 'GET'],
] as const;

/** Flags that describe configuration, not a resource: set by the subsystem that owns them. */
type ConfigCapabilityName = Exclude<CapabilityName, keyof typeof CAPABILITY_ROUTES>;

/** What the capabilities read routes from (the gateway's RouteIndex). */
interface ServedRoutes {
  serves(entry: string): boolean;
}

export class Capabilities {
  private readonly config = new Map<ConfigCapabilityName, boolean>();

  constructor(private readonly routes: ServedRoutes) {}

  /** Sets a configuration flag (`tls`, `aggregation`, `vendor_extensions`). */
  set(name: ConfigCapabilityName, on = true): void {
    this.config.set(name, on);
  }

  has(name: CapabilityName): boolean {
    const route = (CAPABILITY_ROUTES as Partial<Record<CapabilityName, string>>)[name];
    return route !== undefined ? this.routes.serves(route) : (this.config.get(name as ConfigCapabilityName) ?? false);
  }

  /** The ENTITY_RESOURCE_ROUTES served for entities of `segment` (`apps`, ...) whose id parameter is `idParam`. */
  entityResources(segment: string, idParam: string): string[] {
    return ENTITY_RESOURCE_ROUTES.filter(([name, method]) => this.routes.serves(`${method} ${API_BASE}/${segment}/{${idParam}}/${name}`)).map(([name]) => name);
  }

  toJSON(): Record<CapabilityName, boolean> {
    return Object.fromEntries(CAPABILITY_NAMES.map((n) => [n, this.has(n)])) as Record<CapabilityName, boolean>;
  }
}
