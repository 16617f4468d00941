/**
 * Field groups and merge policies of the hybrid pipeline (docs/manifest.md).
 */

export type FieldGroup = 'identity' | 'hierarchy' | 'live_data' | 'status' | 'metadata';
export const FIELD_GROUPS: readonly FieldGroup[] = ['identity', 'hierarchy', 'live_data', 'status', 'metadata'];

export type MergePolicy = 'authoritative' | 'enrichment' | 'fallback';
export const MERGE_POLICIES: readonly MergePolicy[] = ['authoritative', 'enrichment', 'fallback'];

/** authoritative (2) > enrichment (1) > fallback (0). */
export const POLICY_RANK: Readonly<Record<MergePolicy, number>> = { authoritative: 2, enrichment: 1, fallback: 0 };

export type LayerKind = 'manifest' | 'runtime' | 'plugin';
export type LayerPolicies = Record<FieldGroup, MergePolicy>;

/** Defaults per layer kind. */
export const DEFAULT_POLICIES: Readonly<Record<LayerKind, Readonly<LayerPolicies>>> = {
  manifest: { identity: 'authoritative', hierarchy: 'authoritative', live_data: 'enrichment', status: 'fallback', metadata: 'authoritative' },
  runtime: { identity: 'fallback', hierarchy: 'fallback', live_data: 'authoritative', status: 'authoritative', metadata: 'enrichment' },
  plugin: { identity: 'enrichment', hierarchy: 'enrichment', live_data: 'enrichment', status: 'enrichment', metadata: 'enrichment' },
};

/** `discovery.merge_pipeline.layers.{manifest,runtime}.<group>` as read from config (strings, unchecked). */
export type PolicyOverrides = Partial<Record<'manifest' | 'runtime', Partial<Record<string, string>>>>;

/**
 * Effective policies of a layer. For the manifest, `allowManifestOverride = false` first demotes every group
 * to `fallback`; explicit overrides apply afterwards and win. Invalid values and unknown groups are ignored
 * and reported through `warn`. Plugin layers are not configurable.
 */
export function resolvePolicies(
  kind: LayerKind,
  overrides: PolicyOverrides = {},
  allowManifestOverride = true,
  warn: (msg: string) => void = () => {},
): LayerPolicies {
  const p: LayerPolicies = { ...DEFAULT_POLICIES[kind] };
  if (kind === 'plugin') return p;
  if (kind === 'manifest' && !allowManifestOverride) for (const g of FIELD_GROUPS) p[g] = 'fallback';
  for (const [group, value] of Object.entries(overrides[kind] ?? {})) {
    if (value === undefined || value === '') continue;
    if (!(FIELD_GROUPS as readonly string[]).includes(group)) {
      warn(`discovery.merge_pipeline.layers.${kind}.${group}: unknown field group ignored`);
    } else if (!(MERGE_POLICIES as readonly string[]).includes(value)) {
      warn(`discovery.merge_pipeline.layers.${kind}.${group}: '${value}' is not one of ${MERGE_POLICIES.join(', ')}; ignored`);
    } else {
      p[group as FieldGroup] = value as MergePolicy;
    }
  }
  return p;
}
