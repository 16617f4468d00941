// The entity model (docs/manifest.md): the four SOVD entity types and their fields. The gateway's discovery
// pipeline builds these; plugins receive them in introspection and provider calls (the plugin contract
// re-exports them).

/** The four SOVD entity types. */
export type EntityType = 'area' | 'component' | 'app' | 'function';

/** All entity types in the order the API lists them. */
export const ENTITY_TYPES: readonly EntityType[] = ['area', 'component', 'app', 'function'];

/** Fields every entity carries. */
export interface EntityBase {
  id: string;
  /** Display name; falls back to the id. */
  name: string;
  translation_id?: string;
  description?: string;
  tags: string[];
  /** Free-text manifest category. */
  category?: string;
  /**
   * Provenance: `manifest`, `inventory`, `runtime`, `heuristic`, `plugin`, a protocol tag (`opcua`, `beacon`)
   * or `peer:<name>`. Set by the first layer that declares the entity and never negotiated afterwards.
   */
  source: string;
  /** Aggregation provenance (docs/api.md): `local` and/or peer names, `local` first, then peers alphabetically. */
  contributors: string[];
  /** What a peer called the entity's source before it was re-tagged `peer:<name>`. */
  declared_source?: string;
  /** False while a silent peer's entity is retained. */
  available: boolean;
}

export interface Area extends EntityBase {
  namespace?: string;
  parent_area_id?: string;
}

/** Nameplate fields of a Component identity (docs/manifest.md). */
export const IDENTITY_FIELDS = [
  'manufacturer',
  'model',
  'order_code',
  'serial_number',
  'hardware_revision',
  'firmware_version',
  'software_version',
  'network_endpoint',
  'role',
] as const;
export type IdentityField = (typeof IDENTITY_FIELDS)[number];

/**
 * Asset nameplate. Every populated field has an entry in `provenance` naming the source that set it
 * (`extra.<key>` for extras).
 */
export interface Identity {
  fields: Partial<Record<IdentityField, string>>;
  extra: Record<string, string>;
  provenance: Record<string, string>;
}

/** What the runtime host component says about the machine (serialized as `x-medkit.host`). */
export interface HostMetadata {
  hostname: string;
  os: string;
  arch: string;
}

export interface Component extends EntityBase {
  namespace?: string;
  fqn?: string;
  /** Free text: sensor, actuator, controller, power, mobile-robot... */
  type?: string;
  variant?: string;
  area?: string;
  parent_component_id?: string;
  depends_on: string[];
  host_metadata?: HostMetadata;
  identity?: Identity;
  /** Tri-state: undefined means "not said", which is not the same as false. */
  external?: boolean;
  /** Raw `lock` block of the manifest (interpreted by the locking feature). */
  lock?: Record<string, unknown>;
  /** Raw `modes` block of the manifest: the entity's mode table (interpreted by the modes feature). */
  modes?: Record<string, unknown>;
}

/** How a manifest App is matched to a running node. */
export interface RosBinding {
  node_name?: string;
  /** `/`-rooted namespace, or `*` for any. */
  namespace: string;
  topic_namespace?: string;
  /** True when the manifest omitted `namespace` and `/` was assumed (drives a hint when linking fails). */
  namespace_defaulted?: boolean;
}

export interface ServiceInfo {
  full_path: string;
  /** Last path segment. */
  name: string;
  type: string;
}

export type ActionInfo = ServiceInfo;

export interface TopicSet {
  publishes: string[];
  subscribes: string[];
}

export interface App extends EntityBase {
  component_id?: string;
  depends_on: string[];
  ros_binding?: RosBinding;
  bound_fqn?: string;
  is_online: boolean;
  external?: boolean;
  topics: TopicSet;
  services: ServiceInfo[];
  actions: ActionInfo[];
  /** Id before a rename caused by a peer id collision. */
  original_id?: string;
  lock?: Record<string, unknown>;
  modes?: Record<string, unknown>;
}

export interface SovdFunction extends EntityBase {
  /** App ids (or Component ids) hosting this function; manifest key `hosted_by`. */
  hosts: string[];
  depends_on: string[];
}

/** Any entity. */
export type Entity = Area | Component | App | SovdFunction;

/**
 * The node FQN an App stands for: `bound_fqn` when linked, else the binding's `namespace/node_name`
 * (empty when the binding namespace is the wildcard or there is no node name).
 */
export function effectiveFqn(app: App): string {
  if (app.bound_fqn) return app.bound_fqn;
  const b = app.ros_binding;
  if (!b || !b.node_name || b.namespace === '*') return '';
  return joinFqn(b.namespace, b.node_name);
}

/** `/name` in the root namespace, else `ns/name`. */
export function joinFqn(namespace: string, name: string): string {
  const ns = normalizeNamespace(namespace);
  return ns === '/' ? `/${name}` : `${ns}/${name}`;
}

/** Leading slash, no trailing slash, no empty segments; `/` for the root. */
export function normalizeNamespace(ns: string): string {
  const parts = ns.split('/').filter((p) => p.length > 0);
  return '/' + parts.join('/');
}
