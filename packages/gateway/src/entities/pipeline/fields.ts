/**
 * Which entity fields belong to which field group, and how each kind of field is compared and combined.
 */
import { identityIsEmpty, mergeIdentity } from '../identity.js';
import type { EntityType, Identity, ServiceInfo, TopicSet } from '../model.js';
import type { FieldGroup } from './policies.js';

/**
 * scalar: string; list: string[]; bool: OR-able flag; tristate: `external`; topics: TopicSet;
 * keyed: services/actions keyed by full_path; identity: nameplate; object: opaque value.
 */
/**
 * `members`: a membership list (Function hosts) that a lower layer may add to but never take from: it
 * unions even where other fields only fill (docs/beacons.md: a beacon's function membership unions).
 */
export type FieldKind = 'scalar' | 'list' | 'members' | 'bool' | 'tristate' | 'topics' | 'keyed' | 'identity' | 'object';
type Fields = ReadonlyArray<readonly [string, FieldKind]>;

const IDENTITY: Fields = [
  ['name', 'scalar'],
  ['translation_id', 'scalar'],
  ['description', 'scalar'],
  ['tags', 'list'],
];

/** Field lists per entity type and group. `id` and `source` are never merged. */
export const GROUP_FIELDS: Readonly<Record<EntityType, Readonly<Record<FieldGroup, Fields>>>> = {
  area: {
    identity: IDENTITY,
    hierarchy: [
      ['namespace', 'scalar'],
      ['parent_area_id', 'scalar'],
    ],
    live_data: [],
    status: [],
    metadata: [['category', 'scalar']],
  },
  component: {
    identity: [...IDENTITY, ['identity', 'identity']],
    hierarchy: [
      ['namespace', 'scalar'],
      ['fqn', 'scalar'],
      ['area', 'scalar'],
      ['parent_component_id', 'scalar'],
      ['depends_on', 'list'],
    ],
    live_data: [],
    status: [],
    metadata: [
      ['external', 'tristate'],
      ['variant', 'scalar'],
      ['type', 'scalar'],
      ['category', 'scalar'],
      ['host_metadata', 'object'],
      ['lock', 'object'],
      ['modes', 'object'],
    ],
  },
  app: {
    identity: IDENTITY,
    hierarchy: [
      ['component_id', 'scalar'],
      ['depends_on', 'list'],
    ],
    live_data: [
      ['topics', 'topics'],
      ['services', 'keyed'],
      ['actions', 'keyed'],
    ],
    status: [
      ['is_online', 'bool'],
      ['bound_fqn', 'scalar'],
    ],
    metadata: [
      ['ros_binding', 'object'],
      ['external', 'tristate'],
      ['category', 'scalar'],
      ['lock', 'object'],
      ['modes', 'object'],
    ],
  },
  function: {
    identity: IDENTITY,
    hierarchy: [
      ['hosts', 'members'],
      ['depends_on', 'list'],
    ],
    live_data: [],
    status: [],
    metadata: [['category', 'scalar']],
  },
};

/** "Empty" in the sense of rule 4: a higher layer's empty value never blanks a lower layer's value. */
export function isEmptyValue(kind: FieldKind, v: unknown): boolean {
  switch (kind) {
    case 'scalar':
      return v === undefined || v === '';
    case 'list':
    case 'members':
    case 'keyed':
      return !Array.isArray(v) || v.length === 0;
    case 'topics': {
      const t = v as TopicSet | undefined;
      return !t || (t.publishes.length === 0 && t.subscribes.length === 0);
    }
    case 'identity':
      return identityIsEmpty(v as Identity | undefined);
    case 'bool':
      // false is a value the merge ORs away; only "not said" is empty.
      return v === undefined;
    default:
      return v === undefined;
  }
}

function unionKeyed(a: ServiceInfo[], b: ServiceInfo[]): ServiceInfo[] {
  const seen = new Set(a.map((s) => s.full_path));
  return [...a, ...b.filter((s) => !seen.has(s.full_path))];
}

/** Union of two values of the same kind (equal non-authoritative policies). */
export function unionValue(kind: FieldKind, a: unknown, b: unknown): unknown {
  if (isEmptyValue(kind, a)) return structuredClone(b);
  if (isEmptyValue(kind, b)) return a;
  switch (kind) {
    case 'list':
    case 'members':
      return [...new Set([...(a as string[]), ...(b as string[])])];
    case 'keyed':
      return unionKeyed(a as ServiceInfo[], b as ServiceInfo[]);
    case 'topics': {
      const x = a as TopicSet;
      const y = b as TopicSet;
      return {
        publishes: [...new Set([...x.publishes, ...y.publishes])],
        subscribes: [...new Set([...x.subscribes, ...y.subscribes])],
      };
    }
    case 'bool':
      return Boolean(a) || Boolean(b);
    case 'identity':
      return mergeIdentity(a as Identity, b as Identity);
    default:
      return a; // scalars and objects: keep the existing value (fill-only)
  }
}

/** Structural equality of plain data. */
export function sameValue(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}
