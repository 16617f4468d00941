/**
 * One discovery pass in the active mode (docs/manifest.md refresh order, docs/manifest.md): collect the mode's
 * entities, attach runtime Apps to the host Component, add plugin entities, drop internal nodes.
 */
import { effectiveFqn, type EntitySnapshot } from './model.js';
import type { Manifest } from './manifest/types.js';
import type { DiscoveryLayer } from './pipeline/layer.js';
import { mergeLayers } from './pipeline/merge.js';
import { normalizeLayerOutput } from './pipeline/normalize.js';
import type { HybridPipeline } from './pipeline/pipeline.js';
import { FIELD_GROUPS, resolvePolicies, type LayerPolicies } from './pipeline/policies.js';
import type { DiscoveryMode, DiscoveryReport, EntityLogger, HealthWarning } from './pipeline/report.js';
import { hostComponent, type HostInfo } from './runtime/host-component.js';
import { filterInternalNodes } from './runtime/internal-filter.js';

export interface PassContext {
  mode: DiscoveryMode;
  manifest?: Manifest;
  /** Runtime layer (runtime_only and hybrid). */
  runtime?: DiscoveryLayer;
  plugins: DiscoveryLayer[];
  /** Hybrid only. Built with manifest/runtime/plugin layers already. */
  pipeline?: HybridPipeline;
  /** Host Component for runtime_only; undefined = none (`default_component.enabled` false). */
  host?: HostInfo;
  filterInternalNodes: boolean;
  log: EntityLogger;
}

export interface PassResult {
  snapshot: EntitySnapshot;
  nodeToApp: Map<string, string>;
  report: DiscoveryReport;
  healthWarnings: HealthWarning[];
}

const ALL_AUTHORITATIVE = Object.fromEntries(FIELD_GROUPS.map((g) => [g, 'authoritative'])) as LayerPolicies;

/**
 * [OURS] Outside hybrid mode every plugin sees the current entities and its entities merge by id as
 * enrichment (fill empty fields only); new ids are appended with `source` defaulting to `plugin`.
 */
async function addPluginEntities(base: EntitySnapshot, plugins: DiscoveryLayer[], mode: string, log: EntityLogger): Promise<EntitySnapshot> {
  let current = base;
  for (const p of plugins) {
    try {
      const out = normalizeLayerOutput(await p.discover(current), p.name, 'plugin', log);
      current = mergeLayers([
        { layer: mode, kind: 'manifest', policies: ALL_AUTHORITATIVE, entities: current },
        { layer: p.name, kind: 'plugin', policies: resolvePolicies('plugin'), entities: out },
      ]).snapshot;
    } catch (e) {
      log.error(`discovery layer '${p.name}' failed and is skipped this pass: ${(e as Error).message}`);
    }
  }
  return current;
}

export async function runDiscoveryPass(ctx: PassContext): Promise<PassResult> {
  let snap: EntitySnapshot;
  let nodeToApp = new Map<string, string>();
  const report: DiscoveryReport = { mode: ctx.mode, strategy: ctx.mode === 'hybrid' ? 'hybrid' : ctx.mode === 'manifest_only' ? 'manifest' : 'runtime' };
  let healthWarnings: HealthWarning[] = [];

  if (ctx.mode === 'hybrid' && ctx.pipeline) {
    const r = await ctx.pipeline.run(ctx.manifest?.config);
    snap = r.snapshot;
    nodeToApp = r.nodeToApp;
    report.pipeline = r.pipeline;
    if (r.linking) report.linking = r.linking;
    healthWarnings = r.healthWarnings;
  } else if (ctx.mode === 'manifest_only') {
    const m = ctx.manifest;
    snap = structuredClone({ areas: m?.areas ?? [], components: m?.components ?? [], apps: m?.apps ?? [], functions: m?.functions ?? [] });
    // Nothing is linked; handlers still reach nodes through the binding's effective FQN.
    for (const a of snap.apps) {
      a.is_online = false;
      const fqn = effectiveFqn(a);
      if (fqn && !nodeToApp.has(fqn)) nodeToApp.set(fqn, a.id);
    }
    snap = await addPluginEntities(snap, ctx.plugins, ctx.mode, ctx.log);
  } else {
    snap = { areas: [], components: [], apps: [], functions: [] };
    if (ctx.runtime) {
      try {
        const out = normalizeLayerOutput(await ctx.runtime.discover(snap), ctx.runtime.name, 'runtime', ctx.log);
        snap = { ...out, areas: [] }; // runtime discovery never creates Areas
      } catch (e) {
        ctx.log.error(`runtime discovery failed this pass: ${(e as Error).message}`);
      }
    }
    if (ctx.host) {
      const host = hostComponent(ctx.host);
      snap.components = [host, ...snap.components.filter((c) => c.id !== host.id)];
      for (const a of snap.apps) a.component_id = host.id;
    }
    snap = await addPluginEntities(snap, ctx.plugins, ctx.mode, ctx.log);
    for (const a of snap.apps) if (a.bound_fqn) nodeToApp.set(a.bound_fqn, a.id);
  }

  if (ctx.filterInternalNodes) {
    const f = filterInternalNodes(snap);
    snap = f.snapshot;
    if (f.dropped.length > 0) {
      const gone = new Set(f.dropped);
      nodeToApp = new Map([...nodeToApp].filter(([, id]) => !gone.has(id)));
    }
  }
  return { snapshot: snap, nodeToApp, report, healthWarnings };
}
