// The fault list state follows changes of muting from events alone (issue 58, docs/faults.md "Muted symptoms on the
// stream"): a member a cluster hid after the fact (`fault_muted`, under its representative) is grouped under it, a
// symptom released because its root's gateway went offline (a normal `fault_updated`) is shown on its own again. The
// events are the shapes the gateway sends (packages/gateway/test/aggregation/correlation-federation.test.ts), applied
// by the store's own functions (state/fault-store.ts).
import { describe, expect, it } from 'vitest';
import { parseFaultOrMutedEvent } from '@medkit/client';
import { applyFaultEvent, faultEventView, normalizeFaultList, type FaultEvent, type FaultView } from '../src/model/faults';
import { eventRootsOf, groupByRootCause, overlayRootCauses, rootCausesOf } from '../src/model/fault-groups';

const item = (code: string, extra: object = {}) => ({
  fault_code: code, severity: 2, status: 'CONFIRMED', occurrence_count: 1, reporting_sources: ['/navigation/bt_navigator'], last_occurred: 1774232400, ...extra,
});

function event(name: string, data: object): FaultEvent {
  const typed = parseFaultOrMutedEvent({ event: name, data: JSON.stringify(data), id: '7' });
  const view = typed ? faultEventView(typed) : null;
  if (!view) throw new Error('no event view');
  return view;
}

/** The store's state after the list and the events: its faults and their root causes, as the table groups them. */
function state(list: unknown, events: FaultEvent[]): { faults: Map<string, FaultView>; roots: Map<string, string>; rows: [string, number][] } {
  let faults = new Map<string, FaultView>();
  for (const f of normalizeFaultList(list)) faults.set(f.key, f);
  for (const ev of events) faults = applyFaultEvent(faults, ev);
  const roots = overlayRootCauses(rootCausesOf(list), eventRootsOf(events));
  const all = [...faults.values()];
  return { faults, roots, rows: groupByRootCause(all, all, roots).map((r) => [r.fault.code, r.depth]) };
}

describe('muting changes from events, no list read (issue 58)', () => {
  it('a symptom released by its root\'s gateway going offline (fault_updated) is shown on its own again', () => {
    const list = {
      items: [item('PROTECTIVE_STOP', { 'x-medkit': { gateway: 'island' } }), item('NAV_ABORTED')],
      'x-medkit': { muted_faults: [{ fault_code: 'NAV_ABORTED', root_cause_code: 'PROTECTIVE_STOP', rule_id: 'stop_aborts_navigation' }] },
    };
    expect(state(list, []).rows).toEqual([['PROTECTIVE_STOP', 0], ['NAV_ABORTED', 1]]);
    const released = event('fault_updated', { event_type: 'fault_updated', fault: item('NAV_ABORTED'), timestamp: 1774232500 });
    const after = state(list, [released]);
    expect(after.roots.has('NAV_ABORTED')).toBe(false);
    expect(after.rows).toEqual([['PROTECTIVE_STOP', 0], ['NAV_ABORTED', 0]]);
    expect(after.faults.get([...after.faults.keys()].find((k) => after.faults.get(k)!.code === 'NAV_ABORTED')!)?.rawStatus).toBe('CONFIRMED');
  });

  it('a member a cluster hid after the fact (fault_muted under the representative) is grouped under it', () => {
    const list = { items: [item('STORM_A'), item('STORM_B')], 'x-medkit': { muted_faults: [] } };
    expect(state(list, []).rows).toEqual([['STORM_A', 0], ['STORM_B', 0]]);
    const hidden = event('fault_muted', { event_type: 'fault_muted', muted_event_type: 'fault_updated', muted_fault: item('STORM_B'), timestamp: 1774232500, root_cause_code: 'STORM_A' });
    expect(hidden).toMatchObject({ type: 'fault_updated', muted: { rootCause: 'STORM_A' } });
    const after = state(list, [hidden]);
    expect(after.roots.get('STORM_B')).toBe('STORM_A');
    expect(after.rows).toEqual([['STORM_A', 0], ['STORM_B', 1]]);
  });

  it('later events win: muted again after a release, the symptom is grouped again', () => {
    const list = { items: [item('ROOT'), item('SYM')], 'x-medkit': { muted_faults: [{ fault_code: 'SYM', root_cause_code: 'ROOT' }] } };
    const released = event('fault_updated', { event_type: 'fault_updated', fault: item('SYM'), timestamp: 1 });
    const mutedAgain = event('fault_muted', { event_type: 'fault_muted', muted_event_type: 'fault_confirmed', muted_fault: item('SYM'), timestamp: 2, root_cause_code: 'ROOT' });
    expect(state(list, [released, mutedAgain]).roots.get('SYM')).toBe('ROOT');
    // A muted symptom's event that names no root leaves the list's.
    const unnamed = event('fault_muted', { event_type: 'fault_muted', muted_event_type: 'fault_updated', muted_fault: item('SYM'), timestamp: 3 });
    expect(state(list, [unnamed]).roots.get('SYM')).toBe('ROOT');
  });
});
