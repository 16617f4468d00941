// Unit tests of the watchdog detectors on fake graph snapshots (docs/graph.md).
import { describe, expect, it } from 'vitest';
import { takeTopology, type Topology } from '../src/watchdog/topology.js';
import { QosMismatchDetector, GRAPH_QOS_MISMATCH } from '../src/watchdog/detectors/qos-mismatch.js';
import { editDistance } from '@medkit/plugin-api';
import { OrphanDetector, GRAPH_ORPHAN } from '../src/watchdog/detectors/orphan.js';
import { ParamDriftDetector, GRAPH_PARAM_DRIFT } from '../src/watchdog/detectors/param-drift.js';
import { GRAPH_NODE_INACTIVE, GRAPH_NODE_NOT_MANAGED, GRAPH_NODE_UNREADABLE, LifecycleExpectationDetector } from '../src/watchdog/detectors/lifecycle-expectation.js';
import type { SweepInput } from '../src/watchdog/detectors/detector.js';
import type { PluginRosAccess } from '@medkit/plugin-api';
import { fakeGraph, type FakeNode } from './fake-graph.js';

const LIMITS = { maxTopics: 100, maxEndpoints: 16, maxNodes: 100 };
const topo = (nodes: FakeNode[]): Topology => takeTopology(fakeGraph(nodes), LIMITS);
const input = (nodes: FakeNode[], extra: Partial<SweepInput> = {}): SweepInput => ({ tick: 1, topology: topo(nodes), armed: () => true, ...extra });

describe('qos_mismatch', () => {
  const det = new QosMismatchDetector({ grace: 3, allowlist: [] });

  it('a RELIABLE subscriber of a BEST_EFFORT-only topic is an ERROR naming the reason', () => {
    const f = det.sweep(input([{ fqn: '/s/lidar', pubs: [['/scan', { reliability: 'best-effort' }]] }, { fqn: '/s/filter', subs: [['/scan', { reliability: 'reliable' }]] }]));
    expect(f).toHaveLength(1);
    expect(f[0]).toMatchObject({ code: GRAPH_QOS_MISMATCH, severity: 2, subject: '/scan|/s/filter' });
    expect(f[0].text).toContain('reliability');
  });

  it('durability, deadline and liveliness are checked; a subscriber some publishers serve is a WARN', () => {
    const durability = det.sweep(input([{ fqn: '/a', pubs: [['/t', { durability: 'volatile' }]] }, { fqn: '/b', subs: [['/t', { durability: 'transient-local' }]] }]));
    expect(durability[0].text).toContain('durability');
    const deadline = det.sweep(input([{ fqn: '/a', pubs: [['/t', {}]] }, { fqn: '/b', subs: [['/t', { deadlineSec: 0.1 }]] }]));
    expect(deadline[0].text).toContain('deadline');
    const live = det.sweep(input([{ fqn: '/a', pubs: [['/t', {}]] }, { fqn: '/b', subs: [['/t', { liveliness: { kind: 'manual-by-topic', leaseSec: Infinity } }]] }]));
    expect(live[0].text).toContain('liveliness');
    const some = det.sweep(input([{ fqn: '/a', pubs: [['/t', { reliability: 'best-effort' }]] }, { fqn: '/c', pubs: [['/t', {}]] }, { fqn: '/b', subs: [['/t', {}]] }]));
    expect(some[0].severity).toBe(1);
    expect(some[0].text).toContain('1 of 2');
  });

  it('compatible pairs, allowlisted and system topics raise nothing', () => {
    expect(det.sweep(input([{ fqn: '/a', pubs: [['/t', {}]] }, { fqn: '/b', subs: [['/t', { reliability: 'best-effort' }]] }]))).toEqual([]);
    const allow = new QosMismatchDetector({ grace: 3, allowlist: ['/t'] });
    expect(allow.sweep(input([{ fqn: '/a', pubs: [['/t', { reliability: 'best-effort' }]] }, { fqn: '/b', subs: [['/t', {}]] }]))).toEqual([]);
    expect(det.sweep(input([{ fqn: '/a', pubs: [['/rosout', { reliability: 'best-effort' }]] }, { fqn: '/b', subs: [['/rosout', {}]] }]))).toEqual([]);
  });
});

describe('orphan', () => {
  const det = new OrphanDetector({ grace: 10, maxEditDistance: 1, namespaceEditDistance: 0, allowlist: [] });

  it('pairs a subscriber-only topic with a publisher-only topic one edit away in the same namespace', () => {
    const f = det.sweep(input([{ fqn: '/a', pubs: [['/sensors/filtered_scan']] }, { fqn: '/b', subs: [['/sensors/filterd_scan']] }]));
    expect(f).toHaveLength(1);
    expect(f[0]).toMatchObject({ code: GRAPH_ORPHAN, subject: '/sensors/filterd_scan', nodes: ['/b', '/a'] });
    expect(f[0].text).toContain('/sensors/filtered_scan');
  });

  it('ignores enumerations, other namespaces, larger distances, connected topics and the allowlist', () => {
    expect(det.sweep(input([{ fqn: '/a', pubs: [['/cam1']] }, { fqn: '/b', subs: [['/cam2']] }]))).toEqual([]);
    expect(det.sweep(input([{ fqn: '/a', pubs: [['/x/scan']] }, { fqn: '/b', subs: [['/y/scam']] }]))).toEqual([]);
    expect(det.sweep(input([{ fqn: '/a', pubs: [['/odom']] }, { fqn: '/b', subs: [['/odem2']] }]))).toEqual([]);
    // `/scan` has a subscriber, so it is not publisher-only: nothing to pair `/scam` with (the spec's rule).
    expect(det.sweep(input([{ fqn: '/a', pubs: [['/scan']] }, { fqn: '/b', subs: [['/scam']] }, { fqn: '/c', subs: [['/scan']] }]))).toEqual([]);
    const allow = new OrphanDetector({ grace: 10, maxEditDistance: 1, namespaceEditDistance: 0, allowlist: ['/scam'] });
    expect(allow.sweep(input([{ fqn: '/a', pubs: [['/scan']] }, { fqn: '/b', subs: [['/scam']] }]))).toEqual([]);
  });

  it('namespace_edit_distance lets parent namespaces differ', () => {
    const wide = new OrphanDetector({ grace: 10, maxEditDistance: 1, namespaceEditDistance: 1, allowlist: [] });
    expect(wide.sweep(input([{ fqn: '/a', pubs: [['/robot1/scan']] }, { fqn: '/b', subs: [['/robot/scan']] }]))).toHaveLength(1);
  });

  it('edit distance stops early past its limit', () => {
    expect(editDistance('filtered', 'filterd', 1)).toBe(1);
    expect(editDistance('abc', 'abc', 1)).toBe(0);
    expect(editDistance('a'.repeat(200), 'b'.repeat(200), 2)).toBe(3);
  });
});

/** A fake parameter/lifecycle backend. */
function fakeRos(params: Record<string, Record<string, unknown>>, states: Record<string, string | Error> = {}, managed: string[] = []): PluginRosAccess {
  return {
    graph: fakeGraph([]),
    subscribe: () => () => {},
    advertise: () => {
      throw new Error('not used by the detectors');
    },
    listParameters: async (fqn) => Object.keys(params[fqn] ?? {}),
    getParameters: async (fqn, names) => names.map((name) => ({ name, set: name in (params[fqn] ?? {}), value: params[fqn]?.[name] ?? null })),
    lifecycleState: async (fqn) => {
      const s = states[fqn];
      if (s instanceof Error) throw s;
      return { id: 0, label: s ?? 'unknown' };
    },
    isManaged: (fqn) => managed.includes(fqn),
  };
}

describe('param_drift', () => {
  const nodes: FakeNode[] = [{ fqn: '/n', services: ['/n/get_parameters'] }, { fqn: '/plain' }];

  it('captures a baseline when the node arms, then reports a changed value and stops when it is back', async () => {
    const params = { '/n': { speed: 1.0, name: 'x', 'skip.me': 1 } };
    const det = new ParamDriftDetector({ baseline: true, expect: {}, ignore: ['skip.*'], maxReadsPerTick: 8, pruneGrace: 60, readTimeoutMs: 100 });
    const ros = fakeRos(params);
    expect(await det.sweep(input(nodes, { ros }))).toEqual([]);
    params['/n'].speed = 2.5;
    params['/n']['skip.me'] = 2;
    const f = await det.sweep(input(nodes, { ros, tick: 2 }));
    expect(f.map((x) => [x.code, x.subject])).toEqual([[GRAPH_PARAM_DRIFT, '/n:speed']]);
    params['/n'].speed = 1.0;
    expect(await det.sweep(input(nodes, { ros, tick: 3 }))).toEqual([]);
  });

  it('a pinned expect value wins over the baseline; unarmed nodes are not read', async () => {
    const params = { '/n': { mode: 'auto' } };
    const det = new ParamDriftDetector({ baseline: true, expect: { mode: 'manual' }, ignore: [], maxReadsPerTick: 8, pruneGrace: 60, readTimeoutMs: 100 });
    expect(await det.sweep(input(nodes, { ros: fakeRos(params), armed: () => false }))).toEqual([]);
    const f = await det.sweep(input(nodes, { ros: fakeRos(params) }));
    expect(f[0].text).toContain('pinned');
  });

  it('reads at most max_reads_per_tick nodes per sweep, round-robin', async () => {
    const many: FakeNode[] = Array.from({ length: 5 }, (_, i) => ({ fqn: `/n${i}`, services: [`/n${i}/get_parameters`] }));
    const read: string[] = [];
    const ros = { ...fakeRos({}), getParameters: async (fqn: string) => (read.push(fqn), []) };
    const det = new ParamDriftDetector({ baseline: true, expect: {}, ignore: [], maxReadsPerTick: 2, pruneGrace: 60, readTimeoutMs: 100 });
    await det.sweep(input(many, { ros }));
    await det.sweep(input(many, { ros, tick: 2 }));
    await det.sweep(input(many, { ros, tick: 3 }));
    expect(read.sort()).toEqual(['/n0', '/n0', '/n1', '/n2', '/n3', '/n4']);
  });
});

describe('lifecycle_expectation', () => {
  const nodes: FakeNode[] = [{ fqn: '/p/detector' }, { fqn: '/q/detector' }, { fqn: '/p/plain' }, { fqn: '/p/mute' }];
  const settings = { grace: 5, pruneGrace: 60, trackedNodeCap: 512, maxReadsPerTick: 16, readTimeoutMs: 100, appFqn: (id: string) => (id === 'mute_app' ? '/p/mute' : undefined) };

  it('inactive, unreadable and unmanaged required nodes each get their code; a bare leaf matches every namespace', async () => {
    const ros = fakeRos({}, { '/p/detector': 'active', '/q/detector': 'inactive', '/p/mute': new Error('timeout') }, ['/p/detector', '/q/detector', '/p/mute']);
    const det = new LifecycleExpectationDetector({ ...settings, requireActive: ['detector', '/p/plain', 'mute_app'] });
    const f = await det.sweep(input(nodes, { ros }));
    expect(f.map((x) => [x.code, x.subject]).sort()).toEqual([
      [GRAPH_NODE_INACTIVE, '/q/detector'],
      [GRAPH_NODE_NOT_MANAGED, '/p/plain'],
      [GRAPH_NODE_UNREADABLE, '/p/mute'],
    ].sort());
    expect(det.labelOf('/p/detector')).toBe('active');
  });

  it('tracks at most tracked_node_cap nodes and says it is saturated', async () => {
    const det = new LifecycleExpectationDetector({ ...settings, trackedNodeCap: 1, requireActive: ['detector'] });
    await det.sweep(input(nodes, { ros: fakeRos({}, {}, []) }));
    expect(det.status()).toMatchObject({ tracked_nodes: 1, tracking_saturated: true });
  });
});

describe('topology bounds', () => {
  it('takes at most max topics and endpoints per topic and says it truncated', () => {
    const nodes: FakeNode[] = Array.from({ length: 30 }, (_, i) => ({ fqn: `/n${i}`, pubs: [[`/t${i % 3}`]], subs: [[`/u${i}`]] }));
    const t = takeTopology(fakeGraph(nodes), { maxTopics: 5, maxEndpoints: 4, maxNodes: 100 });
    expect(t.topics).toHaveLength(5);
    expect(Math.max(...t.topics.map((x) => x.publishers.length))).toBe(4);
    expect(t.truncated).toBe(true);
  });
});

describe('qos_mismatch bounds', () => {
  it('checks at most MAX_PAIRS publisher × subscriber pairs per sweep and says it is saturated', async () => {
    const { MAX_PAIRS } = await import('../src/watchdog/detectors/qos-mismatch.js');
    // 64 publishers × 64 subscribers on each of 60 topics = 245,760 pairs > MAX_PAIRS.
    const nodes: FakeNode[] = [];
    for (let i = 0; i < 64; i++) nodes.push({ fqn: `/p${i}`, pubs: Array.from({ length: 60 }, (_, t) => [`/t${t}`, { reliability: 'best-effort' }] as [string, { reliability: 'best-effort' }]) });
    for (let i = 0; i < 64; i++) nodes.push({ fqn: `/s${i}`, subs: Array.from({ length: 60 }, (_, t) => [`/t${t}`] as [string]) });
    const det = new QosMismatchDetector({ grace: 0, allowlist: [] });
    const f = det.sweep({ tick: 1, topology: takeTopology(fakeGraph(nodes), { maxTopics: 100, maxEndpoints: 64, maxNodes: 1000 }), armed: () => true });
    expect(det.status()).toMatchObject({ saturated: true });
    expect(det.status().checked_pairs as number).toBeLessThanOrEqual(MAX_PAIRS);
    expect(f.length).toBeGreaterThan(0);
  });
});
