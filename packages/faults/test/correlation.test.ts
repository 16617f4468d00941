// Correlation (docs/faults.md): rules file validation, root cause → symptoms muting and cascade clear,
// auto clusters, list visibility (Q5), cleanup.
import { afterEach, describe, expect, it } from 'vitest';
import { globToRegExp, parseCorrelationConfig } from '../src/correlation/config.js';
import { CORRELATION_LIMITS, CorrelationEngine } from '../src/correlation/engine.js';
import { queryFaults } from '../src/query/list.js';
import { faultListEnvelope, faultListItem } from '../src/query/rest-views.js';
import { cleanupDirs, harness } from '../../../test-support/faults-harness.js';

afterEach(cleanupDirs);

const RULES = `
correlation:
  enabled: true
  default_window_ms: 500
  patterns:
    motor_errors: { codes: ["MOTOR_COMM_*", "MOTOR_TIMEOUT_*"] }
    comm_errors:  { codes: ["*_COMM_LOST"] }
  rules:
    - id: estop_cascade
      name: "E-Stop Cascade"
      root_cause: { codes: ["ESTOP_001"] }
      symptoms: [ {pattern: motor_errors}, {codes: ["DRIVE_*"]} ]
      window_ms: 1000
    - id: comm_storm
      mode: auto_cluster
      match: [ {pattern: comm_errors} ]
      min_count: 3
      window_ms: 500
      representative: highest_severity
`;

describe('correlation config (docs/faults.md)', () => {
  it('matches whole-string globs literally except *', () => {
    expect(globToRegExp('MOTOR_*').test('MOTOR_COMM_1')).toBe(true);
    expect(globToRegExp('A.B*').test('AXB1')).toBe(false);
    expect(globToRegExp('*_X').test('Y_X_Z')).toBe(false);
  });

  it('parses rules with defaults', () => {
    const c = parseCorrelationConfig(RULES);
    expect(c.enabled).toBe(true);
    expect(c.rules.map((r) => [r.id, r.mode, r.name, r.window_ms])).toEqual([['estop_cascade', 'hierarchical', 'E-Stop Cascade', 1000], ['comm_storm', 'auto_cluster', 'comm_storm', 500]]);
  });

  it('disables correlation on errors and reports warnings', () => {
    const bad = (rules: string) => parseCorrelationConfig(`correlation:\n  enabled: true\n  rules:\n${rules}`);
    expect(bad('    - id: a\n      root_cause: {codes: [X]}\n    - id: a\n      root_cause: {codes: [Y]}\n').errors[0]).toContain("duplicate rule id 'a'");
    expect(bad('    - id: a\n      mode: hierarchical\n').enabled).toBe(false);
    expect(bad('    - id: a\n      root_cause: {codes: [X]}\n      symptoms: [{pattern: nope}]\n').errors[0]).toContain("unknown pattern 'nope'");
    expect(bad('    - id: a\n      mode: auto_cluster\n      match: [{codes: [X]}]\n      min_count: 0\n').enabled).toBe(false);
    expect(bad('    - id: a\n      root_cause: {codes: [X]}\n      window_ms: 0\n').enabled).toBe(false);
    expect(bad('    - id: a\n      mode: sideways\n').enabled).toBe(false);
    expect(bad('    - id: a\n      mode: cluster\n      match: [{codes: [X]}]\n      representative: loudest\n').enabled).toBe(false);
    const warn = bad('    - id: a\n      mode: autocluster\n      match: [{codes: [X]}]\n      min_count: 1\n      window_ms: 70000\n');
    expect(warn.enabled).toBe(true);
    expect(warn.warnings).toHaveLength(2);
    expect(parseCorrelationConfig('correlation:\n  enabled: false\n').enabled).toBe(false);
    expect(parseCorrelationConfig(': not yaml : [').errors).toHaveLength(1);
  });
});

describe('correlation in the fault manager (docs/faults.md)', () => {
  const setup = () => harness('memory', { correlation: parseCorrelationConfig(RULES) });

  it('mutes symptoms after their root cause: no events, hidden from lists unless include_muted', () => {
    const h = setup();
    h.F('ESTOP_001', 3);
    expect(h.takeEvents()).toEqual(['fault_confirmed']);
    h.clock.advance(200);
    h.F('MOTOR_COMM_1');
    h.F('DRIVE_LEFT');
    h.F('DRIVE_LEFT');
    expect(h.takeEvents()).toEqual([]);
    expect(h.repo.getFault('MOTOR_COMM_1')!.status).toBe('CONFIRMED');
    const list = queryFaults(h.mgr);
    expect(list.faults.map((f) => f.fault_code)).toEqual(['ESTOP_001']);
    expect(list.muted_count).toBe(2);
    const all = queryFaults(h.mgr, { includeMuted: true });
    expect(all.faults.map((f) => f.fault_code).sort()).toEqual(['DRIVE_LEFT', 'ESTOP_001', 'MOTOR_COMM_1']);
    expect(all.muted_faults.find((m) => m.fault_code === 'MOTOR_COMM_1')).toMatchObject({ root_cause_code: 'ESTOP_001', rule_id: 'estop_cascade', delay_ms: 201 });
    const body = faultListEnvelope(all, all.faults.map((f) => faultListItem(f)), { includeMuted: true });
    expect(body['x-medkit']).toMatchObject({ count: 3, muted_count: 2, cluster_count: 0 });
  });

  it('does not correlate a symptom reported before its root cause or after the window', () => {
    const h = setup();
    h.F('MOTOR_COMM_1');
    h.F('ESTOP_001', 3);
    h.clock.advance(1500);
    h.F('DRIVE_LEFT');
    expect(h.takeEvents()).toEqual(['fault_confirmed', 'fault_confirmed', 'fault_confirmed']);
    expect(queryFaults(h.mgr).muted_count).toBe(0);
  });

  it('clearing the root cause clears its symptoms in one fault_cleared event', () => {
    const h = setup();
    h.F('ESTOP_001', 3);
    h.F('MOTOR_COMM_1');
    h.F('DRIVE_LEFT');
    h.takeEvents();
    const out = h.mgr.clear('ESTOP_001');
    expect(out).toEqual({ success: true, message: 'Fault cleared: ESTOP_001 (auto-cleared 2 symptoms)', auto_cleared_codes: ['DRIVE_LEFT', 'MOTOR_COMM_1'] });
    expect(h.takeEvents()).toEqual(['fault_cleared']);
    expect(h.events.at(-1)!.auto_cleared_codes).toEqual(['DRIVE_LEFT', 'MOTOR_COMM_1']);
    expect(['ESTOP_001', 'MOTOR_COMM_1', 'DRIVE_LEFT'].map((c) => h.repo.getFault(c)!.status)).toEqual(['CLEARED', 'CLEARED', 'CLEARED']);
    expect(queryFaults(h.mgr, { statuses: ['CLEARED'] }).muted_count).toBe(0);
  });

  it('a per-entity clear (skip_correlation_auto_clear) does not cascade and keeps symptoms muted', () => {
    const h = setup();
    h.F('ESTOP_001', 3);
    h.F('MOTOR_COMM_1');
    expect(h.mgr.clear('ESTOP_001', { skipCorrelationAutoClear: true }).auto_cleared_codes).toEqual([]);
    expect(h.repo.getFault('MOTOR_COMM_1')!.status).toBe('CONFIRMED');
    expect(queryFaults(h.mgr).faults.map((f) => f.fault_code)).toEqual([]);
  });

  it('D2: re-reporting the root cause keeps symptoms already attributed to it', () => {
    const h = setup();
    h.F('ESTOP_001', 3);
    h.F('MOTOR_COMM_1');
    h.clock.advance(600);
    h.F('ESTOP_001', 3);
    h.F('DRIVE_X');
    expect(h.mgr.clear('ESTOP_001').auto_cleared_codes).toEqual(['DRIVE_X', 'MOTOR_COMM_1']);
  });

  it('an unknown root code clears nothing in storage', () => {
    const h = setup();
    expect(h.mgr.clear('ESTOP_001').success).toBe(false);
  });

  it('auto clusters activate at min_count, mute non-representatives and hide them from lists (Q5)', () => {
    const h = setup();
    h.F('A_COMM_LOST', 1);
    h.F('B_COMM_LOST', 2);
    expect(h.takeEvents()).toEqual(['fault_confirmed', 'fault_confirmed']);
    h.F('C_COMM_LOST', 1);
    expect(h.takeEvents()).toEqual([]); // activated; C is not the representative (B has the highest severity)
    const list = queryFaults(h.mgr, { includeClusters: true });
    expect(list.cluster_count).toBe(1);
    expect(list.clusters[0]).toMatchObject({ rule_id: 'comm_storm', representative_code: 'B_COMM_LOST', fault_codes: ['A_COMM_LOST', 'B_COMM_LOST', 'C_COMM_LOST'], count: 3, label: 'comm_storm' });
    expect(list.faults.map((f) => f.fault_code)).toEqual(['B_COMM_LOST']);
    expect(queryFaults(h.mgr, { includeMuted: true }).faults).toHaveLength(3);
    h.F('B_COMM_LOST', 2, '/a', 'link lost again');
    expect(h.takeEvents()).toEqual(['fault_updated']); // the representative's news is still published
    h.mgr.clear('B_COMM_LOST');
    const after = queryFaults(h.mgr, { includeClusters: true });
    expect(after.clusters[0].representative_code).toBe('A_COMM_LOST');
  });

  it('members a cluster hides after the fact are told as muted changes under the representative (issue 58)', () => {
    const h = setup();
    const muted: [string, string, string | undefined][] = [];
    h.mgr.events.subscribeMuted((c) => muted.push([c.fault.fault_code, c.event_type, c.root_cause_code]));
    h.F('A_COMM_LOST', 1);
    h.F('B_COMM_LOST', 2);
    h.F('C_COMM_LOST', 1);
    // C is muted as it comes; A, shown until now, is hidden by the activation.
    expect(muted).toEqual([['C_COMM_LOST', 'fault_confirmed', undefined], ['A_COMM_LOST', 'fault_updated', 'B_COMM_LOST']]);
    expect(h.takeEvents()).toEqual(['fault_confirmed', 'fault_confirmed']);
    // A new representative hides the one it replaces.
    muted.length = 0;
    h.F('D_COMM_LOST', 3);
    expect(muted).toEqual([['B_COMM_LOST', 'fault_updated', 'D_COMM_LOST']]);
    expect(h.takeEvents()).toEqual(['fault_confirmed']);
    expect(queryFaults(h.mgr, {}).faults.map((f) => f.fault_code)).toEqual(['D_COMM_LOST']);
  });

  it('a symptom released by its root\'s offline gateway publishes a fault_updated with its record (issue 58)', () => {
    const h = harness('memory', { correlation: parseCorrelationConfig(`
correlation:
  enabled: true
  rules:
    - id: stop
      root_cause: { codes: ["PROTECTIVE_STOP"] }
      symptoms: [ { codes: ["GOAL_ABORTED"] } ]
      window_ms: 5000
`) });
    h.mgr.correlatePeerFault('PROTECTIVE_STOP', 3, 'island');
    h.F('GOAL_ABORTED', 3, '/navigation/bt_navigator');
    expect(h.takeEvents()).toEqual([]);
    expect(h.mgr.releasePeerGateway('island')).toEqual(['GOAL_ABORTED']);
    expect(h.events.at(-1)).toMatchObject({ event_type: 'fault_updated', fault: { fault_code: 'GOAL_ABORTED', status: 'CONFIRMED' } });
    expect(h.takeEvents()).toEqual(['fault_updated']);
    // Nothing left to release: no event.
    expect(h.mgr.releasePeerGateway('island')).toEqual([]);
    expect(h.takeEvents()).toEqual([]);
  });

  it('names what hides a code, and tells a change of what is hidden once a burst, for codes it holds no record of (a peer\'s)', async () => {
    const h = setup();
    const told: string[] = [];
    h.mgr.correlation!.onChange(() => told.push(h.mgr.correlation!.hiddenFaults(0).map((m) => `${m.fault_code}<${m.root_cause_code}`).join(',')));
    const settled = () => new Promise<void>((r) => queueMicrotask(r));
    // Two peer members and one of ours: the third activates the cluster, hiding the others under the representative
    // (highest severity, B). Told after the report's own events, not during it.
    h.mgr.correlatePeerFault('A_COMM_LOST', 1, 'island');
    h.mgr.correlatePeerFault('B_COMM_LOST', 2, 'island');
    h.F('C_COMM_LOST', 1);
    expect(told).toEqual([]);
    await settled();
    expect(told).toEqual(['A_COMM_LOST<B_COMM_LOST,C_COMM_LOST<B_COMM_LOST']);
    expect(h.mgr.correlation!.hiddenUnder('A_COMM_LOST')).toBe('B_COMM_LOST');
    expect(h.mgr.correlation!.hiddenUnder('B_COMM_LOST')).toBeUndefined();
    // A report that changes nothing hidden tells nothing.
    h.F('UNRELATED', 1);
    await settled();
    expect(told).toHaveLength(1);
    // A root cause (ours) mutes a peer's symptom; cleared, it shows it again: each told.
    h.F('ESTOP_001', 3);
    h.mgr.correlatePeerFault('MOTOR_COMM_1', 2, 'island');
    await settled();
    expect(h.mgr.correlation!.hiddenUnder('MOTOR_COMM_1')).toBe('ESTOP_001');
    expect(told).toHaveLength(2);
    h.mgr.clear('ESTOP_001');
    await settled();
    expect(h.mgr.correlation!.hiddenUnder('MOTOR_COMM_1')).toBeUndefined();
    expect(told).toHaveLength(3);
    // The island's root muting our symptom, the island gone: released, told.
    h.mgr.correlatePeerFault('ESTOP_001', 3, 'island');
    h.F('DRIVE_LEFT', 2);
    await settled();
    expect(told).toHaveLength(4);
    h.mgr.releasePeerGateway('island');
    await settled();
    expect(h.mgr.correlation!.hiddenUnder('DRIVE_LEFT')).toBeUndefined();
    expect(told).toHaveLength(5);
  });

  it("keeps within its bounds whatever number of codes a peer sends: past them a fault is not correlated, never an error", () => {
    const e = new CorrelationEngine(parseCorrelationConfig(`
correlation:
  enabled: true
  rules:
    - id: stop
      root_cause: { codes: ["ROOT_*"] }
      symptoms: [ { codes: ["SYM_*"] } ]
      window_ms: 600000
    - id: storm
      mode: auto_cluster
      match: [ { codes: ["CL_*"] } ]
      min_count: 2
      window_ms: 600000
`));
    const L = CORRELATION_LIMITS;
    let t = 0;
    // Roots past the bound are not roots.
    for (let i = 0; i < L.roots + 50; i++) e.processFailed(`ROOT_${i}`, 3, t++, 0n, 'hostile');
    expect(e.pendingRootCauses()).toHaveLength(L.roots);
    expect(e.processFailed('ROOT_extra', 3, t++, 0n, 'hostile').isRootCause).toBe(false);
    // Symptoms: muted up to the bound, shown on their own past it.
    for (let i = 0; i < L.muted + 50; i++) e.processFailed(`SYM_${i}`, 2, t++, 0n, 'hostile');
    expect(e.hiddenFaults(t).filter((m) => m.fault_code.startsWith('SYM_'))).toHaveLength(Math.min(L.muted, L.symptomsPerRoot));
    expect(e.processFailed('SYM_extra', 2, t++, 0n, 'hostile').shouldMute).toBe(false);
    expect(e.hiddenUnder('SYM_extra')).toBeUndefined();
    // Cluster members past the bound are not members.
    for (let i = 0; i < L.clusterMembers + 50; i++) e.processFailed(`CL_${i}`, 2, t++, 0n, 'hostile');
    expect(e.clusters()[0].count).toBe(L.clusterMembers);
    expect(e.processFailed('CL_extra', 2, t++, 0n, 'hostile').clusterId).toBeUndefined();
  });

  it('cleanup drops expired pending clusters; a later member starts a new cluster', () => {
    const h = setup();
    h.F('A_COMM_LOST');
    h.F('B_COMM_LOST');
    h.clock.advance(6000); // cleanup timer runs every 5 s
    h.F('C_COMM_LOST');
    expect(queryFaults(h.mgr, { includeClusters: true }).cluster_count).toBe(0);
    expect(h.takeEvents()).toHaveLength(3);
  });
});

describe('correlation rules that name an entity or a gateway (docs/faults.md)', () => {
  const QUALIFIED = `
correlation:
  enabled: true
  patterns:
    aborts: { codes: ["NAV_*"] }
  rules:
    - id: island_stop
      root_cause: { codes: [PROTECTIVE_STOP], gateway: island, entity: /safety }
      symptoms: [ {pattern: aborts, entity: [/navigation/bt_navigator]}, {codes: [ISLAND_*], gateway: island} ]
      window_ms: 1000
`;
  const engine = () => new CorrelationEngine(parseCorrelationConfig(QUALIFIED));

  it('a root cause qualified by gateway and entity opens the window only for that gateway and entity', () => {
    const e = engine();
    expect(e.processFailed('PROTECTIVE_STOP', 'CRITICAL', 0, 0n).isRootCause).toBe(false);
    expect(e.processFailed('PROTECTIVE_STOP', 'CRITICAL', 0, 0n, 'other', ['/safety/safety_gate']).isRootCause).toBe(false);
    expect(e.processFailed('PROTECTIVE_STOP', 'CRITICAL', 0, 0n, 'island', ['/safetyx/gate']).isRootCause).toBe(false);
    expect(e.processFailed('PROTECTIVE_STOP', 'CRITICAL', 0, 0n, 'island', ['/safety/safety_gate']).isRootCause).toBe(true);
  });

  it("symptoms match by their own entry's entity and gateway; `local` is this gateway's own", () => {
    const e = engine();
    e.processFailed('PROTECTIVE_STOP', 'CRITICAL', 0, 0n, 'island', ['/safety']);
    // An abort from another node is no symptom; from the named node it is, on any gateway.
    expect(e.processFailed('NAV_ABORTED', 'ERROR', 10, 0n, undefined, ['/navigation/controller_server']).shouldMute).toBe(false);
    expect(e.processFailed('NAV_ABORTED', 'ERROR', 20, 0n, undefined, ['/navigation/bt_navigator']).shouldMute).toBe(true);
    // ISLAND_* only from the island, not from this gateway nor another peer.
    expect(e.processFailed('ISLAND_LOCAL', 'ERROR', 30, 0n, undefined, ['/x']).shouldMute).toBe(false);
    expect(e.processFailed('ISLAND_OTHER', 'ERROR', 30, 0n, 'other', ['/x']).shouldMute).toBe(false);
    expect(e.processFailed('ISLAND_PEER', 'ERROR', 30, 0n, 'island', ['/x']).shouldMute).toBe(true);
    expect(e.hiddenFaults(40).map((m) => m.fault_code)).toEqual(['ISLAND_PEER', 'NAV_ABORTED']);
    // Cleared, the root cascades to what it muted (its rule found by code).
    expect(e.clear('PROTECTIVE_STOP')).toEqual(['ISLAND_PEER', 'NAV_ABORTED']);

    const local = new CorrelationEngine(parseCorrelationConfig(
      'correlation:\n  enabled: true\n  rules:\n    - id: r\n      root_cause: {codes: [ROOT], gateway: [local]}\n      symptoms: [{codes: [S]}]\n',
    ));
    expect(local.processFailed('ROOT', 'ERROR', 0, 0n, 'island').isRootCause).toBe(false);
    expect(local.processFailed('ROOT', 'ERROR', 0, 0n).isRootCause).toBe(true);
  });

  it('rejects hostile or invalid qualifiers with the key named (correlation disabled)', () => {
    const bad = (q: string, where: 'root' | 'symptom' = 'root') => parseCorrelationConfig(
      `correlation:\n  enabled: true\n  rules:\n    - id: r\n      root_cause: {codes: [X]${where === 'root' ? `, ${q}` : ''}}\n      symptoms: [{codes: [Y]${where === 'symptom' ? `, ${q}` : ''}}]\n`,
    );
    for (const q of ['entity: "../etc"', 'entity: "safety"', 'entity: "/a/*"', 'entity: ""', 'entity: []', 'entity: 7', 'entity: {a: 1}', 'entity: "/a\\nb"', `entity: "/${'a'.repeat(300)}"`]) {
      const c = bad(q);
      expect(c.enabled, q).toBe(false);
      expect(c.errors[0], q).toContain("rule 'r': root_cause.entity");
    }
    for (const q of ['gateway: "is land"', 'gateway: "<script>"', `gateway: "${'g'.repeat(65)}"`, 'gateway: [island, null]', 'gateway: true']) {
      const c = bad(q, 'symptom');
      expect(c.enabled, q).toBe(false);
      expect(c.errors[0], q).toContain("rule 'r': symptoms[0].gateway");
    }
    expect(bad('entity: [/safety, /nav/bt]').enabled).toBe(true);
    expect(bad('gateway: local', 'symptom').enabled).toBe(true);
  });
});
