// The graph_provider plugin on a fake context (docs/graph.md): hostile /diagnostics input (oversized
// messages dropped unread, a flood of statuses bounded, unknown writers unattributed), source attribution to
// the writer's App, last_seen from introspection, and the 404 of a non-Function id on its sampler.
import { describe, expect, it } from 'vitest';
import { GraphProviderPlugin, MAX_DIAGNOSTICS_BYTES } from '../src/provider/plugin.js';
import type { PluginContext, PluginMessageInfo, PluginRosAccess } from '@medkit/plugin-api';
import type { App, SovdFunction } from '@medkit/gateway';
import { fakeGraph } from './fake-graph.js';

function setup() {
  let onDiag: ((m: Record<string, unknown>, info: PluginMessageInfo) => void) | undefined;
  const graph = fakeGraph([{ fqn: '/mon/monitor', pubs: [['/diagnostics']] }, { fqn: '/p/a', pubs: [['/t']] }, { fqn: '/p/b', subs: [['/t']] }]);
  const ros = { graph, subscribe: (_t: string, _ty: string, cb: typeof onDiag) => ((onDiag = cb), () => {}) } as unknown as PluginRosAccess;
  const apps = [
    { id: 'a', is_online: true, bound_fqn: '/p/a', topics: { publishes: [], subscribes: [] } },
    { id: 'b', is_online: true, bound_fqn: '/p/b', topics: { publishes: [], subscribes: [] } },
    { id: 'monitor', is_online: true, bound_fqn: '/mon/monitor', topics: { publishes: [], subscribes: [] } },
  ] as unknown as App[];
  const functions = [{ id: 'p', hosts: ['a', 'b'] }] as unknown as SovdFunction[];
  const samplers = new Map<string, (id: string, path: string | undefined) => unknown>();
  const ctx = {
    log: { info() {}, warn() {}, error() {} },
    ros: () => ros,
    getEntitySnapshot: () => ({ areas: [], components: [], apps, functions }),
    registerCapability() {},
    registerSampler: (c: string, s: (id: string, path: string | undefined) => unknown) => samplers.set(c, s),
  } as unknown as PluginContext;
  let mono = 1000;
  const plugin = new GraphProviderPlugin({ mono: () => mono, wall: () => Date.UTC(2026, 0, 1) });
  plugin.configure({});
  plugin.setContext(ctx);
  const writer = graph.publishersOf('/diagnostics')[0].guid;
  const status = (name: string, hz: string) => ({ name, values: [{ key: 'frame_rate_msg', value: hz }] });
  return { plugin, samplers, writer, status, diag: (m: Record<string, unknown>, info: PluginMessageInfo) => onDiag!(m, info), advance: (ms: number) => (mono += ms) };
}

describe('graph_provider plugin', () => {
  it('attributes samples to the writer App, ignores unknown writers, drops oversized messages', () => {
    const s = setup();
    s.diag({ status: [s.status('/t', '12')] }, { publisherGuid: s.writer, size: 200 });
    expect(s.plugin.graphOf('p').edges[0].metrics).toMatchObject({ source: 'monitor', frequency_hz: 12, metrics_status: 'active' });
    s.diag({ status: [s.status('/t', '13')] }, { publisherGuid: 'f'.repeat(32), size: 200 });
    expect(s.plugin.graphOf('p').edges[0].metrics).not.toHaveProperty('source');
    s.diag({ status: [s.status('/t', '99')] }, { publisherGuid: s.writer, size: MAX_DIAGNOSTICS_BYTES + 1 });
    expect(s.plugin.graphOf('p').edges[0].metrics.frequency_hz).toBe(13);
  });

  it('keeps at most 512 topics however many statuses peers send', () => {
    const s = setup();
    for (let i = 0; i < 3; i++) s.diag({ status: Array.from({ length: 2000 }, (_, j) => s.status(`/flood/${i}_${j}`, '1')) }, { publisherGuid: s.writer, size: 1000 });
    expect(s.plugin.metrics.size).toBe(512);
  });

  it('serves the graph through its sampler and refuses ids that are not Functions; last_seen from introspection', () => {
    const s = setup();
    s.plugin.introspect({ areas: [], components: [], apps: [{ id: 'a', is_online: true } as unknown as App], functions: [] });
    const doc = s.samplers.get('x-medkit-graph')!('p', undefined) as { 'x-medkit-graph': { nodes: { entity_id: string; last_seen?: string }[] } };
    expect(doc['x-medkit-graph'].nodes[0]).toEqual({ entity_id: 'a', node_status: 'reachable', last_seen: '2026-01-01T00:00:00.000Z' });
    expect(() => s.samplers.get('x-medkit-graph')!('a', undefined)).toThrow(/not a Function/);
  });
});
