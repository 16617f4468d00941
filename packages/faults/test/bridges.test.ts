// Bridges (docs/faults.md) as pure converters, and their reports reaching a real fault manager through reporters.
import { describe, expect, it } from 'vitest';
import { DiagnosticBridge, sanitizeDiagnosticBridgeConfig } from '../src/bridges/diagnostic-bridge.js';
import { LogBridge, logFaultCode, normaliseLogMessage, sanitizeLogBridgeConfig } from '../src/bridges/log-bridge.js';
import { ActionStatusBridge, actionFaultCode, actionNameOf, sanitizeActionBridgeConfig, GoalStatus } from '../src/bridges/action-status-bridge.js';
import { fnv1a32, hex8, upperSnake } from '../src/bridges/naming.js';
import type { BridgeReport } from '../src/bridges/report.js';
import { MemoryLogger } from '../src/log.js';
import { FaultReporter, localTransport } from '../src/reporter/fault-reporter.js';
import { harness } from '../../../test-support/faults-harness.js';

const status = (name: string, level: number, extra: Partial<{ message: string; hardware_id: string; values: { key: string; value: string }[] }> = {}) =>
  ({ name, level, message: extra.message ?? `${name} msg`, hardware_id: extra.hardware_id ?? '', values: extra.values ?? [] });

const arr = (...codes: number[]) => ({ status_list: codes.map((status) => ({ status })) });

describe('naming helpers', () => {
  it('FNV-1a matches the published vectors', () => {
    expect(['', 'a', 'foobar'].map((s) => hex8(fnv1a32(s)))).toEqual(['811c9dc5', 'e40c292c', 'bf9cf968']);
  });
  it('upper-snake collapses separators', () => {
    expect(['motor temp', 'motor: Status', '/robot/sensor', 'motor::temp', 'motor - temp', '/motor', 'motor/'].map(upperSnake))
      .toEqual(['MOTOR_TEMP', 'MOTOR_STATUS', 'ROBOT_SENSOR', 'MOTOR_TEMP', 'MOTOR_TEMP', 'MOTOR', 'MOTOR']);
  });
});

describe('diagnostic bridge (docs/faults.md)', () => {
  it('maps levels, STALE to CRITICAL, OK to PASSED', () => {
    const b = new DiagnosticBridge(sanitizeDiagnosticBridgeConfig());
    const out = b.convert({ status: [status('motor temp', 0), status('motor temp', 1), status('motor temp', 2), status('motor temp', 3), status('motor temp', 7)] });
    expect(out.map((r) => [r.code, r.passed, r.severity])).toEqual([
      ['MOTOR_TEMP', true, 0], ['MOTOR_TEMP', false, 1], ['MOTOR_TEMP', false, 2], ['MOTOR_TEMP', false, 3], ['MOTOR_TEMP', false, 2],
    ]);
    expect(out[1]).toMatchObject({ source_id: '/diagnostic_bridge', description: 'motor temp msg' });
  });

  it('derives codes from name_to_code, then key-value codes in order, then the name', () => {
    const b = new DiagnosticBridge(sanitizeDiagnosticBridgeConfig({ name_to_code: { motor_temp: 'MOTOR_OVERHEAT' }, keyvalue_codes: ['', 'code', 'fault'] }));
    const codes = b.convert({ status: [
      status('motor_temp', 2),
      status('x', 2, { values: [{ key: 'fault', value: 'F1' }, { key: 'code', value: 'C1' }] }),
      status('Battery: Level', 2),
    ] }).map((r) => r.code);
    expect(codes).toEqual(['MOTOR_OVERHEAT', 'C1', 'BATTERY_LEVEL']);
  });

  it('drops statuses without a code (throttled warning) and uses path hardware ids as sources', () => {
    const log = new MemoryLogger();
    let t = 0;
    const b = new DiagnosticBridge(sanitizeDiagnosticBridgeConfig({ auto_generate_codes: false, use_hardware_id_as_source_id: true, keyvalue_codes: ['code'] }), '/diag', () => t, log);
    expect(b.convert({ status: [status('a', 2), status('b', 2)] })).toEqual([]);
    expect(log.at('warn')).toHaveLength(1);
    t = 6000;
    b.convert({ status: [status('c', 2)] });
    expect(log.at('warn')).toHaveLength(2);
    const out = b.convert({ status: [status('a', 2, { hardware_id: '/base/motor', values: [{ key: 'code', value: 'M' }] }), status('a', 2, { hardware_id: 'serial42', values: [{ key: 'code', value: 'M' }] })] });
    expect(out.map((r) => r.source_id)).toEqual(['/base/motor', '/diag']);
  });
});

describe('log bridge (docs/faults.md)', () => {
  it('generates stable codes from node and normalised message', () => {
    expect(normaliseLogMessage('failed to create plan to (100.0, 100.0)')).toBe('failed to create plan to');
    expect(logFaultCode('LOG', '/ctrl', 'oops 42')).toBe('LOG_CTRL_0bf0b26e');
    expect(logFaultCode('LOG', '/planner_server', 'failed to create plan to (100.0, 100.0)')).toBe('LOG_PLANNER_SERVER_ac8dd4db');
    expect(logFaultCode('LOG', '/planner_server', 'failed to create plan to (3.5, -2.0)')).toBe('LOG_PLANNER_SERVER_ac8dd4db');
    expect(logFaultCode('LOG', '/x', '1 2 3')).toBe(`LOG_X_${hex8(fnv1a32('_NOMSG'))}`);
    const long = logFaultCode('LOG', '/' + 'n'.repeat(80), 'm');
    expect(long.length).toBeLessThanOrEqual(64);
    expect(long.endsWith(hex8(fnv1a32('_NOMSG')))).toBe(true);
  });

  it('filters by level, own logs, the medkit stack and node lists', () => {
    const b = new LogBridge(sanitizeLogBridgeConfig({ exclude_nodes: ['noisy'], report_cooldown_sec: 0 }));
    const conv = (level: number, name: string, msg = 'bad thing') => b.convert({ level, name, msg });
    expect(conv(20, 'ctrl')).toBeNull();
    expect(conv(30, 'ctrl')).toMatchObject({ source_id: '/ctrl', severity: 1 });
    expect(conv(40, 'controller_manager.resource_manager')).toMatchObject({ source_id: '/controller_manager', severity: 2 });
    expect(conv(50, 'ctrl')!.severity).toBe(3);
    expect(conv(40, 'log_bridge')).toBeNull();
    expect(conv(40, 'fault_manager')).toBeNull();
    expect(conv(40, 'noisy_node')).toBeNull();
    const only = new LogBridge(sanitizeLogBridgeConfig({ include_only_nodes: ['nav'], severity_floor: 40 }));
    expect(only.convert({ level: 40, name: 'ctrl', msg: 'x' })).toBeNull();
    expect(only.convert({ level: 30, name: 'nav', msg: 'x' })).toBeNull();
    expect(only.convert({ level: 40, name: 'nav', msg: 'x' })).not.toBeNull();
  });

  it('suppresses repeated ERROR lines within the cooldown, per code and severity', () => {
    let t = 0;
    const b = new LogBridge(sanitizeLogBridgeConfig(), '/log_bridge', () => t);
    const err = () => b.convert({ level: 40, name: 'ctrl', msg: 'oops' });
    expect(err()).not.toBeNull();
    t = 1000;
    expect(err()).toBeNull();
    expect(b.convert({ level: 50, name: 'ctrl', msg: 'oops' })).not.toBeNull();
    expect(b.convert({ level: 30, name: 'ctrl', msg: 'oops' })).not.toBeNull(); // WARN is left to the reporter
    t = 6000;
    expect(err()).not.toBeNull();
  });

  it('sanitises its parameters', () => {
    expect(sanitizeLogBridgeConfig({ severity_floor: 99, code_prefix: 'my-prefix', report_cooldown_sec: -1 })).toMatchObject({ severity_floor: 50, code_prefix: 'MY_PREFIX', report_cooldown_sec: 5 });
    expect(sanitizeLogBridgeConfig({ code_prefix: '--' }).code_prefix).toBe('LOG');
  });
});

describe('action status bridge (docs/faults.md)', () => {

  it('names codes after the action and keeps long names unique', () => {
    expect(actionNameOf('/navigate_to_pose/_action/status')).toBe('/navigate_to_pose');
    expect(actionNameOf('/_action/status')).toBeNull();
    expect(actionFaultCode('ACTION', '/navigate_to_pose', 'ABORTED')).toBe('ACTION_NAVIGATE_TO_POSE_ABORTED');
    expect(actionFaultCode('ACTION', '/move_action', 'CANCELED')).toBe('ACTION_MOVE_ACTION_CANCELED');
    const a = actionFaultCode('ACTION', '/very/long/namespace/prefix/shared/by/two/actions/number_one', 'ABORTED');
    const b = actionFaultCode('ACTION', '/very/long/namespace/prefix/shared/by/two/actions/number_two', 'ABORTED');
    expect(a.length).toBeLessThanOrEqual(64);
    expect(a.endsWith('_ABORTED')).toBe(true);
    expect(a).not.toBe(b);
    expect(a).toMatch(/_[0-9A-F]{4}_ABORTED$/);
  });

  it('reports only transitions; heals on success; retries while the manager is not ready', () => {
    const sent: BridgeReport[] = [];
    let ready = true;
    const b = new ActionStatusBridge(sanitizeActionBridgeConfig(), (r) => { if (!ready) return false; sent.push(r); return true; });
    const topic = '/navigate_to_pose/_action/status';
    b.onStatus(topic, arr(GoalStatus.SUCCEEDED), '/bt_navigator');
    expect(sent).toEqual([]);
    b.onStatus(topic, arr(GoalStatus.SUCCEEDED, GoalStatus.ABORTED), '/bt_navigator');
    b.onStatus(topic, arr(GoalStatus.ABORTED), '/bt_navigator');
    expect(sent).toEqual([{ source_id: '/bt_navigator', code: 'ACTION_NAVIGATE_TO_POSE_ABORTED', passed: false, severity: 2, description: 'Action /navigate_to_pose aborted' }]);
    ready = false;
    b.onStatus(topic, arr(GoalStatus.SUCCEEDED));
    expect(b.hasPending).toBe(true);
    ready = true;
    b.retryPending();
    expect(b.hasPending).toBe(false);
    expect(sent.at(-1)).toMatchObject({ code: 'ACTION_NAVIGATE_TO_POSE_ABORTED', passed: true });
    b.onStatus(topic, arr(GoalStatus.EXECUTING));
    expect(sent).toHaveLength(2);
  });

  it('treats canceled goals as faults when configured, and heals vanished failed actions on rescan', () => {
    const sent: BridgeReport[] = [];
    const b = new ActionStatusBridge(sanitizeActionBridgeConfig({ canceled_is_fault: true, aborted_severity: 9 }), (r) => { sent.push(r); return true; });
    b.onStatus('/move_action/_action/status', arr(GoalStatus.CANCELED), '/mover');
    expect(sent[0]).toMatchObject({ code: 'ACTION_MOVE_ACTION_CANCELED', severity: 2 });
    b.rescan([]);
    expect(sent.slice(1).map((r) => [r.code, r.passed])).toEqual([['ACTION_MOVE_ACTION_ABORTED', true], ['ACTION_MOVE_ACTION_CANCELED', true]]);
  });
});

describe('bridge reports reach the fault manager through reporters', () => {
  it('a STALE diagnostic confirms at once; an aborted navigation becomes ACTION_NAVIGATE_TO_POSE_ABORTED', () => {
    const h = harness('memory', { config: { confirmation_threshold: -3 } });
    const transport = localTransport(h.mgr);
    const diag = new DiagnosticBridge(sanitizeDiagnosticBridgeConfig());
    const reporter = new FaultReporter(transport, '/diagnostic_bridge', { now: () => h.clock.monoMs() });
    for (const r of diag.convert({ status: [status('lidar driver', 3, { message: 'no data' })] })) reporter.report(r.code, r.severity, r.description);
    expect(h.repo.getFault('LIDAR_DRIVER')).toMatchObject({ status: 'CONFIRMED', severity: 3, description: 'no data', reporting_sources: ['/diagnostic_bridge'] });

    const actionReporter = new FaultReporter(transport, '/bt_navigator', { filter: { enabled: false } });
    const action = new ActionStatusBridge(sanitizeActionBridgeConfig({ aborted_severity: 3 }), (r) => (r.passed ? actionReporter.reportPassed(r.code) : actionReporter.report(r.code, r.severity, r.description)));
    action.onStatus('/navigate_to_pose/_action/status', arr(GoalStatus.ABORTED), '/bt_navigator');
    expect(h.repo.getFault('ACTION_NAVIGATE_TO_POSE_ABORTED')).toMatchObject({ status: 'CONFIRMED', reporting_sources: ['/bt_navigator'] });
  });

  it("moves a fault raised before discovery named the action server to the server's node (the reference's Forthcoming, #467)", () => {
    const h = harness('memory');
    const sent: BridgeReport[] = [];
    // As the ROS wiring does (faults/ros/bridges.ts): report, then drop the superseded source.
    const action = new ActionStatusBridge(sanitizeActionBridgeConfig(), (r) => {
      sent.push(r);
      const ok = h.mgr.report({ fault_code: r.code, event_type: r.passed ? 1 : 0, severity: r.severity, description: r.description, source_id: r.source_id }).accepted;
      if (ok && r.supersedes) h.mgr.dropSource(r.code, r.supersedes);
      return ok;
    });
    const topic = '/dock/_action/status';
    action.onStatus(topic, arr(GoalStatus.ABORTED));
    expect(h.repo.getFault('ACTION_DOCK_ABORTED')?.reporting_sources).toEqual(['/dock']);
    action.onStatus(topic, arr(GoalStatus.ABORTED), '/docking_server');
    expect(sent.at(-1)).toMatchObject({ source_id: '/docking_server', passed: false, supersedes: '/dock' });
    expect(h.repo.getFault('ACTION_DOCK_ABORTED')).toMatchObject({ status: 'CONFIRMED', reporting_sources: ['/docking_server'] });
    // Known from the start: fixed at first report, never moved.
    action.onStatus('/nav/_action/status', arr(GoalStatus.ABORTED), '/nav_server');
    action.onStatus('/nav/_action/status', arr(GoalStatus.ABORTED), '/other');
    expect(h.repo.getFault('ACTION_NAV_ABORTED')?.reporting_sources).toEqual(['/nav_server']);
    // A healed fault is left alone: the next report already goes to the server.
    action.onStatus('/lift/_action/status', arr(GoalStatus.SUCCEEDED));
    action.onStatus('/lift/_action/status', arr(GoalStatus.ABORTED), '/lift_server');
    expect(h.repo.getFault('ACTION_LIFT_ABORTED')?.reporting_sources).toEqual(['/lift_server']);
  });
});

describe('protocol-point detection (docs/faults.md)', () => {
  it('evaluates thresholds, status words and enums; undecidable values emit nothing', async () => {
    const { evaluatePoint, EdgeTracker } = await import('@medkit/plugin-api');
    const th = { kind: 'threshold' as const, fault_code: 'HOT', threshold: 80, above: true };
    expect(evaluatePoint(85, th)).toEqual([{ fault_code: 'HOT', active: true, severity: 'ERROR', message: 'HOT' }]);
    expect(evaluatePoint(false, { ...th, above: false })[0].active).toBe(true);
    expect([evaluatePoint('85', th), evaluatePoint(NaN, th), evaluatePoint(Infinity, th)]).toEqual([[], [], []]);
    const sw = { kind: 'status_word' as const, width: 4, bits: [{ bit: 0, fault_code: 'B0' }, { bit: 5, fault_code: 'B5' }] };
    expect(evaluatePoint(0b100001, sw).map((s) => s.active)).toEqual([true, false]);
    expect(evaluatePoint(1.5, sw)).toEqual([]);
    const en = { kind: 'enum' as const, ok_value: 0, codes: { '3': { fault_code: 'E3', severity: 'CRITICAL' as const } }, unknown_fault: { fault_code: 'EUNK' } };
    expect(evaluatePoint(3, en).map((s) => [s.fault_code, s.active])).toEqual([['E3', true], ['EUNK', false]]);
    expect(evaluatePoint(9, en).find((s) => s.active)).toMatchObject({ fault_code: 'EUNK', message: 'unmapped fault code 9' });
    expect(evaluatePoint(0, en).some((s) => s.active)).toBe(false);
    const t = new EdgeTracker();
    expect(t.update(evaluatePoint(10, th))).toEqual([]);
    expect(t.update(evaluatePoint(90, th)).map((s) => s.active)).toEqual([true]);
    expect(t.update(evaluatePoint(95, th))).toEqual([]);
    expect(t.update(evaluatePoint('x', th))).toEqual([]);
    expect(t.update(evaluatePoint(10, th)).map((s) => s.active)).toEqual([false]);
  });
});
