// Unit tests of `latency_budget` (docs/graph.md): message ages from header.stamp at a chain's last topic, p50
// and p99 over the window, a fault per chain over budget naming the chain and its figures, healing, a
// Function's pipeline outputs, and hostile stamps and floods.
import { describe, expect, it } from 'vitest';
import { functionSinks, GRAPH_LATENCY_BUDGET, LatencyBudgetDetector, type LatencySettings } from '../src/watchdog/latency/latency-budget.js';
import { TopicFeeds } from '../src/watchdog/feeds.js';
import { percentile, SampleWindow } from '../src/watchdog/sample-window.js';
import { readWatchdogConfig } from '../src/watchdog/config.js';
import { takeTopology } from '../src/watchdog/topology.js';
import type { SweepInput } from '../src/watchdog/detectors/detector.js';
import { fakeGraph } from './fake-graph.js';
import { fakeTopics, stampBefore } from './fake-topics.js';

const NOW = 1_800_000_000_000_000_000n;
const TYPE = 'geometry_msgs/msg/PointStamped';

function setup(over: Partial<LatencySettings> = {}) {
  const t = fakeTopics();
  let mono = 1000;
  const det = new LatencyBudgetDetector(
    { grace: 1, chains: [{ name: 'perception', topics: ['/scan', '/filtered', '/cmd'], budgetMs: 100, stat: 'p99' }], windowMs: 5000, maxWindowSamples: 100, minSamples: 3, now: () => NOW, monoMs: () => mono, ...over },
    new TopicFeeds({ maxTopics: 8, maxMessageBytes: 1 << 20 }),
  );
  t.publish('/cmd', 'w', TYPE);
  let tick = 0;
  const topology = { nodes: [], topics: [], truncated: false };
  const sweep = (input: Partial<SweepInput> = {}) => det.sweep({ tick: ++tick, topology, armed: () => true, ros: t.ros, ...input } as SweepInput);
  sweep();
  const send = (ageMs: number, topic = '/cmd') => t.emit(topic, { header: { stamp: stampBefore(NOW, ageMs), frame_id: '' }, point: { x: 0, y: 0, z: 0 } });
  return { t, det, sweep, send, advance: (ms: number) => (mono += ms) };
}

describe('sample window', () => {
  it('keeps at most its capacity (oldest out, counted) and drops by age', () => {
    const w = new SampleWindow(3);
    for (let i = 0; i < 5; i++) w.push(i * 10, i);
    expect(w.samples().map((s) => s.value)).toEqual([2, 3, 4]);
    expect(w.overflowed).toBe(2);
    w.dropBefore(35);
    expect(w.samples().map((s) => s.value)).toEqual([4]);
  });

  it('percentiles by nearest rank', () => {
    const v = Array.from({ length: 100 }, (_, i) => 100 - i);
    expect(percentile(v, 50)).toBe(50);
    expect(percentile(v, 99)).toBe(99);
    expect(percentile([7], 99)).toBe(7);
    expect(percentile([], 50)).toBeUndefined();
  });
});

describe('latency_budget detector', () => {
  it('measures only the chain\'s last topic, with the type its publishers announce', () => {
    const s = setup();
    expect(s.t.subscribeCalls).toEqual([`/cmd ${TYPE}`]);
  });

  it('raises per chain over budget with p50 and p99, and heals when the window is back under budget', () => {
    const s = setup();
    for (const age of [20, 30, 40, 250]) s.send(age);
    const f = s.sweep();
    expect(f).toEqual([
      {
        code: GRAPH_LATENCY_BUDGET,
        severity: 2,
        subject: 'perception',
        nodes: [],
        text: 'chain perception (/scan → /filtered → /cmd): p99 250.0 ms over budget 100 ms (p50 30.0 ms, p99 250.0 ms, 4 messages in 5000 ms)',
      },
    ]);
    expect(s.det.status()).toMatchObject({ chains: [{ name: 'perception', samples: 4, p50_ms: 30, p99_ms: 250, over_budget: true }] });
    s.advance(6000); // the slow message leaves the window
    for (const age of [20, 30, 40]) s.send(age);
    expect(s.sweep()).toEqual([]);
  });

  it('stat p50 ignores a rare slow message; too few samples never raise', () => {
    const s = setup({ chains: [{ name: 'c', topics: ['/cmd'], budgetMs: 100, stat: 'p50' }] });
    for (const age of [20, 30, 900]) s.send(age);
    expect(s.sweep()).toEqual([]);
    const few = setup();
    few.send(900);
    few.send(900);
    expect(few.sweep()).toEqual([]);
  });

  it('counts messages without a valid stamp instead of guessing: missing, zero, simulation time, far future (issue 54)', () => {
    const s = setup();
    s.t.emit('/cmd', { header: { stamp: { sec: 1, nanosec: 2_000_000_000 } } });
    s.t.emit('/cmd', { point: {} });
    // An unset header (zero) used to be an age of 56 years and a latency fault; simulation time the same.
    s.t.emit('/cmd', { header: { stamp: { sec: 0, nanosec: 0 } } });
    s.t.emit('/cmd', { header: { stamp: { sec: 120, nanosec: 0 } } });
    // An hour ahead used to be a negative age that pulled the percentiles down.
    s.send(-3_600_000);
    // Half a second ahead is clock skew: age 0, never negative.
    for (let i = 0; i < 3; i++) s.send(-500);
    expect(s.sweep()).toEqual([]);
    expect(s.det.status()).toMatchObject({ chains: [{ unstamped_messages: 5, invalid_stamps: { zero: 1, not_wall_clock: 1, future: 1 }, samples: 3, p99_ms: 0 }] });
  });

  it('stamps that become zero never heal a chain over budget: it stays raised as stamp missing; good samples or silence heal it (issue 66)', () => {
    const s = setup();
    const zero = () => s.t.emit('/cmd', { header: { stamp: { sec: 0, nanosec: 0 }, frame_id: '' }, point: { x: 0, y: 0, z: 0 } });
    for (const age of [20, 30, 40, 250]) s.send(age);
    expect(s.sweep()).toHaveLength(1);
    s.advance(6000); // the measured messages leave the window; the publisher now stamps zero
    for (let i = 0; i < 5; i++) zero();
    expect(s.sweep()).toEqual([
      {
        code: GRAPH_LATENCY_BUDGET,
        severity: 2,
        subject: 'perception',
        nodes: [],
        text: 'chain perception (/scan → /filtered → /cmd): stamp missing (zero header.stamp), so the chain is not healed: last measured p99 250.0 ms over budget 100 ms; 0 messages with a usable stamp in 5000 ms',
      },
    ]);
    expect(s.det.status()).toMatchObject({ chains: [{ samples: 0, over_budget: true, stamp_missing: true, invalid_stamps: { zero: 5 } }] });
    // Still raised on the next windows while zeros keep coming, and with fewer good samples than min_samples.
    s.advance(6000);
    zero();
    s.send(10);
    expect(s.sweep()[0].text).toContain('stamp missing');
    // Silence is not latency: a window with no message at all heals, as before.
    s.advance(6000);
    expect(s.sweep()).toEqual([]);
    expect(s.det.status()).toMatchObject({ chains: [{ over_budget: false, stamp_missing: false }] });
    // Raised again, then healed by enough good samples even while zeros keep arriving.
    for (const age of [300, 300, 300]) s.send(age);
    expect(s.sweep()).toHaveLength(1);
    s.advance(6000);
    zero();
    for (const age of [20, 30, 40]) s.send(age);
    expect(s.sweep()).toEqual([]);
  });

  it('zero stamps alone never raise a chain that was not over budget', () => {
    const s = setup();
    for (let i = 0; i < 10; i++) s.t.emit('/cmd', { header: { stamp: { sec: 0, nanosec: 0 } } });
    expect(s.sweep()).toEqual([]);
    expect(s.det.status()).toMatchObject({ chains: [{ over_budget: false, stamp_missing: false }] });
  });

  it('a flood keeps at most max_window_samples', () => {
    const s = setup();
    for (let i = 0; i < 10_000; i++) s.send(10);
    s.sweep();
    expect(s.det.status()).toMatchObject({ chains: [{ samples: 100, dropped_samples: 9_900 }] });
  });

  it('a Function chain measures the topics its Apps publish and none of them subscribes', () => {
    const graph = fakeGraph([
      { fqn: '/p/lidar', pubs: [['/scan']] },
      { fqn: '/p/filter', subs: [['/scan']], pubs: [['/filtered'], ['/diagnostics']] },
      { fqn: '/p/planner', subs: [['/filtered']], pubs: [['/cmd']] },
      { fqn: '/base', subs: [['/cmd']] },
    ]);
    const topology = takeTopology(graph, { maxTopics: 100, maxEndpoints: 16, maxNodes: 100 });
    expect(functionSinks(topology, new Set(['/p/lidar', '/p/filter', '/p/planner']))).toEqual(['/cmd']);
    const s = setup({ chains: [{ name: 'nav', topics: [], functionId: 'navigation', budgetMs: 50, stat: 'p99' }], functionNodes: (id) => (id === 'navigation' ? ['/p/lidar', '/p/filter', '/p/planner'] : undefined) });
    s.sweep({ topology });
    for (const age of [60, 70, 80]) s.send(age);
    expect(s.sweep({ topology })[0].text).toBe('chain nav (Function navigation, outputs /cmd): p99 80.0 ms over budget 50 ms (p50 70.0 ms, p99 80.0 ms, 3 messages in 5000 ms)');
    const unknown = setup({ chains: [{ name: 'x', topics: [], functionId: 'gone', budgetMs: 50, stat: 'p99' }], functionNodes: () => undefined });
    expect(unknown.det.status()).toMatchObject({ chains: [{ problem: 'Function gone is not known', measured_topics: [] }] });
  });
});

describe('latency_budget configuration', () => {
  it('reads chains of topics or a Function', () => {
    const cfg = readWatchdogConfig({ detectors: { latency_budget: { window_ms: 2000, chains: [{ name: 'a', topics: ['/x', '/y'], budget_ms: 80 }, { name: 'b', function: 'nav', budget_ms: 100, stat: 'p50' }] } } }, () => {});
    expect(cfg.detectors.latency_budget).toMatchObject({ mode: 'raise', windowMs: 2000, chains: [{ name: 'a', topics: ['/x', '/y'], budgetMs: 80, stat: 'p99' }, { name: 'b', functionId: 'nav', stat: 'p50' }] });
  });

  it('refuses hostile values, naming the key', () => {
    const read = (l: unknown) => () => readWatchdogConfig({ detectors: { latency_budget: l } }, () => {});
    expect(read({ chains: [{ name: 'a', topics: ['/x'] }] })).toThrow(/chains\[0\]\.budget_ms: required/);
    expect(read({ chains: [{ name: 'a', topics: ['/x'], function: 'f', budget_ms: 1 }] })).toThrow(/either topics .* or function/);
    expect(read({ chains: [{ name: 'a', topics: ['x y'], budget_ms: 1 }] })).toThrow(/topics\[0\]/);
    expect(read({ chains: [{ name: 'a', topics: ['/x'], budget_ms: 1 }, { name: 'a', topics: ['/y'], budget_ms: 1 }] })).toThrow(/chains\[1\]\.name: a is used/);
    expect(read({ chains: [{ name: '../etc', topics: ['/x'], budget_ms: 1 }] })).toThrow(/chains\[0\]\.name/);
    expect(read({ max_chains: 1, chains: [{ name: 'a', topics: ['/x'], budget_ms: 1 }, { name: 'b', topics: ['/y'], budget_ms: 1 }] })).toThrow(/more than 1 entries/);
    expect(read({ max_window_samples: 0 })).toThrow(/max_window_samples/);
    expect(read({ window_ms: 'forever' })).toThrow(/window_ms/);
    expect(read({ chains: [{ name: 'a', topics: ['/x'], budget_ms: 1, stat: 'p95' }] })).toThrow(/stat: p50 or p99/);
  });
});
