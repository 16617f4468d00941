/**
 * The hybrid merge pipeline (docs/manifest.md): run the layers in order, merge by id under the
 * field-group policies, link manifest Apps to nodes, suppress what they replace, report.
 */
import { ENTITY_TYPES, SNAPSHOT_KEY, type App, type EntitySnapshot } from '../model.js';
import { DEFAULT_MANIFEST_CONFIG, type ManifestConfig } from '../manifest/types.js';
import { applyGapFill, DEFAULT_GAP_FILL, type GapFillOptions } from './gap-fill.js';
import { orderLayers, type DiscoveryLayer } from './layer.js';
import { runLinker } from './linker.js';
import { mergeLayers, type LayerEntities } from './merge.js';
import { normalizeLayerOutput } from './normalize.js';
import { resolvePolicies, type LayerKind, type PolicyOverrides } from './policies.js';
import { SILENT_LOGGER, type EntityLogger, type HealthWarning, type LinkingReport, type PipelineReport } from './report.js';

export interface PipelineOptions {
  /** `discovery.merge_pipeline.layers.*` overrides. */
  overrides?: PolicyOverrides;
  /** `discovery.merge_pipeline.gap_fill`. */
  gapFill?: Partial<GapFillOptions>;
  log?: EntityLogger;
  /** `discovery.runtime.filter_internal_nodes` (default true): internal nodes are not counted as orphans. */
  filterInternalNodes?: boolean;
}

export interface PipelineResult {
  snapshot: EntitySnapshot;
  nodeToApp: Map<string, string>;
  pipeline: PipelineReport;
  /** Present when a manifest layer and a runtime layer both ran. */
  linking?: LinkingReport;
  healthWarnings: HealthWarning[];
}

/** Count of ids used by more than one entity type. */
export function countIdCollisions(s: EntitySnapshot): number {
  const types = new Map<string, number>();
  for (const t of ENTITY_TYPES) for (const e of new Set(s[SNAPSHOT_KEY[t]].map((x) => x.id))) types.set(e, (types.get(e) ?? 0) + 1);
  return [...types.values()].filter((n) => n > 1).length;
}

export class HybridPipeline {
  private readonly layers: DiscoveryLayer[];
  private readonly log: EntityLogger;
  private readonly gapFill: GapFillOptions;
  private readonly warned = new Set<string>();

  constructor(
    layers: readonly DiscoveryLayer[],
    private readonly opts: PipelineOptions = {},
  ) {
    this.layers = orderLayers(layers);
    this.log = opts.log ?? SILENT_LOGGER;
    // Unset keys keep their defaults (a config reader may hand over undefined).
    const set = Object.entries(opts.gapFill ?? {}).filter(([, v]) => v !== undefined);
    this.gapFill = { ...DEFAULT_GAP_FILL, ...Object.fromEntries(set) };
  }

  private warnOnce = (msg: string): void => {
    if (this.warned.has(msg)) return;
    this.warned.add(msg);
    this.log.warn(msg);
  };

  /** One pass. `config` is the current manifest's `config` block (re-applied after every reload). */
  async run(config: ManifestConfig = DEFAULT_MANIFEST_CONFIG): Promise<PipelineResult> {
    const outputs: LayerEntities[] = [];
    const policiesOf = (kind: LayerKind) => resolvePolicies(kind, this.opts.overrides, config.allow_manifest_override, this.warnOnce);
    const manifest: EntitySnapshot = { areas: [], components: [], apps: [], functions: [] };
    let runtimeApps: App[] | undefined;
    let filtered = 0;
    let sawManifest = false;
    for (const layer of this.layers) {
      let out: EntitySnapshot;
      try {
        const input = mergeLayers(outputs).snapshot;
        out = normalizeLayerOutput(await layer.discover(input), layer.name, layer.kind, this.log);
      } catch (e) {
        this.log.error(`discovery layer '${layer.name}' failed and is skipped this pass: ${(e as Error).message}`);
        continue;
      }
      if (layer.kind === 'manifest') {
        sawManifest = true;
        for (const t of ENTITY_TYPES) (manifest[SNAPSHOT_KEY[t]] as unknown[]).push(...out[SNAPSHOT_KEY[t]]);
      } else if (layer.kind === 'runtime') {
        runtimeApps = [...(runtimeApps ?? []), ...out.apps];
        const gf = applyGapFill(out, this.gapFill);
        filtered += gf.filtered;
        // [OURS] runtime Apps reach manifest Apps only through the linker, never by a same-id merge; a runtime
        // App reusing a manifest App id is dropped by dedup (docs/manifest.md step 3) anyway.
        const manifestIds = new Set(manifest.apps.map((a) => a.id));
        out = { ...gf.kept, apps: gf.kept.apps.filter((a) => !manifestIds.has(a.id)) };
      }
      outputs.push({ layer: layer.name, kind: layer.kind, policies: policiesOf(layer.kind), entities: out });
    }
    const merged = mergeLayers(outputs);
    const linked = sawManifest
      ? runLinker({
          merged: merged.snapshot,
          origin: merged.origin,
          manifest,
          runtimeApps,
          config,
          policies: { manifest: policiesOf('manifest'), runtime: policiesOf('runtime') },
          log: this.log,
          skipInternalOrphans: this.opts.filterInternalNodes !== false,
        })
      : { snapshot: merged.snapshot, nodeToApp: nodeMap(merged.snapshot.apps), healthWarnings: [], linking: undefined };
    const snap = linked.snapshot;
    const idCollisions = countIdCollisions(snap);
    if (idCollisions > 0) this.log.error(`${idCollisions} entity id(s) are used by more than one entity type`);
    return {
      snapshot: snap,
      nodeToApp: linked.nodeToApp,
      linking: linked.linking,
      healthWarnings: linked.healthWarnings,
      pipeline: {
        layers: outputs.map((o) => o.layer),
        total_entities: snap.areas.length + snap.components.length + snap.apps.length + snap.functions.length,
        enriched_count: merged.enriched_count,
        conflict_count: merged.conflicts.length,
        conflicts: merged.conflicts,
        id_collisions: idCollisions,
        filtered_by_gap_fill: filtered,
      },
    };
  }
}

function nodeMap(apps: App[]): Map<string, string> {
  return new Map(apps.filter((a) => a.bound_fqn).map((a) => [a.bound_fqn!, a.id]));
}
