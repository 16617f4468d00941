// The fleet console's models: a live fault matched against the timeline filters as the fleet's GET /faults
// would, merged into the loaded rows (added, moved, dropped), the store-lag merge after a re-list, and the
// hash routes that carry the filters.
import { describe, expect, it } from 'vitest';
import type { FleetFaultEvent } from '@medkit/client';
import { applyLive, EMPTY_FILTER, fleetEventView, fleetRouteHash, globRegExp, matchesTimeline, mergeLive, parseFleetRoute, type TimelineFilter } from '../src/fleet/model';
import { robotTreeInput } from '../src/fleet/robot-tree';

const event = (robot: string, code: string, o: Partial<FleetFaultEvent['fault']> = {}): FleetFaultEvent => ({
  event_type: 'fault_confirmed',
  robot_id: robot,
  timestamp: '2026-01-01T00:00:00Z',
  fault: { event_type: 'fault_confirmed', fault_code: code, severity: 2, status: 'CONFIRMED', description: '', occurrence_count: 1, reporting_sources: ['/n'], first_occurred: '2026-01-01T00:00:00Z', last_occurred: '2026-01-01T00:00:00Z', ...o },
});
const f = (robot: string, code: string, o: Partial<FleetFaultEvent['fault']> = {}) => fleetEventView(event(robot, code, o));
const filter = (o: Partial<TimelineFilter>): TimelineFilter => ({ ...EMPTY_FILTER, ...o });

describe('timeline filters', () => {
  it('match globs as whole codes with * and ?, and nothing else special', () => {
    expect(globRegExp('LIDAR_*').test('LIDAR_TIMEOUT')).toBe(true);
    expect(globRegExp('LIDAR_*').test('X_LIDAR_TIMEOUT')).toBe(false);
    expect(globRegExp('A?C').test('ABC')).toBe(true);
    expect(globRegExp('A.C').test('ABC')).toBe(false);
    expect(globRegExp('(x)+').test('(x)+')).toBe(true);
    // A run of stars is one star (the same matches, without the backtracking of many `.*` in a row).
    expect(globRegExp('*'.repeat(200) + 'Z').source).toBe('^.*Z$');
    expect(globRegExp('A**B').test('AxyzB')).toBe(true);
  });

  it('match robot, code, minimum severity, status and the time window', () => {
    const x = f('amr-2', 'LIDAR_TIMEOUT', { severity: 2, last_occurred: '2026-01-01T12:00:00Z' });
    expect(matchesTimeline(x, EMPTY_FILTER)).toBe(true);
    expect(matchesTimeline(x, filter({ robots: ['amr-1'] }))).toBe(false);
    expect(matchesTimeline(x, filter({ robots: ['amr-1', 'amr-2'], code: 'LIDAR_*', severity: 'error' }))).toBe(true);
    expect(matchesTimeline(x, filter({ severity: 'critical' }))).toBe(false);
    expect(matchesTimeline(x, filter({ status: 'healed' }))).toBe(false);
    expect(matchesTimeline(f('a', 'B', { status: 'HEALED' }), filter({ status: 'healed' }))).toBe(true);
    expect(matchesTimeline(f('a', 'B', { status: 'HEALED' }), EMPTY_FILTER)).toBe(false);
    expect(matchesTimeline(x, filter({ since: '2026-01-01T13:00:00Z' }))).toBe(false);
    expect(matchesTimeline(x, filter({ until: '2026-01-01T13:00:00Z' }))).toBe(true);
  });
});

describe('live rows', () => {
  it("adds a matching fault on top, replaces a robot's row of the same code, drops one that stops matching", () => {
    const old = f('amr-1', 'A', { last_occurred: '2026-01-01T00:00:00Z' });
    let out = applyLive([old], f('amr-2', 'A', { last_occurred: '2026-01-01T00:01:00Z' }), EMPTY_FILTER);
    expect(out.rows.map((r) => r.robotId)).toEqual(['amr-2', 'amr-1']);
    expect(out.delta).toBe(1);
    out = applyLive(out.rows, f('amr-1', 'A', { last_occurred: '2026-01-01T00:02:00Z', occurrence_count: 2 }), EMPTY_FILTER);
    expect(out.rows.map((r) => `${r.robotId}:${r.occurrences}`)).toEqual(['amr-1:2', 'amr-2:1']);
    expect(out.delta).toBe(0);
    out = applyLive(out.rows, f('amr-1', 'A', { status: 'HEALED', last_occurred: '2026-01-01T00:03:00Z' }), EMPTY_FILTER);
    expect(out.rows.map((r) => r.robotId)).toEqual(['amr-2']);
    expect(out.delta).toBe(-1);
    const ignored = applyLive(out.rows, f('amr-9', 'Z', { severity: 0 }), filter({ severity: 'error' }));
    expect(ignored).toEqual({ rows: out.rows, delta: 0 });
  });

  it('leaves the count alone (unknown) for a fault not on the loaded pages while more pages exist: the fleet may count it already', () => {
    const page = [f('amr-1', 'A', { last_occurred: '2026-01-01T00:05:00Z' })];
    // More pages exist: B may be on one of them (in the total) or new.
    const b = applyLive(page, f('amr-1', 'B', { last_occurred: '2026-01-01T00:06:00Z' }), EMPTY_FILTER, false);
    expect(b.rows.map((r) => r.code)).toEqual(['B', 'A']);
    expect(b.delta).toBeUndefined();
    // Once on the rows, its changes are known again.
    expect(applyLive(b.rows, f('amr-1', 'B', { status: 'HEALED' }), EMPTY_FILTER, false).delta).toBe(-1);
    // Healed and not loaded: it may have been counted on an unloaded page.
    expect(applyLive(page, f('amr-1', 'C', { status: 'HEALED' }), EMPTY_FILTER, false)).toEqual({ rows: page, delta: undefined });
    // A fault the filter can never take (another robot, a code outside the glob) changes nothing, loaded or not.
    expect(applyLive(page, f('amr-2', 'C', { status: 'HEALED' }), filter({ robots: ['amr-1'] }), false).delta).toBe(0);
    expect(applyLive(page, f('amr-1', 'XC', { status: 'HEALED' }), filter({ code: 'A*' }), false).delta).toBe(0);
    // Every page loaded: not on the rows means not in the total.
    expect(applyLive(page, f('amr-1', 'B'), EMPTY_FILTER, true).delta).toBe(1);
    const merged = mergeLive(page, 120, [f('amr-1', 'B', { last_occurred: '2026-01-01T00:06:00Z' })], EMPTY_FILTER, false);
    expect(merged).toMatchObject({ total: 120, unsure: true });
    expect(merged.rows.map((r) => r.code)).toEqual(['B', 'A']);
  });

  it('keeps faults seen live that a re-list from the lagging store does not have yet, and never an older copy', () => {
    const stored = [f('amr-1', 'A', { last_occurred: '2026-01-01T00:00:00Z' })];
    const live = [f('amr-2', 'NEW', { last_occurred: '2026-01-01T00:05:00Z' }), f('amr-1', 'A', { last_occurred: '2025-12-31T00:00:00Z', status: 'CONFIRMED' })];
    const merged = mergeLive(stored, 1, live, EMPTY_FILTER);
    expect(merged.rows.map((r) => r.code)).toEqual(['NEW', 'A']);
    expect(merged.rows[1].lastMs).toBe(Date.parse('2026-01-01T00:00:00Z'));
    expect(merged.total).toBe(2);
    expect(merged.unsure).toBe(false);
    expect(mergeLive(stored, 1, live, filter({ robots: ['amr-1'] })).rows.map((r) => r.code)).toEqual(['A']);
  });
});

describe('console routes', () => {
  it('carry the timeline filters in the hash, both ways', () => {
    const r = { view: 'faults' as const, filter: filter({ robots: ['amr-1', 'amr-2'], code: 'LIDAR_*', severity: 'error', status: 'all', since: '2026-01-01T00:00' }) };
    expect(parseFleetRoute(fleetRouteHash(r))).toEqual(r);
    expect(parseFleetRoute('#/faults?severity=loud&status=weird')).toEqual({ view: 'faults', filter: EMPTY_FILTER });
    expect(parseFleetRoute('#/robot/amr%2F1/fault/X%20Y')).toEqual({ view: 'fault', robot: 'amr/1', code: 'X Y' });
    expect(parseFleetRoute('#/robot/amr-1/entity/amr-1__lidar')).toEqual({ view: 'robot', robot: 'amr-1', entity: 'amr-1__lidar' });
    expect(parseFleetRoute('#/nonsense')).toEqual({ view: 'robots' });
  });

  it("builds a robot's tree from the fleet's lists with parents named by the robot's own ids", () => {
    const item = (id: string, parent?: string) => ({ id: `r__${id}`, name: id, 'x-medkit': { robot_id: 'r', robot_entity_id: id, parent: parent ?? null } });
    const input = robotTreeInput('r', { area: { items: [item('base'), item('power', 'base')] }, component: { items: [item('pack', 'power'), item('cell', 'pack')] }, app: { items: [item('bms', 'pack')] }, function: { items: [] } });
    expect(input.subareas['r__base'].map((a) => a.id)).toEqual(['r__power']);
    expect(input.areaComponents['r__power'].map((c) => c.id)).toEqual(['r__pack']);
    expect(input.subcomponents['r__pack'].map((c) => c.id)).toEqual(['r__cell']);
    expect(input.apps[0].componentId).toBe('r__pack');
  });
});

describe('robot health label', () => {
  it('reads degraded for ros_disabled alone as healthy with a note, keeps real warnings, and is one line of text', async () => {
    const { robotHealthLabel } = await import('../src/fleet/model');
    const rosOff = { code: 'ros_disabled', text: 'ROS off', title: "ros.enabled: false on this robot's gateway" };
    expect(robotHealthLabel({ health: 'degraded', healthWarnings: ['ros_disabled'] })).toEqual({ status: 'healthy', warnings: [], notes: [rosOff], text: 'healthy · ROS off' });
    expect(robotHealthLabel({ health: 'healthy', healthWarnings: ['ros_disabled'] }).text).toBe('healthy · ROS off');
    expect(robotHealthLabel({ health: 'degraded', healthWarnings: ['ros_disabled', 'fault_store_full'] })).toEqual({ status: 'degraded', warnings: ['fault_store_full'], notes: [rosOff], text: 'degraded · fault_store_full · ROS off' });
    expect(robotHealthLabel({ health: 'healthy', healthWarnings: [] })).toEqual({ status: 'healthy', warnings: [], notes: [], text: 'healthy' });
    expect(robotHealthLabel({ health: undefined, healthWarnings: [] }).text).toBe('—');
  });
});

describe('fault codes across the fleet', () => {
  it('reads the fleet answer and says whether a trend rises or falls between the last two quarters of its window', async () => {
    const { faultCodeList, trendSummary } = await import('../src/fleet/codes-model');
    const list = faultCodeList({
      items: [{ code: 'LIDAR_TIMEOUT', fault_name: 'No scan', severity: 2, 'x-medkit': { robots: 3, active_robots: 2, occurrences: 7, first_seen: '2026-01-01T00:00:00Z', last_seen: '2026-01-01T05:00:00Z', trend: [0, 1, -1, 'x', 2] } }],
      'x-medkit': { total: 9, window: { start: '2026-01-01T00:00:00Z', bucket_sec: 3600 }, trend_complete: false },
    });
    expect(list).toMatchObject({ total: 9, windowStartMs: Date.parse('2026-01-01T00:00:00Z'), bucketMs: 3_600_000, complete: false });
    expect(list.items[0]).toMatchObject({ code: 'LIDAR_TIMEOUT', title: 'No scan', robots: 3, activeRobots: 2, occurrences: 7, trend: [0, 1, 0, 0, 2] });
    expect(list.items[0].severity.label).toBe('ERROR');
    expect(trendSummary([0, 0, 0, 0, 1, 1, 3, 2])).toEqual({ total: 7, last: 2, direction: 'rising' });
    expect(trendSummary([5, 5, 4, 3, 1, 0])).toEqual({ total: 18, last: 0, direction: 'falling' });
    expect(trendSummary(new Array(24).fill(0))).toEqual({ total: 0, last: 0, direction: 'steady' });
  });
});
