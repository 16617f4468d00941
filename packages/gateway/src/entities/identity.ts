/**
 * Component nameplate merging by source precedence (docs/manifest.md).
 */
import { IDENTITY_FIELDS, type Identity, type IdentityField } from './model.js';

/** Highest first. Unknown sources rank below all of these. */
export const IDENTITY_PRECEDENCE: readonly string[] = [
  'opcua',
  's7',
  'ethernet_ip',
  'modbus',
  'ads',
  'profinet',
  'manifest',
  'inventory',
  'config',
  'plugin',
  'runtime',
  'node',
  'topic',
  'heuristic',
];

/** Larger = more trusted. Unknown sources get 0. */
export function identityRank(source: string): number {
  const i = IDENTITY_PRECEDENCE.indexOf(source);
  return i < 0 ? 0 : IDENTITY_PRECEDENCE.length - i;
}

/** An empty nameplate. */
export function emptyIdentity(): Identity {
  return { fields: {}, extra: {}, provenance: {} };
}

/** Builds a nameplate whose every set field is stamped with `source`. Empty strings are skipped. */
export function identityFrom(
  source: string,
  fields: Partial<Record<IdentityField, string>>,
  extra: Record<string, string> = {},
): Identity {
  const id = emptyIdentity();
  for (const f of IDENTITY_FIELDS) {
    const v = fields[f];
    if (v !== undefined && v !== '') {
      id.fields[f] = v;
      id.provenance[f] = source;
    }
  }
  for (const [k, v] of Object.entries(extra)) {
    if (v !== '') {
      id.extra[k] = v;
      id.provenance[`extra.${k}`] = source;
    }
  }
  return id;
}

/** True when no field and no extra is set. */
export function identityIsEmpty(id: Identity | undefined): boolean {
  return !id || (Object.keys(id.fields).length === 0 && Object.keys(id.extra).length === 0);
}

/**
 * Merges `incoming` into a copy of `base` field by field: a strictly higher-ranked source overrides,
 * a tie keeps the existing value, a lower rank only fills empty fields.
 */
export function mergeIdentity(base: Identity | undefined, incoming: Identity | undefined): Identity | undefined {
  if (!incoming || identityIsEmpty(incoming)) return base ? structuredClone(base) : undefined;
  const out = base ? structuredClone(base) : emptyIdentity();
  const take = (key: string, have: string | undefined): boolean => {
    if (have === undefined) return true;
    const oldRank = identityRank(out.provenance[key] ?? '');
    return identityRank(incoming.provenance[key] ?? '') > oldRank;
  };
  for (const f of IDENTITY_FIELDS) {
    const v = incoming.fields[f];
    if (v === undefined) continue;
    if (take(f, out.fields[f])) {
      out.fields[f] = v;
      out.provenance[f] = incoming.provenance[f] ?? '';
    }
  }
  for (const [k, v] of Object.entries(incoming.extra)) {
    const key = `extra.${k}`;
    if (take(key, out.extra[k])) {
      out.extra[k] = v;
      out.provenance[key] = incoming.provenance[key] ?? '';
    }
  }
  return out;
}
