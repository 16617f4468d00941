// The watchdog's tick on fake graphs (docs/graph.md): warm-up gating, grace, aggregation per code, and the
// level-triggered FAILED / PASSED reports that raise and heal faults; plus its configuration rules.
import { describe, expect, it } from 'vitest';
import { GraphWatchdog } from '../src/watchdog/watchdog.js';
import { QosMismatchDetector } from '../src/watchdog/detectors/qos-mismatch.js';
import { OrphanDetector } from '../src/watchdog/detectors/orphan.js';
import { readWatchdogConfig } from '../src/watchdog/config.js';
import type { PluginFaultReport, PluginRosAccess } from '@medkit/plugin-api';
import { fakeGraph, type FakeNode } from './fake-graph.js';
import { fakeFaultManager } from './fake-fault-manager.js';

const MISMATCH: FakeNode[] = [{ fqn: '/lidar', pubs: [['/scan', { reliability: 'best-effort' }]] }, { fqn: '/filter', subs: [['/scan', {}]] }];
const FIXED: FakeNode[] = [{ fqn: '/lidar', pubs: [['/scan', { reliability: 'best-effort' }]] }, { fqn: '/filter', subs: [['/scan', { reliability: 'best-effort' }]] }];

function harness(opts: { warmup: number; qosGrace: number; advisory?: boolean }) {
  let nodes: FakeNode[] = MISMATCH;
  const fm = fakeFaultManager();
  const ros = () => ({ graph: fakeGraph(nodes) }) as unknown as PluginRosAccess;
  const wd = new GraphWatchdog(
    [
      { detector: new QosMismatchDetector({ grace: opts.qosGrace, allowlist: [] }), mode: opts.advisory ? 'advisory' : 'raise' },
      { detector: new OrphanDetector({ grace: 0, maxEditDistance: 1, namespaceEditDistance: 0, allowlist: [] }), mode: 'raise' },
    ],
    { ros, report: fm.report, failingCodes: fm.failingCodes },
    { warmupCycles: opts.warmup, pruneGrace: 60, limits: { maxTopics: 100, maxEndpoints: 16, maxNodes: 100 } },
  );
  return { wd, reports: fm.reports, failing: fm.failing, set: (n: FakeNode[]) => (nodes = n) };
}

describe('graph watchdog tick', () => {
  it('raises only after warm-up and grace, then heals with PASSED when the defect is gone', async () => {
    const h = harness({ warmup: 2, qosGrace: 1 });
    await h.wd.runTick(); // tick 1: nodes first seen, not armed
    await h.wd.runTick(); // tick 2
    expect(h.reports.filter((r) => !r.passed)).toEqual([]);
    expect(h.wd.status(2)).toMatchObject({ global_state: 'warming_up' });
    await h.wd.runTick(); // tick 3: armed (present 2 ticks before)
    const failed = h.reports.filter((r) => !r.passed);
    expect(failed).toHaveLength(1);
    expect(failed[0]).toMatchObject({ code: 'GRAPH_QOS_MISMATCH', severity: 2, sourceId: 'graph_watchdog' });
    expect(failed[0].description).toContain('/scan');
    expect(h.wd.status(2)).toMatchObject({ global_state: 'armed', detectors: { qos_mismatch: { findings: [{ subject: '/scan|/filter', armed: true }] } } });
    h.set(FIXED);
    h.reports.length = 0;
    await h.wd.runTick();
    expect(h.reports).toEqual([{ code: 'GRAPH_QOS_MISMATCH', passed: true, severity: 0, description: '', sourceId: 'graph_watchdog' }]);
    // Healed and not raised again: no more reports for a clean topic.
    h.reports.length = 0;
    await h.wd.runTick();
    expect(h.reports).toEqual([]);
  });

  it('a finding must persist through the grace sweeps; a gap restarts it', async () => {
    const h = harness({ warmup: 0, qosGrace: 3 });
    await h.wd.runTick();
    await h.wd.runTick();
    h.set(FIXED);
    await h.wd.runTick();
    h.set(MISMATCH);
    await h.wd.runTick();
    await h.wd.runTick();
    expect(h.reports.filter((r) => !r.passed)).toEqual([]);
    await h.wd.runTick();
    expect(h.reports.filter((r) => !r.passed).map((r) => r.code)).toEqual(['GRAPH_QOS_MISMATCH']);
  });

  it('aggregates per code (one report lists every finding) and advisory mode never reports', async () => {
    const h = harness({ warmup: 0, qosGrace: 0, advisory: true });
    h.set([...MISMATCH, { fqn: '/other', subs: [['/scan', {}]] }, { fqn: '/p', pubs: [['/ab/odom']] }, { fqn: '/q', subs: [['/ab/odon']] }]);
    await h.wd.runTick();
    expect(h.reports.map((r) => r.code)).toEqual(['GRAPH_ORPHAN']);
    expect((h.wd.status(0).detectors as Record<string, { findings: unknown[] }>).qos_mismatch.findings).toHaveLength(2);
    const agg = harness({ warmup: 0, qosGrace: 0 });
    agg.set([...MISMATCH, { fqn: '/other', subs: [['/scan', {}]] }]);
    await agg.wd.runTick();
    const qos = agg.reports.filter((r) => r.code === 'GRAPH_QOS_MISMATCH');
    expect(qos).toHaveLength(1);
    expect(qos[0].description).toContain('2 findings');
  });

  it('sends PASSED for a code the fault manager still lists from an earlier run', async () => {
    const h = harness({ warmup: 0, qosGrace: 0 });
    h.set(FIXED);
    h.failing.add('GRAPH_ORPHAN');
    await h.wd.runTick();
    expect(h.reports).toEqual([{ code: 'GRAPH_ORPHAN', passed: true, severity: 0, description: '', sourceId: 'graph_watchdog' }]);
  });
});

describe('graph watchdog configuration', () => {
  it('defaults, YAML booleans as modes, and warnings for bad values, unknown keys and detectors', () => {
    const warnings: string[] = [];
    const c = readWatchdogConfig({ tick_interval_ms: 'fast', warmup_cycles: 2, bogus: 1, detectors: { orphan: false, param_drift: { mode: 'advisory', expect: { a: { b: 3 } } }, qos_mismatch: { mode: 'yes', grace: -1 }, nope: {} } }, (m) => warnings.push(m));
    expect(c.tickIntervalMs).toBe(1000);
    expect(c.warmupCycles).toBe(2);
    expect(c.detectors.orphan.mode).toBe('off');
    expect(c.detectors.qos_mismatch).toMatchObject({ mode: 'raise', grace: 3 });
    expect(c.detectors.param_drift).toMatchObject({ mode: 'advisory', expect: { 'a.b': 3 }, maxReadsPerTick: 8 });
    expect(c.detectors.lifecycle_expectation).toMatchObject({ grace: 5, pruneGrace: 60, trackedNodeCap: 512 });
    expect(warnings.join('\n')).toMatch(/tick_interval_ms/);
    expect(warnings.join('\n')).toMatch(/bogus: unknown key/);
    expect(warnings.join('\n')).toMatch(/detectors\.nope: unknown detector/);
    expect(warnings.join('\n')).toMatch(/qos_mismatch\.grace/);
  });

  it('max_edit_distance stays within 1–8', () => {
    const warnings: string[] = [];
    expect(readWatchdogConfig({ detectors: { orphan: { max_edit_distance: 9 } } }, (m) => warnings.push(m)).detectors.orphan.maxEditDistance).toBe(1);
    expect(warnings).toHaveLength(1);
  });
});

describe('graph_watchdog plugin', () => {
  it('answers 503 before its first sweep and after shutdown, 200 in between; declares its external App', async () => {
    const { GraphWatchdogPlugin } = await import('../src/watchdog/plugin.js');
    const plugin = new GraphWatchdogPlugin();
    plugin.configure({ tick_interval_ms: 3_600_000 });
    const reports: PluginFaultReport[] = [];
    plugin.setContext({
      log: { info() {}, warn() {}, error() {} },
      ros: () => ({ graph: fakeGraph(MISMATCH) }) as unknown as PluginRosAccess,
      reportFault: (r: PluginFaultReport) => (reports.push(r), true),
      listAllFaults: () => ({ faults: [] }),
      getEntitySnapshot: () => ({ areas: [], components: [], apps: [], functions: [] }),
    } as never);
    const route = plugin.getRoutes()[0];
    const call = () => {
      const out: { status?: number; body?: unknown } = {};
      void route.handler({} as never, { sendJson: (b: unknown) => Object.assign(out, { status: 200, body: b }), sendError: (status: number, code: string) => Object.assign(out, { status, body: code }) });
      return out;
    };
    expect(call()).toEqual({ status: 503, body: 'service-unavailable' });
    await plugin.tickOnce();
    expect(call()).toMatchObject({ status: 200, body: { tick: 1, warmup_cycles: 5, global_state: 'warming_up' } });
    plugin.shutdown();
    expect(call()).toEqual({ status: 503, body: 'service-unavailable' });
    const app = plugin.introspect({ areas: [], components: [{ id: 'host', source: 'runtime' } as never], apps: [], functions: [] }).new_entities?.apps?.[0];
    expect(app).toMatchObject({ id: 'graph_watchdog', external: true, component_id: 'host' });
  });
});
