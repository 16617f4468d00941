// Event stream and replay (docs/faults.md), REST list/detail/SSE projections (docs/faults.md, Q1), per-entity scope
// (docs/faults.md), clearing routes' domain logic, ROS service views and the code cap (Q7).
import { afterEach, describe, expect, it } from 'vitest';
import { FaultEventStream } from '../src/events.js';
import { ReplayRing } from '../src/replay-ring.js';
import { parseSeverityFilter, statusesForFilter, sovdStatus, STATUS_FILTER_VALUES } from '../src/model.js';
import { listFaultsForEntity, queryFaults, sourceMatcher } from '../src/query/list.js';
import { faultListItem, faultSseMessage } from '../src/query/rest-views.js';
import { clearEntityFault, clearFaults } from '../src/query/clear.js';
import { getFaultService, getSnapshotsService } from '../src/query/ros-services.js';
import { MemoryLogger } from '../src/log.js';
import type { FaultRecord } from '../src/model.js';
import { cleanupDirs, harness } from '../../../test-support/faults-harness.js';

afterEach(cleanupDirs);

const rec = (code: string): FaultRecord => ({
  fault_code: code, severity: 1, description: '', first_occurred_ns: 1n, last_occurred_ns: 1n, last_passed_ns: 0n, occurrence_count: 1,
  status: 'CONFIRMED', reporting_sources: ['/a'], debounce_counter: -1, last_failed_ns: 1n, confirmed_at_ns: 1n,
});

describe('fault event stream', () => {
  const publish = (s: FaultEventStream, n: number) => { for (let i = 0; i < n; i++) s.publish({ event_type: 'fault_updated', fault: rec(`C${i}`), timestamp_ns: 1n, auto_cleared_codes: [] }); };

  // Replay after Last-Event-ID is the timeline's (stream-timeline.test.ts); here subscribers observe the ids.
  const ids = (s: FaultEventStream) => { const got: number[] = []; s.subscribe((e) => got.push(e.id)); return got; };

  it('numbers events and delivers exactly the ones after a subscriber joined', () => {
    const s = new FaultEventStream();
    const all = ids(s);
    publish(s, 1);
    const late = ids(s);
    publish(s, 3);
    expect(late).toEqual([2, 3, 4]);
    expect(all).toEqual([1, 2, 3, 4]);
    expect(s.lastId).toBe(4);
  });

  it('keeps numbering across prepare/deliver: a prepared event that is never delivered leaves an id gap', () => {
    const s = new FaultEventStream();
    const got = ids(s);
    s.prepare({ event_type: 'fault_updated', fault: rec('X'), timestamp_ns: 1n, auto_cleared_codes: [] });
    publish(s, 1);
    expect(got).toEqual([2]);
    expect(s.lastId).toBe(2);
  });

  it('says too_old when missed events were evicted or the id is from another run (the replay ring)', () => {
    const ring = new ReplayRing<{ id: number }>(3);
    for (let id = 1; id <= 6; id++) ring.push({ id });
    const r = ring.since(1, 6);
    expect(r.ok).toBe(false);
    expect(r.events.map((e) => e.id)).toEqual([4, 5, 6]);
    expect(ring.since(3, 6)).toEqual({ ok: true, events: expect.any(Array) });
    expect(ring.since(3, 6).events.map((e) => e.id)).toEqual([4, 5, 6]);
    expect(ring.since(99, 6).ok).toBe(false);
    expect(ring.since(-1, 6).ok).toBe(false);
  });

  it('isolates a throwing listener and supports async iteration', async () => {
    const log = new MemoryLogger();
    const s = new FaultEventStream(log);
    const got: number[] = [];
    s.subscribe(() => { throw new Error('bad listener'); });
    s.subscribe((e) => got.push(e.id));
    const ac = new AbortController();
    const iterated: number[] = [];
    const loop = (async () => { for await (const e of s.iterate(ac.signal)) { iterated.push(e.id); if (iterated.length === 2) ac.abort(); } })();
    await Promise.resolve();
    publish(s, 2);
    await loop;
    expect(got).toEqual([1, 2]);
    expect(iterated).toEqual([1, 2]);
    expect(log.at('error')[0]).toContain('bad listener');
    expect(s.subscriberCount).toBe(2); // the iterator unsubscribed
  });
});

describe('REST projection', () => {
  it('maps status filters and severity filters per docs/faults.md', () => {
    expect(statusesForFilter(undefined)).toEqual(['PREFAILED', 'CONFIRMED']);
    expect(statusesForFilter('cleared')).toEqual(['CLEARED', 'HEALED', 'PREPASSED']);
    expect(statusesForFilter('healed')).toEqual(['HEALED', 'PREPASSED']);
    expect(statusesForFilter('bogus')).toBeNull();
    expect(STATUS_FILTER_VALUES.join(', ')).toBe('pending, confirmed, cleared, healed, all');
    expect(['2', 'Warn', 'CRITICAL', 'x', '4'].map(parseSeverityFilter)).toEqual([2, 1, 3, null, null]);
    expect(sovdStatus('PREPASSED')).toEqual({ aggregatedStatus: 'passive', testFailed: '0', confirmedDTC: '0', pendingDTC: '1' });
    expect(sovdStatus('WHATEVER').aggregatedStatus).toBe('cleared');
  });

  it('renders list items in the Q1 shape and SSE messages per docs/faults.md', () => {
    const h = harness('memory');
    h.clock.setWallNs(1_774_232_073_512_000_000n);
    h.mgr.report({ fault_code: 'BATTERY_LOW', event_type: 0, severity: 1, description: 'Battery charge below 15 %', source_id: '/power/battery_monitor' });
    const f = h.repo.getFault('BATTERY_LOW')!;
    const entity = { entity_type: 'apps', entity_id: 'battery_monitor' };
    expect(faultListItem(f, entity)).toEqual({
      fault_code: 'BATTERY_LOW', fault_name: 'Battery charge below 15 %', description: 'Battery charge below 15 %', severity: 1, severity_label: 'warning',
      status: 'CONFIRMED', reporting_sources: ['/power/battery_monitor'],
      entity_id: 'battery_monitor', first_occurred: 1774232073.512, last_occurred: 1774232073.512, occurrence_count: 1,
      'x-medkit': { status: 'CONFIRMED', sovd_status: { aggregatedStatus: 'active', testFailed: '1', confirmedDTC: '1', pendingDTC: '0' } },
    });
    const sse = faultSseMessage(h.events[0], entity);
    expect(sse.id).toBe('1');
    expect(sse.event).toBe('fault_confirmed');
    const data = JSON.parse(sse.data);
    expect(data).toMatchObject({ event_type: 'fault_confirmed', timestamp: 1774232073.512, 'x-medkit': entity, fault: { fault_code: 'BATTERY_LOW' } });
    expect(data.auto_cleared_codes).toBeUndefined();
  });

  it('filters lists by status, minimum severity and entity scope (every source must belong)', () => {
    const h = harness('memory', { config: { confirmation_threshold: -2 } });
    h.F('A', 1, '/nav/planner');
    h.F('A', 1, '/nav/planner/sub');
    h.F('B', 3, '/nav/planner');
    h.F('B', 3, '/arm');
    h.F('C', 2, '/arm');
    const codes = (q: Parameters<typeof queryFaults>[1]) => queryFaults(h.mgr, q).faults.map((f) => f.fault_code);
    expect(codes({})).toEqual(['C', 'B', 'A']); // newest last_occurred first
    expect(codes({ statuses: statusesForFilter('pending')! })).toEqual(['C']);
    expect(codes({ minSeverity: 2 })).toEqual(['C', 'B']);
    expect(codes({ belongsToEntity: sourceMatcher(['/nav/planner']) })).toEqual(['A']);
    expect(codes({ belongsToEntity: sourceMatcher(['/arm']) })).toEqual(['C']);
    expect(listFaultsForEntity(h.mgr, 'planner').faults.map((f) => f.fault_code)).toEqual(['A', 'B']);
    expect(listFaultsForEntity(h.mgr, 'lanner').faults).toEqual([]);
    expect(listFaultsForEntity(h.mgr, '').success).toBe(false);
  });

  it('clears through an entity only in scope, and collection clears by status', () => {
    const h = harness('memory', { config: { confirmation_threshold: -2 } });
    h.F('A', 2, '/nav'); h.F('A', 2, '/nav');
    h.F('B', 2, '/arm'); h.F('B', 2, '/arm');
    h.F('P', 2, '/nav');
    expect(clearEntityFault(h.mgr, 'B', sourceMatcher(['/nav']))).toEqual({ found: false });
    expect(clearEntityFault(h.mgr, 'A', sourceMatcher(['/nav']))).toMatchObject({ found: true, success: true });
    expect(clearFaults(h.mgr, { statuses: statusesForFilter('pending')!, belongsToEntity: sourceMatcher(['/nav']) })).toEqual(['P']);
    expect(clearFaults(h.mgr, { skip: (f) => f.reporting_sources.includes('/arm') })).toEqual([]);
    expect(clearFaults(h.mgr)).toEqual(['B']);
    expect(h.repo.allFaults().every((f) => f.status === 'CLEARED')).toBe(true);
  });

  it('serves GetFault and GetSnapshots views', () => {
    const h = harness('memory');
    h.F('X');
    expect(getFaultService(h.mgr, 'bad code').success).toBe(false);
    expect(getFaultService(h.mgr, 'NOPE').error_message).toBe('Fault not found: NOPE');
    expect(getFaultService(h.mgr, 'X')).toMatchObject({ success: true, environment_data: { snapshots: [] } });
    h.repo.insertCaptureSet([{ fault_code: 'X', topic: '/t', message_type: 'std_msgs/msg/Float64', data: '{"data":1}', captured_at_ns: 2_000_000n, capture_id: 1, history: '' }], 10);
    expect(JSON.parse(getSnapshotsService(h.mgr, 'X').data)).toEqual({ fault_code: 'X', captured_at: 0.002, topics: { '/t': { message_type: 'std_msgs/msg/Float64', data: { data: 1 } } }, rosbag: { available: false } });
  });
});

describe('limits (docs/resources.md, Q7)', () => {
  it('evicts cleared records before rejecting, and never evicts a confirmed fault', () => {
    const h = harness('sqlite', { config: { max_fault_codes: 2 } });
    h.F('A'); h.F('B');
    h.mgr.clear('A');
    expect(h.F('C')).toBe(true);
    expect(h.repo.getFault('A')).toBeUndefined();
    expect(h.F('D')).toBe(false);
    expect(h.mgr.health()).toMatchObject({ store_full: true, fault_count: 2, evicted_records: 1 });
    expect(h.log.at('warn').some((m) => m.includes('new codes are rejected'))).toBe(true);
    expect(h.F('B')).toBe(true); // known codes keep working
    h.mgr.clear('B');
    expect(h.F('D')).toBe(true);
    expect(h.mgr.health().store_full).toBe(false);
  });

  it('rejects oversized descriptions with a reason', () => {
    const h = harness('memory');
    const out = h.mgr.report({ fault_code: 'X', event_type: 0, severity: 2, description: 'x'.repeat(5000), source_id: '/a' });
    expect(out).toMatchObject({ accepted: false, reason: 'description is longer than 4096 characters' });
  });
});
