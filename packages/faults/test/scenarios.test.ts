// docs/faults.md: every reference scenario S1–S32 as its own test, on both storage backends.
import { afterEach, describe, expect, it } from 'vitest';
import { ThresholdResolver, sanitizeDebounce } from '../src/debounce.js';
import { validateReport } from '@medkit/sovd';
import { listFaultsRos } from '../src/query/list.js';
import { MemoryLogger } from '../src/log.js';
import type { FaultRecord } from '../src/model.js';
import { BACKENDS, cleanupDirs, harness, openRepo, tmpDir } from '../../../test-support/faults-harness.js';

afterEach(cleanupDirs);

const C3 = { confirmation_threshold: -3 };

describe.each(BACKENDS)('reference scenarios (%s storage)', (backend) => {
  it('S1: one FAILED with default config confirms immediately', () => {
    const h = harness(backend);
    h.F('X', 2, '/a');
    expect(h.state('X')).toEqual(['CONFIRMED', -1]);
    expect(h.repo.getFault('X')!.occurrence_count).toBe(1);
    expect(h.takeEvents()).toEqual(['fault_confirmed']);
  });

  it('S2: C=-3 confirms on the third FAILED, the fourth clamps (and, D4, publishes nothing new)', () => {
    const h = harness(backend, { config: C3 });
    const seen: unknown[] = [];
    for (let i = 0; i < 4; i++) { h.F('X'); seen.push([...h.state('X')!, h.takeEvents()]); }
    // [DEVIATION D4] (reference: a fault_updated): a re-report with nothing new is stored, not published.
    expect(seen).toEqual([['PREFAILED', -1, []], ['PREFAILED', -2, []], ['CONFIRMED', -3, ['fault_confirmed']], ['CONFIRMED', -3, []]]);
    expect(h.repo.getFault('X')!.occurrence_count).toBe(1);
  });

  it('S3: CRITICAL on a new code bypasses debounce', () => {
    const h = harness(backend, { config: C3 });
    h.F('X', 3);
    expect(h.state('X')).toEqual(['CONFIRMED', -1]);
    expect(h.takeEvents()).toEqual(['fault_confirmed']);
  });

  it('S4: CRITICAL on a PREFAILED fault confirms it', () => {
    const h = harness(backend, { config: C3 });
    h.F('X', 2);
    expect(h.state('X')).toEqual(['PREFAILED', -1]);
    h.F('X', 3);
    expect(h.state('X')).toEqual(['CONFIRMED', -2]);
    expect(h.takeEvents()).toEqual(['fault_confirmed']);
  });

  it('S5: PASSED on an unknown code is accepted and creates nothing', () => {
    const h = harness(backend);
    expect(h.P('NOPE')).toBe(true);
    expect(h.repo.getFault('NOPE')).toBeUndefined();
    expect(h.takeEvents()).toEqual([]);
  });

  it('S6: a shared counter walks from PREFAILED to PREPASSED without events', () => {
    const h = harness(backend, { config: C3 });
    const seen: unknown[] = [];
    h.F('X', 2, '/a'); seen.push(h.state('X'));
    h.F('X', 2, '/b'); seen.push(h.state('X'));
    for (let i = 0; i < 5; i++) { h.P('X'); seen.push(h.state('X')); }
    expect(seen).toEqual([['PREFAILED', -1], ['PREFAILED', -2], ['PREFAILED', -1], ['PREFAILED', 0], ['PREPASSED', 1], ['PREPASSED', 2], ['PREPASSED', 3]]);
    expect(h.takeEvents()).toEqual([]);
  });

  it('S7: with healing off CONFIRMED latches; PASSED updates the record; timestamps follow their report type', () => {
    const h = harness(backend);
    h.F('X');
    expect(h.takeEvents()).toEqual(['fault_confirmed']);
    const counters: number[] = [];
    let fifthPass = 0n;
    for (let i = 0; i < 5; i++) { h.P('X'); counters.push(h.state('X')![1]); fifthPass = h.clock.wallNs(); }
    expect(counters).toEqual([0, 1, 2, 3, 3]);
    expect(h.repo.getFault('X')!.status).toBe('CONFIRMED');
    // [DEVIATION D4] (reference: a fault_updated each): only the counter and last_passed moved, so no event.
    expect(h.takeEvents()).toEqual([]);
    h.F('X');
    const lastF = h.clock.wallNs();
    expect(h.state('X')).toEqual(['CONFIRMED', 2]);
    expect(h.takeEvents()).toEqual([]);
    const r = h.repo.getFault('X')!;
    expect(r.last_occurred_ns).toBe(lastF);
    expect(r.last_passed_ns).toBe(fifthPass);
  });

  it('S8: healing enabled heals at the healing threshold with a fault_cleared event', () => {
    const h = harness(backend, { config: { healing_enabled: true } });
    h.F('X');
    h.takeEvents();
    const seen: unknown[] = [];
    for (let i = 0; i < 4; i++) { h.P('X'); seen.push(h.state('X')); }
    expect(seen).toEqual([['CONFIRMED', 0], ['CONFIRMED', 1], ['CONFIRMED', 2], ['HEALED', 3]]);
    // [DEVIATION D4] (reference: a fault_updated for each PASSED before the heal).
    expect(h.takeEvents()).toEqual(['fault_cleared']);
    expect(h.events.at(-1)!.fault.status).toBe('HEALED');
  });

  it('S9: a HEALED fault re-confirms only at the confirmation threshold, with capture, same occurrence', () => {
    const confirmed: string[] = [];
    const h = harness(backend, { config: { healing_enabled: true }, capture: { onConfirmed: (f) => confirmed.push(f.fault_code), onPrefailed() {}, onCleared() {} } });
    h.F('X');
    for (let i = 0; i < 4; i++) h.P('X');
    h.takeEvents();
    confirmed.length = 0;
    const seen: unknown[] = [];
    for (let i = 0; i < 4; i++) { h.F('X'); seen.push(h.state('X')); }
    expect(seen).toEqual([['HEALED', 2], ['HEALED', 1], ['HEALED', 0], ['CONFIRMED', -1]]);
    expect(h.takeEvents()).toEqual(['fault_confirmed']);
    expect(confirmed).toEqual(['X']);
    // [DEVIATION D3] (reference: stays 1): confirming again after HEALED is a new occurrence.
    expect(h.repo.getFault('X')!.occurrence_count).toBe(2);
  });

  it('D3: every stop/heal cycle counts one occurrence; reports within one occurrence do not', () => {
    const h = harness(backend, { config: { healing_enabled: true, healing_threshold: 0 } });
    for (let cycle = 1; cycle <= 3; cycle++) {
      h.F('X', 3);
      h.F('X', 3);
      expect(h.state('X')![0]).toBe('CONFIRMED');
      expect(h.repo.getFault('X')!.occurrence_count).toBe(cycle);
      h.P('X');
      expect(h.state('X')![0]).toBe('HEALED');
    }
  });

  it('S10: healing_threshold 0 heals on a single PASSED', () => {
    const h = harness(backend, { config: { healing_enabled: true, healing_threshold: 0 } });
    h.F('X'); expect(h.state('X')).toEqual(['CONFIRMED', -1]);
    h.P('X'); expect(h.state('X')).toEqual(['HEALED', 0]);
    h.F('X'); expect(h.state('X')).toEqual(['CONFIRMED', -1]);
    expect(h.takeEvents()).toEqual(['fault_confirmed', 'fault_cleared', 'fault_confirmed']);
  });

  it('S11: healing_threshold 1 needs two PASSED after a confirm', () => {
    const h = harness(backend, { config: { healing_enabled: true, healing_threshold: 1 } });
    h.F('X'); h.P('X');
    expect(h.state('X')).toEqual(['CONFIRMED', 0]);
    h.P('X');
    expect(h.state('X')).toEqual(['HEALED', 1]);
    // [DEVIATION D4] (reference: a fault_updated for the first PASSED).
    expect(h.takeEvents()).toEqual(['fault_confirmed', 'fault_cleared']);
  });

  it('S12: a PREFAILED fault heals without ever confirming', () => {
    const h = harness(backend, { config: { confirmation_threshold: -3, healing_threshold: 2, healing_enabled: true } });
    const seen: unknown[] = [];
    h.F('X'); seen.push(h.state('X'));
    for (let i = 0; i < 3; i++) { h.P('X'); seen.push(h.state('X')); }
    expect(seen).toEqual([['PREFAILED', -1], ['PREFAILED', 0], ['PREPASSED', 1], ['HEALED', 2]]);
    expect(h.takeEvents()).toEqual(['fault_cleared']);
  });

  it('S13: the CONFIRMED latch holds at a positive counter', () => {
    const h = harness(backend, { config: { confirmation_threshold: -3, healing_threshold: 3 } });
    const seen: unknown[] = [];
    h.F('X', 3); seen.push(h.state('X'));
    for (let i = 0; i < 3; i++) { h.P('X'); seen.push(h.state('X')); }
    h.F('X', 2); seen.push(h.state('X'));
    expect(seen).toEqual([['CONFIRMED', -1], ['CONFIRMED', 0], ['CONFIRMED', 1], ['CONFIRMED', 2], ['CONFIRMED', 1]]);
  });

  it('S14: the HEALED latch holds until the confirmation threshold', () => {
    const h = harness(backend, { config: { confirmation_threshold: -3, healing_threshold: 3, healing_enabled: true } });
    const seen: unknown[] = [];
    h.F('X'); seen.push(h.state('X'));
    for (let i = 0; i < 4; i++) { h.P('X'); seen.push(h.state('X')); }
    expect(h.takeEvents()).toEqual(['fault_cleared']);
    for (let i = 0; i < 5; i++) { h.F('X'); seen.push(h.state('X')); }
    h.P('X'); seen.push(h.state('X'));
    h.F('X'); seen.push(h.state('X'));
    expect(h.takeEvents()).toEqual([]);
    h.F('X'); seen.push(h.state('X'));
    expect(seen).toEqual([
      ['PREFAILED', -1], ['PREFAILED', 0], ['PREPASSED', 1], ['PREPASSED', 2], ['HEALED', 3],
      ['HEALED', 2], ['HEALED', 1], ['HEALED', 0], ['HEALED', -1], ['HEALED', -2],
      ['HEALED', -1], ['HEALED', -2], ['CONFIRMED', -3],
    ]);
    expect(h.takeEvents()).toEqual(['fault_confirmed']);
  });

  it('S15: clear, ignored PASSED, then reactivation as a new occurrence', () => {
    const h = harness(backend);
    h.F('X', 2, '/a', 'Initial');
    expect(h.repo.getFault('X')!.occurrence_count).toBe(1);
    expect(h.mgr.clear('X').success).toBe(true);
    expect(h.state('X')![0]).toBe('CLEARED');
    h.takeEvents();
    const before = h.repo.getFault('X')!;
    expect(h.P('X')).toBe(true);
    expect(h.repo.getFault('X')).toEqual(before);
    expect(h.takeEvents()).toEqual([]);
    h.F('X', 2, '/b', 'Reactivated');
    const t2 = h.clock.wallNs();
    const r = h.repo.getFault('X')!;
    expect(r.status).toBe('CONFIRMED');
    expect(r.occurrence_count).toBe(2);
    expect(r.first_occurred_ns).toBe(t2);
    expect(r.reporting_sources).toEqual(['/a', '/b']);
    expect(r.description).toBe('Reactivated');
    expect(r.last_passed_ns).toBe(0n);
    expect(h.takeEvents()).toEqual(['fault_confirmed']);
  });

  it('S16: a reactivated fault with a debounce threshold starts PREFAILED', () => {
    const h = harness(backend, { config: C3 });
    h.F('X'); h.F('X'); h.F('X');
    expect(h.state('X')![0]).toBe('CONFIRMED');
    h.mgr.clear('X');
    h.takeEvents();
    h.F('X');
    expect(h.state('X')).toEqual(['PREFAILED', -1]);
    expect(h.repo.getFault('X')!.occurrence_count).toBe(2);
    expect(h.takeEvents()).toEqual([]);
    h.F('X'); expect(h.state('X')).toEqual(['PREFAILED', -2]);
    h.F('X'); expect(h.state('X')).toEqual(['CONFIRMED', -3]);
    expect(h.takeEvents()).toEqual(['fault_confirmed']);
  });

  it('S17: reports from several sources merge into one record', () => {
    const h = harness(backend);
    for (const s of ['/s1', '/s2', '/s3', '/s1']) h.F('X', 2, s);
    const r = h.repo.getFault('X')!;
    expect(r.reporting_sources).toEqual(['/s1', '/s2', '/s3']);
    expect(r.occurrence_count).toBe(1);
    expect(r.status).toBe('CONFIRMED');
    expect(h.repo.faultCount()).toBe(1);
  });

  it('S18: severity escalates only; empty descriptions keep the previous text', () => {
    const h = harness(backend);
    const seen: [number, string][] = [];
    h.F('X', 1, '/a', 'a'); seen.push([h.repo.getFault('X')!.severity, h.repo.getFault('X')!.description]);
    h.F('X', 2, '/a', ''); seen.push([h.repo.getFault('X')!.severity, h.repo.getFault('X')!.description]);
    h.F('X', 0, '/a', 'c'); seen.push([h.repo.getFault('X')!.severity, h.repo.getFault('X')!.description]);
    expect(seen).toEqual([[1, 'a'], [2, 'a'], [2, 'c']]);
  });

  it('S19: each report uses the band of its own source on the shared counter', () => {
    const h = harness(backend, { overrides: {
      '/powertrain/motor_left': { confirmation_threshold: -5, healing_threshold: 10, healing_enabled: true },
      '/sensors/lidar': { confirmation_threshold: -1, healing_threshold: 1, healing_enabled: true },
    } });
    h.F('X', 2, '/powertrain/motor_left');
    expect(h.state('X')).toEqual(['PREFAILED', -1]);
    h.F('X', 2, '/sensors/lidar');
    expect(h.state('X')).toEqual(['CONFIRMED', -1]);
  });

  it('S20: a per-entity threshold of -5 confirms on the fifth FAILED', () => {
    const h = harness(backend, { overrides: { '/powertrain/motor_left': { confirmation_threshold: -5 } } });
    const statuses: string[] = [];
    for (let i = 0; i < 5; i++) { h.F('X', 2, '/powertrain/motor_left'); statuses.push(h.state('X')![0]); }
    expect(statuses).toEqual(['PREFAILED', 'PREFAILED', 'PREFAILED', 'PREFAILED', 'CONFIRMED']);
  });

  it('S21: thresholds resolve by longest path-boundary prefix', () => {
    const r = new ThresholdResolver({ confirmation_threshold: -2, healing_enabled: false, healing_threshold: 3 }, {
      '/sensors': { confirmation_threshold: -5 },
      '/sensors/lidar': { confirmation_threshold: -1 },
      '/sensors/lid': { confirmation_threshold: -7 },
    });
    const got = ['/sensors/lidar/front', '/sensors/camera', '/sensors/lidar', '/sensors/lid/x', '/powertrain/m'].map((s) => r.resolve(s).confirmation_threshold);
    expect(got).toEqual([-1, -5, -1, -7, -2]);
    void backend;
  });

  it('S22: time-based auto-confirm after a quiet period, with an event (D1)', () => {
    const confirmed: string[] = [];
    const h = harness(backend, { config: { ...C3, auto_confirm_after_sec: 10 }, capture: { onConfirmed: (f) => confirmed.push(f.fault_code), onPrefailed() {}, onCleared() {} } });
    h.F('X');
    h.clock.advance(5000);
    expect(h.state('X')![0]).toBe('PREFAILED');
    h.clock.advance(10_000);
    expect(h.state('X')).toEqual(['CONFIRMED', -1]);
    expect(h.takeEvents()).toEqual(['fault_confirmed']);
    expect(confirmed).toEqual(['X']);
    expect(h.repo.getFault('X')!.confirmed_at_ns).toBeGreaterThan(h.repo.getFault('X')!.last_failed_ns);
  });

  it('S23: auto-confirm age counts from the latest FAILED report', () => {
    const h = harness(backend, { config: { ...C3, auto_confirm_after_sec: 10 }, start: false });
    h.F('X');
    h.clock.advance(8000);
    h.F('X');
    h.clock.advance(7000);
    h.mgr.autoConfirmTick();
    expect(h.state('X')).toEqual(['PREFAILED', -2]);
    h.clock.advance(3000);
    expect(h.mgr.autoConfirmTick()).toBe(1);
    expect(h.state('X')![0]).toBe('CONFIRMED');
  });

  it('S24: last_occurred and last_passed keep exact nanosecond values', () => {
    const h = harness(backend);
    h.clock.setWallNs(1000n);
    h.mgr.report({ fault_code: 'X', event_type: 0, severity: 2, description: '', source_id: '/a' });
    h.clock.setWallNs(9000n);
    h.mgr.report({ fault_code: 'X', event_type: 1, severity: 0, description: '', source_id: '/a' });
    const r = h.repo.getFault('X')!;
    expect(r.status).toBe('CONFIRMED');
    expect([r.last_occurred_ns, r.last_passed_ns]).toEqual([1000n, 9000n]);
  });

  it('S25: a legacy out-of-band counter is re-banded on first touch', () => {
    const repo = openRepo(backend);
    const legacy: FaultRecord = {
      fault_code: 'X', severity: 2, description: '', first_occurred_ns: 1n, last_occurred_ns: 1n, last_passed_ns: 2n,
      occurrence_count: 1, status: 'PREPASSED', reporting_sources: ['/a'], debounce_counter: 100000, last_failed_ns: 1n, confirmed_at_ns: 0n,
    };
    repo.putFault(legacy);
    const h = harness(backend, { repo });
    const seen: unknown[] = [];
    for (let i = 0; i < 4; i++) { h.F('X'); seen.push(h.state('X')); }
    expect(seen).toEqual([['PREPASSED', 2], ['PREPASSED', 1], ['PREPASSED', 0], ['CONFIRMED', -1]]);
  });

  it('S26: threshold parameters are normalised with warnings', () => {
    const log = new MemoryLogger();
    const base = { healing_enabled: false, healing_threshold: 3 };
    expect(sanitizeDebounce({ ...base, confirmation_threshold: 0 }, log).confirmation_threshold).toBe(-1);
    expect(sanitizeDebounce({ ...base, confirmation_threshold: 3 }, log).confirmation_threshold).toBe(-3);
    expect(sanitizeDebounce({ confirmation_threshold: -1, healing_enabled: true, healing_threshold: -2 }, log).healing_threshold).toBe(2);
    const r = new ThresholdResolver({ ...base, confirmation_threshold: -1 }, { '/m': { confirmation_threshold: 5 } }, log);
    expect(r.resolve('/m').confirmation_threshold).toBe(-5);
    expect(log.at('warn').length).toBeGreaterThanOrEqual(4);
    void backend;
  });

  it('S27: invalid reports are rejected and leave stored faults untouched', () => {
    const h = harness(backend);
    h.F('KEEP', 2, '/a', 'original');
    const before = h.repo.getFault('KEEP');
    const base = { fault_code: 'OK', event_type: 0, severity: 2, description: '', source_id: '/a' };
    const bad = [
      { ...base, fault_code: '' }, { ...base, fault_code: 'BAD CODE' }, { ...base, fault_code: 'a..b' },
      { ...base, fault_code: 'A'.repeat(257) }, { ...base, source_id: '' }, { ...base, event_type: 2 }, { ...base, severity: 4 },
    ];
    for (const req of bad) {
      const out = h.mgr.report(req);
      expect(out.accepted).toBe(false);
      expect(out.reason).toBe(validateReport(req));
      expect(out.reason).toBeTruthy();
    }
    expect(h.mgr.report({ ...base, fault_code: 'KEEP', event_type: 1, severity: 9 }).accepted).toBe(true);
    expect(h.mgr.report({ ...base, fault_code: 'Motor.Temp-1_a' }).accepted).toBe(true);
    expect(h.repo.getFault('KEEP')!.description).toBe(before!.description);
    expect(h.repo.faultCount()).toBe(2);
    expect(h.mgr.health().rejected_reports).toBe(7);
  });

  it('S28: ListFaults defaults to CONFIRMED, drops unknown statuses, filters severity exactly', () => {
    const h = harness(backend, { config: C3 });
    h.F('PRE', 2); // PREFAILED
    h.F('CONF1', 3); h.F('CONF2', 2); h.F('CONF2', 2); h.F('CONF2', 2);
    const codes = (req: Parameters<typeof listFaultsRos>[1]) => listFaultsRos(h.mgr, req).faults.map((f) => f.fault_code);
    expect(codes({ statuses: [] })).toEqual(['CONF1', 'CONF2']);
    expect(codes({ statuses: ['INVALID'] })).toEqual(['CONF1', 'CONF2']);
    expect(codes({ statuses: ['PREFAILED', 'INVALID'] })).toEqual(['PRE']);
    expect(codes({ filter_by_severity: true, severity: 2 })).toEqual(['CONF2']);
  });

  it('S29: clearing an unknown code fails without an event; clearing twice emits twice', () => {
    const h = harness(backend);
    expect(h.mgr.clear('X')).toEqual({ success: false, message: 'Fault not found: X', auto_cleared_codes: [] });
    expect(h.takeEvents()).toEqual([]);
    h.F('Y');
    h.takeEvents();
    expect(h.mgr.clear('Y').success).toBe(true);
    expect(h.mgr.clear('Y').success).toBe(true);
    expect(h.takeEvents()).toEqual(['fault_cleared', 'fault_cleared']);
    expect(h.events.at(-1)!.fault.status).toBe('CLEARED');
  });

  it('S30: near misses record FAILED reports that did not confirm', () => {
    const h = harness(backend, { config: { confirmation_threshold: -4 } });
    for (let i = 0; i < 4; i++) h.F('X', 2, '/src');
    expect(h.repo.nearMisses('X').map((m) => [m.debounce_counter, m.resulting_status, m.confirmation_threshold, m.source_id]))
      .toEqual([[-1, 'PREFAILED', -4, '/src'], [-2, 'PREFAILED', -4, '/src'], [-3, 'PREFAILED', -4, '/src']]);
    const d = harness(backend);
    d.F('Y');
    expect(d.repo.nearMisses('Y')).toEqual([]);
  });

  it('S31: at start-up with healing off a HEALED row becomes CLEARED; near misses are kept', () => {
    const dir = tmpDir();
    const repo1 = openRepo(backend, dir);
    const h1 = harness(backend, { repo: repo1, config: { confirmation_threshold: -2, healing_enabled: true, healing_threshold: 1 } });
    h1.F('X'); h1.P('X'); h1.P('X');
    expect(h1.state('X')![0]).toBe('HEALED');
    const misses = repo1.nearMisses('X');
    expect(misses.length).toBe(1);
    // SQLite: a fresh process opens the same file; memory: the same repository object stands in for it.
    const repo2 = backend === 'sqlite' ? openRepo(backend, dir) : repo1;
    const h2 = harness(backend, { repo: repo2, config: { healing_enabled: false } });
    expect(h2.state('X')![0]).toBe('CLEARED');
    expect(repo2.nearMisses('X')).toEqual(misses);
  });

  it('S33: clearing a fault keeps its near-miss series; a PASSED report never re-dates first_occurred (the reference 0.7.0, #629, #573)', () => {
    const h = harness(backend, { config: { confirmation_threshold: -3 } });
    h.F('X'); h.F('X');
    const first = h.repo.getFault('X')!.first_occurred_ns;
    h.P('X');
    expect(h.repo.getFault('X')!.first_occurred_ns).toBe(first);
    h.F('X'); h.F('X'); h.F('X');
    const misses = h.repo.nearMisses('X');
    expect(misses.length).toBeGreaterThan(0);
    expect(h.mgr.clear('X').success).toBe(true);
    expect(h.repo.nearMisses('X')).toEqual(misses);
  });

  it('S32: CRITICAL reactivation after clear confirms a second occurrence', () => {
    const h = harness(backend, { config: C3 });
    h.F('X', 3, '/a');
    expect(h.state('X')![0]).toBe('CONFIRMED');
    h.mgr.clear('X');
    expect(h.state('X')![0]).toBe('CLEARED');
    h.takeEvents();
    h.F('X', 3, '/b');
    expect(h.state('X')![0]).toBe('CONFIRMED');
    expect(h.repo.getFault('X')!.occurrence_count).toBe(2);
    expect(h.takeEvents()).toEqual(['fault_confirmed']);
  });
});
