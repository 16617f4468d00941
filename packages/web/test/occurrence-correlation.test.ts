// An older occurrence's correlation from the status histories (incident/occurrence-correlation.ts): a symptom's
// root cause from its own entries of that occurrence, a root cause's symptoms from the candidates' `muted`
// entries inside its span, and what cannot be told (trimmed histories, failed reads, the read cap).
import { describe, expect, it } from 'vitest';
import type { StatusChange } from '../src/model/fault-detail';
import { occurrencesOf } from '../src/incident/occurrences';
import { occurrenceSpan, pastCorrelation, recordedFromStart, rootCauseDuring, symptomCandidates, symptomsDuring, type CandidateRead } from '../src/incident/occurrence-correlation';

const T = 1_700_000_000_000;
const h = (occurrence: number, change: string, atSec: number, source?: string, note?: string): StatusChange => ({ status: 'CONFIRMED', atMs: T + atSec * 1000, origin: 'gateway', change, occurrence, source, note });

/** A root cause's history: occurrence 1 from 0 s to 10 s, 2 from 100 s to 110 s, 3 from 200 s (active). */
const ROOT: StatusChange[] = [1, 2, 3].flatMap((n) => [h(n, 'occurred', (n - 1) * 100), h(n, 'confirmed', (n - 1) * 100 + 1), ...(n < 3 ? [h(n, 'healed', (n - 1) * 100 + 10)] : [])]);
/** A symptom muted under STOP in occurrences 1 and 3 of STOP (its own 1 and 2). */
const ABORT: StatusChange[] = [h(1, 'occurred', 2), h(1, 'confirmed', 2), h(1, 'muted', 2, 'STOP'), h(1, 'healed', 20), h(2, 'occurred', 202), h(2, 'confirmed', 202), h(2, 'muted', 202, 'STOP')];
const LIST = {
  items: [
    { fault_code: 'STOP', entity_id: 'safety_gate' },
    { fault_code: 'ABORT', entity_id: 'bt_navigator' },
  ],
  'x-medkit': { muted_faults: [{ fault_code: 'ABORT', root_cause_code: 'STOP', rule_id: 'stop_rule' }] },
};

describe('occurrence correlation', () => {
  it("names a symptom's root cause from its own entries of that occurrence, released or cascaded", () => {
    expect(rootCauseDuring(ABORT, 1)).toEqual({ known: true, code: 'STOP', released: false });
    expect(rootCauseDuring([...ABORT, h(2, 'unmuted', 205, 'island')], 2)).toEqual({ known: true, code: 'STOP', released: true });
    expect(rootCauseDuring([h(1, 'occurred', 0), h(1, 'cleared', 5, 'api', 'STOP')], 1).code).toBe('STOP');
    expect(rootCauseDuring(ROOT, 2)).toEqual({ known: true, code: undefined, released: undefined });
  });

  it('knows no root cause for an occurrence whose start the trimmed history lost, or with no number', () => {
    const trimmed = ABORT.slice(2); // the muted and healed entries of 1 remain, its occurred is gone
    expect(recordedFromStart(trimmed, 1)).toBe(false);
    expect(recordedFromStart(trimmed, 2)).toBe(true);
    expect(rootCauseDuring(trimmed, 1)).toEqual({ known: false });
    expect(rootCauseDuring(ABORT, undefined)).toEqual({ known: false });
  });

  it("finds a root cause's symptoms by their muted entries inside its span only", () => {
    const list = occurrencesOf([], [], ROOT);
    const [third, second, first] = list;
    expect(occurrenceSpan(first, list)).toEqual([T, T + 10_000]);
    expect(occurrenceSpan(third, list)[1]).toBe(Infinity);
    const reads: CandidateRead[] = [{ code: 'ABORT', history: ABORT }];
    expect(symptomsDuring('STOP', occurrenceSpan(first, list), reads)).toEqual({ symptoms: [{ code: 'ABORT', occurrence: 1, atMs: T + 2000 }], unknown: [] });
    expect(symptomsDuring('STOP', occurrenceSpan(second, list), reads)).toEqual({ symptoms: [], unknown: [] });
    expect(symptomsDuring('OTHER', occurrenceSpan(first, list), reads).symptoms).toEqual([]);
  });

  it('says which candidates cannot tell: a failed read, a history trimmed past the span, none at all', () => {
    const span: [number, number] = [T, T + 10_000];
    const out = symptomsDuring('STOP', span, [
      { code: 'A', failed: 'timeout' },
      { code: 'B', history: [h(7, 'confirmed', 500)] },
      { code: 'C', history: [] },
      { code: 'D', history: [h(1, 'occurred', 500)] }, // first occurred after the span: certainly no symptom
    ]);
    expect(out.symptoms).toEqual([]);
    expect(out.unknown.map((u) => u.code)).toEqual(['A', 'B', 'C']);
  });

  it('takes the candidates from the muted list and later events, never the fault itself', () => {
    expect(symptomCandidates(LIST, 'STOP', new Map([['LATE', 'STOP'], ['X', 'OTHER'], ['STOP', 'STOP']]))).toEqual(['ABORT', 'LATE']);
    expect(symptomCandidates(undefined, 'STOP', new Map())).toEqual([]);
  });

  it("puts it together: links to each symptom's own occurrence, the nearest with one, the cap", () => {
    const list = occurrencesOf([], [], ROOT);
    const [, second, first] = list;
    const reads = { reads: [{ code: 'ABORT', history: ABORT }] as CandidateRead[], total: 20 };
    const p1 = pastCorrelation('STOP', first, list, ROOT, reads, LIST);
    expect(p1.noRecord).toBe(false);
    expect(p1.correlation.rootCause).toBeUndefined();
    expect(p1.correlation.symptoms).toEqual([{ code: 'ABORT', entityId: 'bt_navigator', gateway: undefined, atMs: T + 2000, note: 'its occurrence #1, muted under this one' }]);
    expect(p1.correlation.ruleId).toBe('stop_rule');
    expect([p1.checked, p1.candidates]).toEqual([1, 20]);
    const p2 = pastCorrelation('STOP', second, list, ROOT, reads, LIST);
    expect(p2.correlation.symptoms).toEqual([]);
    // #1 and #3 both had one, 100 s away: ties go to the later one.
    expect(p2.nearest?.number).toBe(3);
    // The symptom's side: its older occurrence names STOP; with its start trimmed, the nearest on record.
    const own = occurrencesOf([], [], ABORT);
    const s1 = pastCorrelation('ABORT', own[1], own, ABORT, { reads: [], total: 0 }, LIST);
    expect(s1.correlation.rootCause).toEqual([{ code: 'STOP', entityId: 'safety_gate', gateway: undefined, atMs: undefined, note: 'muted under it' }]);
    const trimmed = ABORT.slice(2);
    const cut = occurrencesOf([], [], trimmed);
    const s2 = pastCorrelation('ABORT', cut[1], cut, trimmed, { reads: [], total: 0 }, LIST);
    expect(s2.noRecord).toBe(true);
    expect(s2.nearest?.number).toBe(2);
  });
});
