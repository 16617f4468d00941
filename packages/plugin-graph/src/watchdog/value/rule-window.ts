// One value rule's samples and verdict (docs/graph.md): each update of a source re-evaluates the rule with the
// latest value of every source; while `enable` holds, the value joins the window. Each sweep drops samples
// older than `window_ms` and compares the window's statistic with the threshold.
import { SampleWindow } from '../sample-window.js';
import type { CompiledRule, Op } from './rule.js';

interface Verdict {
  failed: boolean;
  samples: number;
  /** The statistic, when the window has enough samples for it. */
  stat?: number;
  text?: string;
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;
const compare = (a: number, op: Op, b: number) => (op === '<' ? a < b : op === '<=' ? a <= b : op === '>' ? a > b : a >= b);

/** A number for a description: at most 6 significant digits, no exponent noise for ordinary values. */
function formatNumber(v: number): string {
  return Number(v.toPrecision(6)).toString();
}

export class RuleWindow {
  private readonly latest = new Map<string, number>();
  private readonly window: SampleWindow;
  /** When the current unbroken run of samples started (stuck needs a whole window of them). */
  private runStart?: number;
  /** Updates seen while `enable` did not hold. */
  disabled = 0;

  constructor(
    readonly compiled: CompiledRule,
    capacity: number,
  ) {
    this.window = new SampleWindow(capacity);
  }

  get overflowed(): number {
    return this.window.overflowed;
  }

  /** New values of some sources, taken at monotonic `at` ms. */
  update(values: ReadonlyMap<string, number>, at: number): void {
    for (const [k, v] of values) this.latest.set(k, v);
    const { value, enable } = this.compiled;
    if (enable) {
      const on = enable.evaluate(this.latest);
      if (!on) {
        this.disabled++;
        return;
      }
    }
    const v = value.evaluate(this.latest);
    if (v === undefined) return;
    if (this.window.size === 0) this.runStart = at;
    this.window.push(at, v);
  }

  judge(now: number): Verdict {
    const r = this.compiled.rule;
    this.window.dropBefore(now - r.window_ms);
    const s = this.window.samples();
    if (s.length === 0) this.runStart = undefined;
    if (s.length < r.min_samples) return { failed: false, samples: s.length };
    const values = s.map((x) => x.value);
    const lo = values.reduce((m, v) => Math.min(m, v));
    const hi = values.reduce((m, v) => Math.max(m, v));
    const what = Object.hasOwn(r.sources, r.value) ? r.sources[r.value] : r.value;
    if (r.stat === 'stuck') {
      const spanned = this.runStart !== undefined && now - this.runStart >= r.window_ms;
      const failed = spanned && hi - lo <= r.threshold;
      return { failed, samples: s.length, stat: hi - lo, ...(failed ? { text: `rule ${r.id}: ${what} stuck at ${formatNumber(values[values.length - 1])} for ${r.window_ms} ms (changed by ${formatNumber(hi - lo)}, tolerance ${formatNumber(r.threshold)}; ${plural(s.length, 'sample')})` } : {}) };
    }
    let stat: number;
    if (r.stat === 'min') stat = lo;
    else if (r.stat === 'max') stat = hi;
    else if (r.stat === 'mean') stat = values.reduce((a, v) => a + v, 0) / values.length;
    else {
      const dt = s[s.length - 1].at - s[0].at;
      if (dt <= 0) return { failed: false, samples: s.length };
      stat = ((values[values.length - 1] - values[0]) * 1000) / dt;
    }
    const failed = compare(stat, r.op!, r.threshold);
    const label = r.stat === 'rate' ? 'rate of change (per s)' : r.stat;
    return { failed, samples: s.length, stat, ...(failed ? { text: `rule ${r.id}: ${label} of ${what} over ${r.window_ms} ms is ${formatNumber(stat)} (${r.op} ${formatNumber(r.threshold)}; ${plural(s.length, 'sample')})` } : {}) };
  }
}
