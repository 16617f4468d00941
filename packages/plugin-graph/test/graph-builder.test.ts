// The graph provider's pure parts (docs/graph.md): scoping, edges, topic exclusions, the /diagnostics
// vocabulary and cache bounds, freshness/staleness, degradation rules, per-function overrides.
import { describe, expect, it } from 'vitest';
import { buildFunctionGraph, freshnessWindowSec, type BuildInput, type LiveTopology } from '../src/provider/build.js';
import { GRAPH_DEFAULTS, readGraphProviderConfig, thresholdsFor } from '../src/provider/config.js';
import { metricsOfValues, TopicMetricsCache, type TopicMetrics } from '../src/provider/metrics.js';
import type { App, SovdFunction } from '@medkit/gateway';

const app = (id: string, pubs: string[], subs: string[], extra: Partial<App> = {}): App =>
  ({ id, name: id, source: 'manifest', is_online: true, topics: { publishes: pubs, subscribes: subs }, services: [], actions: [], ...extra }) as unknown as App;
const fn = (hosts: string[]): SovdFunction => ({ id: 'nav', name: 'nav', source: 'manifest', hosts }) as unknown as SovdFunction;

const APPS = [
  app('lidar', ['/scan', '/rosout', '/diagnostics'], []),
  app('filter', ['/filtered'], ['/scan', '/parameter_events']),
  app('planner', [], ['/filtered', '/camera/nitros/image']),
  app('camera', ['/camera/nitros/image'], [], { component_id: 'cam_unit' }),
  app('outsider', ['/x'], ['/scan']),
];
const NO_LIVE: LiveTopology = { endpointsOf: () => undefined, publisherCount: () => 1 };

function input(over: Partial<BuildInput> = {}, metrics: Record<string, TopicMetrics> = {}): BuildInput {
  return {
    fn: fn(['lidar', 'filter', 'planner', 'cam_unit']),
    snapshot: { areas: [], components: [], apps: APPS, functions: [] },
    live: NO_LIVE,
    metrics: (t) => metrics[t],
    thresholds: GRAPH_DEFAULTS,
    lastSeen: (id) => (id === 'lidar' ? '2026-01-01T00:00:00.000Z' : undefined),
    nowMono: 100_000,
    nowWall: Date.UTC(2026, 0, 1),
    ...over,
  };
}

describe('graph builder', () => {
  it('nodes are the scoped Apps (Component hosts expanded); edges only between scoped Apps; system and nitros topics left out', () => {
    const g = buildFunctionGraph(input());
    expect(g).toMatchObject({ schema_version: '2.0.0', graph_id: 'nav-graph', scope: { type: 'function', entity_id: 'nav' }, pipeline_status: 'healthy', bottleneck_edge: null });
    expect(g.nodes.map((n) => n.entity_id)).toEqual(['lidar', 'filter', 'planner', 'camera']);
    expect(g.nodes[0].last_seen).toBe('2026-01-01T00:00:00.000Z');
    expect(g.nodes[1]).not.toHaveProperty('last_seen');
    expect(g.topics).toEqual([{ topic_id: 'topic-1', name: '/filtered' }, { topic_id: 'topic-2', name: '/scan' }]);
    expect(g.edges.map((e) => [e.edge_id, e.source, e.target, e.topic_id])).toEqual([['edge-1', 'filter', 'planner', 'topic-1'], ['edge-2', 'lidar', 'filter', 'topic-2']]);
    expect(g.edges[0].metrics).toEqual({ publisher_count: 1, metrics_status: 'pending' });
    expect(g.edges[0].transport_type).toBe('unknown');
  });

  it('an unreachable node degrades; live graph endpoints add edges the entity did not list', () => {
    const apps = APPS.map((a) => (a.id === 'planner' ? { ...a, is_online: false, topics: { publishes: [], subscribes: [] }, bound_fqn: '/nav/planner' } : a));
    const g = buildFunctionGraph(input({ snapshot: { areas: [], components: [], apps, functions: [] } }));
    expect(g.pipeline_status).toBe('degraded');
    expect(g.nodes.find((n) => n.entity_id === 'planner')?.node_status).toBe('unreachable');
    const live: LiveTopology = { endpointsOf: (fqn) => (fqn === '/nav/planner' ? { publishes: [], subscribes: ['/filtered'] } : undefined), publisherCount: () => 2 };
    const g2 = buildFunctionGraph(input({ snapshot: { areas: [], components: [], apps, functions: [] }, live }));
    expect(g2.nodes.find((n) => n.entity_id === 'planner')?.node_status).toBe('reachable');
    expect(g2.edges[0].metrics).toMatchObject({ publisher_count: 2, rate_ambiguous: true });
  });

  it('fresh metrics are active; a low rate degrades and names the bottleneck; a high drop rate degrades', () => {
    const m = (f: Partial<TopicMetrics>): TopicMetrics => ({ receivedAt: 99_000, ...f });
    const g = buildFunctionGraph(input({}, { '/scan': m({ frequencyHz: 10, latencyMs: 3, dropRatePercent: 0, source: 'lidar' }), '/filtered': m({ frequencyHz: 29 }) }));
    expect(g.pipeline_status).toBe('degraded');
    expect(g.bottleneck_edge).toBe('edge-2');
    expect(g.edges[1].metrics).toEqual({ source: 'lidar', publisher_count: 1, frequency_hz: 10, latency_ms: 3, drop_rate_percent: 0, metrics_status: 'active' });
    // expected_frequency from /diagnostics beats the configured default.
    expect(buildFunctionGraph(input({}, { '/scan': m({ frequencyHz: 10, expectedFrequencyHz: 10 }) })).pipeline_status).toBe('healthy');
    expect(buildFunctionGraph(input({}, { '/scan': m({ dropRatePercent: 7.5 }) })).pipeline_status).toBe('degraded');
  });

  it('a sample older than the freshness window plus grace is error/metrics_stale and breaks the pipeline', () => {
    // Window = max(5 s, 3 / 30 Hz) = 5 s; + 2 s grace = 7 s.
    expect(freshnessWindowSec(GRAPH_DEFAULTS, 30)).toBe(5);
    expect(buildFunctionGraph(input({}, { '/scan': { frequencyHz: 30, receivedAt: 100_000 - 6_999 } })).pipeline_status).toBe('healthy');
    const g = buildFunctionGraph(input({}, { '/scan': { frequencyHz: 30, receivedAt: 100_000 - 7_001 } }));
    expect(g.pipeline_status).toBe('broken');
    expect(g.edges[1].metrics).toMatchObject({ metrics_status: 'error', error_reason: 'metrics_stale' });
  });

  it('multi_publisher_rate suppress drops an ambiguous rate and never degrades on it', () => {
    const live: LiveTopology = { endpointsOf: () => undefined, publisherCount: () => 2 };
    const t = { ...GRAPH_DEFAULTS, multiPublisherRate: 'suppress' as const };
    const g = buildFunctionGraph(input({ live, thresholds: t }, { '/scan': { frequencyHz: 1, receivedAt: 99_000 } }));
    expect(g.edges[1].metrics).not.toHaveProperty('frequency_hz');
    expect(g.pipeline_status).toBe('healthy');
  });
});

describe('/diagnostics metrics', () => {
  it('maps the producer vocabulary', () => {
    expect(metricsOfValues([{ key: 'frame_rate_msg', value: '29.5' }, { key: 'current_delay_from_realtime_ms', value: '4' }, { key: 'drop_rate', value: '1.5' }, { key: 'expected_frequency', value: '30' }])).toEqual({ frequencyHz: 29.5, latencyMs: 4, dropRatePercent: 1.5, expectedFrequencyHz: 30 });
    expect(metricsOfValues([{ key: 'frame_rate_msg', value: '0' }, { key: 'frame_rate_node', value: '12' }])).toEqual({ frequencyHz: 12 });
    expect(metricsOfValues([{ key: 'frame_rate_msg', value: '5' }, { key: 'frame_rate_node', value: '12' }])).toEqual({ frequencyHz: 5 });
    expect(metricsOfValues([{ key: 'frame_rate_msg', value: '-3' }])).toEqual({});
    expect(metricsOfValues([{ key: 'frame_rate_msg', value: 'NaN' }, { key: 'drop_rate_percent', value: '1e400' }])).toEqual({});
    expect(metricsOfValues([{ key: 'voltage', value: '24' }])).toBeUndefined();
  });

  it('keeps at most its topic bound (oldest first out), ignores non-topic names and bounds statuses per message', () => {
    const cache = new TopicMetricsCache(3);
    const status = (name: string) => ({ name, values: [{ key: 'frame_rate_msg', value: '1' }] });
    cache.ingest({ status: ['/a', '/b', '/c', '/d', 'not a topic', '/e f'].map(status) }, 'lidar', 1);
    expect(cache.size).toBe(3);
    expect(cache.get('/a')).toBeUndefined();
    expect(cache.get('/d')).toEqual({ frequencyHz: 1, source: 'lidar', receivedAt: 1 });
    cache.ingest({ status: [status('/d')] }, undefined, 2);
    expect(cache.get('/d')).toEqual({ frequencyHz: 1, receivedAt: 2 });
    const big = new TopicMetricsCache(100_000);
    expect(big.ingest({ status: Array.from({ length: 5000 }, (_, i) => status(`/t${i}`)) }, undefined, 1)).toBe(1024);
    expect(cache.ingest({ status: 'garbage' }, undefined, 1)).toBe(0);
  });
});

describe('graph provider configuration', () => {
  it('invalid values warn and keep the default; overrides inherit and a rejected override keeps the resolved value', () => {
    const warnings: string[] = [];
    const c = readGraphProviderConfig({ degraded_frequency_ratio: 0, drop_rate_percent_threshold: 0, multi_publisher_rate: 'both', function_overrides: { nav: { expected_frequency_hz: 10, freshness_floor_sec: -1 }, bad: 3 } }, (m) => warnings.push(m));
    expect(c.global).toMatchObject({ degradedFrequencyRatio: 0.5, dropRatePercentThreshold: 0, multiPublisherRate: 'annotate' });
    expect(thresholdsFor(c, 'nav')).toMatchObject({ expectedFrequencyHz: 10, freshnessFloorSec: 5, dropRatePercentThreshold: 0 });
    expect(thresholdsFor(c, 'other')).toBe(c.global);
    expect(warnings).toHaveLength(4);
  });
});
