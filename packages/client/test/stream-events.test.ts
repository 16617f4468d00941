// The typed stream events. /faults/stream: `fault_muted` (a muted symptom's change, docs/faults.md "Muted symptoms on the
// stream") is skipped by the plain fault parser, so clients that do not ask for it are unaffected, and parsed with
// its symptom by the parser that asks for it, with `replay_truncated` (the list must be read again).
import { describe, expect, it } from 'vitest';
import { parseFaultEvent, parseFaultOrMutedEvent, parseTopicStreamEvent, parseWatchChange, type SseMessage } from '../src/index.js';

const symptom = { fault_code: 'NAV_ABORTED', severity: 2, description: 'aborted', status: 'CONFIRMED', occurrence_count: 2, reporting_sources: ['/navigation/bt_navigator'] };
const muted: SseMessage = {
  id: '7',
  event: 'fault_muted',
  data: JSON.stringify({ event_type: 'fault_muted', muted_event_type: 'fault_updated', muted_fault: symptom, timestamp: 1764289000.5, root_cause_code: 'PROTECTIVE_STOP' }),
};
const confirmed: SseMessage = { id: '6', event: 'fault_confirmed', data: JSON.stringify({ event_type: 'fault_confirmed', fault: { ...symptom, fault_code: 'PROTECTIVE_STOP' }, timestamp: 1764289000 }) };

describe('fault stream events', () => {
  it('the plain parser skips fault_muted; the one that asks for it reads its symptom', () => {
    expect(parseFaultEvent(muted)).toBeUndefined();
    expect(parseFaultOrMutedEvent(muted)).toEqual({
      id: '7',
      event_type: 'fault_muted',
      muted_event_type: 'fault_updated',
      muted_fault: symptom,
      timestamp: 1764289000.5,
      root_cause_code: 'PROTECTIVE_STOP',
    });
    expect(parseFaultOrMutedEvent(confirmed)).toMatchObject({ id: '6', event_type: 'fault_confirmed', fault: { fault_code: 'PROTECTIVE_STOP' } });
    expect(parseFaultEvent({ event: 'replay_truncated', data: '{"requested_id":1,"first_id":5,"last_id":9}' })).toBeUndefined();
    expect(parseFaultOrMutedEvent({ id: '9', event: 'replay_truncated', data: '{"requested_id":1,"first_id":5,"last_id":9}' })).toEqual({ id: '9', event_type: 'replay_truncated', requested_id: 1, first_id: 5, last_id: 9 });
    expect(parseFaultOrMutedEvent({ event: 'keepalive_of_the_future', data: '{}' })).toBeUndefined();
  });

  it('refuses a fault_muted without its symptom', () => {
    expect(() => parseFaultOrMutedEvent({ event: 'fault_muted', data: JSON.stringify({ event_type: 'fault_muted', fault: symptom }) })).toThrow(/muted_fault/);
  });
});

describe('watch and topic stream events', () => {
  it('a watch change keeps path, status and body; other events are skipped, one without a path throws', () => {
    expect(parseWatchChange({ event: 'changed', data: '{"path":"/apps/a/data","status":200,"body":{"items":[]}}' })).toEqual({ path: '/apps/a/data', status: 200, body: { items: [] } });
    expect(parseWatchChange({ event: 'changed', data: '{"path":"/faults","status":200,"too_large":true}' })).toEqual({ path: '/faults', status: 200, too_large: true });
    expect(parseWatchChange({ event: 'message', data: '{}' })).toBeUndefined();
    expect(() => parseWatchChange({ event: 'changed', data: '{"status":200}' })).toThrow(/path/);
    expect(() => parseWatchChange({ event: 'changed', data: 'null' })).toThrow(/path/);
  });

  it('a topic event reads its figures as numbers or null, a sample its message; a body that is not an object throws', () => {
    const stats = { rate_hz: 10, interval_min_sec: 0.09, interval_max_sec: 0.11, interval_std_sec: 0.001, window_count: 9, bandwidth_bytes_per_sec: 100, mean_size_bytes: 10, received: 10, dropped: 1 };
    expect(parseTopicStreamEvent({ id: '3', event: 'sample', data: JSON.stringify({ data: { x: 1 }, timestamp: 2e18, age_sec: 0.5, stats }) })).toEqual({ id: '3', kind: 'sample', data: { x: 1 }, timestamp: 2e18, age_sec: 0.5, stats });
    expect(parseTopicStreamEvent({ event: 'sample', data: JSON.stringify({ value_omitted: 'too_large', timestamp: 1, age_sec: 0, stats }) })).toMatchObject({ kind: 'sample', value_omitted: 'too_large' });
    expect(parseTopicStreamEvent({ event: 'stats', data: JSON.stringify({ data: 'ignored', timestamp: null, stats: { rate_hz: 'x' } }) })).toEqual({
      id: undefined, kind: 'stats', timestamp: null, age_sec: null,
      stats: { rate_hz: null, interval_min_sec: null, interval_max_sec: null, interval_std_sec: null, window_count: 0, bandwidth_bytes_per_sec: null, mean_size_bytes: null, received: 0, dropped: 0 },
    });
    expect(parseTopicStreamEvent({ event: 'changed', data: '{}' })).toBeUndefined();
    expect(() => parseTopicStreamEvent({ event: 'sample', data: '[1]' })).toThrow(/object/);
    expect(() => parseTopicStreamEvent({ event: 'sample', data: 'not json' })).toThrow();
  });
});
