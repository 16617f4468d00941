/**
 * Runtime linker and suppression (docs/manifest.md): binds manifest Apps to running nodes, then removes
 * the runtime copies they replace, applies the orphan policy and the namespace takeover.
 */
import { splitFqn, type App, type EntitySnapshot, type EntityType } from '../model.js';
import type { ManifestConfig } from '../manifest/types.js';
import { bindingNamespaceMatches, nodeMatchesBinding } from './binding.js';
import { mergeGroup, originKey, type EntityOrigin, type Rec } from './merge.js';
import type { LayerPolicies } from './policies.js';
import { healthWarning, type EntityLogger, type HealthWarning, type LinkingReport } from './report.js';

interface LinkerInput {
  merged: EntitySnapshot;
  origin: Map<string, EntityOrigin>;
  /** The manifest layer's own Apps, in manifest order (what the manifest declared). */
  manifest: EntitySnapshot;
  /** Every runtime App before gap fill; undefined when no runtime layer ran (no linking then). */
  runtimeApps: App[] | undefined;
  config: ManifestConfig;
  policies: { manifest: LayerPolicies; runtime: LayerPolicies };
  log: EntityLogger;
  /** [OURS] With the internal-node filter on, `_`-prefixed nodes are not reported as orphans (they are hidden anyway). */
  skipInternalOrphans?: boolean;
}

interface LinkerResult {
  snapshot: EntitySnapshot;
  /** Node FQN → App id for every linked node and every surviving App bound to a node. */
  nodeToApp: Map<string, string>;
  linking?: LinkingReport;
  healthWarnings: HealthWarning[];
}

/** Protected entities never fall to orphan suppression, dedup or takeover. */
function isProtected(type: EntityType, e: { id: string; source: string }, origin: Map<string, EntityOrigin>): boolean {
  if (e.source === 'manifest' || e.source === 'inventory' || e.source.startsWith('plugin')) return true;
  return origin.get(originKey(type, e.id))?.kind === 'plugin';
}

export function runLinker(input: LinkerInput): LinkerResult {
  const { config, log } = input;
  const snap: EntitySnapshot = { ...input.merged, apps: [...input.merged.apps] };
  const declared = new Map(input.manifest.apps.map((a) => [a.id, a]));
  const byId = new Map(snap.apps.map((a) => [a.id, a]));

  // Step 1: with inherit_runtime_resources=false, manifest Apps expose exactly what the manifest declared.
  if (!config.inherit_runtime_resources) {
    for (const [id, d] of declared) {
      const app = byId.get(id);
      if (!app) continue;
      app.topics = structuredClone(d.topics);
      app.services = structuredClone(d.services);
      app.actions = structuredClone(d.actions);
    }
  }

  const nodeToApp = new Map<string, string>();
  const healthWarnings: HealthWarning[] = [];
  if (!input.runtimeApps) {
    return { snapshot: snap, nodeToApp: appsByNode(snap.apps, nodeToApp), healthWarnings };
  }

  // Step 2: linking, one node per App, manifest order.
  const runtime = input.runtimeApps;
  const boundBy = new Map<string, string>(); // node FQN → manifest App id
  const warnings: string[] = [];
  let bindingConflicts = 0;
  for (const d of declared.values()) {
    const app = byId.get(d.id);
    const b = app?.ros_binding;
    if (!app || app.external === true || !b) continue;
    const matches = runtime.filter((r) => nodeMatchesBinding(b, r));
    const candidates = matches.filter((r) => !boundBy.has(r.bound_fqn!)).sort((x, y) => (x.bound_fqn! < y.bound_fqn! ? -1 : 1));
    if (candidates.length === 0) {
      if (matches.length > 0) {
        bindingConflicts++;
        const owners = matches.map((m) => `${m.bound_fqn} (app '${boundBy.get(m.bound_fqn!)}')`).join(', ');
        warnings.push(`binding_conflict: app '${app.id}' matches only nodes already bound: ${owners}`);
      } else if (b.namespace_defaulted && b.node_name) {
        const elsewhere = runtime.filter((r) => splitFqn(r.bound_fqn!).name === b.node_name && !bindingNamespaceMatches('/', splitFqn(r.bound_fqn!).namespace));
        if (elsewhere.length > 0) {
          warnings.push(
            `namespace_hint: app '${app.id}' binding has no namespace, so it matches only the root namespace; ` +
              `node ${elsewhere.map((r) => r.bound_fqn).join(', ')} would match with namespace '*' or its own namespace`,
          );
        }
      }
      continue;
    }
    if (candidates.length > 1 && b.namespace === '*') {
      warnings.push(`wildcard_multi_match: app '${app.id}' matches ${candidates.map((c) => c.bound_fqn).join(', ')}; linked to ${candidates[0].bound_fqn}`);
    }
    const node = candidates[0];
    const fqn = node.bound_fqn!;
    boundBy.set(fqn, app.id);
    nodeToApp.set(fqn, app.id);
    app.bound_fqn = fqn;
    app.is_online = true;
    if (config.inherit_runtime_resources) {
      mergeGroup(app as unknown as Rec, node as unknown as Rec, 'app', 'live_data', input.policies.manifest.live_data, input.policies.runtime.live_data);
    }
  }
  for (const w of warnings) log.warn(w);
  const orphans = runtime.filter((r) => !boundBy.has(r.bound_fqn!) && !(input.skipInternalOrphans && r.id.startsWith('_')));
  const orphanFqns = orphans.map((o) => o.bound_fqn!);

  // Step 3: dedup — runtime copies of linked nodes and runtime Apps reusing a manifest App id.
  const prot = (a: App) => isProtected('app', a, input.origin);
  const removed = new Map<string, string | undefined>(); // removed app id → manifest app id that replaces it
  snap.apps = snap.apps.filter((a) => {
    if (prot(a)) return true;
    if (a.bound_fqn && boundBy.has(a.bound_fqn)) removed.set(a.id, boundBy.get(a.bound_fqn));
    else if (declared.has(a.id)) removed.set(a.id, a.id);
    else if (config.unmanifested_nodes === 'ignore') removed.set(a.id, undefined); // step 4
    else return true;
    return false;
  });

  reportOrphans(config, orphanFqns, log, healthWarnings);

  // Step 5: namespace takeover of non-protected Components/Areas.
  const covered = new Set<string>();
  for (const c of input.manifest.components) if (c.namespace) covered.add(c.namespace);
  for (const a of input.manifest.areas) if (a.namespace) covered.add(a.namespace);
  for (const fqn of boundBy.keys()) covered.add(splitFqn(fqn).namespace);
  if (config.unmanifested_nodes === 'ignore') for (const fqn of orphanFqns) covered.add(splitFqn(fqn).namespace);
  const keep = (type: EntityType) => (e: { id: string; source: string; namespace?: string }) =>
    isProtected(type, e, input.origin) || e.namespace === undefined || !covered.has(e.namespace);
  snap.components = snap.components.filter(keep('component'));
  snap.areas = snap.areas.filter(keep('area'));

  // Functions that hosted a removed runtime App now point at the manifest App that replaced it.
  snap.functions = snap.functions
    .map((f) => {
      if (!f.hosts.some((h) => removed.has(h))) return f;
      const hosts = [...new Set(f.hosts.flatMap((h) => (removed.has(h) ? (removed.get(h) ? [removed.get(h)!] : []) : [h])))];
      return { ...f, hosts };
    })
    .filter((f) => f.hosts.length > 0 || isProtected('function', f, input.origin));

  const linking: LinkingReport = {
    linked_count: boundBy.size,
    orphan_count: orphans.length,
    binding_conflicts: bindingConflicts,
    unmanifested_policy: config.unmanifested_nodes,
  };
  if (warnings.length > 0) linking.warnings = warnings;
  return { snapshot: snap, nodeToApp: appsByNode(snap.apps, nodeToApp), linking, healthWarnings };
}

/** Adds every App with a bound node to `map` (linked manifest Apps are already there). */
function appsByNode(apps: App[], map: Map<string, string>): Map<string, string> {
  for (const a of apps) if (a.bound_fqn && !map.has(a.bound_fqn)) map.set(a.bound_fqn, a.id);
  return map;
}

function reportOrphans(config: ManifestConfig, fqns: string[], log: EntityLogger, out: HealthWarning[]): void {
  if (fqns.length === 0) return;
  switch (config.unmanifested_nodes) {
    case 'warn':
      for (const f of fqns) log.warn(`unmanifested node ${f}: no manifest app binds it`);
      break;
    case 'error': {
      const msg = `${fqns.length} running node(s) are not declared in the manifest`;
      log.error(`${msg}: ${fqns.join(', ')}`);
      out.push(healthWarning('unmanifested_nodes', msg, { ros_node_fqns: [...fqns] }));
      break;
    }
    case 'include_as_orphan':
      log.info(`${fqns.length} running node(s) not in the manifest are shown as discovered apps`);
      break;
    case 'ignore':
      break;
  }
}
