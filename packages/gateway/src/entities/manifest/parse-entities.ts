/**
 * Manifest entity lists (areas, components, assets, apps, functions) → model entities with locations.
 * Only shape is checked here; cross references are validate.ts's job.
 */
import { isScalar } from 'yaml';
import { identityFrom } from '../identity.js';
import {
  IDENTITY_FIELDS,
  joinFqn,
  newApp,
  newArea,
  newComponent,
  newFunction,
  normalizeNamespace,
  type App,
  type Area,
  type Component,
  type IdentityField,
  type RosBinding,
  type SovdFunction,
} from '../model.js';
import { assetToComponent } from './assets.js';
import { RULE, type IssueSink } from './issues.js';
import type { Located } from './types.js';
import type { MapReader } from './yaml-reader.js';

function located<T>(value: T, m: MapReader): Located<T> {
  return { value, loc: m.loc, at: (k) => m.at(k) };
}

/** Reads the id (required); reports and returns undefined when missing. */
function requireId(m: MapReader, issues: IssueSink, what: string): string | undefined {
  const id = m.str('id');
  if (id === undefined) issues.error(m.loc, RULE.schema, `${what} without 'id'`);
  return id;
}

/** Fields every manifest entity may carry. */
function common(m: MapReader): { name?: string; description?: string; translation_id?: string; category?: string; tags: string[] } {
  const out: { name?: string; description?: string; translation_id?: string; category?: string; tags: string[] } = {
    tags: m.strList('tags'),
  };
  for (const k of ['name', 'description', 'translation_id', 'category'] as const) {
    const v = m.str(k);
    if (v !== undefined && v !== '') out[k] = v;
  }
  return out;
}

/** A raw object block (`lock`, `modes`) interpreted by its feature. */
function lockBlock(m: MapReader, key: 'lock' | 'modes'): Record<string, unknown> | undefined {
  const v = m.js(key);
  return v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
}

/** The `lock` and `modes` blocks components and apps both carry, set when present. */
function readLockBlocks(m: MapReader, e: { lock?: Record<string, unknown>; modes?: Record<string, unknown> }): void {
  const lock = lockBlock(m, 'lock');
  if (lock) e.lock = lock;
  const modes = lockBlock(m, 'modes');
  if (modes) e.modes = modes;
}

/** `areas[]`, flattening `subareas` (the nesting parent becomes `parent_area_id`). */
export function readAreas(list: MapReader[], issues: IssueSink, parent: string | undefined, out: Located<Area>[]): void {
  for (const m of list) {
    const id = requireId(m, issues, 'area');
    if (id === undefined) continue;
    const explicit = m.str('parent_area_id') ?? m.str('parent_area');
    if (parent !== undefined && explicit !== undefined && explicit !== parent) {
      issues.error(m.at('parent_area_id'), RULE.schema, `area '${id}' is nested under '${parent}' but names parent '${explicit}'`);
    }
    const ns = m.str('namespace');
    const area = newArea(id, 'manifest', { ...common(m), namespace: ns ? normalizeNamespace(ns) : `/${id}` });
    const p = parent ?? explicit;
    if (p !== undefined) area.parent_area_id = p;
    out.push(located(area, m));
    readAreas(m.maps('subareas', 'subarea'), issues, id, out);
  }
}

/** The `identity` block of a component: nameplate fields plus `extra`; other scalars become extras. */
function readIdentity(m: MapReader) {
  const block = m.sub('identity');
  if (!block) return undefined;
  const fields: Partial<Record<IdentityField, string>> = {};
  const extra = block.strMap('extra');
  for (const k of block.keys()) {
    if (k === 'extra') continue;
    const v = block.str(k);
    if (v === undefined) continue;
    if ((IDENTITY_FIELDS as readonly string[]).includes(k)) fields[k as IdentityField] = v;
    else extra[k] = v;
  }
  return identityFrom('manifest', fields, extra);
}

/** `components[]`, flattening `subcomponents`. */
export function readComponents(
  list: MapReader[],
  issues: IssueSink,
  parent: string | undefined,
  out: Located<Component>[],
): void {
  for (const m of list) {
    const id = requireId(m, issues, 'component');
    if (id === undefined) continue;
    const ns = m.str('namespace');
    const namespace = ns ? normalizeNamespace(ns) : undefined;
    const c = newComponent(id, 'manifest', { ...common(m), depends_on: m.strList('depends_on') });
    if (namespace) c.namespace = namespace;
    c.fqn = namespace ? joinFqn(namespace, id) : `/${id}`;
    for (const k of ['type', 'variant', 'area'] as const) {
      const v = m.str(k);
      if (v) c[k] = v;
    }
    const p = m.str('parent_component_id') ?? parent;
    if (p) c.parent_component_id = p;
    const ext = m.bool('external');
    if (ext !== undefined) c.external = ext;
    const identity = readIdentity(m);
    if (identity) c.identity = identity;
    readLockBlocks(m, c);
    out.push(located(c, m));
    readComponents(m.maps('subcomponents', 'subcomponent'), issues, id, out);
  }
}

/** `assets[]` → inventory Components. */
export function readAssets(list: MapReader[], issues: IssueSink, out: Located<Component>[]): void {
  for (const m of list) {
    const id = requireId(m, issues, 'asset');
    if (id === undefined) continue;
    const scalars: Record<string, string> = {};
    for (const k of m.keys()) {
      if (k === 'depends_on' || k === 'tags' || k === 'external' || k === 'lock' || k === 'modes') continue;
      // Non-scalar extras (maps, lists) are not nameplate material; skip them silently.
      if (!isScalar(m.node(k))) continue;
      const v = m.str(k);
      if (v !== undefined) scalars[k] = v;
    }
    out.push(
      located(
        assetToComponent({ id, scalars, depends_on: m.strList('depends_on'), tags: m.strList('tags'), external: m.bool('external') }),
        m,
      ),
    );
  }
}

/** `ros_binding` block; one of `node_name` / `topic_namespace` is required. */
function readBinding(m: MapReader, issues: IssueSink, appId: string): RosBinding | undefined {
  const b = m.sub('ros_binding', `app '${appId}' ros_binding`);
  if (!b) return undefined;
  const node_name = b.str('node_name');
  const topic_ns = b.str('topic_namespace');
  if (!node_name && !topic_ns) {
    issues.error(m.at('ros_binding'), RULE.schema, `app '${appId}' ros_binding needs 'node_name' or 'topic_namespace'`);
    return undefined;
  }
  const ns = b.str('namespace');
  const binding: RosBinding = { namespace: ns === undefined ? '/' : ns.trim() === '*' ? '*' : normalizeNamespace(ns) };
  if (ns === undefined) binding.namespace_defaulted = true;
  if (node_name) binding.node_name = node_name;
  if (topic_ns) binding.topic_namespace = normalizeNamespace(topic_ns);
  return binding;
}

/** `apps[]`. */
export function readApps(list: MapReader[], issues: IssueSink, out: Located<App>[]): void {
  for (const m of list) {
    const id = requireId(m, issues, 'app');
    if (id === undefined) continue;
    const app = newApp(id, 'manifest', { ...common(m), depends_on: m.strList('depends_on') });
    const host = m.str('is_located_on');
    if (host) app.component_id = host;
    const ext = m.bool('external');
    if (ext !== undefined) app.external = ext;
    const binding = readBinding(m, issues, id);
    if (binding) app.ros_binding = binding;
    readLockBlocks(m, app);
    out.push(located(app, m));
  }
}

/** `functions[]`; `hosted_by` with the internal alias `hosts`. */
export function readFunctions(list: MapReader[], issues: IssueSink, out: Located<SovdFunction>[]): void {
  for (const m of list) {
    const id = requireId(m, issues, 'function');
    if (id === undefined) continue;
    const hosts = m.has('hosted_by') ? m.strList('hosted_by') : m.strList('hosts');
    out.push(located(newFunction(id, 'manifest', { ...common(m), hosts, depends_on: m.strList('depends_on') }), m));
  }
}
