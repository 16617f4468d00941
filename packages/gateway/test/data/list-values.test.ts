// The byte budgets of values on data list items (docs/resources.md): a message too large for one item, or for
// what is left of the list's budget, is left off instead of multiplying into every list response.
import { describe, expect, it } from 'vitest';
import { ListValueBudget } from '../../src/data/list-values.js';
import type { TopicSample } from '../../src/data/topic-pool.js';

const sample = (value: Record<string, unknown>): TopicSample => ({ value, timestampNs: 1n });

describe('list value budget', () => {
  it('shows small values, leaves off one larger than the per-value cap, then stops at the list budget', () => {
    const budget = new ListValueBudget(100, 40);
    expect(budget.take(undefined)).toBeUndefined();
    const small = sample({ data: 1.5 });
    expect(budget.take(small)).toEqual({ value: { data: 1.5 }, sample: small });
    // A hostile publisher's huge message (an image-sized array) is never copied into the list.
    expect(budget.take(sample({ data: new Array(100_000).fill(255) }))).toEqual({ omitted: 'too_large' });
    const thirty = sample({ data: 'x'.repeat(20) }); // 31 bytes of JSON
    expect(budget.take(thirty)).toMatchObject({ value: thirty.value });
    expect(budget.take(thirty)).toMatchObject({ value: thirty.value });
    expect(budget.take(thirty)).toEqual({ omitted: 'too_large' }); // 12 + 31 + 31 + 31 > 100
    expect(budget.take(small)).toMatchObject({ value: small.value }); // what is left still fits a small one
  });

  it('never shows a value that cannot be serialised', () => {
    expect(new ListValueBudget().take(sample({ big: 1n as unknown as number }))).toEqual({ omitted: 'too_large' });
  });
});
