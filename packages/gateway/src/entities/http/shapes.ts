// Entity wire shapes (docs/api.md): list items, details with one URI per collection,
// `capabilities`, `_links` and the `x-medkit` vendor object. Pure translation of the model.
import { API_BASE } from '@medkit/sovd';
import { TYPE_TO_SEGMENT } from '../../entity-scope/collections.js';
import type { App, Area, Component, Entity, EntityType, SovdFunction } from '../model.js';
import { effectiveFqn } from '../model.js';

export interface ListItem {
  id: string;
  name: string;
  href: string;
  type: EntityType;
  description?: string;
  tags?: string[];
  'x-medkit'?: Record<string, unknown>;
}

/** Optional parts of details that depend on enabled features. */
export interface DetailOptions {
  scripts: boolean;
  locking: boolean;
  /** Resource collections served for the type beyond the fixed ones (modes, data-lists, ...: from the route index). */
  resources?: (type: EntityType) => readonly string[];
  /** Plugin contributions (docs/plugins.md, docs/beacons.md): capabilities to add or remove, `x-medkit.plugins` metadata. */
  plugins?: (type: EntityType, e: Entity) => { add: string[]; remove: string[]; metadata?: Record<string, unknown> };
  /**
   * Moves whenever what `plugins` answers may have changed (PluginHost.detailsRevision): a detail built with plugins
   * may be reused only while it stays the same.
   */
  pluginsRevision?: () => number;
}

export const href = (type: EntityType, id: string): string => `${API_BASE}/${TYPE_TO_SEGMENT[type]}/${id}`;

function identityJson(c: Component): Record<string, unknown> | undefined {
  const id = c.identity;
  if (!id) return undefined;
  const camel: Record<string, string> = {
    manufacturer: 'manufacturer',
    model: 'model',
    order_code: 'orderCode',
    serial_number: 'serialNumber',
    hardware_revision: 'hardwareRevision',
    firmware_version: 'firmwareVersion',
    software_version: 'softwareVersion',
    network_endpoint: 'networkEndpoint',
    role: 'role',
  };
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(id.fields)) if (v) out[camel[k] ?? k] = v;
  if (Object.keys(id.extra).length > 0) out.extra = { ...id.extra };
  if (Object.keys(id.provenance).length > 0) out._provenance = { ...id.provenance };
  return Object.keys(out).length > 0 ? out : undefined;
}

/** The per-type `x-medkit` object of list items and details. */
export function xMedkit(type: EntityType, e: Entity, detail: boolean): Record<string, unknown> {
  const x: Record<string, unknown> = {};
  if (type !== 'area') x.source = e.source;
  if (!e.available) x.available = false;
  if (detail || e.contributors.some((c) => c !== 'local')) x.contributors = [...e.contributors].sort((a, b) => (a === 'local' ? -1 : b === 'local' ? 1 : a.localeCompare(b)));
  switch (type) {
    case 'area': {
      const a = e as Area;
      if (a.namespace) x.ros2 = { namespace: a.namespace };
      if (detail && a.parent_area_id) x.parent_area_id = a.parent_area_id;
      break;
    }
    case 'component': {
      const c = e as Component;
      if (c.namespace || c.fqn) x.ros2 = { ...(c.namespace ? { namespace: c.namespace } : {}) };
      const identity = identityJson(c);
      if (identity) x.identity = identity;
      if (c.external !== undefined) x.external = c.external;
      if (c.host_metadata) x.host = { ...c.host_metadata };
      if (detail) {
        if (c.parent_component_id) x.parentComponentId = c.parent_component_id;
        if (c.depends_on.length > 0) x.dependsOn = [...c.depends_on];
        if (c.area) x.area = c.area;
        if (c.variant) x.variant = c.variant;
        if (c.type) x.type = c.type;
        if (c.description) x.description = c.description;
      }
      break;
    }
    case 'app': {
      const a = e as App;
      x.is_online = a.is_online;
      if (a.component_id) x.component_id = a.component_id;
      const node = effectiveFqn(a);
      const ros2: Record<string, unknown> = {};
      if (node) ros2.node = node;
      if (a.ros_binding?.namespace && a.ros_binding.namespace !== '*') ros2.namespace = a.ros_binding.namespace;
      if (Object.keys(ros2).length > 0) x.ros2 = ros2;
      if (a.external !== undefined) x.external = a.external;
      if (a.original_id) x.original_id = a.original_id;
      break;
    }
    case 'function': {
      const f = e as SovdFunction;
      if (detail) x.hosts = [...f.hosts];
      break;
    }
  }
  return x;
}

export function listItem(type: EntityType, e: Entity, extra: Record<string, unknown> = {}): ListItem {
  const item: ListItem = { id: e.id, name: e.name || e.id, href: href(type, e.id), type };
  if (e.description) item.description = e.description;
  if (e.tags.length > 0) item.tags = [...e.tags];
  const x = { ...xMedkit(type, e, false), ...extra };
  if (Object.keys(x).length > 0) item['x-medkit'] = x;
  return item;
}

/** A dangling reference in a relationship list (`x-medkit.missing: true`). */
export function missingItem(type: EntityType, id: string, extra: Record<string, unknown> = {}): ListItem {
  return { id, name: id, href: href(type, id), type, 'x-medkit': { missing: true, ...extra } };
}

const BASE_COLLECTIONS: Record<EntityType, string[]> = {
  area: ['subareas', 'components', 'contains', 'data', 'operations', 'configurations', 'faults', 'logs', 'bulk-data', 'triggers'],
  component: ['status', 'data', 'operations', 'configurations', 'faults', 'subcomponents', 'hosts', 'logs', 'bulk-data', 'cyclic-subscriptions', 'triggers'],
  app: ['status', 'data', 'operations', 'configurations', 'faults', 'logs', 'bulk-data', 'cyclic-subscriptions', 'triggers'],
  function: ['hosts', 'data', 'operations', 'configurations', 'faults', 'logs', 'bulk-data', 'x-medkit-graph', 'cyclic-subscriptions', 'triggers'],
};

const CAPABILITY_NAMES: Record<EntityType, string[]> = {
  area: ['subareas', 'contains', 'data', 'operations', 'configurations', 'faults', 'logs', 'bulk-data', 'triggers'],
  component: ['status', 'data', 'operations', 'configurations', 'faults', 'logs', 'subcomponents', 'hosts', 'bulk-data', 'cyclic-subscriptions', 'triggers'],
  app: ['status', 'data', 'operations', 'configurations', 'faults', 'logs', 'bulk-data', 'cyclic-subscriptions', 'triggers'],
  function: ['hosts', 'data', 'operations', 'configurations', 'faults', 'logs', 'bulk-data', 'cyclic-subscriptions', 'triggers'],
};

/** The entity detail of docs/api.md. */
export function detail(type: EntityType, e: Entity, opts: DetailOptions): Record<string, unknown> {
  const self = href(type, e.id);
  const out: Record<string, unknown> = { id: e.id, name: e.name || e.id, type };
  if (e.description) out.description = e.description;
  if (e.tags.length > 0) out.tags = [...e.tags];
  if ((type === 'app' || type === 'function') && e.translation_id) out.translation_id = e.translation_id;
  for (const c of BASE_COLLECTIONS[type]) out[c] = `${self}/${c}`;
  const caps = [...CAPABILITY_NAMES[type]];
  const links: Record<string, string | string[]> = { self, collection: `${API_BASE}/${TYPE_TO_SEGMENT[type]}` };

  if (type === 'component') {
    const c = e as Component;
    if (opts.scripts) {
      out.scripts = `${self}/scripts`;
      caps.push('scripts');
    }
    if (opts.locking) {
      out.locks = `${self}/locks`;
      caps.push('locks');
    }
    if (c.depends_on.length > 0) {
      out['depends-on'] = `${self}/depends-on`;
      caps.push('depends-on');
    }
    if (c.area) {
      out['belongs-to'] = href('area', c.area);
      links.area = href('area', c.area);
    }
    if (c.parent_component_id) links.parent = href('component', c.parent_component_id);
  }
  if (type === 'app') {
    const a = e as App;
    if (a.component_id) {
      out['is-located-on'] = href('component', a.component_id);
      out['belongs-to'] = `${self}/belongs-to`;
      caps.push('is-located-on', 'belongs-to');
      links['is-located-on'] = href('component', a.component_id);
      links['belongs-to'] = `${self}/belongs-to`;
    }
    if (a.depends_on.length > 0) {
      out['depends-on'] = `${self}/depends-on`;
      caps.push('depends-on');
      links['depends-on'] = a.depends_on.map((d) => href('app', d));
    }
    if (opts.scripts) {
      out.scripts = `${self}/scripts`;
      caps.push('scripts');
    }
    if (opts.locking) {
      out.locks = `${self}/locks`;
      caps.push('locks');
    }
  }
  if (type === 'area') {
    const a = e as Area;
    if (a.parent_area_id) links.parent = href('area', a.parent_area_id);
  }
  if (type === 'function') {
    const f = e as SovdFunction;
    if (f.depends_on.length > 0) links['depends-on'] = f.depends_on.map((d) => href('function', d));
  }
  for (const name of opts.resources?.(type) ?? []) {
    out[name] = `${self}/${name}`;
    caps.push(name);
  }
  const fromPlugins = opts.plugins?.(type, e);
  if (fromPlugins) {
    for (const name of fromPlugins.remove) {
      const i = caps.indexOf(name);
      if (i >= 0) caps.splice(i, 1);
      delete out[name];
    }
    for (const name of fromPlugins.add) if (!caps.includes(name)) caps.push(name);
  }
  const capabilities = caps.map((name) => ({ name, href: `${self}/${name}` }));
  out.capabilities = capabilities;
  out._links = links;
  const x = xMedkit(type, e, true);
  if (fromPlugins?.metadata) x.plugins = fromPlugins.metadata;
  if (type === 'component') x.capabilities = capabilities;
  out['x-medkit'] = x;
  return out;
}

/** The names of an entity's capabilities, exactly as its detail lists them (the ROS service interface reports these). */
export function capabilityNames(type: EntityType, e: Entity, opts: DetailOptions): string[] {
  return (detail(type, e, opts).capabilities as { name: string }[]).map((c) => c.name);
}
