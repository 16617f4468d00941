// The demo's planted graph defects (docs/graph.md, issue 16 point 6): the robot's nodes in their own
// process (ROS domain testDomain(214), loopback) and a gateway with the demo manifest and both graph plugins.
// The watchdog raises GRAPH_QOS_MISMATCH (local_costmap's RELIABLE subscription to the BEST_EFFORT
// /perception/scan_stats) and GRAPH_ORPHAN (its /perception/filterd_scan typo); fixing both through the
// gateway's configurations API heals them, and planting the QoS defect back raises it again.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDomain } from '../../../test-support/domains.js';
import { eventually, http } from '../../../test-support/demo/demo.js';
import { startDemoRobotGateway, type DemoRobotGateway } from '../../../test-support/demo/robot-process.js';

const DOMAIN = testDomain(214);
let demo: DemoRobotGateway | undefined;
let api: string;

async function watchdogCodes(status: string): Promise<string[]> {
  const r = await http(`${api}/apps/graph_watchdog/faults?status=${status}`);
  return ((r.body?.items ?? []) as { fault_code: string }[]).map((f) => f.fault_code);
}

beforeAll(async () => {
  demo = await startDemoRobotGateway(DOMAIN, {
    'faults.healing_enabled': true,
    'faults.healing_threshold': 0,
    'plugins.graph_watchdog.tick_interval_ms': 200,
    'plugins.graph_watchdog.warmup_cycles': 2,
    'plugins.graph_watchdog.detectors.qos_mismatch.grace': 1,
    'plugins.graph_watchdog.detectors.orphan.grace': 1,
    'plugins.graph_watchdog.detectors.param_drift.ignore': ['reliable_stats', 'input_topic', 'voltage'],
  });
  api = demo.api;
}, 120_000);

afterAll(async () => demo?.close(), 30_000);

describe('the demo robot under the graph watchdog', () => {
  it('raises GRAPH_QOS_MISMATCH and GRAPH_ORPHAN for the planted defects', async () => {
    await eventually(async () => {
      const c = await watchdogCodes('confirmed');
      return c.includes('GRAPH_QOS_MISMATCH') && c.includes('GRAPH_ORPHAN');
    }, 'both watchdog faults', 60_000);
    const items = (await http(`${api}/faults?status=all`)).body.items as { fault_code: string; description: string }[];
    expect(items.find((f) => f.fault_code === 'GRAPH_QOS_MISMATCH')?.description).toContain('/perception/scan_stats: subscriber /navigation/local_costmap');
    expect(items.find((f) => f.fault_code === 'GRAPH_ORPHAN')?.description).toContain('/perception/filterd_scan');
  }, 90_000);

  it("draws environment-sensing's pipeline with the lidar → scan_filter edge and topic_monitor's rates", async () => {
    // The first /diagnostics sample may arrive before discovery has told the gateway who wrote it (then the
    // metrics carry no source); the next sample after discovery is attributed.
    const isScanEdge = (graph: { topics: { name: string; topic_id: string }[] }) => (e: { source: string; target: string; topic_id: string }) =>
      e.source === 'lidar' && e.target === 'scan_filter' && e.topic_id === graph.topics.find((t) => t.name === '/scan')?.topic_id;
    const graph = await eventually(async () => {
      const doc = (await http(`${api}/functions/environment-sensing/x-medkit-graph`)).body?.['x-medkit-graph'];
      const edge = doc?.edges?.find(isScanEdge(doc));
      return edge?.metrics.metrics_status === 'active' && edge.metrics.source ? doc : undefined;
    }, 'an active, attributed lidar → scan_filter edge', 60_000);
    expect(graph.nodes.map((n: { entity_id: string }) => n.entity_id)).toEqual(expect.arrayContaining(['lidar', 'scan_filter', 'topic_monitor', 'obstacle_detector']));
    const edge = graph.edges.find(isScanEdge(graph));
    expect(edge.metrics).toMatchObject({ publisher_count: 1, source: 'topic_monitor' });
  }, 90_000);

  it('heals both when the defects are fixed at run time, and raises the QoS one again when it is planted back', async () => {
    const put = async (app: string, param: string, data: unknown) => {
      const r = await http(`${api}/apps/${app}/configurations/${param}`, { method: 'PUT', json: { data } });
      expect(r.status).toBe(200);
    };
    await put('local_costmap', 'reliable_stats', false);
    await put('local_costmap', 'input_topic', '/perception/filtered_scan');
    await eventually(async () => {
      const healed = await watchdogCodes('healed');
      return healed.includes('GRAPH_QOS_MISMATCH') && healed.includes('GRAPH_ORPHAN');
    }, 'both healed', 60_000);
    expect(await watchdogCodes('confirmed')).toEqual([]);
    await put('local_costmap', 'reliable_stats', true);
    await eventually(async () => (await watchdogCodes('confirmed')).includes('GRAPH_QOS_MISMATCH'), 'GRAPH_QOS_MISMATCH again', 60_000);
    expect(await watchdogCodes('confirmed')).not.toContain('GRAPH_ORPHAN');
  }, 150_000);
});
