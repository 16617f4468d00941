import { describe, expect, it } from 'vitest';
import { chartData, chartsFor, normalizeSnapshots, recordingsForFault, stepValueAt, toSignals, unitSuffix } from '../src/model/freeze-frame';
import { normalizeFaultDetail } from '../src/model/fault-detail';
import { collectValue, initialState, inputCount, schemaToField } from '../src/model/schema-form';
import { formatParam, normalizeConfigurations, parseParam, withDetail } from '../src/model/config-params';
import { logTime, mergeLogs, normalizeLogList } from '../src/model/logs';
import { normalizeHealth } from '../src/model/health';
import { entityTabs } from '../src/model/capabilities';
import { apiUrl, normalizeGatewayUrl, resolveGatewayUrl, GATEWAY_STORAGE_KEY } from '../src/api/gateway-url';
import { errorFromBody } from '@medkit/client';
import { logAtLeast, logLevel } from '../src/model/severity';

// The signal-window frame of docs/faults.md (d).
const signalFrame = {
  type: 'freeze_frame',
  name: 'RTMaps freeze-frame',
  data: {
    commanded_vx: { value: 0.0, history: [[35333591782, 0.0]] },
    min_range_m: { value: 5.0, history: [[35333862814, 0.11], [35333291470, 2.749]] },
    stop_threshold_m: { value: 0.8, history: [[35333591782, 0.8]] },
  },
};

describe('freeze frames', () => {
  it('reads signal histories in ascending time and overlays the threshold sharing the unit', () => {
    const { frames } = normalizeSnapshots([signalFrame]);
    expect(frames).toHaveLength(1);
    const f = frames[0];
    expect(f.kind).toBe('signals');
    expect(f.signals.find((s) => s.name === 'min_range_m')!.points).toEqual([
      [35333291470, 2.749],
      [35333862814, 0.11],
    ]);
    expect(f.charts.map((c) => c.title)).toEqual(['commanded_vx', 'min_range_m vs stop_threshold_m']);
    expect(unitSuffix('min_range_m')).toBe('m');
  });

  it("charts the gateway's own frame: one per capture, signal names as keys, ns offsets from history_epoch_ns, full recording path", () => {
    const { frames, recordings } = normalizeSnapshots([
      {
        type: 'freeze_frame',
        name: 'freeze_frame',
        data: {
          commanded_vx: { value: 0, history: [[0, 0.5], [400_000_000, 0]] },
          min_range_m: { value: 0.11, history: [[50_000_000, 2.749], [450_000_001, 0.11]] },
          stop_threshold_m: { value: 0.8, history: [[450_000_001, 0.8]] },
        },
        'x-medkit': { captured_at: '2026-03-23T02:14:33.640Z', capture_id: 7, history_epoch_ns: '1774232073640000001', signals: { min_range_m: { topic: '/safety/safety_gate/min_range_m' } } },
      },
      { type: 'rosbag', name: 'rec', bulk_data_uri: '/api/v1/apps/safety_gate/bulk-data/rosbags/fault_PROTECTIVE_STOP_1', size_bytes: 4096, format: 'mcap', 'x-medkit': { captured_at: '2026-03-23T02:14:33.640Z' } },
    ]);
    expect(frames).toHaveLength(1);
    expect(frames[0]).toMatchObject({ kind: 'signals', capturedAtMs: Date.parse('2026-03-23T02:14:33.640Z') });
    expect(frames[0].charts.map((c) => c.title)).toEqual(['commanded_vx', 'min_range_m vs stop_threshold_m']);
    const d = chartData(frames[0].charts[1]);
    expect(d.xs).toEqual([0, 0.400000001]);
    expect(d.ys).toEqual([[2.749, 0.11], [0.8, 0.8]]);
    // The API client is given paths below /api/v1.
    expect(recordings[0]).toMatchObject({ path: '/apps/safety_gate/bulk-data/rosbags/fault_PROTECTIVE_STOP_1', sizeBytes: 4096 });
  });

  it('builds uPlot data: seconds from the first sample, gaps as null, thresholds stepped', () => {
    const chart = chartsFor(toSignals(signalFrame.data))[1];
    const d = chartData(chart);
    // History timestamps are nanoseconds (docs/faults.md Q6).
    expect(d.xs.map((x) => Math.round(x * 1e9))).toEqual([0, 300312, 571344]);
    expect(d.ys[0]).toEqual([2.749, null, 0.11]);
    expect(d.ys[1]).toEqual([0.8, 0.8, 0.8]);
  });

  it('steps a value over time and falls back to the frame value', () => {
    const [s] = toSignals({ v: { value: 9, history: [[10, 1], [20, 2]] } });
    expect([stepValueAt(s, 5), stepValueAt(s, 10), stepValueAt(s, 15), stepValueAt(s, 25)]).toEqual([1, 1, 1, 2]);
    expect(stepValueAt(toSignals({ v: { value: 3, history: [] } })[0], 0)).toBe(3);
  });

  it('keeps topic, compact and scalar frames as values and recordings as download paths', () => {
    const { frames, recordings } = normalizeSnapshots([
      { type: 'freeze_frame', name: 'battery_state', data: 0.14, 'x-medkit': { topic: '/power/battery_state', message_type: 'sensor_msgs/msg/BatteryState', full_data: { percentage: 0.14 }, captured_at: '2026-03-23T02:14:33.640Z' } },
      { type: 'freeze_frame', name: 'freeze_frame', data: { '/a': { data: 1 } } },
      { type: 'rosbag', name: 'rec', bulk_data_uri: '/apps/battery_monitor/bulk-data/rosbags/fault_BATTERY_LOW_1', size_bytes: 2097152, format: 'mcap' },
      { type: 'rosbag', name: 'no uri' },
    ]);
    // The numeric topic frame is also charted (first), since no signal window came.
    expect(frames.map((f) => f.kind)).toEqual(['signals', 'topic', 'object']);
    expect(frames[1].capturedAtMs).toBe(Date.parse('2026-03-23T02:14:33.640Z'));
    expect(recordings).toEqual([expect.objectContaining({ path: '/apps/battery_monitor/bulk-data/rosbags/fault_BATTERY_LOW_1', sizeBytes: 2097152 })]);
  });

  it('finds the recordings of a fault among rosbag descriptors', () => {
    const descriptors = { items: [{ id: 'fault_A_1', name: 'a', size: 10, 'x-medkit': { fault_codes: ['A', 'B'] } }, { id: 'fault_C_2', 'x-medkit': { fault_codes: ['C'] } }] };
    expect(recordingsForFault(descriptors, '/apps/x', 'B').map((r) => r.path)).toEqual(['/apps/x/bulk-data/rosbags/fault_A_1']);
  });

  it('normalises a fault detail with status flags and snapshots', () => {
    const d = normalizeFaultDetail(
      {
        item: { code: 'BATTERY_LOW', fault_name: 'Battery low', severity: 1, status: { aggregatedStatus: 'active', testFailed: '1', confirmedDTC: '1', pendingDTC: '0' } },
        environment_data: { extended_data_records: { first_occurrence: '2026-03-23T02:14:33.512Z', last_occurrence: '' }, snapshots: [signalFrame] },
        'x-medkit': { occurrence_count: 4, reporting_sources: ['/power/battery_monitor'], severity_label: 'WARN', status_raw: 'CONFIRMED' },
      },
      'BATTERY_LOW',
    );
    expect(d).toMatchObject({ code: 'BATTERY_LOW', rawStatus: 'CONFIRMED', occurrences: 4, lastMs: undefined });
    expect(d.statusFlags).toEqual({ aggregatedStatus: 'active', testFailed: '1', confirmedDTC: '1', pendingDTC: '0' });
    expect(d.frames[0].charts).toHaveLength(2);
  });

  // The gateway's shapes (packages/gateway/src/faults/query/rest-views.ts): topic frames carry the
  // primary value, the signal window is keyed by topic.
  const topicFrame = (topic: string, data: unknown, at: string) => ({
    type: 'freeze_frame',
    name: topic.split('/').at(-1),
    data,
    'x-medkit': { topic, message_type: 'std_msgs/msg/Float64', full_data: { data }, captured_at: at },
  });

  it('names signal-window series by topic segment and still overlays the threshold', () => {
    const { frames } = normalizeSnapshots([
      topicFrame('/safety/safety_gate/min_range_m', 0.5, '2026-03-23T02:20:00.100Z'),
      {
        type: 'freeze_frame',
        name: 'signal_history',
        data: {
          '/safety/safety_gate/min_range_m': { value: 0.5, history: [[10, 2.0], [20, 0.5]] },
          '/safety/safety_gate/stop_threshold_m': { value: 0.8, history: [[5, 0.8]] },
          '/a/x': { value: 1, history: [[10, 1]] },
          '/b/x': { value: 2, history: [[10, 2]] },
        },
      },
    ]);
    // The window is listed first, before the topic frames it was built from.
    expect(frames.map((f) => f.kind)).toEqual(['signals', 'topic']);
    const window = frames[0];
    expect(window.signals.map((s) => s.name)).toEqual(['min_range_m', 'stop_threshold_m', '/a/x', '/b/x']);
    expect(window.signals[0].key).toBe('/safety/safety_gate/min_range_m');
    expect(window.charts.map((c) => c.title)).toContain('min_range_m vs stop_threshold_m');
    // A signal window exists: no chart is synthesised from the topic frames.
    expect(frames.filter((f) => f.fromTopicFrames)).toHaveLength(0);
  });

  it('charts the numeric topic frames of a capture as one sample each when no signal window came', () => {
    const { frames } = normalizeSnapshots([
      topicFrame('/safety/safety_gate/min_range_m', 0.41, '2026-03-23T02:20:00.102Z'),
      topicFrame('/safety/safety_gate/stop_threshold_m', 0.8, '2026-03-23T02:20:00.104Z'),
      topicFrame('/safety/safety_gate/commanded_vx', 0, '2026-03-23T02:20:00.100Z'),
      // An older capture of the same topic: the newest (first) wins.
      topicFrame('/safety/safety_gate/min_range_m', 3, '2026-03-23T02:19:00.000Z'),
      { type: 'freeze_frame', name: 'status', data: 'stopped', 'x-medkit': { topic: '/s', message_type: 'std_msgs/msg/String' } },
    ]);
    expect(frames[0]).toMatchObject({ name: 'Captured values', kind: 'signals', fromTopicFrames: true, capturedAtMs: Date.parse('2026-03-23T02:20:00.104Z') });
    expect(frames[0].signals.map((s) => [s.name, s.points])).toEqual([
      ['min_range_m', [[Date.parse('2026-03-23T02:20:00.102Z') * 1e6, 0.41]]],
      ['stop_threshold_m', [[Date.parse('2026-03-23T02:20:00.104Z') * 1e6, 0.8]]],
      ['commanded_vx', [[Date.parse('2026-03-23T02:20:00.100Z') * 1e6, 0]]],
    ]);
    expect(frames[0].charts.map((c) => c.title)).toEqual(['min_range_m vs stop_threshold_m', 'commanded_vx']);
    const d = chartData(frames[0].charts[0]);
    expect(d.ys).toEqual([
      [0.41, 0.41],
      [0.8, 0.8],
    ]);
    // One sample is one point: nothing is invented around it.
    expect(chartData(frames[0].charts[1])).toMatchObject({ xs: [0], ys: [[0]] });
    // The per-topic frames stay, with their full messages.
    expect(frames.slice(1).map((f) => f.kind)).toEqual(['topic', 'topic', 'topic', 'topic', 'topic']);
  });

  it('synthesises nothing from non-numeric frames', () => {
    const { frames } = normalizeSnapshots([{ type: 'freeze_frame', name: 'freeze_frame', data: { '/a': { data: 1 } } }]);
    expect(frames.map((f) => f.kind)).toEqual(['object']);
  });
});

describe('schema forms', () => {
  const twist = {
    type: 'object',
    properties: {
      linear: { type: 'object', properties: { x: { type: 'number' }, y: { type: 'number' } } },
      mode: { type: 'string', enum: ['auto', 'manual'] },
      count: { type: 'integer', minimum: 0 },
      enabled: { type: 'boolean' },
      samples: { type: 'array', items: { type: 'number' } },
    },
  };

  it('turns a schema into fields and a default value into form state', () => {
    const field = schemaToField(twist);
    expect(inputCount(field)).toBe(6);
    const state = initialState(field, { linear: { x: 0.5, y: 0 }, mode: 'auto', count: 2, enabled: true, samples: [1, 2] });
    expect(state).toEqual({ 'linear.x': '0.5', 'linear.y': '0', mode: 'auto', count: '2', enabled: true, samples: '[1,2]' });
  });

  it('collects typed values back', () => {
    const field = schemaToField(twist);
    const r = collectValue(field, { 'linear.x': '1.5', 'linear.y': '-2', mode: 'manual', count: '3', enabled: false, samples: '[3]' });
    expect(r).toEqual({ ok: true, value: { linear: { x: 1.5, y: -2 }, mode: 'manual', count: 3, enabled: false, samples: [3] } });
  });

  it('reports every bad input by path', () => {
    const r = collectValue(schemaToField(twist), { 'linear.x': 'fast', 'linear.y': '', mode: 'sideways', count: '1.5', enabled: true, samples: '[' });
    expect(r.ok).toBe(false);
    if (!r.ok) expect(Object.keys(r.errors).sort()).toEqual(['count', 'linear.x', 'linear.y', 'mode', 'samples']);
    const neg = collectValue(schemaToField(twist), { 'linear.x': '0', 'linear.y': '0', mode: 'auto', count: '-1', enabled: true, samples: '' });
    expect(neg.ok).toBe(false);
  });

  it('treats an empty request schema as no inputs', () => {
    expect(inputCount(schemaToField({ type: 'object', properties: {} }))).toBe(0);
    expect(collectValue(schemaToField({ type: 'object', properties: {} }), {})).toEqual({ ok: true, value: {} });
  });
});

describe('configuration values', () => {
  it('parses per ROS parameter type and refuses wrong types', () => {
    expect(parseParam('double', '15.5')).toEqual({ ok: true, value: 15.5 });
    expect(parseParam('int', '15.5').ok).toBe(false);
    expect(parseParam('int', '-7')).toEqual({ ok: true, value: -7 });
    expect(parseParam('bool', 'yes').ok).toBe(false);
    expect(parseParam('bool', 'false')).toEqual({ ok: true, value: false });
    expect(parseParam('string', ' keep spaces ')).toEqual({ ok: true, value: ' keep spaces ' });
    expect(parseParam('double_array', '[1, 2.5]')).toEqual({ ok: true, value: [1, 2.5] });
    expect(parseParam('int_array', '[1, 2.5]').ok).toBe(false);
    expect(parseParam('byte_array', '[0, 256]').ok).toBe(false);
    expect(parseParam('string_array', '["a"]')).toEqual({ ok: true, value: ['a'] });
    expect(formatParam('double_array', [1, 2])).toBe('[1,2]');
    expect(formatParam('string', 'x')).toBe('x');
  });

  it('joins items with x-medkit.parameters, also on aggregated entities', () => {
    const single = normalizeConfigurations({
      items: [{ id: 'scan_frequency', name: 'scan_frequency', type: 'parameter' }],
      'x-medkit': { parameters: [{ name: 'scan_frequency', value: 15.0, type: 'double', 'x-medkit': { source: 'lidar_driver', node: '/sensors/lidar_driver' } }] },
    });
    expect(single).toEqual([expect.objectContaining({ id: 'scan_frequency', type: 'double', value: 15, node: '/sensors/lidar_driver' })]);
    const agg = normalizeConfigurations({
      items: [
        { id: 'a:rate', name: 'rate', type: 'parameter', 'x-medkit': { source: 'a' } },
        { id: 'b:rate', name: 'rate', type: 'parameter', 'x-medkit': { source: 'b' } },
      ],
      'x-medkit': {
        parameters: [
          { name: 'rate', value: 1, type: 'int', 'x-medkit': { source: 'a' } },
          { name: 'rate', value: 2.5, type: 'double', 'x-medkit': { source: 'b' } },
        ],
      },
    });
    expect(agg.map((r) => [r.id, r.type, r.value])).toEqual([
      ['a:rate', 'int', 1],
      ['b:rate', 'double', 2.5],
    ]);
    const detailed = withDetail(single[0], { id: 'scan_frequency', data: 20, 'x-medkit': { parameter: { type: 'double', read_only: true, description: 'Hz' } } });
    expect(detailed).toMatchObject({ value: 20, readOnly: true, description: 'Hz' });
  });
});

describe('logs', () => {
  const body = {
    items: [
      { id: 'log_1', timestamp: '2026-03-23T02:14:33.123456789Z', severity: 'warning', level: 'WARN', message: 'Planning failed', context: { node: 'nav2_planner', function: 'computePlan', file: 'planner.cpp', line: 412 } },
      { id: 'log_2', timestamp: '2026-03-23T02:14:34.000000000Z', level: 'ERROR', message: 'no severity field' },
    ],
  };

  it('reads severity or level, context and 9-digit timestamps', () => {
    const logs = normalizeLogList(body);
    expect(logs.map((l) => l.level)).toEqual(['warning', 'error']);
    expect(logs[0]).toMatchObject({ node: 'nav2_planner', where: 'computePlan planner.cpp:412' });
    expect(logTime(logs[0], new Date(logs[0].timeMs!))).toMatch(/^\d\d:14:33\.123$/); // local time; the date only on another day
    expect(logLevel(undefined, 40)).toBe('error');
    expect(logAtLeast('info', 'warning')).toBe(false);
    expect(logAtLeast('fatal', 'warning')).toBe(true);
  });

  it('merges polls without duplicates and caps to the newest entries', () => {
    const first = normalizeLogList({ items: [body.items[0]] });
    const merged = mergeLogs(first, normalizeLogList(body));
    expect(merged.map((l) => l.id)).toEqual(['log_1', 'log_2']);
    expect(mergeLogs(merged, normalizeLogList(body))).toBe(merged);
    expect(mergeLogs([], normalizeLogList(body), 1).map((l) => l.id)).toEqual(['log_2']);
  });
});

describe('header health', () => {
  it('reads version, ROS status, peers, warnings and hints when present', () => {
    const h = normalizeHealth(
      {
        status: 'healthy',
        warnings: [{ code: 'unmanifested_nodes', message: '2 nodes are not in the manifest', entity_ids: [], ros_node_fqns: ['/a'], peer_names: [] }],
        discovery: { mode: 'hybrid', hint: 'No ROS nodes seen: check ROS_DOMAIN_ID' },
        peers: [{ name: 'arm', url: 'http://arm:8080', status: 'offline' }],
        'x-medkit-ros': { domain_id: 7, node_count: 12 },
      },
      { items: [{ version: '1.0.0', base_uri: '/api/v1', vendor_info: { version: '0.1.0', name: 'medkit' } }] },
    );
    expect(h).toMatchObject({ version: '0.1.0', product: 'medkit', sovdVersion: '1.0.0', rosDomain: 7, nodeCount: 12, discoveryMode: 'hybrid' });
    expect(h.peers).toEqual([{ name: 'arm', url: 'http://arm:8080', online: false }]);
    expect(h.hints).toEqual(['No ROS nodes seen: check ROS_DOMAIN_ID']);
    expect(h.warnings[0].code).toBe('unmanifested_nodes');
  });

  it('marks a degraded /health and its degrading warnings first, naming the stuck topic, the unanswered service and their nodes (issue 66)', async () => {
    const { DEGRADING_WARNINGS } = await import('@medkit/kit');
    const { DEGRADING_WARNINGS: ui } = await import('../src/model/health');
    // The UI's table is the gateway's.
    expect([...ui].sort()).toEqual([...DEGRADING_WARNINGS].sort());
    const w = (code: string, message: string, nodes: string[] = []) => ({ code, message, entity_ids: [], ros_node_fqns: nodes, peer_names: [] });
    const h = normalizeHealth(
      {
        status: 'degraded',
        warnings: [
          w('unmanifested_nodes', '1 node is not in the manifest', ['/x']),
          w('ros_stream_stuck', '1 stream(s) no longer reach the gateway ...', ['/base/lidar']),
          w('ros_requests_unanswered', "1 service(s) of live nodes no longer answer the gateway's calls ...", ['/base/arm']),
          w('graph_watchdog.value_rule_input_silent', "plugin 'graph_watchdog': 1 value rule input(s) fell silent ...: rule r: nothing on /scan_rate for 6 s"),
          w('graph_watchdog.value_rules_rejected', "plugin 'graph_watchdog': 1 value rule(s) left out"),
        ],
        'x-medkit-ros': {
          stuck_streams: [{ topic: '/scan', role: 'topic', writer_guid: 'g', node: '/base/lidar', stuck_ms: 12_400, next_expected: 5, announced_up_to: 9 }],
          unanswered_services: [{ service: '/base/arm/get_parameters', server_guid: 'g', node: '/base/arm', timed_out: 5, unanswered_ms: 20_000 }],
        },
        'x-medkit-plugins': [{ name: 'graph_watchdog', state: 'active', warnings: [{ code: 'value_rule_input_silent', message: '…', degrades: true }, { code: 'value_rules_rejected', message: '…' }] }],
      },
      {},
    );
    expect(h.degraded).toBe(true);
    expect(h.warnings.map((x) => [x.code, x.degrades])).toEqual([
      ['ros_stream_stuck', true],
      ['ros_requests_unanswered', true],
      ['graph_watchdog.value_rule_input_silent', true],
      ['unmanifested_nodes', false],
      ['graph_watchdog.value_rules_rejected', false],
    ]);
    expect(h.warnings[0].subjects).toEqual([{ kind: 'topic', name: '/scan', detail: 'from /base/lidar, stuck 12 s' }]);
    expect(h.warnings[1].subjects).toEqual([{ kind: 'service', name: '/base/arm/get_parameters', detail: 'of /base/arm, 5 calls timed out in a row' }]);
    expect(h.warnings[3].subjects).toEqual([{ kind: 'node', name: '/x' }]);
    expect(normalizeHealth({ status: 'healthy', warnings: [] }, {}).degraded).toBe(false);
  });

  it('names the topic and node of a conflicting-samples notice (someone sends in a writer\'s name), without degrading', () => {
    const w = (code: string, message: string, nodes: string[] = []) => ({ code, message, entity_ids: [], ros_node_fqns: nodes, peer_names: [] });
    const h = normalizeHealth(
      {
        status: 'healthy',
        warnings: [w('ros_samples_conflicting', '2 sample(s) arrived in the name of 1 writer(s) ...', ['/base/battery_monitor'])],
        'x-medkit-ros': { conflicting_samples: { total: 2, streams: [{ topic: '/rosout', writer_guid: 'g', node: '/base/battery_monitor', count: 2, last_sequence_number: 7, first_at: '2026-11-30T02:00:00.000Z', last_at: '2026-11-30T02:00:05.000Z' }] } },
      },
      {},
    );
    expect(h.degraded).toBe(false);
    expect(h.warnings.map((x) => [x.code, x.degrades])).toEqual([['ros_samples_conflicting', false]]);
    expect(h.warnings[0].subjects).toEqual([{ kind: 'topic', name: '/rosout', detail: 'from /base/battery_monitor, 2 conflicting sample(s)' }]);
  });

  it('leaves peers undefined when aggregation is off', () => {
    expect(normalizeHealth({ status: 'healthy', warnings: [] }, {}).peers).toBeUndefined();
    // medkit's own ROS block counts nodes as nodes_seen.
    expect(normalizeHealth({ status: 'healthy', 'x-medkit-ros': { domain_id: 170, nodes_seen: 2 } }, {})).toMatchObject({ rosDomain: 170, nodeCount: 2 });
  });

  it("puts x-medkit-runtime in one line for the overview: runtime, SQLite driver, RTPS path and why it fell back", () => {
    const runtime = { name: 'Node.js', version: 'v24.21.0', platform: 'linux', arch: 'x64' };
    const sqlite = { driver: 'better-sqlite3', driver_version: '12.4.1', loaded: true, sqlite_version: '3.50.4' };
    expect(normalizeHealth({ status: 'healthy', 'x-medkit-runtime': { runtime, sqlite, rtps: { path: 'addon', present: true } } }, {}).runtime).toBe('Node.js v24.21.0 · SQLite 3.50.4 (better-sqlite3) · RTPS native addon');
    const fallback = { path: 'javascript', present: true, error: 'wrong ELF class: ELFCLASS32' };
    expect(normalizeHealth({ status: 'degraded', 'x-medkit-runtime': { runtime, sqlite, rtps: fallback } }, {}).runtime).toBe('Node.js v24.21.0 · SQLite 3.50.4 (better-sqlite3) · RTPS in JavaScript (wrong ELF class: ELFCLASS32)');
    expect(normalizeHealth({ status: 'healthy' }, {}).runtime).toBeUndefined();
  });
});

describe('entity tabs', () => {
  it('derives tabs from capabilities or URI fields, in a fixed order', () => {
    expect(entityTabs({ capabilities: [{ name: 'logs' }, { name: 'data' }, { name: 'locks' }, { name: 'triggers' }] })).toEqual(['overview', 'data', 'logs', 'locks']);
    expect(entityTabs({ faults: '/api/v1/areas/a/faults', data: '/api/v1/areas/a/data' })).toEqual(['overview', 'data', 'faults']);
  });
});

describe('gateway address', () => {
  const store = () => {
    const m = new Map<string, string>();
    return { getItem: (k: string) => m.get(k) ?? null, setItem: (k: string, v: string) => void m.set(k, v), removeItem: (k: string) => void m.delete(k), m };
  };

  it('normalises addresses and refuses non-http ones', () => {
    expect(normalizeGatewayUrl('robot:8080')).toBe('http://robot:8080');
    expect(normalizeGatewayUrl('https://robot.local/medkit/api/v1/')).toBe('https://robot.local/medkit');
    expect(normalizeGatewayUrl('ftp://robot')).toBeNull();
    expect(normalizeGatewayUrl('  ')).toBeNull();
  });

  it('prefers ?gateway=, remembers it, and falls back to same origin', () => {
    const s = store();
    expect(resolveGatewayUrl('', s)).toBe('');
    expect(resolveGatewayUrl('?gateway=http://robot:8080', s)).toBe('http://robot:8080');
    expect(s.m.get(GATEWAY_STORAGE_KEY)).toBe('http://robot:8080');
    expect(resolveGatewayUrl('', s)).toBe('http://robot:8080');
    expect(resolveGatewayUrl('?gateway=javascript:alert(1)', s)).toBe('http://robot:8080');
    expect(apiUrl('', '/faults')).toBe('/api/v1/faults');
    expect(apiUrl('http://r:1', 'health')).toBe('http://r:1/api/v1/health');
  });

  it('turns SOVD, OAuth2 and plain error bodies into one error type', () => {
    const v = errorFromBody(404, { error_code: 'vendor-error', vendor_code: 'x-medkit-ros2-topic-unavailable', message: 'Topic not found', parameters: { topic_name: 't' } }, 'x');
    expect(v.describe()).toBe('Topic not found (404 x-medkit-ros2-topic-unavailable)');
    expect(errorFromBody(401, { error: 'invalid_token', error_description: 'expired' }, 'x').describe()).toBe('expired (401 invalid_token)');
    expect(errorFromBody(502, '<html>bad gateway</html>', 'x').message).toBe('<html>bad gateway</html>');
  });
});
