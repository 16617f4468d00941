/**
 * Asset inventory records (manifest `assets[]` and CSV rows) → inventory Components (docs/manifest.md).
 */
import { identityFrom } from '../identity.js';
import { joinFqn, newComponent, normalizeNamespace, type Component, type IdentityField } from '../model.js';

/** Asset key (lower-case) → nameplate field. Canonical names of the nameplate are accepted too. */
const ASSET_IDENTITY_KEYS: Readonly<Record<string, IdentityField>> = {
  manufacturer: 'manufacturer',
  model: 'model',
  serial: 'serial_number',
  serial_number: 'serial_number',
  hardware_rev: 'hardware_revision',
  hardware_revision: 'hardware_revision',
  hw_rev: 'hardware_revision',
  firmware: 'firmware_version',
  firmware_version: 'firmware_version',
  fw: 'firmware_version',
  endpoint: 'network_endpoint',
  network_endpoint: 'network_endpoint',
  role: 'role',
  order_code: 'order_code',
  software_version: 'software_version',
};

/** Asset keys that describe the Component itself rather than its nameplate. */
const ASSET_STRUCTURAL_KEYS: ReadonlySet<string> = new Set([
  'id',
  'area',
  'namespace',
  'name',
  'description',
  'variant',
  'type',
  'category',
  'translation_id',
  'parent_component_id',
  'depends_on',
  'tags',
  'external',
  'lock',
]);

/** One asset as flat scalars plus its list/boolean keys. */
interface AssetRecord {
  id: string;
  /** Every scalar key (already lower-cased for CSV), values as written. */
  scalars: Record<string, string>;
  depends_on?: string[];
  tags?: string[];
  external?: boolean;
}

/** Builds the inventory Component for an asset record. */
export function assetToComponent(rec: AssetRecord): Component {
  const fields: Partial<Record<IdentityField, string>> = {};
  const extra: Record<string, string> = {};
  for (const [key, value] of Object.entries(rec.scalars)) {
    const field = ASSET_IDENTITY_KEYS[key];
    if (field) {
      if (fields[field] === undefined) fields[field] = value;
    } else if (!ASSET_STRUCTURAL_KEYS.has(key)) {
      extra[key] = value;
    }
  }
  const s = rec.scalars;
  const made = [fields.manufacturer, fields.model].filter((x) => x).join(' ');
  const namespace = s.namespace ? normalizeNamespace(s.namespace) : undefined;
  const c = newComponent(rec.id, 'inventory', {
    name: s.name || made || rec.id,
    depends_on: rec.depends_on ?? [],
    tags: rec.tags ?? [],
    identity: identityFrom('inventory', fields, extra),
  });
  const optional = {
    description: s.description,
    variant: s.variant,
    type: s.type,
    category: s.category,
    translation_id: s.translation_id,
    parent_component_id: s.parent_component_id,
    area: s.area,
  };
  for (const [k, v] of Object.entries(optional)) if (v) (c as unknown as Record<string, string>)[k] = v;
  if (namespace) c.namespace = namespace;
  c.fqn = namespace ? joinFqn(namespace, rec.id) : `/${rec.id}`;
  if (rec.external !== undefined) c.external = rec.external;
  return c;
}
