// The stored status history and acknowledgements (docs/faults.md "Status history", "Acknowledge"): what each change
// leaves, on both local backends, across a restart of the store, bounded per fault.
import { afterEach, describe, expect, it } from 'vitest';
import { parseCorrelationConfig } from '../src/correlation/config.js';
import { BACKENDS, cleanupDirs, harness, openRepo, tmpDir } from '../../../test-support/faults-harness.js';

afterEach(cleanupDirs);

const changes = (h: ReturnType<typeof harness>, code: string) => h.mgr.history(code).map((e) => [e.change, e.status, e.occurrence, e.source]);

describe.each(BACKENDS)('status history on %s', (backend) => {
  const healing = { confirmation_threshold: -2, healing_enabled: true, healing_threshold: 2 };

  it('keeps occurred, confirmed, healed, a second occurrence and the clear, with sources and times', () => {
    const h = harness(backend, { config: healing });
    h.F('MOTOR', 2, '/drive/left');
    h.F('MOTOR', 2, '/drive/left');
    for (let i = 0; i < 4; i++) h.P('MOTOR', '/drive/left');
    for (let i = 0; i < 4; i++) h.F('MOTOR', 2, '/drive/right');
    h.mgr.clear('MOTOR', { by: 'operator-7' });
    expect(changes(h, 'MOTOR')).toEqual([
      ['occurred', 'PREFAILED', 1, '/drive/left'],
      ['confirmed', 'CONFIRMED', 1, '/drive/left'],
      ['healed', 'HEALED', 1, 'auto_heal'],
      ['confirmed', 'CONFIRMED', 2, '/drive/right'],
      ['cleared', 'CLEARED', 2, 'operator-7'],
    ]);
    const times = h.mgr.history('MOTOR').map((e) => e.at_ns);
    expect([...times].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))).toEqual(times);
    expect(h.mgr.history('MOTOR')[2].note).toBe('last PASSED from /drive/left');
  });

  it('an acknowledgement is kept with who and a note, published as fault_updated, and ends with its occurrence', () => {
    const h = harness(backend, { config: healing });
    h.F('MOTOR', 3);
    h.takeEvents();
    const out = h.mgr.acknowledge('MOTOR', 'alice', 'on my way to the robot');
    expect(out).toMatchObject({ acknowledgement: { by: 'alice', note: 'on my way to the robot', occurrence: 1 } });
    expect(h.takeEvents()).toEqual(['fault_updated']);
    expect(h.mgr.acknowledgement(h.repo.getFault('MOTOR')!)).toMatchObject({ by: 'alice' });
    // Heals and comes back: a new occurrence, not acknowledged.
    h.P('MOTOR'); h.P('MOTOR'); h.P('MOTOR');
    expect(h.mgr.acknowledgement(h.repo.getFault('MOTOR')!)).toMatchObject({ by: 'alice' });
    h.F('MOTOR', 3);
    expect(h.repo.getFault('MOTOR')!.occurrence_count).toBe(2);
    expect(h.mgr.acknowledgement(h.repo.getFault('MOTOR')!)).toBeUndefined();
    expect(h.mgr.acknowledge('NOPE', 'alice')).toEqual({ refused: 'not-found' });
    h.mgr.clear('MOTOR');
    expect(h.mgr.acknowledge('MOTOR', 'alice')).toEqual({ refused: 'not-active' });
  });

  it('cuts a long note and bounds the history per fault to faults.history.max_per_fault (the oldest go)', () => {
    const h = harness(backend, { config: { ...healing, history: { max_per_fault: 4 } } });
    h.F('X', 3);
    h.mgr.acknowledge('X', 'bob', 'y'.repeat(2000));
    expect(h.mgr.history('X').at(-1)!.note).toHaveLength(500);
    for (let i = 0; i < 5; i++) {
      h.P('X'); h.P('X'); h.P('X');
      h.F('X', 3);
    }
    const kept = h.mgr.history('X');
    expect(kept).toHaveLength(4);
    expect(kept.map((e) => [e.change, e.occurrence])).toEqual([['healed', 4], ['confirmed', 5], ['healed', 5], ['confirmed', 6]]);
  });
});

describe('status history across a restart (SQLite on a real file)', () => {
  it('the history and the acknowledgement are read back by a new manager on the same file', () => {
    const dir = tmpDir();
    const first = harness('sqlite', { repo: openRepo('sqlite', dir) });
    first.F('BATTERY', 3, '/power/battery');
    first.mgr.acknowledge('BATTERY', 'carol', 'swapping the pack');
    first.mgr.stop();
    const second = harness('sqlite', { repo: openRepo('sqlite', dir) });
    expect(changes(second, 'BATTERY')).toEqual([
      ['occurred', 'CONFIRMED', 1, '/power/battery'],
      ['confirmed', 'CONFIRMED', 1, '/power/battery'],
      ['acknowledged', 'CONFIRMED', 1, 'carol'],
    ]);
    expect(second.mgr.acknowledgement(second.repo.getFault('BATTERY')!)).toMatchObject({ by: 'carol', note: 'swapping the pack' });
  });
});

describe('status history of correlation', () => {
  const RULES = `
correlation:
  enabled: true
  rules:
    - id: stop
      root_cause: { codes: ["PROTECTIVE_STOP"] }
      symptoms: [ { codes: ["GOAL_ABORTED"] } ]
      window_ms: 5000
`;

  it('a symptom confirmed under a root cause says muted and by which; released by an offline peer, it says unmuted', () => {
    const h = harness('memory', { correlation: parseCorrelationConfig(RULES) });
    h.mgr.correlatePeerFault('PROTECTIVE_STOP', 3, 'island');
    h.F('GOAL_ABORTED', 3, '/navigation/bt_navigator');
    expect(changes(h, 'GOAL_ABORTED')).toEqual([
      ['occurred', 'CONFIRMED', 1, '/navigation/bt_navigator'],
      ['confirmed', 'CONFIRMED', 1, '/navigation/bt_navigator'],
      ['muted', 'CONFIRMED', 1, 'PROTECTIVE_STOP'],
    ]);
    expect(h.mgr.releasePeerGateway('island')).toEqual(['GOAL_ABORTED']);
    expect(h.mgr.history('GOAL_ABORTED').at(-1)).toMatchObject({ change: 'unmuted', source: 'island' });
  });
});
