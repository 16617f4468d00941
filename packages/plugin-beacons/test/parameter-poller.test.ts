// The parameter beacon's poll loop and configuration (docs/beacons.md) with an injected client factory
// and clock: no ROS graph. Backoff 1, 2, 4, 8, 8 …; the budget; the rotating start offset; at most 4
// polls at once; client eviction when a node leaves; configure-time auto-corrections.
import { describe, expect, it, vi } from 'vitest';
import { backoffSkips, ParameterPoller, ParamServicesNotReadyError, type ParamClient } from '../src/parameter/poller.js';
import { readParameterBeaconConfig } from '../src/parameter/config.js';
import { hintFromParameters, type ParamValue } from '../src/parameter/parse.js';
import { FIRST_CYCLE_DELAY_MS, ParameterBeaconPlugin } from '../src/parameter/plugin.js';
import type { PluginContext } from '@medkit/plugin-api';
import { newApp } from '@medkit/gateway';

/** A fake world: node → behaviour; every read advances the fake clock by `costMs` before answering. */
function world(opts: { costMs?: number; dead?: Set<string>; notReady?: Set<string> } = {}) {
  let t = 0;
  let inFlight = 0;
  const w = {
    now: () => t,
    advance: (ms: number) => (t += ms),
    maxInFlight: 0,
    created: [] as string[],
    closed: [] as string[],
    reads: [] as string[],
    factory: (fqn: string): ParamClient => {
      w.created.push(fqn);
      return {
        read: async (prefix, timeoutMs) => {
          w.reads.push(fqn);
          inFlight++;
          w.maxInFlight = Math.max(w.maxInFlight, inFlight);
          await new Promise((r) => setImmediate(r));
          inFlight--;
          if (opts.notReady?.has(fqn)) {
            t += timeoutMs;
            throw new ParamServicesNotReadyError(`parameters of ${fqn}: unavailable (no server discovered)`);
          }
          if (opts.dead?.has(fqn)) {
            t += timeoutMs;
            throw new Error(`timeout after ${timeoutMs} ms`);
          }
          t += opts.costMs ?? 10;
          return [{ name: `${prefix}.entity_id`, type: 4, value: fqn.slice(1) }];
        },
        close: () => w.closed.push(fqn),
      };
    },
  };
  return w;
}

const base = { prefix: 'ros2_medkit.discovery', pollIntervalSec: 1, pollBudgetSec: 10, paramTimeoutSec: 2, concurrency: 4 };

describe('parameter poll loop (docs/beacons.md)', () => {
  it('backs a failing node off 1, 2, 4, 8, 8 … cycles, keeps polling the others, and clears on success', async () => {
    expect([1, 2, 3, 4, 5, 100].map(backoffSkips)).toEqual([1, 2, 4, 8, 8, 8]);
    const dead = new Set(['/dead']);
    const w = world({ dead });
    const stored: string[] = [];
    const p = new ParameterPoller({ ...base, factory: w.factory, targets: () => ['/a', '/dead', '/b'], onParameters: (f) => stored.push(f), now: w.now });
    const pattern: string[] = [];
    for (let i = 0; i < 24; i++) {
      const before = w.reads.filter((r) => r === '/dead').length;
      await p.cycle();
      pattern.push(w.reads.filter((r) => r === '/dead').length > before ? 'P' : '-');
    }
    // Poll, skip 1, poll, skip 2, poll, skip 4, poll, skip 8, poll, skip 8 …
    expect(pattern.join('')).toBe('P-P--P----P--------P----');
    const dn = p.nodes().find((n) => n.fqn === '/dead')!;
    expect(dn).toMatchObject({ failures: 5, skip_remaining: 4, skipped_cycles: 19, successes: 0, last_error: 'timeout after 2000 ms' });
    expect(p.nodes().find((n) => n.fqn === '/a')).toMatchObject({ failures: 0, polls: 24, successes: 24 });
    expect(stored.filter((f) => f === '/b')).toHaveLength(24);
    // The node recovers: one success clears failures and backoff.
    dead.clear();
    for (let i = 0; i < 5; i++) await p.cycle();
    expect(p.nodes().find((n) => n.fqn === '/dead')).toMatchObject({ failures: 0, skip_remaining: 0, successes: 1 });
  });

  it('skips a node whose parameter services are not ready yet for one cycle only, without counting a failure', async () => {
    const notReady = new Set(['/late']);
    const w = world({ notReady });
    const stored: string[] = [];
    const p = new ParameterPoller({ ...base, factory: w.factory, targets: () => ['/a', '/late'], onParameters: (f) => stored.push(f), now: w.now });
    const pattern: string[] = [];
    for (let i = 0; i < 8; i++) {
      const before = w.reads.filter((r) => r === '/late').length;
      const report = await p.cycle();
      pattern.push(w.reads.filter((r) => r === '/late').length > before ? 'P' : '-');
      expect(report.failed).toBe(0);
    }
    // Every other cycle, never growing (a failing node would be at 'P-P--P--' by now).
    expect(pattern.join('')).toBe('P-P-P-P-');
    expect(p.nodes().find((n) => n.fqn === '/late')).toMatchObject({ failures: 0, not_ready: 4, successes: 0, last_error: 'parameters of /late: unavailable (no server discovered)' });
    expect(p.lastCycle).toMatchObject({ not_ready: 0, skipped: 1 });
    // Its services show: read on the next cycle it is due, its hint stored.
    notReady.clear();
    await p.cycle();
    expect(stored).toContain('/late');
    expect(p.nodes().find((n) => n.fqn === '/late')).toMatchObject({ failures: 0, successes: 1 });
  });

  it('stops starting polls when the budget is used, and the rotating offset reaches every node', async () => {
    // 10 nodes, each poll costs 1 s of budget 2.5 s, one at a time: 3 polls per cycle.
    const w = world({ costMs: 1000 });
    const nodes = Array.from({ length: 10 }, (_, i) => `/n${i}`);
    const p = new ParameterPoller({ ...base, concurrency: 1, pollBudgetSec: 2.5, factory: w.factory, targets: () => nodes, onParameters: () => {}, now: w.now });
    const r = await p.cycle();
    expect(r).toMatchObject({ targets: 10, start_offset: 0, polled: 3, unreached: 7 });
    expect(w.reads).toEqual(['/n0', '/n1', '/n2']);
    for (let i = 0; i < 9; i++) await p.cycle();
    expect(new Set(w.reads)).toEqual(new Set(nodes));
    expect(p.startOffset).toBe(0);
  });

  it('polls at most 4 nodes at once', async () => {
    const w = world();
    const nodes = Array.from({ length: 20 }, (_, i) => `/n${i}`);
    const p = new ParameterPoller({ ...base, factory: w.factory, targets: () => nodes, onParameters: () => {}, now: w.now });
    const r = await p.cycle();
    expect(r.polled).toBe(20);
    expect(w.maxInFlight).toBe(4);
  });

  it('caches one client per node and drops it with its backoff state when the node leaves', async () => {
    const w = world({ dead: new Set(['/b']) });
    let targets = ['/a', '/b'];
    const p = new ParameterPoller({ ...base, factory: w.factory, targets: () => targets, onParameters: () => {}, now: w.now });
    await p.cycle();
    await p.cycle();
    expect(w.created).toEqual(['/a', '/b']);
    targets = ['/a'];
    await p.cycle();
    expect(w.closed).toEqual(['/b']);
    expect(p.nodes().map((n) => n.fqn)).toEqual(['/a']);
    targets = ['/a', '/b'];
    await p.cycle();
    // Back without backoff, with a fresh client.
    expect(w.created).toEqual(['/a', '/b', '/b']);
    expect(p.nodes().find((n) => n.fqn === '/b')).toMatchObject({ failures: 1, skipped_cycles: 0 });
    await p.stop();
    expect(w.closed).toEqual(['/b', '/a', '/b']);
  });

  it('starts its first cycle after the given delay, then every interval', async () => {
    vi.useFakeTimers();
    try {
      const w = world();
      const poller = new ParameterPoller({ ...base, factory: w.factory, targets: () => ['/a'], onParameters: () => undefined, now: w.now });
      poller.start(FIRST_CYCLE_DELAY_MS);
      await vi.advanceTimersByTimeAsync(FIRST_CYCLE_DELAY_MS - 1);
      expect(w.reads).toEqual([]);
      await vi.advanceTimersByTimeAsync(1);
      expect(w.reads).toEqual(['/a']);
      // The interval runs from the end of the cycle (a read resolves on the next turn of the loop).
      await vi.advanceTimersByTimeAsync(base.pollIntervalSec * 1000 + 10);
      expect(w.reads).toEqual(['/a', '/a']);
      await poller.stop();
      await vi.advanceTimersByTimeAsync(10_000);
      expect(w.reads).toHaveLength(2);
    } finally {
      vi.useRealTimers();
    }
  });
});

describe('parameter beacon configuration (docs/beacons.md)', () => {
  it('has the reference defaults', () => {
    const { config, corrections } = readParameterBeaconConfig({});
    expect(config).toMatchObject({ parameterPrefix: 'ros2_medkit.discovery', pollIntervalSec: 5, pollBudgetSec: 10, paramTimeoutSec: 2, ttlSec: 15, expirySec: 300, maxHints: 10000, allowNewEntities: false, concurrency: 4 });
    expect(corrections).toEqual([]);
  });

  it('corrects ttl ≤ interval, expiry ≤ ttl and the clamps, and warns about budget ≤ timeout', () => {
    const { config, corrections } = readParameterBeaconConfig({ poll_interval_sec: 4, beacon_ttl_sec: '2', beacon_expiry_sec: 5, poll_budget_sec: 1, param_timeout_sec: 0.01 });
    expect(config).toMatchObject({ ttlSec: 12, expirySec: 120, paramTimeoutSec: 0.1, pollBudgetSec: 1 });
    expect(corrections).toHaveLength(3);
    expect(readParameterBeaconConfig({ poll_budget_sec: 2, param_timeout_sec: 2 }).corrections[0]).toMatch(/single unresponsive node/);
    expect(() => readParameterBeaconConfig({ poll_interval_sec: 'fast' })).toThrow(/poll_interval_sec must be a number/);
    expect(() => readParameterBeaconConfig({ allow_new_entities: 'yes' })).toThrow(/allow_new_entities/);
  });
});

describe('parameters → hint (docs/beacons.md)', () => {
  const P = 'ros2_medkit.discovery';
  it('reads the documented names, skips wrong types and unknown names, range-checks process_id', () => {
    const params: ParamValue[] = [
      { name: `${P}.entity_id`, type: 4, value: 'lidar' },
      { name: `${P}.display_name`, type: 4, value: 'Lidar' },
      { name: `${P}.hostname`, type: 2, value: 5 },
      { name: `${P}.function_ids`, type: 9, value: ['perception'] },
      { name: `${P}.depends_on`, type: 4, value: 'not a list' },
      { name: `${P}.process_id`, type: 2, value: 4294967296n },
      { name: `${P}.metadata.fw`, type: 4, value: '1.0' },
      { name: `${P}.metadata.n`, type: 2, value: 3 },
      { name: `${P}.surprise`, type: 4, value: 'x' },
      { name: 'other.entity_id', type: 4, value: 'nope' },
    ];
    expect(hintFromParameters(P, params)).toEqual({ entity_id: 'lidar', display_name: 'Lidar', function_ids: ['perception'], process_id: 4294967296n, metadata: [{ key: 'fw', value: '1.0' }] });
    expect(hintFromParameters(P, params.slice(1))).toBeUndefined();
  });

  it('the plugin stores valid hints, targets online apps, else graph nodes without hidden ones', () => {
    const plugin = new ParameterBeaconPlugin({ graphNodes: () => ['/a', '/_hidden', '/ns/_x', '/ns/b'], autoStart: false });
    plugin.configure({});
    expect(plugin.targets()).toEqual(['/a', '/ns/b']);
    plugin.introspect({ areas: [], components: [], functions: [], apps: [newApp('a', 'runtime', { bound_fqn: '/a', is_online: true }), newApp('c', 'runtime', { bound_fqn: '/c', is_online: false })] });
    expect(plugin.targets()).toEqual(['/a']);
    plugin.accept('/a', [{ name: `${P}.entity_id`, type: 4, value: 'a' }, { name: `${P}.process_id`, type: 2, value: 4294967296n }]);
    expect(plugin.hint('a')?.hint).toMatchObject({ entity_id: 'a', process_id: 0 });
    plugin.accept('/x', [{ name: `${P}.entity_id`, type: 4, value: 'bad id!' }]);
    expect(plugin.hint('bad id!')).toBeUndefined();
  });

  it('logs its auto-corrections once it has a logger', () => {
    const warnings: string[] = [];
    const plugin = new ParameterBeaconPlugin({ autoStart: false });
    plugin.configure({ poll_interval_sec: 20 });
    plugin.setContext({ log: { warn: (m: string) => warnings.push(m), info: () => {}, error: () => {} }, registerCapability: () => {} } as unknown as PluginContext);
    expect(warnings).toEqual([expect.stringMatching(/configuration corrected: beacon_ttl_sec 15 <= poll_interval_sec 20: using 60/), 'no ROS connection: parameter beacon polls nothing']);
  });
});

describe('parameter client on @medkit/ros2 (hostile node answers)', () => {
  it('reads only names under the prefix, at most 200 of them, within one deadline', async () => {
    const asked: { names?: string[]; timeouts: number[] } = { timeouts: [] };
    const fakeNode = {
      parameterClient: () => ({
        waitForReadServices: async () => {},
        list: async (_p: string[], _d: number, o: { timeoutMs: number }) => {
          asked.timeouts.push(o.timeoutMs);
          return { names: ['other.x', ...Array.from({ length: 100_000 }, (_, i) => `ros2_medkit.discovery.metadata.k${i}`)], prefixes: [] };
        },
        get: async (names: string[], o: { timeoutMs: number }) => {
          asked.names = names;
          asked.timeouts.push(o.timeoutMs);
          return names.map((name) => ({ name, type: 4, value: 'v' }));
        },
        close: () => {},
      }),
    };
    const { rosParamClientFactory, MAX_PARAMETER_NAMES } = await import('../src/parameter/ros-client.js');
    const c = rosParamClientFactory(fakeNode as never)('/n');
    // A generous deadline: filtering 100,000 names must not eat it on a loaded machine.
    const got = await c.read('ros2_medkit.discovery', 60_000);
    expect(asked.names).toHaveLength(MAX_PARAMETER_NAMES);
    expect(asked.names!.every((n) => n.startsWith('ros2_medkit.discovery.'))).toBe(true);
    expect(got).toHaveLength(200);
    // One deadline for both calls: get_parameters gets what list_parameters left.
    // (The wait for the services may take a millisecond tick off the first.)
    expect(asked.timeouts[0]).toBeLessThanOrEqual(60_000);
    expect(asked.timeouts[0]).toBeGreaterThan(50_000);
    expect(asked.timeouts[1]).toBeLessThanOrEqual(asked.timeouts[0]);
  });

  it('tells services not discovered by the deadline (nothing asked) from a failed call', async () => {
    const { RosUnavailableError, RosTimeoutError } = await import('@medkit/ros2');
    const { rosParamClientFactory } = await import('../src/parameter/ros-client.js');
    let listed = 0;
    const node = (waitFails: boolean) => ({
      parameterClient: () => ({
        waitForReadServices: async () => {
          if (waitFails) throw new RosUnavailableError('service /n/list_parameters', 'no server discovered');
        },
        list: async () => {
          listed++;
          throw new RosTimeoutError('service /n/list_parameters', 100);
        },
        get: async () => [],
        close: () => {},
      }),
    });
    const notReady = rosParamClientFactory(node(true) as never)('/n').read('ros2_medkit.discovery', 100);
    await expect(notReady).rejects.toBeInstanceOf(ParamServicesNotReadyError);
    expect(listed).toBe(0);
    const failed = rosParamClientFactory(node(false) as never)('/n').read('ros2_medkit.discovery', 100);
    await expect(failed).rejects.toBeInstanceOf(RosTimeoutError);
    expect(listed).toBe(1);
  });
});
