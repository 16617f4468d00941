// Quiet re-reports (docs/faults.md "Events", D4; issue 67): a confirmed fault re-reported with nothing new publishes
// no event (so no subscriber and no journal sees it), at most one refresh a minute, and every real change still does.
import { afterEach, describe, expect, it } from 'vitest';
import { parseCorrelationConfig } from '../src/correlation/config.js';
import { STEADY_REFRESH_MS } from '../src/steady-faults.js';
import { BACKENDS, cleanupDirs, harness } from '../../../test-support/faults-harness.js';

afterEach(cleanupDirs);

describe.each(BACKENDS)('steady faults on %s', (backend) => {
  it('a confirmed fault re-reported 50 times publishes nothing and journals nothing; the store keeps last_occurred', () => {
    const h = harness(backend);
    const journaled: string[] = [];
    h.mgr.addEventJournal((e) => journaled.push(e.event_type));
    h.F('GRAPH_ORPHAN', 1, '/medkit/graph', 'orphan topic /scan_raw');
    expect(h.takeEvents()).toEqual(['fault_confirmed']);
    for (let i = 0; i < 50; i++) h.F('GRAPH_ORPHAN', 1, '/medkit/graph', 'orphan topic /scan_raw');
    expect(h.takeEvents()).toEqual([]);
    expect(journaled).toEqual(['fault_confirmed']);
    expect(h.mgr.health().events_published).toBe(1);
    const stored = h.repo.getFault('GRAPH_ORPHAN')!;
    expect(stored).toMatchObject({ status: 'CONFIRMED', occurrence_count: 1 });
    expect(stored.last_occurred_ns).toBe(h.clock.wallNs());
  });

  it('a steady fault still reported is told again once a minute with its newest last_occurred, then quiet again', () => {
    const h = harness(backend);
    h.F('GRAPH_QOS_MISMATCH', 1);
    h.takeEvents();
    h.clock.advance(STEADY_REFRESH_MS - 10);
    h.F('GRAPH_QOS_MISMATCH', 1); // 59.99 s after the event: still quiet
    expect(h.takeEvents()).toEqual([]);
    h.clock.advance(10);
    h.F('GRAPH_QOS_MISMATCH', 1);
    expect(h.takeEvents()).toEqual(['fault_updated']);
    expect(h.events.at(-1)!.fault.last_occurred_ns).toBe(h.clock.wallNs());
    h.F('GRAPH_QOS_MISMATCH', 1);
    expect(h.takeEvents()).toEqual([]);
  });

  it('what changed is always told: severity, description, a new source, an acknowledgement, a heal, a new occurrence, a clear', () => {
    const h = harness(backend, { config: { healing_enabled: true, healing_threshold: 1 } });
    h.F('MOTOR', 1, '/drive/left', 'hot');
    h.F('MOTOR', 1, '/drive/left', 'hot');
    expect(h.takeEvents()).toEqual(['fault_confirmed']);
    h.F('MOTOR', 2, '/drive/left', 'hot');
    expect(h.takeEvents()).toEqual(['fault_updated']);
    h.F('MOTOR', 2, '/drive/left', 'very hot');
    expect(h.takeEvents()).toEqual(['fault_updated']);
    h.F('MOTOR', 2, '/drive/right');
    expect(h.events.at(-1)!.fault.reporting_sources).toEqual(['/drive/left', '/drive/right']);
    expect(h.takeEvents()).toEqual(['fault_updated']);
    h.mgr.acknowledge('MOTOR', 'alice', 'on it');
    expect(h.takeEvents()).toEqual(['fault_updated']);
    h.F('MOTOR', 2, '/drive/right');
    expect(h.takeEvents()).toEqual([]);
    h.P('MOTOR'); // counter moves, still confirmed: nothing new
    expect(h.takeEvents()).toEqual([]);
    h.P('MOTOR');
    expect(h.takeEvents()).toEqual(['fault_cleared']);
    h.F('MOTOR', 2, '/drive/right');
    h.F('MOTOR', 2, '/drive/right'); // healed at +1: the second FAILED confirms again
    expect(h.takeEvents()).toEqual(['fault_confirmed']);
    expect(h.events.at(-1)!.fault.occurrence_count).toBe(2);
    h.mgr.clear('MOTOR');
    h.F('MOTOR', 2, '/drive/right');
    expect(h.takeEvents()).toEqual(['fault_cleared', 'fault_confirmed']);
    h.F('MOTOR', 2, '/drive/right');
    expect(h.takeEvents()).toEqual([]);
  });

  it('a shown fault that becomes a muted symptom is told once as muted, then its re-reports are quiet', () => {
    const rules = parseCorrelationConfig(`
correlation:
  enabled: true
  rules:
    - id: estop
      root_cause: { codes: ["ESTOP"] }
      symptoms: [ {codes: ["DRIVE_*"]} ]
      window_ms: 1000
`);
    const h = harness(backend, { correlation: rules });
    const muted: string[] = [];
    h.mgr.events.subscribeMuted((c) => muted.push(`${c.event_type}:${c.root_cause_code}`));
    h.F('DRIVE_STALL', 2);
    h.F('ESTOP', 3);
    expect(h.takeEvents()).toEqual(['fault_confirmed', 'fault_confirmed']);
    // Re-reported within the root's window: muted under ESTOP, which is news once.
    for (let i = 0; i < 5; i++) h.F('DRIVE_STALL', 2);
    expect(muted).toEqual(['fault_updated:ESTOP']);
    expect(h.takeEvents()).toEqual([]);
    // The root cleared clears it with it; failing again is a new occurrence, told as such.
    h.mgr.clear('ESTOP');
    h.F('DRIVE_STALL', 2);
    h.F('DRIVE_STALL', 2);
    expect(h.takeEvents()).toEqual(['fault_cleared', 'fault_confirmed']);
    expect(muted).toHaveLength(1);
  });
});
