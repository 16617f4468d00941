// Real-peer end to end (docs/graph.md): @medkit/ros2 nodes (each its own DDS participant, over UDP loopback)
// and a real gateway with `plugins: [graph_provider, graph_watchdog]` from config. The watchdog raises
// GRAPH_QOS_MISMATCH and GRAPH_ORPHAN for planted defects, heals them when the defects are removed at run time,
// and raises again when one is planted back; the graph provider draws the Function's pipeline with /diagnostics
// metrics, over its route and through a cyclic subscription.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { QOS_SENSOR_DATA, RosContext, rosNow, type RosNode, type Subscription } from '@medkit/ros2';
import { testDomain } from '../../../test-support/domains.js';
import { startTestGateway, type TestGateway } from '../../../test-support/gateway/gateway.js';
import { eventually, http } from '../../../test-support/gateway/ros-robot.js';
import { openSse } from '../../../test-support/sse-client.js';

const DOMAIN = testDomain(213);
const contexts: RosContext[] = [];
let g: TestGateway;
let filter: RosNode;
let planner: RosNode;
let reliableSub: Subscription | undefined;
let typoSub: Subscription | undefined;
let stopTraffic: () => void = () => {};
/** A second gateway on the same domain in manifest_only mode (started early: discovery takes a while). */
let manifestOnly: TestGateway;

async function startManifestOnlyGateway(): Promise<TestGateway> {
  const dir = mkdtempSync(join(tmpdir(), 'medkit-graph-'));
  const manifest = join(dir, 'manifest.yaml');
  writeFileSync(manifest, [
    'manifest_version: "1.0"',
    'apps:',
    '  - { id: scan_filter, name: Filter, ros_binding: { node_name: filter, namespace: /pipe } }',
    '  - { id: path_planner, name: Planner, ros_binding: { node_name: planner, namespace: /pipe } }',
    'functions:',
    '  - { id: planning, name: Planning, hosted_by: [scan_filter, path_planner] }',
    '',
  ].join('\n'));
  return startTestGateway({
    defaults: true,
    flags: { 'ros.enabled': true, 'ros.domain_id': DOMAIN, 'ros.localhost_only': true, 'discovery.mode': 'manifest_only', 'discovery.manifest_path': manifest, plugins: ['graph_provider', 'graph_watchdog'], 'plugins.graph_watchdog.tick_interval_ms': 100 },
  });
}

async function node(name: string): Promise<RosNode> {
  const c = await RosContext.create({ domainId: DOMAIN, localhostOnly: true });
  contexts.push(c);
  return c.createNode(name, '/pipe');
}

/** Fault codes the watchdog's App lists with a given status filter. */
async function codes(status: string): Promise<string[]> {
  const r = await http(`${g.url}/api/v1/apps/graph_watchdog/faults?status=${status}`);
  return ((r.body?.items ?? []) as { fault_code: string }[]).map((f) => f.fault_code);
}

beforeAll(async () => {
  g = await startTestGateway({
    defaults: true,
    flags: {
      'ros.enabled': true,
      'ros.domain_id': DOMAIN,
      'ros.localhost_only': true,
      'discovery.mode': 'runtime_only',
      'faults.healing_enabled': true,
      'faults.healing_threshold': 0,
      plugins: ['graph_provider', 'graph_watchdog'],
      'plugins.graph_watchdog.tick_interval_ms': 100,
      'plugins.graph_watchdog.warmup_cycles': 2,
      'plugins.graph_watchdog.detectors.qos_mismatch.grace': 1,
      'plugins.graph_watchdog.detectors.orphan.grace': 1,
    },
  });
  const lidar = await node('lidar');
  filter = await node('filter');
  planner = await node('planner');
  const monitor = await node('monitor');
  const scan = lidar.createPublisher('/pipe/scan', 'std_msgs/msg/String', QOS_SENSOR_DATA);
  // Defect 1: a RELIABLE subscriber on a BEST_EFFORT topic (the default profile is RELIABLE).
  reliableSub = filter.createSubscription('/pipe/scan', 'std_msgs/msg/String', () => {});
  filter.createPublisher('/pipe/filtered_scan', 'std_msgs/msg/String');
  // A compatible, connected edge too: filter → planner on /pipe/plan.
  filter.createPublisher('/pipe/plan', 'std_msgs/msg/String');
  planner.createSubscription('/pipe/plan', 'std_msgs/msg/String', () => {});
  // Defect 2: a typo, the planner listens to a topic nobody publishes.
  typoSub = planner.createSubscription('/pipe/filterd_scan', 'std_msgs/msg/String', () => {});
  const diag = monitor.createPublisher('/diagnostics', 'diagnostic_msgs/msg/DiagnosticArray');
  const timer = setInterval(() => {
    scan.publish({ data: 'x' });
    diag.publish({ header: { stamp: rosNow(), frame_id: '' }, status: [{ level: 0, name: '/pipe/plan', message: 'OK', hardware_id: '', values: [{ key: 'frame_rate_msg', value: '2.0' }, { key: 'expected_frequency', value: '10' }, { key: 'drop_rate_percent', value: '0' }] }] });
  }, 200);
  stopTraffic = () => clearInterval(timer);
  manifestOnly = await startManifestOnlyGateway();
}, 120_000);

afterAll(async () => {
  stopTraffic();
  await g?.close();
  await manifestOnly?.close();
  for (const c of contexts) await c.close();
});

describe('graph watchdog against real peers', () => {
  it('raises GRAPH_QOS_MISMATCH and GRAPH_ORPHAN for the planted defects, under its own external App', async () => {
    const found = await eventually(async () => {
      const c = await codes('all');
      return c.includes('GRAPH_QOS_MISMATCH') && c.includes('GRAPH_ORPHAN') ? c : undefined;
    }, 'GRAPH_QOS_MISMATCH and GRAPH_ORPHAN', 45_000);
    expect(found).toEqual(expect.arrayContaining(['GRAPH_QOS_MISMATCH', 'GRAPH_ORPHAN']));
    const qos = (await http(`${g.url}/api/v1/apps/graph_watchdog/faults/GRAPH_QOS_MISMATCH`)).body;
    expect(JSON.stringify(qos)).toContain('/pipe/scan');
    expect(JSON.stringify(qos)).toContain('reliability');
    const orphan = (await http(`${g.url}/api/v1/faults?status=all`)).body.items.find((f: { fault_code: string }) => f.fault_code === 'GRAPH_ORPHAN');
    expect(orphan).toMatchObject({ severity: 1, reporting_sources: ['graph_watchdog'] });
    expect(orphan.description).toContain('/pipe/filterd_scan');
    expect(orphan.description).toContain('/pipe/filtered_scan');
    const app = (await http(`${g.url}/api/v1/apps/graph_watchdog`)).body;
    expect(app['x-medkit']).toMatchObject({ source: 'plugin' });
    const status = await http(`${g.url}/api/v1/x-medkit-watchdog`);
    expect(status.status).toBe(200);
    expect(status.body).toMatchObject({ schema_version: '1.0.0', warmup_cycles: 2, global_state: 'armed' });
    expect(status.body.entities.some((e: { id: string; armed: boolean }) => e.id === '/pipe/filter' && e.armed)).toBe(true);
    expect(status.body.detectors.qos_mismatch.findings[0]).toMatchObject({ code: 'GRAPH_QOS_MISMATCH', subject: '/pipe/scan|/pipe/filter' });
  }, 60_000);

  it('draws the Function pipeline with /diagnostics metrics, on its route and as a capability', async () => {
    const graph = await eventually(async () => {
      const r = await http(`${g.url}/api/v1/functions/pipe/x-medkit-graph`);
      const doc = r.body?.['x-medkit-graph'];
      // Wait for the edge asserted below, its metrics attributed to an App: another edge's metrics may turn
      // active first, and a sample that arrives before the monitor's App exists names its node instead.
      const planTopic = doc?.topics?.find((t: { name: string }) => t.name === '/pipe/plan')?.topic_id;
      const ready = (e: { topic_id: string; metrics: { metrics_status: string; source?: string } }) => e.topic_id === planTopic && e.metrics.metrics_status === 'active' && !e.metrics.source?.startsWith('/');
      return doc?.edges?.some(ready) ? doc : undefined;
    }, 'the /pipe/plan edge active in the pipe graph, attributed to an App', 30_000);
    expect(graph.nodes.map((n: { entity_id: string }) => n.entity_id).sort()).toEqual(['filter', 'lidar', 'monitor', 'planner']);
    const byTopic = new Map(graph.topics.map((t: { topic_id: string; name: string }) => [t.name, t.topic_id]));
    const plan = graph.edges.find((e: { topic_id: string }) => e.topic_id === byTopic.get('/pipe/plan'));
    expect(plan).toMatchObject({ source: 'filter', target: 'planner', metrics: { source: 'monitor', publisher_count: 1, frequency_hz: 2, drop_rate_percent: 0, metrics_status: 'active' } });
    // 2 Hz of an expected 10 Hz is below the 0.5 ratio: degraded, and that edge is the bottleneck.
    expect(graph.pipeline_status).toBe('degraded');
    expect(graph.bottleneck_edge).toBe(plan.edge_id);
    expect(graph.edges.some((e: { source: string; target: string }) => e.source === 'lidar' && e.target === 'filter')).toBe(true);
    const fn = (await http(`${g.url}/api/v1/functions/pipe`)).body;
    expect(fn.capabilities.map((c: { name: string }) => c.name)).toContain('x-medkit-graph');
    expect((await http(`${g.url}/api/v1/functions/nope/x-medkit-graph`)).status).toBe(404);
    expect((await http(`${g.url}/api/v1/functions/bad%20id/x-medkit-graph`)).status).toBe(400);
    // The graph streams through a cyclic subscription (the plugin's sampler).
    const sub = await http(`${g.url}/api/v1/functions/pipe/cyclic-subscriptions`, { method: 'POST', json: { resource: '/api/v1/functions/pipe/x-medkit-graph', interval: 'fast', duration: 30 } });
    expect(sub.status).toBe(201);
    const stream = await openSse(`${g.url}${sub.body.event_source as string}`);
    try {
      const env = (await stream.nextJson()) as { payload: Record<string, unknown> };
      expect(env.payload['x-medkit-graph']).toMatchObject({ graph_id: 'pipe-graph', scope: { type: 'function', entity_id: 'pipe' } });
    } finally {
      stream.close();
    }
    const docs = (await http(`${g.url}/api/v1/docs`)).body;
    expect(Object.keys(docs.paths ?? {})).toEqual(expect.arrayContaining(['/functions/{function_id}/x-medkit-graph', '/x-medkit-watchdog']));
  }, 60_000);

  it('heals both faults when the defects are removed at run time, and raises again when one comes back', async () => {
    reliableSub?.close();
    filter.createSubscription('/pipe/scan', 'std_msgs/msg/String', () => {}, QOS_SENSOR_DATA);
    typoSub?.close();
    typoSub = planner.createSubscription('/pipe/filtered_scan', 'std_msgs/msg/String', () => {});
    await eventually(async () => {
      const healed = await codes('healed');
      return healed.includes('GRAPH_QOS_MISMATCH') && healed.includes('GRAPH_ORPHAN');
    }, 'both faults healed', 45_000);
    expect(await codes('confirmed')).toEqual([]);
    // Plant the typo again: the orphan fault comes back (and the QoS one stays healed).
    typoSub.close();
    typoSub = planner.createSubscription('/pipe/filterd_scan', 'std_msgs/msg/String', () => {});
    await eventually(async () => (await codes('confirmed')).includes('GRAPH_ORPHAN'), 'GRAPH_ORPHAN raised again', 45_000);
    expect(await codes('confirmed')).not.toContain('GRAPH_QOS_MISMATCH');
  }, 120_000);
});


describe('in manifest_only mode (nothing linked at run time)', () => {
  it('the same plugins draw the manifest Function from the live graph and the watchdog App is listed', async () => {
    const graph = await eventually(async () => {
      const doc = (await http(`${manifestOnly.url}/api/v1/functions/planning/x-medkit-graph`)).body?.['x-medkit-graph'];
      return doc?.edges?.length > 0 ? doc : undefined;
    }, 'an edge in the manifest Function', 75_000);
    expect(graph.nodes).toEqual([expect.objectContaining({ entity_id: 'scan_filter', node_status: 'reachable' }), expect.objectContaining({ entity_id: 'path_planner', node_status: 'reachable' })]);
    expect(graph.edges[0]).toMatchObject({ source: 'scan_filter', target: 'path_planner' });
    expect((await http(`${manifestOnly.url}/api/v1/apps/graph_watchdog`)).status).toBe(200);
  }, 90_000);
});
