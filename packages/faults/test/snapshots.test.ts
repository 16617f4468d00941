// Freeze frames (docs/faults.md): topic resolution, capture procedure, pool/cooldown policies, retention and the
// REST shapes of docs/faults.md, driven by a fake TopicSampler (the ROS layer implements the real one).
import { afterEach, describe, expect, it } from 'vitest';
import { FaultCapture } from '../src/capture.js';
import { CapturePool } from '../src/snapshots/capture-pool.js';
import type { SampledMessage, TopicGraph, TopicSampler, HistoryPoint } from '../src/snapshots/sampler.js';
import { TopicHistoryRing } from '../src/snapshots/sampler.js';
import { SignalCache } from '../src/snapshots/signal-cache.js';
import { rosTopicSampler } from '../src/ros/topic-access.js';
import type { RosGraph, RosNode } from '@medkit/ros2';
import { parseSnapshotTopicConfig, resolveSnapshotTopics } from '../src/snapshots/topic-config.js';
import { environmentData } from '../src/query/environment.js';
import { faultDetail, faultListItem, restSnapshots } from '../src/query/rest-views.js';
import { parseCorrelationConfig } from '../src/correlation/config.js';
import { MemoryLogger } from '../src/log.js';
import { BACKENDS, cleanupDirs, harness } from '../../../test-support/faults-harness.js';

afterEach(cleanupDirs);

class FakeSampler implements TopicSampler {
  readonly calls: string[] = [];
  histories = new Map<string, HistoryPoint[]>();
  constructor(readonly messages: Record<string, SampledMessage>, private readonly gate?: Promise<void>) {}
  async sample(topic: string): Promise<SampledMessage | null> {
    this.calls.push(topic);
    if (this.gate) await this.gate;
    return this.messages[topic] ?? null;
  }
  history(topic: string): HistoryPoint[] {
    return this.histories.get(topic) ?? [];
  }
}
const msg = (type: string, value: unknown, size = 16, ts = 1_770_000_000_123_000_000n): SampledMessage => ({ type, value, timestamp_ns: ts, size_bytes: size });

const graph: TopicGraph = {
  publishedTopics: (fqn) => (fqn === '/motor' ? ['/motor/temperature', '/rosout', '/parameter_events', '/motor/state'] : fqn === '/many' ? Array.from({ length: 20 }, (_, i) => `/t${String(i).padStart(2, '0')}`) : []),
};

describe('snapshot topic resolution (docs/faults.md)', () => {
  const yaml = `
fault_specific:
  MOTOR_OVERHEAT: [/motor/temperature, /motor/current]
  QUIET: []
patterns:
  "BATTERY_.*": [/battery/state]
  "BATTERY_LOW": [/never]
  "[": [/bad]
default_topics: [/odom]
`;
  it('uses fault_specific, then patterns in YAML order (whole-code match), then default topics', () => {
    const log = new MemoryLogger();
    const cfg = parseSnapshotTopicConfig(yaml, [], log);
    expect(log.at('error').some((m) => m.includes("invalid pattern '['"))).toBe(true);
    expect(resolveSnapshotTopics('MOTOR_OVERHEAT', [], cfg, true, graph)!.topics).toEqual(['/motor/temperature', '/motor/current']);
    expect(resolveSnapshotTopics('BATTERY_LOW', [], cfg, true, graph)!.topics).toEqual(['/battery/state']);
    expect(resolveSnapshotTopics('XBATTERY_LOW', [], cfg, true, graph)!.topics).toEqual(['/odom']);
  });

  it('treats an explicit empty list as an opt-out without fallback', () => {
    const cfg = parseSnapshotTopicConfig(yaml, []);
    expect(resolveSnapshotTopics('QUIET', ['/motor'], cfg, true, graph)).toEqual({ topics: [], entityDefault: false });
  });

  it('falls back to the reporting nodes\' publications without /rosout, capped at 16, skipping bare ids', () => {
    const cfg = parseSnapshotTopicConfig(undefined, []);
    expect(resolveSnapshotTopics('X', ['/motor', 'plugin_id'], cfg, true, graph)).toEqual({ topics: ['/motor/state', '/motor/temperature'], entityDefault: true });
    const log = new MemoryLogger();
    expect(resolveSnapshotTopics('X', ['/many'], cfg, true, graph, log)!.topics).toHaveLength(16);
    expect(log.at('warn')).toHaveLength(1);
    expect(resolveSnapshotTopics('X', ['/motor'], cfg, false, graph)).toBeNull();
    expect(resolveSnapshotTopics('X', ['plugin_id'], cfg, true, graph)).toBeNull();
  });

  it('prefers the default_topics parameter over the file', () => {
    expect(parseSnapshotTopicConfig(yaml, ['/param']).default_topics).toEqual(['/param']);
  });
});

describe('capture pool (docs/faults.md)', () => {
  const never = () => new Promise<void>(() => {});
  it('skips a code inside its cooldown and lets a cleared code be captured again', async () => {
    let t = 0;
    const pool = new CapturePool({ poolSize: 1, queueDepth: 1, policy: 'reject_newest', cooldownMs: 60_000, now: () => t });
    expect(pool.enqueue('A', async () => {})).toBe('accepted');
    await pool.idle();
    t = 30_000;
    expect(pool.enqueue('A', async () => {})).toBe('cooldown');
    pool.resetCooldown(['A']);
    expect(pool.enqueue('A', async () => {})).toBe('accepted');
    t = 200_000;
    expect(pool.enqueue('B', async () => {})).toBe('accepted');
    expect(pool.cooldownSize).toBe(1); // A's old entry was swept
  });

  it('reject_newest drops the incoming job without recording a cooldown', () => {
    const log = new MemoryLogger();
    const pool = new CapturePool({ poolSize: 1, queueDepth: 1, policy: 'reject_newest', cooldownMs: 60_000, now: () => 0, log });
    expect(pool.enqueue('A', never)).toBe('accepted');
    expect(pool.enqueue('B', never)).toBe('accepted');
    expect(pool.enqueue('C', never)).toBe('rejected');
    expect(pool.enqueue('D', never)).toBe('rejected');
    expect(pool.droppedCaptures).toBe(2);
    expect(log.at('warn')).toHaveLength(1); // throttled to once per 2 s
    expect(pool.cooldownSize).toBe(2);
  });

  it('drop_oldest evicts the oldest pending job and forgets its cooldown', () => {
    const pool = new CapturePool({ poolSize: 1, queueDepth: 1, policy: 'drop_oldest', cooldownMs: 60_000, now: () => 0 });
    pool.enqueue('A', never);
    pool.enqueue('B', never);
    expect(pool.enqueue('C', never)).toBe('accepted');
    expect(pool.droppedCaptures).toBe(1);
    expect(pool.enqueue('B', never)).toBe('accepted'); // B was evicted, so no cooldown holds it back
  });

  it('survives a throwing job and runs the next one', async () => {
    const log = new MemoryLogger();
    const ran: string[] = [];
    const pool = new CapturePool({ poolSize: 1, queueDepth: 4, policy: 'reject_newest', cooldownMs: 0, now: () => 0, log });
    pool.enqueue('A', async () => { throw new Error('boom'); });
    pool.enqueue('B', async () => { ran.push('B'); });
    await pool.idle();
    expect(ran).toEqual(['B']);
    expect(log.at('error')[0]).toContain('boom');
  });
});

describe('topic history ring', () => {
  it('keeps points within the window and the count cap, oldest first', () => {
    let t = 0;
    const ring = new TopicHistoryRing(1000, 3, () => t);
    for (let i = 0; i < 5; i++) { t = i * 100; ring.push('/a', { timestamp_ns: BigInt(i), value: i }); }
    expect(ring.get('/a').map((p) => p.value)).toEqual([2, 3, 4]);
    t = 1350;
    expect(ring.get('/a').map((p) => p.value)).toEqual([4]);
  });

  it('keeps the byte budget per topic, but always the newest point', () => {
    const ring = new TopicHistoryRing(10_000, 100, () => 0, 250);
    for (let i = 0; i < 5; i++) ring.push('/a', { timestamp_ns: BigInt(i), value: i }, 100);
    expect(ring.get('/a').map((p) => p.value)).toEqual([3, 4]);
    ring.push('/a', { timestamp_ns: 9n, value: 'huge' }, 1000);
    expect(ring.get('/a').map((p) => p.value)).toEqual(['huge']);
    expect(ring.get('/b')).toEqual([]);
  });
});

describe('signal cache (background capture)', () => {
  it('keeps the newest message and a history of primary values, skipping oversized messages', () => {
    let t = 0;
    const cache = new SignalCache({ historyWindowMs: 1000, maxMessageSize: 64, now: () => t });
    for (let i = 0; i < 4; i++) {
      t = i * 400;
      cache.record('/range', msg('std_msgs/msg/Float64', { data: 3 - i }, 16, BigInt(i)));
    }
    cache.record('/range', msg('std_msgs/msg/Float64', { data: -1 }, 100, 9n));
    expect(cache.latest('/range')).toMatchObject({ value: { data: 0 }, timestamp_ns: 3n });
    // 1200 ms now: the points of 400, 800 and 1200 ms are within the 1 s window.
    expect(cache.history('/range', 5000)).toEqual([{ timestamp_ns: 1n, value: 2 }, { timestamp_ns: 2n, value: 1 }, { timestamp_ns: 3n, value: 0 }]);
    expect(cache.history('/range', 500).map((p) => p.value)).toEqual([1, 0]);
    expect(cache.latest('/nothing')).toBeNull();
    const off = new SignalCache({ historyWindowMs: 0, maxMessageSize: 64 });
    off.record('/range', msg('std_msgs/msg/Float64', { data: 1 }));
    expect(off.keepsHistory).toBe(false);
    expect(off.history('/range', 5000)).toEqual([]);
    expect(off.latest('/range')).not.toBeNull();
  });
});

describe.each(BACKENDS)('freeze-frame capture through the manager (%s)', (backend) => {
  function setup(opts: { config?: Record<string, unknown>; yaml?: string; sampler?: FakeSampler; correlation?: string } = {}) {
    const sampler = opts.sampler ?? new FakeSampler({
      '/motor/temperature': msg('sensor_msgs/msg/Temperature', { temperature: 85.5, variance: 0.1 }),
      '/motor/current': msg('std_msgs/msg/Float64', { data: 12.5 }),
      '/big': msg('std_msgs/msg/String', { data: 'x' }, 70_000),
    });
    const h = harness(backend, { config: opts.config, correlation: opts.correlation ? parseCorrelationConfig(opts.correlation) : undefined });
    const topics = parseSnapshotTopicConfig(opts.yaml ?? 'fault_specific:\n  MOTOR: [/motor/temperature, /motor/current, /big, /missing]\n', []);
    const capture = new FaultCapture({ config: h.mgr.config, repository: h.repo, clock: h.clock, topics, sampler, graph, log: h.log });
    h.mgr.setCaptureHooks(capture);
    return { h, capture, sampler };
  }

  it('captures the configured topics as one set, skipping oversized and silent topics', async () => {
    const { h, capture, sampler } = setup();
    h.F('MOTOR', 2, '/motor');
    await capture.idle();
    expect(sampler.calls).toEqual(['/motor/temperature', '/motor/current', '/big', '/missing']);
    const rows = h.repo.snapshotRows('MOTOR');
    expect(rows.map((r) => r.topic).sort()).toEqual(['/motor/current', '/motor/temperature']);
    expect(new Set(rows.map((r) => r.capture_id)).size).toBe(1);
    expect(JSON.parse(h.repo.freezeFrame('MOTOR')!.data)).toEqual({ '/motor/temperature': { temperature: 85.5, variance: 0.1 }, '/motor/current': { data: 12.5 } });
  });

  it('renders topic frames with primary values and ISO capture times when no history was kept', async () => {
    const sampler = new FakeSampler({ '/motor/temperature': msg('sensor_msgs/msg/Temperature', { temperature: 85.5, variance: 0.1 }) });
    const { h, capture } = setup({ sampler });
    h.F('MOTOR', 2, '/motor', 'Motor too hot');
    await capture.idle();
    const env = environmentData(h.repo, 'MOTOR', false)!;
    const detail = faultDetail(h.repo.getFault('MOTOR')!, env, { entityPath: '/apps/motor' }) as { item: Record<string, unknown>; environment_data: { snapshots: Record<string, unknown>[] } };
    expect(detail.item).toMatchObject({ code: 'MOTOR', fault_name: 'Motor too hot', severity: 2, severity_label: 'error', status: { aggregatedStatus: 'active', testFailed: '1', confirmedDTC: '1', pendingDTC: '0' } });
    expect(detail.environment_data.snapshots).toEqual([{
      type: 'freeze_frame', name: 'temperature', data: 85.5,
      'x-medkit': { topic: '/motor/temperature', message_type: 'sensor_msgs/msg/Temperature', full_data: { temperature: 85.5, variance: 0.1 }, captured_at: '2026-02-02T02:40:00.123Z', occurrence: 1 },
    }]);
    const listed = faultListItem(h.repo.getFault('MOTOR')!, undefined, restSnapshots(env)) as { environment_data: { snapshots: Record<string, unknown>[] } };
    expect(listed.environment_data.snapshots[0]).toEqual({ type: 'freeze_frame', name: 'temperature', 'x-medkit': { topic: '/motor/temperature', message_type: 'sensor_msgs/msg/Temperature', captured_at: '2026-02-02T02:40:00.123Z', occurrence: 1 } });
  });

  it('renders a capture with history as one frame of signals {value, history} with exact numeric ns offsets', async () => {
    const sampler = new FakeSampler({
      '/safety/gate/min_range_m': msg('std_msgs/msg/Float64', { data: 0.11 }),
      '/safety/gate/stop_threshold_m': msg('std_msgs/msg/Float64', { data: 0.8 }),
    });
    // Wall-clock ns beyond 2^53; 1 ns apart at the end, which a float of the absolute time cannot tell apart.
    sampler.histories.set('/safety/gate/min_range_m', [
      { timestamp_ns: 1_770_000_000_000_000_001n, value: 2.749 },
      { timestamp_ns: 1_770_000_000_500_000_000n, value: 0.3 },
      { timestamp_ns: 1_770_000_000_500_000_001n, value: 0.11 },
    ]);
    const { h, capture } = setup({ sampler, yaml: 'fault_specific:\n  PROTECTIVE_STOP: [/safety/gate/min_range_m, /safety/gate/stop_threshold_m]\n' });
    h.F('PROTECTIVE_STOP', 3, '/safety/gate');
    await capture.idle();
    const env = environmentData(h.repo, 'PROTECTIVE_STOP', false)!;
    const detail = faultDetail(h.repo.getFault('PROTECTIVE_STOP')!, env) as { environment_data: { snapshots: Record<string, unknown>[] } };
    const frames = detail.environment_data.snapshots.filter((s) => s.type === 'freeze_frame');
    expect(frames).toEqual([{
      type: 'freeze_frame',
      name: 'freeze_frame',
      data: {
        min_range_m: { value: 0.11, history: [[0, 2.749], [499_999_999, 0.3], [500_000_000, 0.11]] },
        // No history kept for this topic: one sample at its capture time.
        stop_threshold_m: { value: 0.8, history: [[122_999_999, 0.8]] },
      },
      'x-medkit': {
        captured_at: '2026-02-02T02:40:00.123Z',
        capture_id: 1,
        occurrence: 1,
        history_epoch_ns: '1770000000000000001',
        signals: {
          min_range_m: { topic: '/safety/gate/min_range_m', message_type: 'std_msgs/msg/Float64' },
          stop_threshold_m: { topic: '/safety/gate/stop_threshold_m', message_type: 'std_msgs/msg/Float64' },
        },
      },
    }]);
    // Exact: epoch + offset gives each sample's wall-clock ns back.
    const x = frames[0]['x-medkit'] as { history_epoch_ns: string };
    const hist = (frames[0].data as Record<string, { history: [number, number][] }>).min_range_m.history;
    expect(hist.map(([t]) => BigInt(x.history_epoch_ns) + BigInt(t))).toEqual([1_770_000_000_000_000_001n, 1_770_000_000_500_000_000n, 1_770_000_000_500_000_001n]);
  });

  it('shows one frame per capture in the detail (bounded by max_per_fault) and only the newest in the list', async () => {
    const sampler = new FakeSampler({ '/gate/min_range_m': msg('std_msgs/msg/Float64', { data: 0.1 }) });
    sampler.histories.set('/gate/min_range_m', [{ timestamp_ns: 1_770_000_000_000_000_000n, value: 0.1 }]);
    const { h, capture } = setup({ sampler, config: { healing_enabled: true, healing_threshold: 0, snapshots: { max_per_fault: 2, recapture_cooldown_sec: 0 } }, yaml: 'fault_specific:\n  STOP: [/gate/min_range_m]\n' });
    for (let i = 0; i < 4; i++) {
      h.F('STOP', 3, '/gate');
      await capture.idle();
      h.P('STOP', '/gate');
    }
    expect(h.repo.getFault('STOP')!.occurrence_count).toBe(4);
    const env = environmentData(h.repo, 'STOP', false)!;
    const detail = faultDetail(h.repo.getFault('STOP')!, env) as { environment_data: { snapshots: Record<string, unknown>[] } };
    const ids = detail.environment_data.snapshots.map((s) => (s['x-medkit'] as { capture_id: number }).capture_id);
    expect(ids).toEqual([4, 3]);
    const listed = faultListItem(h.repo.getFault('STOP')!, undefined, restSnapshots(env, undefined, { latest: true })) as { environment_data: { snapshots: Record<string, unknown>[] } };
    expect(listed.environment_data.snapshots.map((s) => (s['x-medkit'] as { capture_id: number }).capture_id)).toEqual([4]);
    // Every snapshot carries its capture time.
    for (const s of detail.environment_data.snapshots) expect((s['x-medkit'] as { captured_at: string }).captured_at).toMatch(/^\d{4}-\d{2}-\d{2}T/);
  });

  it("stamps each capture set with the occurrence that took it, though a slow topic's newest message predates it (issue 67)", async () => {
    // The topic's only message is older than both occurrences: its time says nothing about which one captured it.
    const sampler = new FakeSampler({ '/gate/min_range_m': msg('std_msgs/msg/Float64', { data: 0.1 }, 16, 1_000_000_000n) });
    const { h, capture } = setup({ sampler, config: { healing_enabled: true, healing_threshold: 0, snapshots: { recapture_cooldown_sec: 0 } }, yaml: 'fault_specific:\n  STOP: [/gate/min_range_m]\n' });
    h.F('STOP', 3, '/gate');
    await capture.idle();
    h.P('STOP', '/gate');
    h.clock.advance(60_000);
    h.F('STOP', 3, '/gate');
    await capture.idle();
    expect(h.repo.getFault('STOP')!.occurrence_count).toBe(2);
    const rows = h.repo.snapshotRows('STOP');
    expect(rows.map((r) => [r.capture_id, r.occurrence, r.captured_at_ns])).toEqual([[2, 2, 1_000_000_000n], [1, 1, 1_000_000_000n]]);
    const detail = faultDetail(h.repo.getFault('STOP')!, environmentData(h.repo, 'STOP', false)!) as { environment_data: { snapshots: Record<string, unknown>[] } };
    const frames = detail.environment_data.snapshots.filter((x) => x.type === 'freeze_frame').map((x) => x['x-medkit'] as { occurrence?: number; captured_at: string });
    expect(frames.map((x) => [x.occurrence, x.captured_at])).toEqual([[2, '1970-01-01T00:00:01.000Z'], [1, '1970-01-01T00:00:01.000Z']]);
  });

  it('keeps at most max_per_fault rows by evicting whole old capture sets', async () => {
    const { h, capture } = setup({ config: { snapshots: { max_per_fault: 3, retain_on_clear: true } } });
    const ids: number[][] = [];
    for (let i = 0; i < 3; i++) {
      h.F('MOTOR');
      await capture.idle();
      ids.push(h.repo.snapshotRows('MOTOR').map((r) => r.capture_id));
      h.mgr.clear('MOTOR');
    }
    expect(ids).toEqual([[1, 1], [2, 2], [3, 3]]);
  });

  it('deletes per-topic rows on clear unless retain_on_clear, and keeps the compact frame', async () => {
    const { h, capture } = setup();
    h.F('MOTOR');
    await capture.idle();
    expect(h.repo.snapshotRows('MOTOR')).toHaveLength(2);
    h.mgr.clear('MOTOR');
    expect(h.repo.snapshotRows('MOTOR')).toHaveLength(0);
    expect(h.repo.freezeFrame('MOTOR')).toBeDefined();
    const env = environmentData(h.repo, 'MOTOR', false)!;
    expect(env.snapshots.map((s) => s.name)).toEqual(['freeze_frame']);
    const kept = setup({ config: { snapshots: { retain_on_clear: true } } });
    kept.h.F('MOTOR');
    await kept.capture.idle();
    kept.h.mgr.clear('MOTOR');
    expect(kept.h.repo.snapshotRows('MOTOR')).toHaveLength(2);
  });

  it('skips a re-confirmation inside the cooldown and captures again after a clear', async () => {
    const { h, capture, sampler } = setup({ config: { healing_enabled: true, healing_threshold: 0 } });
    h.F('MOTOR'); await capture.idle();
    h.P('MOTOR'); h.F('MOTOR'); await capture.idle(); // healed and re-confirmed within 60 s
    expect(capture.lastResult.get('MOTOR')).toBe('cooldown');
    h.mgr.clear('MOTOR');
    h.F('MOTOR'); await capture.idle();
    expect(capture.lastResult.get('MOTOR')).toBe('accepted');
    expect(sampler.calls.filter((t) => t === '/motor/temperature')).toHaveLength(2);
  });

  it('an empty re-capture never overwrites a good compact frame', async () => {
    const sampler = new FakeSampler({ '/motor/temperature': msg('sensor_msgs/msg/Temperature', { temperature: 1 }) });
    const { h, capture } = setup({ sampler, config: { snapshots: { recapture_cooldown_sec: 0 } } });
    h.F('MOTOR'); await capture.idle();
    delete sampler.messages['/motor/temperature'];
    h.mgr.clear('MOTOR');
    h.F('MOTOR'); await capture.idle();
    expect(JSON.parse(h.repo.freezeFrame('MOTOR')!.data)).toEqual({ '/motor/temperature': { temperature: 1 } });
  });

  it('discards rows when the fault was cleared while capturing', async () => {
    let open!: () => void;
    const gate = new Promise<void>((r) => { open = r; });
    const sampler = new FakeSampler({ '/motor/temperature': msg('sensor_msgs/msg/Temperature', { temperature: 1 }) }, gate);
    const { h, capture } = setup({ sampler });
    h.F('MOTOR');
    h.mgr.clear('MOTOR');
    open();
    await capture.idle();
    expect(h.repo.snapshotRows('MOTOR')).toHaveLength(0);
  });

  it('captures a muted confirmation (the event is suppressed, the evidence is not)', async () => {
    const correlation = `correlation:
  enabled: true
  rules:
    - id: estop
      root_cause: { codes: [ESTOP] }
      symptoms: [ { codes: [MOTOR] } ]
      window_ms: 1000
`;
    const { h, capture } = setup({ correlation });
    h.F('ESTOP');
    h.takeEvents();
    h.F('MOTOR');
    expect(h.takeEvents()).toEqual([]);
    await capture.idle();
    expect(h.repo.snapshotRows('MOTOR')).toHaveLength(2);
  });
});

describe('ROS topic sampler over the signal cache (docs/faults.md "Signals with history")', () => {
  // A graph with one publisher of /range and a node that counts the subscriptions it is asked for.
  function rig(publishers = 1) {
    const subscribed: string[] = [];
    const graph = {
      topics: () => [{ name: '/range', types: ['std_msgs/msg/Float64'] }],
      publishersOf: () => Array.from({ length: publishers }, () => ({})),
    } as unknown as RosGraph;
    const node = {
      createSubscription(topic: string, _type: string, cb: (value: unknown, info: { raw: Uint8Array }) => void) {
        subscribed.push(topic);
        queueMicrotask(() => cb({ data: 2.64 }, { raw: new Uint8Array(16) }));
        return { close() {} };
      },
    } as unknown as RosNode;
    const cache = new SignalCache({ historyWindowMs: 5000, maxMessageSize: 1024 });
    return { subscribed, sampler: rosTopicSampler(() => node, graph, cache), cache };
  }

  it('takes a kept topic\'s newest message (the value at confirmation), not the first one after a new match', async () => {
    const { subscribed, sampler, cache } = rig();
    cache.record('/range', msg('std_msgs/msg/Float64', { data: 0.41 }));
    expect(await sampler.sample('/range', 1000)).toMatchObject({ value: { data: 0.41 } });
    expect(subscribed).toEqual([]);
  });

  it('samples on demand a topic the cache holds nothing of, and gives nothing once the topic has no publisher', async () => {
    const { subscribed, sampler, cache } = rig();
    expect(await sampler.sample('/range', 1000)).toMatchObject({ value: { data: 2.64 } });
    expect(subscribed).toEqual(['/range']);
    const gone = rig(0);
    gone.cache.record('/range', msg('std_msgs/msg/Float64', { data: 0.41 }));
    expect(await gone.sampler.sample('/range', 1000)).toBeNull();
    expect(cache.latest('/range')).toBeNull();
  });
});
