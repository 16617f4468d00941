// The envelope check every robot event passes on both paths (docs/fleet.md): prev_seq, the link's pointer to the
// previous event of the same kind, is optional (older robots) and refused when it is anything but an earlier seq.
import { describe, expect, it } from 'vitest';
import { parseEnvelope } from '@medkit/fleet-protocol';

const body = { event_type: 'fault_updated', fault_code: 'X', severity: 2, status: 'CONFIRMED', description: '', occurrence_count: 1, reporting_sources: [], first_occurred: '2026-11-25T00:00:00Z', last_occurred: '2026-11-25T00:00:00Z' };
const envelope = (extra: Record<string, unknown>) => new TextEncoder().encode(JSON.stringify({ v: 1, robot_id: 'r', seq: 10, event_id: 'r:10', time: '2026-11-25T00:00:00Z', kind: 'faults', body, ...extra }));

describe('fleet envelope: prev_seq', () => {
  it('takes an envelope without it, and one naming an earlier seq', () => {
    expect(parseEnvelope(envelope({}))).toMatchObject({ ok: true });
    expect(parseEnvelope(envelope({ prev_seq: 7 }))).toMatchObject({ ok: true, envelope: { prev_seq: 7 } });
  });

  it('refuses a prev_seq that is not an earlier seq: equal, later, zero, negative, fractional, unsafe, a string', () => {
    for (const prev_seq of [10, 11, 0, -1, 2.5, 2 ** 53, '7', null]) {
      expect(parseEnvelope(envelope({ prev_seq })), String(prev_seq)).toEqual({ ok: false, reason: 'bad prev_seq' });
    }
  });
});

describe('fleet envelope: a fault body\'s acknowledgement', () => {
  const withAck = (acknowledgement: unknown) => envelope({ body: { ...body, acknowledgement } });
  it('takes who, when and a note', () => {
    expect(parseEnvelope(withAck({ by: 'alice', at: '2026-11-25T00:00:01Z', note: 'on it' }))).toMatchObject({ ok: true });
    expect(parseEnvelope(withAck({ by: 'alice', at: '2026-11-25T00:00:01Z' }))).toMatchObject({ ok: true });
  });

  it('refuses a hostile one: not an object, no or a huge who, a bad time, a long or non-string note', () => {
    for (const a of [null, 'alice', [], {}, { by: 7, at: '2026-11-25T00:00:01Z' }, { by: 'x'.repeat(513), at: '2026-11-25T00:00:01Z' }, { by: 'a', at: 'yesterday' }, { by: 'a', at: '2026-11-25T00:00:01Z', note: 'n'.repeat(501) }, { by: 'a', at: '2026-11-25T00:00:01Z', note: 5 }]) {
      expect(parseEnvelope(withAck(a)), JSON.stringify(a)).toMatchObject({ ok: false });
    }
  });
});
