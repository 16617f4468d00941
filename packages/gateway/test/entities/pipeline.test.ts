import { describe, expect, it } from 'vitest';
import { loadManifestSources } from '../../src/entities/manifest/load.js';
import { ManifestLayer } from '../../src/entities/manifest/manifest-layer.js';
import type { Manifest } from '../../src/entities/manifest/types.js';
import { newApp, newComponent, newFunction, type EntitySnapshot } from '../../src/entities/model.js';
import type { DiscoveryLayer, LayerOutput } from '../../src/entities/pipeline/layer.js';
import { HybridPipeline, type PipelineOptions } from '../../src/entities/pipeline/pipeline.js';
import { GraphRuntimeLayer } from '../../src/entities/runtime/runtime-layer.js';
import { graph, node, StaticGraphSource } from '../../../../test-support/gateway/graph-fixtures.js';
import type { RuntimeGraphSnapshot } from '../../src/entities/runtime/graph-snapshot.js';

function manifestOf(yaml: string): Manifest {
  const r = loadManifestSources({ base: { file: 'm.yaml', text: 'manifest_version: "1.0"\n' + yaml }, strict: false });
  if (!r.ok) throw new Error(r.errors.map((e) => e.message).join('\n'));
  return r.manifest!;
}

/** A plugin layer returning fixed entities (and recording what it was given). */
class PluginLayer implements DiscoveryLayer {
  readonly kind = 'plugin' as const;
  seen?: EntitySnapshot;
  constructor(
    readonly name: string,
    private readonly out: LayerOutput | (() => LayerOutput),
  ) {}
  discover(input: EntitySnapshot): LayerOutput {
    this.seen = input;
    return typeof this.out === 'function' ? this.out() : structuredClone(this.out);
  }
}

interface Logged {
  info: string[];
  warn: string[];
  error: string[];
}

async function run(yaml: string | undefined, g: RuntimeGraphSnapshot | undefined, extra: DiscoveryLayer[] = [], opts: PipelineOptions = {}) {
  const logs: Logged = { info: [], warn: [], error: [] };
  const log = { info: (m: string) => logs.info.push(m), warn: (m: string) => logs.warn.push(m), error: (m: string) => logs.error.push(m) };
  const m = yaml === undefined ? undefined : manifestOf(yaml);
  const layers: DiscoveryLayer[] = [...extra];
  if (m) layers.push(new ManifestLayer(() => m));
  if (g) layers.push(new GraphRuntimeLayer(new StaticGraphSource(g)));
  const r = await new HybridPipeline(layers, { ...opts, log }).run(m?.config);
  const app = (id: string) => r.snapshot.apps.find((a) => a.id === id);
  return { ...r, logs, app, ids: (k: keyof EntitySnapshot) => r.snapshot[k].map((e) => e.id) };
}

const AMR = `
components:
  - id: pc
    namespace: /robot
apps:
  - id: lidar-front
    is_located_on: pc
    ros_binding: {node_name: lidar_driver, namespace: /sensors}
  - id: navigator
    ros_binding: {node_name: bt_navigator, namespace: /navigation}
  - id: offline-app
    ros_binding: {node_name: not_running, namespace: /x}
  - id: plc
    external: true
functions:
  - id: perception
    hosted_by: [lidar-front]
`;

const AMR_GRAPH = graph(
  node('/sensors/lidar_driver', { pub: [['/sensors/scan', 'sensor_msgs/msg/LaserScan']], srv: [['/sensors/lidar_driver/reset', 'std_srvs/srv/Trigger']] }),
  node('/navigation/bt_navigator', { srv: [['/navigate_to_pose/_action/send_goal', 'nav2_msgs/action/NavigateToPose_SendGoal']] }),
  node('/tools/recorder', { sub: ['/sensors/scan'] }),
);

describe('hybrid pipeline: linking', () => {
  it('links manifest Apps to nodes, inherits live data, dedups the runtime copies, keeps orphans under warn', async () => {
    const r = await run(AMR, AMR_GRAPH);
    expect(r.ids('apps')).toEqual(['lidar-front', 'navigator', 'offline-app', 'plc', 'recorder']);
    expect(r.app('lidar-front')).toMatchObject({
      source: 'manifest',
      bound_fqn: '/sensors/lidar_driver',
      is_online: true,
      component_id: 'pc',
      topics: { publishes: ['/sensors/scan'], subscribes: [] },
      services: [{ full_path: '/sensors/lidar_driver/reset', name: 'reset', type: 'std_srvs/srv/Trigger' }],
    });
    expect(r.app('navigator')!.actions).toEqual([{ full_path: '/navigate_to_pose', name: 'navigate_to_pose', type: 'nav2_msgs/action/NavigateToPose' }]);
    expect(r.app('offline-app')!.is_online).toBe(false);
    expect(r.app('offline-app')!.bound_fqn).toBeUndefined();
    expect(r.app('plc')).toMatchObject({ external: true, is_online: false });
    expect(r.app('recorder')).toMatchObject({ source: 'heuristic', is_online: true, bound_fqn: '/tools/recorder' });
    expect([...r.nodeToApp]).toEqual([
      ['/sensors/lidar_driver', 'lidar-front'],
      ['/navigation/bt_navigator', 'navigator'],
      ['/tools/recorder', 'recorder'],
    ]);
    expect(r.linking).toEqual({ linked_count: 2, orphan_count: 1, binding_conflicts: 0, unmanifested_policy: 'warn' });
    expect(r.logs.warn).toEqual(['unmanifested node /tools/recorder: no manifest app binds it']);
    expect(r.pipeline).toEqual({
      layers: ['manifest', 'runtime'],
      total_entities: 1 + 5 + 1,
      enriched_count: 0,
      conflict_count: 0,
      conflicts: [],
      id_collisions: 0,
      // heuristic functions are off by default: the three namespace functions are filtered
      filtered_by_gap_fill: 3,
    });
  });

  it('inherit_runtime_resources: false links (online, bound_fqn) but exposes only declared resources', async () => {
    const r = await run(AMR + 'config:\n  inherit_runtime_resources: false\n', AMR_GRAPH);
    expect(r.app('lidar-front')).toMatchObject({ is_online: true, bound_fqn: '/sensors/lidar_driver', topics: { publishes: [], subscribes: [] }, services: [] });
  });

  it('namespace rules: prefix on segment boundary, "/" only the root, "*" anywhere (sorted by FQN, warns)', async () => {
    const r = await run(
      `apps:
  - {id: nav, ros_binding: {node_name: planner, namespace: /nav}}
  - {id: root-talker, ros_binding: {node_name: talker}}
  - {id: any-cam, ros_binding: {node_name: camera, namespace: "*"}}
  - {id: by-topic, ros_binding: {topic_namespace: /arm}}
`,
      graph(
        node('/navigation/planner'),
        node('/nav/sub/planner'),
        node('/ns/talker'),
        node('/talker'),
        node('/rear/camera'),
        node('/front/camera'),
        node('/arm_driver', { pub: ['/arm/joint_states'] }),
      ),
    );
    expect(r.app('nav')!.bound_fqn).toBe('/nav/sub/planner');
    expect(r.app('root-talker')!.bound_fqn).toBe('/talker');
    expect(r.app('any-cam')!.bound_fqn).toBe('/front/camera');
    expect(r.app('by-topic')!.bound_fqn).toBe('/arm_driver');
    expect(r.linking!.warnings).toEqual(["wildcard_multi_match: app 'any-cam' matches /front/camera, /rear/camera; linked to /front/camera"]);
    expect(r.linking!.orphan_count).toBe(3);
  });

  it('a node bound by an earlier App cannot be bound again: binding_conflicts', async () => {
    const r = await run(
      `apps:
  - {id: first, ros_binding: {node_name: driver, namespace: /sensors}}
  - {id: second, ros_binding: {node_name: driver, namespace: "*"}}
`,
      graph(node('/sensors/driver')),
    );
    expect(r.app('first')!.bound_fqn).toBe('/sensors/driver');
    expect(r.app('second')!.is_online).toBe(false);
    expect(r.linking).toMatchObject({ linked_count: 1, orphan_count: 0, binding_conflicts: 1 });
    expect(r.linking!.warnings).toEqual(["binding_conflict: app 'second' matches only nodes already bound: /sensors/driver (app 'first')"]);
  });

  it('hints when a binding without namespace would have matched in another namespace', async () => {
    const r = await run('apps:\n  - {id: t, ros_binding: {node_name: talker}}\n', graph(node('/demo/talker')));
    expect(r.app('t')!.is_online).toBe(false);
    expect(r.linking!.warnings![0]).toMatch(/^namespace_hint: app 't' binding has no namespace.*\/demo\/talker/);
  });

  it('a runtime App reusing a manifest App id is not merged into it unless the binding matches', async () => {
    const r = await run('apps:\n  - {id: talker, ros_binding: {node_name: talker, namespace: /robot}}\n', graph(node('/talker', { pub: ['/chatter'] })));
    expect(r.snapshot.apps).toHaveLength(1);
    expect(r.app('talker')).toMatchObject({ source: 'manifest', is_online: false, topics: { publishes: [] } });
    expect(r.app('talker')!.bound_fqn).toBeUndefined();
    expect(r.linking!.orphan_count).toBe(1);
  });
});

describe('hybrid pipeline: orphan policies and takeover', () => {
  const yaml = (policy: string) => `config:\n  unmanifested_nodes: ${policy}\napps:\n  - {id: nav, ros_binding: {node_name: planner, namespace: /nav}}\n`;
  const g = graph(node('/nav/planner'), node('/tools/recorder'), node('/tools/player'));

  it('ignore drops every non-protected App', async () => {
    const plugin = new PluginLayer('beacon', { apps: [newApp('beacon-app', 'heuristic')] });
    const r = await run(yaml('ignore'), g, [plugin]);
    // The plugin-owned App survives although its source string looks runtime-made.
    expect(r.ids('apps')).toEqual(['nav', 'beacon-app']);
    expect(r.linking).toMatchObject({ orphan_count: 2, unmanifested_policy: 'ignore' });
    expect(r.healthWarnings).toEqual([]);
  });

  it('error keeps orphans, logs once and adds an unmanifested_nodes health warning', async () => {
    const r = await run(yaml('error'), g);
    expect(r.ids('apps')).toEqual(['nav', 'recorder', 'player']);
    expect(r.logs.error).toEqual(['2 running node(s) are not declared in the manifest: /tools/recorder, /tools/player']);
    expect(r.healthWarnings).toEqual([
      { code: 'unmanifested_nodes', message: '2 running node(s) are not declared in the manifest', entity_ids: [], ros_node_fqns: ['/tools/recorder', '/tools/player'], peer_names: [] },
    ]);
  });

  it('include_as_orphan keeps orphans with one info line; warn has one line per orphan', async () => {
    const inc = await run(yaml('include_as_orphan'), g);
    expect(inc.ids('apps')).toEqual(['nav', 'recorder', 'player']);
    expect(inc.logs.info).toEqual(['2 running node(s) not in the manifest are shown as discovered apps']);
    expect(inc.logs.warn).toEqual([]);
    const warn = await run(yaml('warn'), g);
    expect(warn.logs.warn).toHaveLength(2);
  });

  it('namespace takeover drops non-protected Components/Areas in covered namespaces', async () => {
    const synthetic: DiscoveryLayer = {
      name: 'synthetic',
      kind: 'runtime',
      discover: () => ({
        components: [
          newComponent('nav_group', 'synthetic', { namespace: '/nav' }),
          newComponent('robot_group', 'synthetic', { namespace: '/robot' }),
          newComponent('tools_group', 'synthetic', { namespace: '/tools' }),
          newComponent('other_group', 'synthetic', { namespace: '/other' }),
        ],
      }),
    };
    const base = 'components:\n  - {id: pc, namespace: /robot}\n';
    const warn = await run(base + yaml('warn'), g, [synthetic]);
    expect(warn.ids('components')).toEqual(['pc', 'tools_group', 'other_group']);
    const ignore = await run(base + yaml('ignore'), g, [synthetic]);
    expect(ignore.ids('components')).toEqual(['pc', 'other_group']);
  });
});

describe('hybrid pipeline: merge policies', () => {
  it('plugin enrichment only fills what the authoritative manifest left empty; external tri-state', async () => {
    const plugin = new PluginLayer('opc', {
      components: [
        newComponent('plc', 'opcua', { name: 'PLC from OPC', description: 'S7-1500', external: true, tags: ['fieldbus'] }),
        newComponent('drive', 'opcua', { external: true }),
        newComponent('valve', 'opcua', { external: true }),
      ],
    });
    const r = await run('components:\n  - {id: plc, name: Safety PLC}\n  - {id: drive, external: false}\n', undefined, [plugin]);
    const [plc, drive, valve] = r.snapshot.components;
    expect(plc).toMatchObject({ name: 'Safety PLC', description: 'S7-1500', tags: ['fieldbus'], source: 'manifest', external: true });
    expect(drive.external).toBe(false);
    expect(valve).toMatchObject({ source: 'opcua', external: true });
    expect(r.pipeline.enriched_count).toBe(2);
    expect(plugin.seen!.components.map((c) => c.id)).toEqual(['plc', 'drive']);
  });

  it('allow_manifest_override: false demotes the manifest so plugins override it', async () => {
    const plugin = new PluginLayer('p', { components: [newComponent('plc', 'plugin', { name: 'Renamed', external: true })] });
    const r = await run('config: {allow_manifest_override: false}\ncomponents:\n  - {id: plc, name: Safety PLC, external: false}\n', undefined, [plugin]);
    expect(r.snapshot.components[0]).toMatchObject({ name: 'Renamed', source: 'manifest', external: true });
  });

  it('two equal enrichment layers union collections and OR booleans', async () => {
    const a = new PluginLayer('a', { apps: [newApp('x', 'plugin', { tags: ['a', 'common'], is_online: false, services: [{ full_path: '/s1', name: 's1', type: 'T' }] })] });
    const b = new PluginLayer('b', {
      apps: [newApp('x', 'plugin', { tags: ['common', 'b'], is_online: true, services: [{ full_path: '/s1', name: 's1', type: 'T' }, { full_path: '/s2', name: 's2', type: 'T' }] })],
    });
    const r = await run(undefined, undefined, [a, b]);
    expect(r.app('x')).toMatchObject({ tags: ['a', 'common', 'b'], is_online: true });
    expect(r.app('x')!.services.map((s) => s.full_path)).toEqual(['/s1', '/s2']);
    expect(r.pipeline.layers).toEqual(['a', 'b']);
  });

  it('two authoritative layers record a conflict; the owner wins', async () => {
    const yaml = 'apps: [{id: planner}]\nfunctions:\n  - {id: nav, name: Navigation, hosted_by: [planner]}\n';
    const g = graph(node('/nav/planner'), node('/nav/controller'));
    const r = await run(yaml, g, [], {
      overrides: { runtime: { hierarchy: 'authoritative', identity: 'bogus' } },
      gapFill: { allow_heuristic_functions: true },
    });
    expect(r.snapshot.functions.find((f) => f.id === 'nav')).toMatchObject({ name: 'Navigation', source: 'manifest', hosts: ['planner'] });
    expect(r.pipeline.conflicts).toEqual([{ entity_id: 'nav', entity_type: 'function', field_group: 'hierarchy', winning_layer: 'manifest', losing_layer: 'runtime' }]);
    expect(r.pipeline.conflict_count).toBe(1);
    expect(r.logs.warn).toContain("discovery.merge_pipeline.layers.runtime.identity: 'bogus' is not one of authoritative, enrichment, fallback; ignored");
  });

  it('runtime functions (when allowed) point at the manifest App that replaced their runtime App', async () => {
    const r = await run('apps:\n  - {id: lidar, ros_binding: {node_name: driver, namespace: /sensors}}\n', graph(node('/sensors/driver'), node('/sensors/cam')), [], {
      gapFill: { allow_heuristic_functions: true },
    });
    expect(r.snapshot.functions).toMatchObject([{ id: 'sensors', source: 'runtime', hosts: ['lidar', 'cam'] }]);
  });
});

describe('hybrid pipeline: gap fill, failures, collisions', () => {
  it('allow_heuristic_apps: false keeps linking but drops orphan Apps', async () => {
    const r = await run(AMR, AMR_GRAPH, [], { gapFill: { allow_heuristic_apps: false } });
    expect(r.ids('apps')).toEqual(['lidar-front', 'navigator', 'offline-app', 'plc']);
    expect(r.app('lidar-front')!.is_online).toBe(true);
    expect(r.pipeline.filtered_by_gap_fill).toBe(3 + 3);
  });

  it('namespace white- and blacklists filter runtime Apps by node namespace', async () => {
    const g = graph(node('/a/x'), node('/a/deep/y'), node('/ab/z'), node('/b/w'), node('/root_node'));
    const white = await run(undefined, g, [], { gapFill: { namespace_whitelist: ['/a'] } });
    expect(white.ids('apps')).toEqual(['x', 'y']);
    const black = await run(undefined, g, [], { gapFill: { namespace_blacklist: ['/a', '/b'] } });
    expect(black.ids('apps')).toEqual(['z', 'root_node']);
    expect(black.pipeline.filtered_by_gap_fill).toBe(3 + 4);
  });

  it('a layer that throws is skipped for the pass', async () => {
    const bad: DiscoveryLayer = {
      name: 'flaky',
      kind: 'plugin',
      discover: () => {
        throw new Error('boom');
      },
    };
    const r = await run(AMR, AMR_GRAPH, [bad]);
    expect(r.pipeline.layers).toEqual(['manifest', 'runtime']);
    expect(r.logs.error).toEqual(["discovery layer 'flaky' failed and is skipped this pass: boom"]);
    expect(r.app('lidar-front')!.is_online).toBe(true);
  });

  it('plugin entities: invalid ids dropped, source defaults to plugin, cross-type collisions counted', async () => {
    const plugin = new PluginLayer('p', {
      apps: [newApp('bad id', 'plugin'), { ...newApp('perception', 'x'), source: '' }],
      functions: [newFunction('pc', '')],
    });
    const r = await run(AMR, undefined, [plugin]);
    expect(r.app('perception')!.source).toBe('plugin');
    expect(r.snapshot.functions.find((f) => f.id === 'pc')!.source).toBe('plugin');
    expect(r.pipeline.id_collisions).toBe(2);
    expect(r.logs.warn).toContain('layer \'p\': app with invalid id "bad id" dropped');
    expect(r.logs.error).toContain('2 entity id(s) are used by more than one entity type');
    expect(r.linking).toBeUndefined();
  });
});
