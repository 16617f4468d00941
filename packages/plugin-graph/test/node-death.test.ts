// `node_death` on fake graph snapshots (docs/graph.md): who is watched, miss_grace, a return, prune_grace, the
// guards that keep a partial graph from looking like deaths; the watchdog's per-source reports; its config keys.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PluginFaultReport, PluginRosAccess } from '@medkit/plugin-api';
import { BUILTIN_PLUGINS } from '@medkit/cli';
import { createPluginsFeature } from '@medkit/gateway';
import { createEntitiesFeature } from '@medkit/gateway';
import { startTestGateway, type TestGateway } from '../../../test-support/gateway/gateway.js';
import { http } from '../../../test-support/gateway/ros-robot.js';
import { GRAPH_NODE_DISAPPEARED, NODE_DEATH_TRACKED_CAP, NodeDeathDetector, type NodeDeathSettings } from '../src/watchdog/detectors/node-death.js';
import { takeTopology } from '../src/watchdog/topology.js';
import { GraphWatchdog, sourcesOf } from '../src/watchdog/watchdog.js';
import { readWatchdogConfig } from '../src/watchdog/config.js';
import { fakeFaultManager } from './fake-fault-manager.js';
import { fakeGraph, type FakeNode } from './fake-graph.js';

const LIMITS = { maxTopics: 100, maxEndpoints: 16, maxNodes: 100 };
const ros = {} as PluginRosAccess;
const nodes = (...fqns: string[]): FakeNode[] => fqns.map((fqn) => ({ fqn }));

/** A detector swept by hand: `sweep(['/a'])` runs one sweep with those nodes present. */
function harness(settings: Partial<NodeDeathSettings> = {}, armed: (fqn: string) => boolean = () => true) {
  const det = new NodeDeathDetector({ missGrace: 2, pruneGrace: 3, ...settings });
  let tick = 0;
  const sweep = (present: string[], limits = LIMITS, withRos = true) =>
    det.sweep({ tick: ++tick, topology: takeTopology(fakeGraph(nodes(...present)), limits), armed, ros: withRos ? ros : undefined }) as ReturnType<NodeDeathDetector['sweep']> & unknown[];
  return { det, sweep };
}

describe('node_death', () => {
  it('raises after miss_grace missing sweeps, names the node, and ends when the node is back', () => {
    const { sweep } = harness();
    sweep(['/a', '/b']);
    expect(sweep(['/b'])).toEqual([]);
    expect(sweep(['/b'])).toEqual([]);
    const f = sweep(['/b']);
    expect(f).toEqual([expect.objectContaining({ code: GRAPH_NODE_DISAPPEARED, severity: 2, subject: '/a', nodes: [] })]);
    expect(f[0].text).toContain('/a left the ROS graph');
    expect(sweep(['/a', '/b'])).toEqual([]);
  });

  it('a restart within miss_grace raises nothing; miss_grace 0 raises on the first missing sweep', () => {
    const quick = harness();
    quick.sweep(['/a']);
    quick.sweep([]);
    quick.sweep([]);
    expect(quick.sweep(['/a'])).toEqual([]);
    quick.sweep([]);
    expect(quick.sweep([])).toEqual([]);
    const eager = harness({ missGrace: 0 });
    eager.sweep(['/a']);
    expect(eager.sweep([]).map((x) => x.subject)).toEqual(['/a']);
  });

  it('forgets a node still gone prune_grace sweeps after it raised (the finding ends), and watches it again when back', () => {
    const { det, sweep } = harness({ missGrace: 1, pruneGrace: 2 });
    sweep(['/a']);
    sweep([]);
    expect(sweep([])).toHaveLength(1);
    expect(sweep([])).toHaveLength(1);
    expect(sweep([])).toEqual([]);
    expect(det.status()).toMatchObject({ watched_nodes: 0 });
    sweep(['/a']);
    sweep([]);
    expect(sweep([])).toHaveLength(1);
  });

  it('watches only nodes that armed, and never hidden nodes (`_ros2cli_…`)', () => {
    const { sweep } = harness({ missGrace: 0 }, (fqn) => fqn !== '/young');
    sweep(['/young', '/_ros2cli_123', '/ns/_hidden']);
    expect(sweep([])).toEqual([]);
  });

  it('holds its counts when nodes were cut off by max_nodes or ROS is absent', () => {
    const { det, sweep } = harness({ missGrace: 0 });
    sweep(['/a']);
    // /a is listed after /b and /c, beyond max_nodes 2: absent from the topology, not from the graph.
    expect(sweep(['/b', '/c', '/a'], { ...LIMITS, maxNodes: 2 })).toEqual([]);
    expect(det.status()).toMatchObject({ sweep_skipped: true, missing_nodes: 0 });
    expect(sweep([], LIMITS, false)).toEqual([]);
    expect(sweep([])).toHaveLength(1);
  });

  it('keeps the source chosen when the node went missing, and bounds the nodes it watches', () => {
    let app = true;
    const { sweep } = harness({ missGrace: 0, sourceOf: (fqn) => (app ? fqn : undefined) });
    sweep(['/a']);
    expect(sweep([])[0].source).toBe('/a');
    app = false;
    expect(sweep([])[0].source).toBe('/a');
    const many = harness();
    many.sweep(Array.from({ length: NODE_DEATH_TRACKED_CAP + 5 }, (_, i) => `/n${i}`), { ...LIMITS, maxNodes: NODE_DEATH_TRACKED_CAP + 5 });
    expect(many.det.status()).toMatchObject({ watched_nodes: NODE_DEATH_TRACKED_CAP, tracking_saturated: true });
  });
});

describe('the watchdog with node_death', () => {
  function watchdog(sourceOf?: (fqn: string) => string | undefined) {
    let present: string[] = ['/a', '/b'];
    const fm = fakeFaultManager();
    const wd = new GraphWatchdog(
      [{ detector: new NodeDeathDetector({ missGrace: 1, pruneGrace: 60, sourceOf }), mode: 'raise' }],
      { ros: () => ({ graph: fakeGraph(nodes(...present)) }) as unknown as PluginRosAccess, report: fm.report, failingCodes: fm.failingCodes },
      { warmupCycles: 1, pruneGrace: 60, limits: LIMITS },
    );
    return { wd, reports: fm.reports, set: (p: string[]) => (present = p) };
  }

  it('raises once per reporting source (the vanished node where an App stays for it) and heals when it is back', async () => {
    const h = watchdog((fqn) => (fqn === '/a' ? fqn : undefined));
    await h.wd.runTick();
    await h.wd.runTick(); // armed: watched from here
    h.set([]);
    await h.wd.runTick(); // missing 1 = miss_grace
    expect(h.reports).toEqual([]);
    await h.wd.runTick();
    expect(h.reports.map((r) => [r.code, r.passed, r.sourceId])).toEqual([
      [GRAPH_NODE_DISAPPEARED, false, '/a'],
      [GRAPH_NODE_DISAPPEARED, false, 'graph_watchdog'],
    ]);
    expect(h.reports[0].description).toContain('2 findings');
    h.reports.length = 0;
    h.set(['/a', '/b']);
    await h.wd.runTick();
    expect(h.reports).toEqual([{ code: GRAPH_NODE_DISAPPEARED, passed: true, severity: 0, description: '', sourceId: 'graph_watchdog' }]);
  });

  it('reports under at most 8 sources per code', () => {
    const f = Array.from({ length: 20 }, (_, i) => ({ code: 'X', severity: 2, subject: `/n${i}`, nodes: [], text: '', source: `/n${i}` }));
    expect(sourcesOf(f)).toHaveLength(8);
    expect(sourcesOf([{ ...f[0], source: undefined }])).toEqual(['graph_watchdog']);
  });
});

describe('node_death configuration', () => {
  it('defaults: miss_grace 2, prune_grace from the watchdog-wide prune_grace', () => {
    expect(readWatchdogConfig({}, () => {}).detectors.node_death).toEqual({ mode: 'raise', missGrace: 2, pruneGrace: 60 });
    expect(readWatchdogConfig({ prune_grace: 5, detectors: { node_death: { miss_grace: '0', prune_grace: 3600 } } }, () => {}).detectors.node_death).toMatchObject({ missGrace: 0, pruneGrace: 3600 });
    expect(readWatchdogConfig({ prune_grace: 5 }, () => {}).detectors.node_death.pruneGrace).toBe(5);
  });

  it('refuses an invalid miss_grace or prune_grace, naming the key, instead of falling back', () => {
    for (const [key, value] of [['miss_grace', -1], ['miss_grace', 5000], ['miss_grace', 1.5], ['miss_grace', 'soon'], ['prune_grace', -1], ['prune_grace', 3601]] as const) {
      expect(() => readWatchdogConfig({ detectors: { node_death: { [key]: value } } }, () => {})).toThrow(`plugins.graph_watchdog.detectors.node_death.${key}: '${value}' is not an integer 0–3600`);
    }
  });

  it('the plugin refuses to configure with one (the gateway disables it at start-up, naming the key)', async () => {
    const { GraphWatchdogPlugin } = await import('../src/watchdog/plugin.js');
    expect(() => new GraphWatchdogPlugin().configure({ detectors: { node_death: { miss_grace: 5000 } } })).toThrow(/detectors\.node_death\.miss_grace/);
  });

  it('the plugin attributes a vanished node to an App that outlives it, else to its own App', async () => {
    const { GraphWatchdogPlugin } = await import('../src/watchdog/plugin.js');
    const plugin = new GraphWatchdogPlugin();
    plugin.configure({ tick_interval_ms: 3_600_000, warmup_cycles: 0, detectors: { node_death: { miss_grace: 0 } } });
    let present: FakeNode[] = nodes('/m/kept', '/r/gone');
    const reports: PluginFaultReport[] = [];
    const app = (id: string, fqn: string, source: string) => ({ id, source, bound_fqn: fqn, is_online: false });
    plugin.setContext({
      log: { info() {}, warn() {}, error() {} },
      ros: () => ({ graph: fakeGraph(present) }) as unknown as PluginRosAccess,
      reportFault: (r: PluginFaultReport) => (reports.push(r), true),
      listAllFaults: () => ({ faults: [] }),
      getEntitySnapshot: () => ({ areas: [], components: [], apps: [app('kept', '/m/kept', 'manifest'), app('gone', '/r/gone', 'heuristic')], functions: [] }),
    } as never);
    await plugin.tickOnce();
    present = [];
    await plugin.tickOnce();
    expect(reports.map((r) => [r.fault_code, r.event, r.severity, r.entity_id])).toEqual([
      [GRAPH_NODE_DISAPPEARED, 'FAILED', 'ERROR', '/m/kept'],
      [GRAPH_NODE_DISAPPEARED, 'FAILED', 'ERROR', 'graph_watchdog'],
    ]);
    plugin.shutdown();
  });
});

describe('a gateway given an invalid node_death value', () => {
  let g: TestGateway;
  beforeAll(async () => {
    g = await startTestGateway({
      features: [createPluginsFeature({ builtins: BUILTIN_PLUGINS }), createEntitiesFeature()],
      flags: { plugins: ['graph_watchdog'], 'plugins.graph_watchdog.detectors.node_death.miss_grace': -1 },
    });
  });
  afterAll(async () => g?.close());

  it('does not run the watchdog, and /health names the key', async () => {
    const plugins = (await http(`${g.url}/api/v1/health`)).body['x-medkit-plugins'] as { name: string; state: string; error?: string }[];
    expect(plugins.find((p) => p.name === 'graph_watchdog')).toMatchObject({ state: 'disabled', error: "configure failed: plugins.graph_watchdog.detectors.node_death.miss_grace: '-1' is not an integer 0–3600" });
    expect((await http(`${g.url}/api/v1/x-medkit-watchdog`)).status).toBe(404);
  });
});
