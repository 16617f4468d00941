// The typed /faults/stream events: `fault_muted` (a muted symptom's change, docs/faults.md "Muted symptoms on the
// stream") is skipped by the plain fault parser, so clients that do not ask for it are unaffected, and parsed with
// its symptom by the parser that asks for it, with `replay_truncated` (the list must be read again).
import { describe, expect, it } from 'vitest';
import { parseFaultEvent, parseFaultOrMutedEvent, type SseMessage } from '../src/index.js';

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
