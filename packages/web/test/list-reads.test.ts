import { describe, expect, it } from 'vitest';
import { ListReads } from '../src/state/list-reads';

describe('list reads in flight while events stream', () => {
  it('lays the events that came during a read over its answer, and only those', () => {
    const reads = new ListReads<string>();
    reads.event('before');
    const read = reads.begin();
    reads.event('cleared');
    expect(reads.answered(read)).toEqual(['cleared']);
    reads.event('after');
    expect(read.meanwhile).toEqual(['cleared']);
  });

  it('drops an answer older than one already shown (a later read that answered first)', () => {
    const reads = new ListReads<string>();
    const first = reads.begin();
    const second = reads.begin();
    reads.event('e');
    expect(reads.answered(second)).toEqual(['e']);
    expect(reads.answered(first)).toBeUndefined();
  });

  it('keeps only the latest events of a read that outlives many', () => {
    const reads = new ListReads<number>(3);
    const read = reads.begin();
    for (let i = 0; i < 10; i++) reads.event(i);
    expect(reads.answered(read)).toEqual([7, 8, 9]);
  });

  it('forgets a failed read', () => {
    const reads = new ListReads<string>();
    const read = reads.begin();
    reads.failed(read);
    reads.event('e');
    expect(read.meanwhile).toEqual([]);
  });
});
