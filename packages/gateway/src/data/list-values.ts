// Cached values shown on data list items (docs/resources.md, "Values and counts on data lists"). A list
// never samples: it shows the message the topic pool already holds. Large messages (images, point clouds)
// would multiply into every list response, so each value and each list have a byte budget.
import type { TopicSample } from './topic-pool.js';

/** A value whose JSON is longer than this is left off its list item. */
const LIST_VALUE_MAX_BYTES = 256 * 1024;
/** The values of one list response together stay under this. */
const LIST_VALUES_BUDGET_BYTES = 2 * 1024 * 1024;

/** JSON length of a sample's message, measured once per sample (samples are immutable once cached). */
const sizes = new WeakMap<TopicSample, number>();

function jsonSize(sample: TopicSample): number {
  let n = sizes.get(sample);
  if (n === undefined) {
    try {
      n = JSON.stringify(sample.value).length;
    } catch {
      // Not serialisable (never expected from the decoder): never shown.
      n = Number.POSITIVE_INFINITY;
    }
    sizes.set(sample, n);
  }
  return n;
}

/** What a list item shows of a topic's cached sample. */
type ListValue = { value: Record<string, unknown>; sample: TopicSample } | { omitted: 'too_large' } | undefined;

/** Hands out cached values for the items of one list response until its budget is spent. */
export class ListValueBudget {
  private left: number;

  constructor(total = LIST_VALUES_BUDGET_BYTES, private readonly perValue = LIST_VALUE_MAX_BYTES) {
    this.left = total;
  }

  /** The value to show for `sample` (undefined: nothing cached), or why it is left off. */
  take(sample: TopicSample | undefined): ListValue {
    if (!sample) return undefined;
    const size = jsonSize(sample);
    if (size > this.perValue || size > this.left) return { omitted: 'too_large' };
    this.left -= size;
    return { value: sample.value, sample };
  }
}
