import { describe, expect, it } from 'vitest';
import { parseFaultOrMutedEvent } from '@medkit/client';
import {
  applyFaultEvent,
  faultEventView,
  filterFaults,
  normalizeFault,
  normalizeFaultList,
  rawStatusOf,
  sortFaults,
  DEFAULT_FILTER,
  type FaultEvent,
  type FaultView,
} from '../src/model/faults';
import { countFaultsByEntity, countKey } from '../src/model/fault-counts';
import { normalizeEntity, type EntityRef } from '../src/model/entities';
import { emptyTreeInput } from '../src/model/tree';

// Shapes from docs/faults.md: the native item, the binding shape, and a plugin item using `code`.
const native = {
  fault_code: 'BATTERY_LOW',
  severity: 1,
  severity_label: 'WARN',
  description: 'Battery charge below 15 %',
  status: 'CONFIRMED',
  first_occurred: 1774232073.512,
  last_occurred: 1774232391.004,
  occurrence_count: 4,
  reporting_sources: ['/power/battery_monitor'],
};
const binding = {
  fault_code: 'PROTECTIVE_STOP',
  fault_name: 'Protective stop: obstacle inside stop distance',
  severity: 2,
  severity_label: 'error',
  status: { aggregatedStatus: 'active', confirmedDTC: '1', testFailed: '1', pendingDTC: '0' },
  'x-medkit': { status: 'CONFIRMED' },
  reporting_sources: ['safety_gate'],
  entity_id: 'safety_gate',
  last_occurred: 1774232400,
};

describe('fault items', () => {
  it('reads the native item: raw string status, float seconds, sources', () => {
    const f = normalizeFault(native)!;
    expect(f).toMatchObject({ code: 'BATTERY_LOW', title: 'Battery charge below 15 %', rawStatus: 'CONFIRMED', occurrences: 4 });
    expect(f.severity.label).toBe('WARNING');
    expect(f.firstMs).toBeCloseTo(1774232073512, 0);
  });

  it('reads the binding shape: status object, raw status in x-medkit.status, lower-case label, entity_id', () => {
    const f = normalizeFault(binding)!;
    expect(f).toMatchObject({ code: 'PROTECTIVE_STOP', rawStatus: 'CONFIRMED', entityId: 'safety_gate', title: binding.fault_name });
    expect(f.severity).toMatchObject({ level: 2, label: 'ERROR' });
  });

  it('derives the raw status from the SOVD object when no raw status is given', () => {
    expect(rawStatusOf({ aggregatedStatus: 'passive', testFailed: '1' })).toBe('PREFAILED');
    expect(rawStatusOf({ aggregatedStatus: 'passive', testFailed: '0' })).toBe('PREPASSED');
    expect(rawStatusOf({ aggregatedStatus: 'cleared', testFailed: '0' })).toBe('CLEARED');
    expect(rawStatusOf({ aggregatedStatus: 'active' })).toBe('CONFIRMED');
  });

  it('keys plugin items on `code` and drops items without any code', () => {
    const list = normalizeFaultList({ items: [{ code: 'X1', severity: 3, status: 'PREFAILED' }, { severity: 1 }, 'junk'] });
    expect(list.map((f) => f.code)).toEqual(['X1']);
    expect(list[0].severity.label).toBe('CRITICAL');
  });
});

/** One SSE message as the fault store reads it: the client's typed parser, then the dashboard's view (null: skipped or refused). */
function parseFaultEvent(data: string, id?: string, event = 'message'): FaultEvent | null {
  try {
    const typed = parseFaultOrMutedEvent({ event, data, id });
    return typed ? faultEventView(typed) : null;
  } catch {
    return null;
  }
}

describe('fault stream events', () => {
  const evData = (type: string, fault: object, extra: object = {}) => JSON.stringify({ event_type: type, fault, timestamp: 1774232400.5, ...extra });

  it('parses an event and takes the entity from x-medkit when the fault has none', () => {
    const ev = parseFaultEvent(evData('fault_confirmed', native, { 'x-medkit': { entity_type: 'apps', entity_id: 'battery_monitor' } }), '42')!;
    expect(ev).toMatchObject({ id: '42', type: 'fault_confirmed' });
    expect(ev.fault).toMatchObject({ entityId: 'battery_monitor', entityType: 'apps' });
    expect(parseFaultEvent('not json')).toBeNull();
    expect(parseFaultEvent(JSON.stringify({ event_type: 'x' }))).toBeNull();
  });

  it('adds a new fault, updates an existing one, and clears auto-cleared symptoms', () => {
    let map = new Map<string, FaultView>();
    const symptom = normalizeFault({ ...native, fault_code: 'LOW_SPEED_LIMIT' })!;
    map.set(symptom.key, symptom);
    map = applyFaultEvent(map, parseFaultEvent(evData('fault_confirmed', binding))!);
    expect(map.size).toBe(2);
    map = applyFaultEvent(map, parseFaultEvent(evData('fault_updated', { ...binding, occurrence_count: 7 }))!);
    expect(map.size).toBe(2);
    const stop = [...map.values()].find((f) => f.code === 'PROTECTIVE_STOP')!;
    expect(stop.occurrences).toBe(7);
    map = applyFaultEvent(map, parseFaultEvent(evData('fault_cleared', { fault_code: 'PROTECTIVE_STOP', status: 'CLEARED', entity_id: 'safety_gate' }, { auto_cleared_codes: ['LOW_SPEED_LIMIT'] }))!);
    expect([...map.values()].map((f) => [f.code, f.rawStatus]).sort()).toEqual([
      ['LOW_SPEED_LIMIT', 'CLEARED'],
      ['PROTECTIVE_STOP', 'CLEARED'],
    ]);
    // A partial clear event keeps what it does not mention.
    expect([...map.values()].find((f) => f.code === 'PROTECTIVE_STOP')!.severity.label).toBe('ERROR');
  });

  it('matches an event without entity to the fault with the same code', () => {
    let map = new Map<string, FaultView>();
    const f = normalizeFault(binding)!;
    map.set(f.key, f);
    map = applyFaultEvent(map, parseFaultEvent(evData('fault_cleared', { fault_code: 'PROTECTIVE_STOP', status: 'HEALED' }))!);
    expect(map.size).toBe(1);
    expect([...map.values()][0]).toMatchObject({ rawStatus: 'HEALED', entityId: 'safety_gate' });
  });
});

describe("a muted symptom's event (fault_muted)", () => {
  const muted = (type: string, fault: object, extra: object = {}) =>
    parseFaultEvent(JSON.stringify({ event_type: 'fault_muted', muted_event_type: type, muted_fault: fault, timestamp: 1774232401, ...extra }), '43', 'fault_muted')!;

  it('applies like the event it would have been, and names its root cause', () => {
    let map = new Map<string, FaultView>();
    const root = normalizeFault(binding)!;
    map.set(root.key, root);
    const ev = muted('fault_confirmed', { ...native, fault_code: 'NAV_ABORTED', occurrence_count: 1 }, { root_cause_code: 'PROTECTIVE_STOP', 'x-medkit': { entity_type: 'apps', entity_id: 'bt_navigator' } });
    expect(ev).toMatchObject({ id: '43', type: 'fault_confirmed', muted: { rootCause: 'PROTECTIVE_STOP' }, fault: { code: 'NAV_ABORTED', entityId: 'bt_navigator' } });
    map = applyFaultEvent(map, ev);
    map = applyFaultEvent(map, muted('fault_updated', { ...native, fault_code: 'NAV_ABORTED', occurrence_count: 2 }));
    expect([...map.values()].map((f) => [f.code, f.rawStatus, f.occurrences]).sort()).toEqual([
      ['NAV_ABORTED', 'CONFIRMED', 2],
      ['PROTECTIVE_STOP', 'CONFIRMED', undefined],
    ]);
  });
});

describe('dashboard filtering and sorting', () => {
  const list = normalizeFaultList({
    items: [
      native,
      binding,
      { fault_code: 'OLD', severity: 3, status: 'HEALED', last_occurred: 1, reporting_sources: ['/x'] },
      { fault_code: 'INFO_ONLY', severity: 0, status: 'PREFAILED', last_occurred: 1774232500, reporting_sources: ['/nav/planner'] },
    ],
  });

  it('selects by status exactly as the REST filter does', () => {
    expect(filterFaults(list, DEFAULT_FILTER).map((f) => f.code).sort()).toEqual(['BATTERY_LOW', 'INFO_ONLY', 'PROTECTIVE_STOP']);
    expect(filterFaults(list, { ...DEFAULT_FILTER, status: 'cleared' }).map((f) => f.code)).toEqual(['OLD']);
    expect(filterFaults(list, { ...DEFAULT_FILTER, status: 'pending' }).map((f) => f.code)).toEqual(['INFO_ONLY']);
    expect(filterFaults(list, { ...DEFAULT_FILTER, status: 'all' })).toHaveLength(4);
  });

  it('filters by minimum severity, entity and text', () => {
    expect(filterFaults(list, { ...DEFAULT_FILTER, minSeverity: 1 }).map((f) => f.code).sort()).toEqual(['BATTERY_LOW', 'PROTECTIVE_STOP']);
    expect(filterFaults(list, { ...DEFAULT_FILTER, entity: 'planner' }).map((f) => f.code)).toEqual(['INFO_ONLY']);
    expect(filterFaults(list, { ...DEFAULT_FILTER, text: 'charge' }).map((f) => f.code)).toEqual(['BATTERY_LOW']);
  });

  it('sorts by severity, by code, and newest first by default tie-break', () => {
    expect(sortFaults(list, 'severity', 'desc').map((f) => f.code)).toEqual(['OLD', 'PROTECTIVE_STOP', 'BATTERY_LOW', 'INFO_ONLY']);
    expect(sortFaults(list, 'code', 'asc').map((f) => f.code)).toEqual(['BATTERY_LOW', 'INFO_ONLY', 'OLD', 'PROTECTIVE_STOP']);
    expect(sortFaults(list, 'last', 'desc')[0].code).toBe('INFO_ONLY');
  });
});

describe('fault badges per entity', () => {
  const e = (item: object, type?: 'app' | 'component' | 'area' | 'function'): EntityRef => normalizeEntity(item, type)!;
  const monitor = e({ id: 'battery_monitor', name: 'Battery monitor', type: 'app', 'x-medkit': { component_id: 'battery-pack', ros2: { node: '/power/battery_monitor' } } });
  const gate = e({ id: 'safety_gate', name: 'Safety gate', type: 'app', 'x-medkit': { component_id: 'safety-plc' } });
  const input = {
    ...emptyTreeInput(),
    areas: [e({ id: 'base', name: 'Base', type: 'area' })],
    components: [e({ id: 'battery-pack', name: 'Battery', type: 'component' }), e({ id: 'safety-plc', name: 'PLC', type: 'component' })],
    apps: [monitor, gate],
    functions: [e({ id: 'power', name: 'Power', type: 'function' })],
    subareas: { base: [e({ id: 'power-area', name: 'Power area', type: 'area' })] },
    areaComponents: { 'power-area': [e({ id: 'battery-pack', name: 'Battery', type: 'component' })] },
    functionHosts: { power: [monitor] },
  };

  it('attributes by reporting source node FQN and rolls up to component, areas and functions', () => {
    const counts = countFaultsByEntity(normalizeFaultList({ items: [native] }), input);
    for (const k of ['app:battery_monitor', 'component:battery-pack', 'area:power-area', 'area:base', 'function:power']) {
      expect(counts.get(k), k).toEqual({ total: 1, worst: 1 });
    }
    expect(counts.get(countKey('app', 'safety_gate'))).toBeUndefined();
  });

  it('attributes by entity_id, counts only active faults, and counts a code once per entity', () => {
    const faults = normalizeFaultList({ items: [binding, { ...binding, status: 'HEALED', 'x-medkit': { status: 'HEALED' }, fault_code: 'GONE' }, native] });
    const counts = countFaultsByEntity(faults, input);
    expect(counts.get('app:safety_gate')).toEqual({ total: 1, worst: 2 });
    expect(counts.get('component:safety-plc')).toEqual({ total: 1, worst: 2 });
    expect(counts.get('area:base')).toEqual({ total: 1, worst: 1 });
  });
});

describe('acknowledge dialog wording', async () => {
  const { acknowledgeScope, unauthenticatedName } = await import('../src/model/fault-detail');
  it('speaks of the occurrence as it is: active, or already healed', () => {
    expect(acknowledgeScope('CONFIRMED', 4)).toContain('until this occurrence ends (occurrence 4, active now)');
    expect(acknowledgeScope('HEALED', 4)).toMatch(/^Occurrence 4 has already healed: .*until the fault comes back/);
    expect(acknowledgeScope('HEALED', 4)).not.toContain('until this occurrence ends');
    expect(unauthenticatedName(' Dana ')).toBe('Dana (unauthenticated)');
  });
});
