/**
 * The per-entity-type merge of layer outputs (docs/manifest.md "Merge algorithm", steps 1–7).
 */
import { mergeIdentity } from '../identity.js';
import { ENTITY_TYPES, SNAPSHOT_KEY, emptySnapshot, type EntitySnapshot, type EntityType, type Identity } from '../model.js';
import { GROUP_FIELDS, isEmptyValue, sameValue, unionValue, type FieldKind } from './fields.js';
import { FIELD_GROUPS, POLICY_RANK, type FieldGroup, type LayerKind, type LayerPolicies, type MergePolicy } from './policies.js';

/** One layer's entities with the policies they merge under. */
export interface LayerEntities {
  layer: string;
  kind: LayerKind;
  policies: LayerPolicies;
  entities: EntitySnapshot;
}

/** Two authoritative layers disagreeing on a field group. */
export interface MergeConflict {
  entity_id: string;
  entity_type: EntityType;
  field_group: FieldGroup;
  winning_layer: string;
  losing_layer: string;
}

/** The layer that first declared an entity (its base copy). */
export interface EntityOrigin {
  layer: string;
  kind: LayerKind;
}

export interface MergeOutcome {
  snapshot: EntitySnapshot;
  /** Keyed by `originKey(type, id)`. */
  origin: Map<string, EntityOrigin>;
  /** One per additional copy merged into a base. */
  enriched_count: number;
  conflicts: MergeConflict[];
}

export function originKey(type: EntityType, id: string): string {
  return `${type}:${id}`;
}

/** An entity seen as a plain record. */
export type Rec = Record<string, unknown>;

interface State {
  entity: Rec;
  owner: Record<FieldGroup, { layer: string; policy: MergePolicy }>;
  /** Policy rank of the layer that set `external`, -1 when unset. */
  externalRank: number;
}

/** `enrich`: fill, but membership lists union (a lower layer adds Function hosts, docs/beacons.md). */
function apply(target: Rec, source: Rec, fields: ReadonlyArray<readonly [string, FieldKind]>, mode: 'fill' | 'enrich' | 'replace' | 'union'): void {
  for (const [key, kind] of fields) {
    if (kind === 'tristate') continue; // handled by rule 6
    const src = source[key];
    if (isEmptyValue(kind, src)) continue;
    if (kind === 'identity') {
      // Nameplates merge by source precedence whatever the group policy (docs/manifest.md).
      target[key] = mergeIdentity(target[key] as Identity | undefined, src as Identity);
    } else if (kind === 'members' && mode === 'enrich') {
      target[key] = unionValue(kind, target[key], src);
    } else if (mode === 'replace' || isEmptyValue(kind, target[key])) {
      target[key] = structuredClone(src);
    } else if (mode === 'union') {
      target[key] = unionValue(kind, target[key], src);
    }
  }
}

function differs(target: Rec, source: Rec, fields: ReadonlyArray<readonly [string, FieldKind]>): boolean {
  return fields.some(
    ([key, kind]) => kind !== 'identity' && kind !== 'tristate' && !isEmptyValue(kind, source[key]) && !isEmptyValue(kind, target[key]) && !sameValue(source[key], target[key]),
  );
}

/**
 * Merges one field group of `source` into `target` given the owner's and the source's policy
 * (owner higher: fill, membership lists union; source higher: replace; equal: union, or fill for two
 * authoritative layers).
 * Returns true when the source took ownership of the group.
 */
export function mergeGroup(target: Rec, source: Rec, type: EntityType, group: FieldGroup, owner: MergePolicy, src: MergePolicy): boolean {
  const fields = GROUP_FIELDS[type][group];
  const ro = POLICY_RANK[owner];
  const rs = POLICY_RANK[src];
  if (ro > rs) apply(target, source, fields, 'enrich');
  else if (rs > ro) apply(target, source, fields, 'replace');
  else apply(target, source, fields, src === 'authoritative' ? 'fill' : 'union');
  return rs > ro;
}

/**
 * Merges the layers' entities by id, per type, in layer order. The first copy of an id is the base and
 * owns every group; later copies win, fill, union or conflict per group according to the policies.
 * `source` comes from the base copy only.
 */
export function mergeLayers(layers: LayerEntities[]): MergeOutcome {
  const out: MergeOutcome = { snapshot: emptySnapshot(), origin: new Map(), enriched_count: 0, conflicts: [] };
  for (const type of ENTITY_TYPES) {
    const key = SNAPSHOT_KEY[type];
    const states = new Map<string, State>();
    for (const L of layers) {
      for (const e of L.entities[key] as unknown as Rec[]) {
        const id = e.id as string;
        const s = states.get(id);
        if (!s) {
          const owner = {} as State['owner'];
          for (const g of FIELD_GROUPS) owner[g] = { layer: L.layer, policy: L.policies[g] };
          states.set(id, { entity: structuredClone(e), owner, externalRank: e.external === undefined ? -1 : POLICY_RANK[L.policies.metadata] });
          out.origin.set(originKey(type, id), { layer: L.layer, kind: L.kind });
          continue;
        }
        out.enriched_count++;
        for (const g of FIELD_GROUPS) {
          const fields = GROUP_FIELDS[type][g];
          if (fields.length === 0) continue;
          const o = s.owner[g];
          const src = L.policies[g];
          if (o.policy === 'authoritative' && src === 'authoritative' && differs(s.entity, e, fields)) {
            out.conflicts.push({ entity_id: id, entity_type: type, field_group: g, winning_layer: o.layer, losing_layer: L.layer });
          }
          if (mergeGroup(s.entity, e, type, g, o.policy, src)) s.owner[g] = { layer: L.layer, policy: src };
        }
        // Rule 6: unset never shadows set; an explicit value from a strictly higher layer wins.
        if ('external' in e && e.external !== undefined) {
          const rank = POLICY_RANK[L.policies.metadata];
          if (s.entity.external === undefined || rank > s.externalRank) {
            s.entity.external = e.external;
            s.externalRank = rank;
          }
        }
      }
    }
    (out.snapshot[key] as unknown as Rec[]) = [...states.values()].map((s) => s.entity);
  }
  return out;
}
