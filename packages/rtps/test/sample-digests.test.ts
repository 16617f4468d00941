// What a reader remembers of a transient-local writer's samples (sample-digests.ts): a repeat with other bytes is a
// conflict, the same bytes are not; the conflicts kept per writer survive a re-read's fresh proxy and stay bounded.
import { describe, expect, it } from 'vitest';
import { ConflictLog, DIGESTS_PER_WRITER, SampleDigests, STALE_CONFLICT_RECORDS } from '../src/sample-digests.js';

describe('sample digests', () => {
  it('tells a retransmission from another sample at the same SN, for the last DIGESTS_PER_WRITER SNs', () => {
    const d = new SampleDigests();
    for (let sn = 1; sn <= DIGESTS_PER_WRITER + 2; sn++) d.note(sn, Buffer.from(`sample ${sn}`));
    expect(d.conflicts(5, Buffer.from('sample 5'))).toBe(false);
    expect(d.conflicts(5, Buffer.from('forged 5'))).toBe(true);
    // SNs 1 and 2 made room: nothing to compare with.
    expect(d.conflicts(1, Buffer.from('forged 1'))).toBe(false);
  });
});

describe('conflict log', () => {
  const matched = (...guids: string[]) => new Map(guids.map((g) => [g, true]));

  it('counts per writer, with the latest SN and times, and lists only writers still matched', () => {
    const log = new ConflictLog();
    const writers = matched('w1', 'w2');
    log.note('w1', 7, 1000, writers);
    log.note('w1', 9, 2000, writers);
    log.note('w2', 3, 1500, writers);
    expect(log.total).toBe(3);
    expect([...log.matched(writers)]).toEqual([
      ['w1', { count: 2, lastSequenceNumber: 9, firstAt: 1000, lastAt: 2000 }],
      ['w2', { count: 1, lastSequenceNumber: 3, firstAt: 1500, lastAt: 1500 }],
    ]);
    // w1 read again through a fresh proxy: it is matched again under its GUID, and its record is still there.
    expect([...log.matched(matched('w1'))].map(([g, c]) => [g, c.count])).toEqual([['w1', 2]]);
  });

  it('drops the records of writers gone once they outnumber the matched ones by STALE_CONFLICT_RECORDS (a forger cycling writer GUIDs)', () => {
    const log = new ConflictLog();
    for (let i = 0; i < 10 * STALE_CONFLICT_RECORDS; i++) log.note(`gone${i}`, 1, i, matched(`gone${i}`));
    const live = matched('live');
    log.note('live', 4, 9999, live);
    expect(log.total).toBe(10 * STALE_CONFLICT_RECORDS + 1);
    expect([...log.matched(live)].map(([g]) => g)).toEqual(['live']);
    // Bounded: at most matched + STALE_CONFLICT_RECORDS records at any time.
    expect((log as unknown as { byWriter: Map<string, unknown> }).byWriter.size).toBeLessThanOrEqual(1 + STALE_CONFLICT_RECORDS);
  });
});
