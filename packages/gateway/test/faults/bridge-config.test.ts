// Every bridge option of docs/faults.md read through the real config loader (`faults.bridges.<bridge>.*`), its
// spec default and repair rule, and its effect on the converters; then the ROS wiring using those options.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { EndpointRefusedError, type RosGraph, type RosNode } from '@medkit/ros2';
import { loadConfig, type FlatConfig } from '../../src/config/index.js';
import { FEATURE_KEYS } from '@medkit/cli';
import { ActionStatusBridge, GoalStatus } from '@medkit/faults';
import { bridgeConfigsFrom, type BridgeConfigs } from '@medkit/faults';
import { DiagnosticBridge } from '@medkit/faults';
import { LogBridge, MAX_COOLDOWN_CODES } from '@medkit/faults';
import type { BridgeReport } from '@medkit/faults';
import { MemoryLogger } from '@medkit/faults';
import { FaultBridges } from '@medkit/faults';
import { harness } from '../../../../test-support/faults-harness.js';

const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

/** The bridges' configs as the gateway builds them from `flags` (or a YAML file). */
function configs(flags: FlatConfig = {}, configFile?: string, log?: MemoryLogger): BridgeConfigs {
  const config = loadConfig({ env: {}, extraKeys: FEATURE_KEYS, flags, configFile });
  return bridgeConfigsFrom(config, log ? (m) => log.warn(m) : undefined);
}
/** Loading `flags`, for `toThrow`: a value outside a key's range stops start-up (issue 66). */
const refused = (flags: FlatConfig) => () => configs(flags);
const D = (k: string) => `faults.bridges.diagnostics.${k}`;
const R = (k: string) => `faults.bridges.rosout.${k}`;
const A = (k: string) => `faults.bridges.action_status.${k}`;

const status = (name: string, level: number, extra: { hardware_id?: string; values?: { key: string; value: string }[] } = {}) =>
  ({ name, level, message: `${name} msg`, hardware_id: extra.hardware_id ?? '', values: extra.values ?? [] });
const goals = (...st: number[]) => ({ status_list: st.map((s, i) => ({ status: s, goal_info: { goal_id: { uuid: [i + 1, ...new Array(15).fill(0)] } } })) });

describe('bridge options: spec defaults', () => {
  it('every option has the default of docs/faults.md', () => {
    const c = configs();
    expect(c.diagnostics).toEqual({
      enabled: true, diagnostics_topic: '/diagnostics', auto_generate_codes: true, keyvalue_codes: [], use_hardware_id_as_source_id: false,
      max_tracked_sources: 512, name_to_code: {},
    });
    expect(c.rosout).toEqual({
      enabled: true, rosout_topic: '/rosout', severity_floor: 30, code_prefix: 'LOG', exclude_nodes: [], include_only_nodes: [],
      max_tracked_nodes: 512, report_cooldown_sec: 5, exclude_medkit_stack: true,
    });
    expect(c.actions).toEqual({
      enabled: true, aborted_severity: 2, canceled_is_fault: false, heal_on_succeeded: true, rescan_period_sec: 2, retry_period_sec: 0.05,
      code_prefix: 'ACTION', exclude_actions: [], include_only_actions: [], dedup_capacity: 4096,
    });
  });
});

describe('diagnostic bridge options (docs/faults.md)', () => {
  it('enabled and diagnostics_topic (empty → /diagnostics)', () => {
    expect(configs({ [D('enabled')]: false }).diagnostics.enabled).toBe(false);
    expect(configs({ [D('diagnostics_topic')]: '/robot/diagnostics' }).diagnostics.diagnostics_topic).toBe('/robot/diagnostics');
    expect(configs({ [D('diagnostics_topic')]: '' }).diagnostics.diagnostics_topic).toBe('/diagnostics');
  });

  it('name_to_code entries from flags and from a YAML file (names with spaces and dots) win over every other rule', () => {
    const dir = mkdtempSync(join(tmpdir(), 'medkit-bridge-cfg-'));
    dirs.push(dir);
    const file = join(dir, 'gateway.yaml');
    writeFileSync(file, 'faults:\n  bridges:\n    diagnostics:\n      keyvalue_codes: [code]\n      name_to_code:\n        motor temp: MOTOR_OVERHEAT\n        "lidar.driver": LIDAR_DOWN\n        broken: [1, 2]\n');
    const log = new MemoryLogger();
    const fromFile = configs({}, file, log).diagnostics;
    expect(fromFile.name_to_code).toEqual({ 'motor temp': 'MOTOR_OVERHEAT', 'lidar.driver': 'LIDAR_DOWN' });
    const b = new DiagnosticBridge(fromFile);
    expect(b.codeFor(status('motor temp', 2, { values: [{ key: 'code', value: 'KV' }] }))).toBe('MOTOR_OVERHEAT');
    expect(b.codeFor(status('lidar.driver', 2))).toBe('LIDAR_DOWN');
    expect(b.codeFor(status('other', 2, { values: [{ key: 'code', value: 'KV' }] }))).toBe('KV');

    const fromFlags = configs({ [D('name_to_code.battery')]: 'BATTERY_LOW' }).diagnostics;
    expect(new DiagnosticBridge(fromFlags).codeFor(status('battery', 1))).toBe('BATTERY_LOW');
  });

  it('keyvalue_codes are tried in configured order, empty entries removed', () => {
    const c = configs({ [D('keyvalue_codes')]: ['', 'fault', 'code'] }).diagnostics;
    expect(c.keyvalue_codes).toEqual(['fault', 'code']);
    const b = new DiagnosticBridge(c);
    expect(b.codeFor(status('x', 2, { values: [{ key: 'code', value: 'C1' }, { key: 'fault', value: 'F1' }] }))).toBe('F1');
    expect(b.codeFor(status('x', 2, { values: [{ key: 'code', value: 'C1' }] }))).toBe('C1');
  });

  it('auto_generate_codes false drops statuses without a mapped code', () => {
    const b = new DiagnosticBridge(configs({ [D('auto_generate_codes')]: false }).diagnostics);
    expect(b.convert({ status: [status('motor temp', 2)] })).toEqual([]);
    expect(new DiagnosticBridge(configs().diagnostics).convert({ status: [status('motor temp', 2)] }).map((r) => r.code)).toEqual(['MOTOR_TEMP']);
  });

  it('use_hardware_id_as_source_id takes a path-like hardware_id, else the bridge FQN', () => {
    const b = new DiagnosticBridge(configs({ [D('use_hardware_id_as_source_id')]: 'true' }).diagnostics, '/fault_manager');
    const out = b.convert({ status: [status('a', 2, { hardware_id: '/base/motor' }), status('b', 2, { hardware_id: 'motor' })] });
    expect(out.map((r) => r.source_id)).toEqual(['/base/motor', '/fault_manager']);
    expect(new DiagnosticBridge(configs().diagnostics, '/fault_manager').convert({ status: [status('a', 2, { hardware_id: '/base/motor' })] })[0].source_id).toBe('/fault_manager');
  });

  // Issue 66: a value outside a declared range stops start-up (the reference clamped it).
  it('max_tracked_sources is 1 to 2^31-1; outside, start-up stops', () => {
    expect(refused({ [D('max_tracked_sources')]: 0 })).toThrow(/max_tracked_sources=0 .*allowed range 1–2147483647; refusing to start/);
    expect(refused({ [D('max_tracked_sources')]: 2 ** 40 })).toThrow(/refusing to start/);
    expect(configs({ [D('max_tracked_sources')]: 7 }).diagnostics.max_tracked_sources).toBe(7);
  });
});

describe('log bridge options (docs/faults.md)', () => {
  const log = (name: string, level: number, msg = 'something failed') => ({ name, level, msg });

  it('enabled and rosout_topic', () => {
    expect(configs({ [R('enabled')]: false }).rosout.enabled).toBe(false);
    expect(configs({ [R('rosout_topic')]: '/robot/rosout' }).rosout.rosout_topic).toBe('/robot/rosout');
  });

  it('severity_floor (0 to 50, else start-up stops) drops lower levels; INFO never passes', () => {
    const b = new LogBridge(configs({ [R('severity_floor')]: 40 }).rosout);
    expect(b.convert(log('ctrl', 30))).toBeNull();
    expect(b.convert(log('ctrl', 40))).toMatchObject({ severity: 2 });
    expect(refused({ [R('severity_floor')]: 99 })).toThrow(/severity_floor=99 .*0–50; refusing to start/);
    expect(refused({ [R('severity_floor')]: -5 })).toThrow(/refusing to start/);
    expect(new LogBridge(configs({ [R('severity_floor')]: 0 }).rosout).convert(log('ctrl', 20))).toBeNull();
  });

  it('code_prefix is upper-snake normalised, at most 32 characters, empty → LOG', () => {
    expect(new LogBridge(configs({ [R('code_prefix')]: 'my-robot' }).rosout).convert(log('ctrl', 30, 'oops 42'))!.code).toBe('MY_ROBOT_CTRL_0bf0b26e');
    expect(configs({ [R('code_prefix')]: 'x'.repeat(40) }).rosout.code_prefix).toBe('X'.repeat(32));
    expect(configs({ [R('code_prefix')]: '' }).rosout.code_prefix).toBe('LOG');
    expect(new LogBridge(configs().rosout).convert(log('ctrl', 30, 'oops 42'))!.code).toBe('LOG_CTRL_0bf0b26e');
  });

  it('include_only_nodes then exclude_nodes, substring match on the source FQN', () => {
    const b = new LogBridge(configs({ [R('include_only_nodes')]: 'nav,planner', [R('exclude_nodes')]: ['nav_noisy'] }).rosout);
    expect(b.convert(log('nav_main', 30))).not.toBeNull();
    expect(b.convert(log('planner_server', 30))).not.toBeNull();
    expect(b.convert(log('nav_noisy', 30))).toBeNull();
    expect(b.convert(log('arm', 30))).toBeNull();
  });

  it('max_tracked_nodes is 1 to 2^31-1; outside, start-up stops', () => {
    expect(configs({ [R('max_tracked_nodes')]: 3 }).rosout.max_tracked_nodes).toBe(3);
    expect(refused({ [R('max_tracked_nodes')]: -1 })).toThrow(/max_tracked_nodes=-1 .*refusing to start/);
  });

  it('report_cooldown_sec suppresses repeated ERRORs; 0 disables; negative or non-numeric stops start-up', () => {
    let t = 0;
    const b = new LogBridge(configs({ [R('report_cooldown_sec')]: 2 }).rosout, '/log_bridge', () => t);
    expect(b.convert(log('ctrl', 40))).not.toBeNull();
    t = 1500;
    expect(b.convert(log('ctrl', 40))).toBeNull();
    t = 2000;
    expect(b.convert(log('ctrl', 40))).not.toBeNull();
    const off = new LogBridge(configs({ [R('report_cooldown_sec')]: 0 }).rosout, '/log_bridge', () => 0);
    expect([off.convert(log('ctrl', 40)), off.convert(log('ctrl', 40))].every((r) => r !== null)).toBe(true);
    expect(refused({ [R('report_cooldown_sec')]: -1 })).toThrow(/report_cooldown_sec=-1 .*refusing to start/);
    expect(refused({ [R('report_cooldown_sec')]: 'soon' })).toThrow(/report_cooldown_sec="soon" .*expected a number/);
  });

  it(`a /rosout flood of distinct ERRORs keeps ${MAX_COOLDOWN_CODES} codes in the cool-down table, the oldest going first`, () => {
    const b = new LogBridge(configs({ [R('report_cooldown_sec')]: 3600 }).rosout, '/log_bridge', () => 0);
    // Codes hash the message's letters only, so each message is a distinct word.
    const word = (i: number) => `failure ${[...i.toString(26)].map((d) => String.fromCharCode(97 + parseInt(d, 26))).join('')}x`;
    const flood = 3 * MAX_COOLDOWN_CODES;
    for (let i = 0; i < flood; i++) expect(b.convert(log('ctrl', 40, word(i)))).not.toBeNull();
    // Within the hour: the newest codes are still cooling down, the oldest were evicted and pass again.
    expect(b.convert(log('ctrl', 40, word(flood - 1)))).toBeNull();
    expect(b.convert(log('ctrl', 40, word(flood - MAX_COOLDOWN_CODES)))).toBeNull();
    expect(b.convert(log('ctrl', 40, word(0)))).not.toBeNull();
  });

  it('exclude_medkit_stack false lets the stack\'s own logs through', () => {
    expect(new LogBridge(configs().rosout).convert(log('fault_manager', 40))).toBeNull();
    expect(new LogBridge(configs({ [R('exclude_medkit_stack')]: false }).rosout).convert(log('fault_manager', 40))).toMatchObject({ source_id: '/fault_manager' });
  });
});

describe('action status bridge options (docs/faults.md)', () => {
  const run = (flags: FlatConfig, log?: MemoryLogger) => {
    const sent: BridgeReport[] = [];
    const b = new ActionStatusBridge(configs(flags).actions, (r) => (sent.push(r), true), log);
    return { b, sent };
  };

  it('enabled false reports nothing', () => {
    const { b, sent } = run({ [A('enabled')]: false });
    b.onStatus('/nav/_action/status', goals(GoalStatus.ABORTED));
    expect(sent).toEqual([]);
  });

  it('aborted_severity (0..3, else start-up stops)', () => {
    const { b, sent } = run({ [A('aborted_severity')]: 3 });
    b.onStatus('/nav/_action/status', goals(GoalStatus.ABORTED));
    expect(sent[0]).toMatchObject({ code: 'ACTION_NAV_ABORTED', severity: 3 });
    expect(refused({ [A('aborted_severity')]: 9 })).toThrow(/aborted_severity=9 .*0–3; refusing to start/);
    expect(configs({ [A('aborted_severity')]: 0 }).actions.aborted_severity).toBe(0);
  });

  it('canceled_is_fault turns CANCELED into a ..._CANCELED fault', () => {
    const off = run({});
    off.b.onStatus('/nav/_action/status', goals(GoalStatus.CANCELED));
    expect(off.sent).toEqual([]);
    const on = run({ [A('canceled_is_fault')]: true });
    on.b.onStatus('/nav/_action/status', goals(GoalStatus.CANCELED));
    expect(on.sent.map((r) => [r.code, r.passed])).toEqual([['ACTION_NAV_CANCELED', false]]);
  });

  it('heal_on_succeeded false never reports PASSED', () => {
    for (const [flags, expected] of [[{}, [false, true]], [{ [A('heal_on_succeeded')]: false }, [false]]] as const) {
      const { b, sent } = run(flags);
      b.onStatus('/nav/_action/status', goals(GoalStatus.ABORTED));
      b.onStatus('/nav/_action/status', goals(GoalStatus.SUCCEEDED));
      expect(sent.map((r) => r.passed)).toEqual(expected);
    }
  });

  it('rescan_period_sec and retry_period_sec (≤0 → defaults)', () => {
    expect(configs({ [A('rescan_period_sec')]: 0.5, [A('retry_period_sec')]: 0.2 }).actions).toMatchObject({ rescan_period_sec: 0.5, retry_period_sec: 0.2 });
    expect(configs({ [A('rescan_period_sec')]: 0, [A('retry_period_sec')]: -1 }).actions).toMatchObject({ rescan_period_sec: 2, retry_period_sec: 0.05 });
  });

  it('code_prefix (upper snake, empty → ACTION)', () => {
    const { b, sent } = run({ [A('code_prefix')]: 'nav-goal' });
    b.onStatus('/navigate_to_pose/_action/status', goals(GoalStatus.ABORTED));
    expect(sent[0].code).toBe('NAV_GOAL_NAVIGATE_TO_POSE_ABORTED');
    expect(configs({ [A('code_prefix')]: '' }).actions.code_prefix).toBe('ACTION');
  });

  it('include_only_actions then exclude_actions, substring on the action name', () => {
    const { b, sent } = run({ [A('include_only_actions')]: ['navigate'], [A('exclude_actions')]: 'navigate_through' });
    for (const a of ['/navigate_to_pose', '/navigate_through_poses', '/dock']) b.onStatus(`${a}/_action/status`, goals(GoalStatus.ABORTED));
    expect(sent.map((r) => r.code)).toEqual(['ACTION_NAVIGATE_TO_POSE_ABORTED']);
  });

  it('dedup_capacity bounds the goals whose abort is logged once (below 1, start-up stops)', () => {
    const log = new MemoryLogger();
    const { b } = run({ [A('dedup_capacity')]: 1 }, log);
    b.onStatus('/nav/_action/status', goals(GoalStatus.ABORTED));
    b.onStatus('/nav/_action/status', goals(GoalStatus.ABORTED));
    expect(log.at('info')).toHaveLength(1);
    expect(log.at('info')[0]).toMatch(/goal 01000000000000000000000000000000 of \/nav aborted/);
    // A second goal evicts the first from a capacity-1 memory, so the first is logged again.
    b.onStatus('/nav/_action/status', goals(GoalStatus.SUCCEEDED, GoalStatus.ABORTED));
    b.onStatus('/nav/_action/status', goals(GoalStatus.ABORTED));
    expect(log.at('info')).toHaveLength(3);
    const big = new MemoryLogger();
    const { b: b2 } = run({}, big);
    for (let i = 0; i < 3; i++) b2.onStatus('/nav/_action/status', goals(GoalStatus.ABORTED, GoalStatus.SUCCEEDED, GoalStatus.ABORTED));
    expect(big.at('info')).toHaveLength(2);
    expect(refused({ [A('dedup_capacity')]: 0 })).toThrow(/dedup_capacity=0 .*refusing to start/);
  });
});

describe('the ROS wiring uses the configured options', () => {
  /** A node that records subscriptions instead of joining DDS, to drive the bridges' callbacks directly. */
  function fakeRos() {
    const subs = new Map<string, (m: unknown) => void>();
    const node = {
      resolveName: () => '/fault_manager',
      createSubscription: (topic: string, _type: string, cb: (m: unknown) => void) => {
        subs.set(topic, cb);
        return { close: () => subs.delete(topic) };
      },
    } as unknown as RosNode;
    const graph = {
      topics: () => [{ name: '/nav/_action/status', types: ['action_msgs/msg/GoalStatusArray'] }],
      publishersOf: () => [], nodeOfEndpoint: () => undefined, on() {}, off() {},
    } as unknown as RosGraph;
    return { subs, node, graph };
  }

  it('subscribes the configured topics, only for enabled bridges, and reports with the configured codes', () => {
    const h = harness('memory', { config: { confirmation_threshold: -1 } });
    const ros = fakeRos();
    const cfg = configs({
      [D('diagnostics_topic')]: '/robot/diagnostics', [D('name_to_code.lidar driver')]: 'LIDAR_DOWN',
      [R('enabled')]: false, [A('code_prefix')]: 'GOAL',
    });
    const bridges = new FaultBridges(ros.node, ros.graph, h.mgr, cfg, new MemoryLogger());
    bridges.start();
    try {
      expect([...ros.subs.keys()].sort()).toEqual(['/nav/_action/status', '/robot/diagnostics']);
      ros.subs.get('/robot/diagnostics')!({ status: [status('lidar driver', 3)] });
      expect(h.repo.getFault('LIDAR_DOWN')).toMatchObject({ status: 'CONFIRMED', severity: 3, reporting_sources: ['/fault_manager'] });
      ros.subs.get('/nav/_action/status')!(goals(GoalStatus.ABORTED));
      expect(h.repo.getFault('GOAL_NAV_ABORTED')).toMatchObject({ status: 'CONFIRMED', reporting_sources: ['/nav'] });
    } finally {
      bridges.stop();
    }
    expect(ros.subs.size).toBe(0);
  });

  it('an action status topic DDS-Security refuses the gateway is tried once: later rescans neither subscribe again nor warn again', () => {
    const h = harness('memory');
    const ros = fakeRos();
    let attempts = 0;
    const node = {
      ...ros.node,
      resolveName: () => '/fault_manager',
      createSubscription: () => {
        attempts++;
        throw new EndpointRefusedError('reader', 'rt/nav/_action/status', 'denied', 'our permissions: no allow rule');
      },
    } as unknown as RosNode;
    const log = new MemoryLogger();
    const bridges = new FaultBridges(node, ros.graph, h.mgr, configs({ [D('enabled')]: false, [R('enabled')]: false }), log);
    bridges.start();
    try {
      for (let i = 0; i < 5; i++) bridges.rescan();
      expect(attempts).toBe(1);
      expect(log.at('warn').filter((m) => m.includes('/nav/_action/status'))).toHaveLength(1);
    } finally {
      bridges.stop();
    }
  });

  it('max_tracked_sources bounds the diagnostic bridge\'s reporters', () => {
    const h = harness('memory');
    const ros = fakeRos();
    const log = new MemoryLogger();
    const cfg = configs({ [D('use_hardware_id_as_source_id')]: true, [D('max_tracked_sources')]: 1, [R('enabled')]: false, [A('enabled')]: false });
    const bridges = new FaultBridges(ros.node, ros.graph, h.mgr, cfg, log);
    bridges.start();
    try {
      expect([...ros.subs.keys()]).toEqual(['/diagnostics']);
      ros.subs.get('/diagnostics')!({ status: [status('a', 3, { hardware_id: '/one' }), status('b', 3, { hardware_id: '/two' })] });
      expect(log.at('warn').some((m) => m.includes('more than 1 reporting sources'))).toBe(true);
    } finally {
      bridges.stop();
    }
  });
});
