// One value rule's samples and verdict (docs/graph.md): each update of a source re-evaluates the rule with the
// latest value of every source; while `enable` holds, the value joins the window. Each sweep drops samples
// older than `window_ms` and compares the window's statistic with the threshold.
import { SampleWindow } from '../sample-window.js';
import { InputCadence } from './input-cadence.js';
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
  /** When each input (topic, `/diagnostics` status) arrives: a dead one is named (input-cadence.ts). */
  readonly inputs = new InputCadence();
  /** Updates seen while `enable` did not hold. */
  disabled = 0;
  /** Values that were present but no finite number (NaN, infinity, text), since the rule was made. */
  invalidSamples = 0;
  /** When the latest invalid value and the latest valid sample came (monotonic ms). */
  private lastInvalidAt?: number;
  private lastValidAt?: number;
  /** When an update last came while `enable` did not hold: the check does not apply then, which is no outage. */
  private lastDisabledAt?: number;
  /** When the rule was first judged: silence is counted from there until a first sample. */
  private firstJudgedAt?: number;
  /** The previous verdict failed: what "no valid data" keeps (docs/graph.md). */
  private failing = false;

  constructor(
    readonly compiled: CompiledRule,
    capacity: number,
  ) {
    this.window = new SampleWindow(capacity);
  }

  get overflowed(): number {
    return this.window.overflowed;
  }

  /** A source's value was present but no finite number, at monotonic `at` ms. */
  invalid(at: number): void {
    this.invalidSamples++;
    this.lastInvalidAt = at;
  }

  /** New values of some sources, taken at monotonic `at` ms. */
  update(values: ReadonlyMap<string, number>, at: number): void {
    for (const [k, v] of values) this.latest.set(k, v);
    const { value, enable } = this.compiled;
    if (enable) {
      const on = enable.evaluate(this.latest);
      if (!on) {
        this.disabled++;
        this.lastDisabledAt = at;
        return;
      }
    }
    const v = value.evaluate(this.latest);
    if (v === undefined) return;
    this.lastValidAt = at;
    if (this.window.size === 0) this.runStart = at;
    this.window.push(at, v);
  }

  judge(now: number): Verdict {
    const v = this.verdict(now);
    this.failing = v.failed;
    return v;
  }

  private verdict(now: number): Verdict {
    const r = this.compiled.rule;
    this.firstJudgedAt ??= now;
    this.window.dropBefore(now - r.window_ms);
    const s = this.window.samples();
    if (s.length === 0) this.runStart = undefined;
    const what = Object.hasOwn(r.sources, r.value) ? r.sources[r.value] : r.value;
    // Invalid data is never taken as healthy: a violation for a window (on_invalid violate)...
    if (r.on_invalid === 'violate' && this.lastInvalidAt !== undefined && now - this.lastInvalidAt < r.window_ms) {
      return { failed: true, samples: s.length, text: `rule ${r.id}: ${what} was not a finite number (NaN, infinite or not numeric) within the last ${r.window_ms} ms (${plural(this.invalidSamples, 'invalid value')} so far)` };
    }
    // ...a source fallen silent (stale_after_ms)...
    const silentFor = now - Math.max(this.lastValidAt ?? this.firstJudgedAt, this.lastDisabledAt ?? -Infinity);
    if (r.stale_after_ms !== undefined && silentFor >= r.stale_after_ms) {
      return { failed: true, samples: s.length, text: `rule ${r.id}: no valid value of ${what} for ${silentFor} ms (stale_after_ms ${r.stale_after_ms}${this.invalidSamples > 0 ? `; ${plural(this.invalidSamples, 'invalid value')} so far` : ''})` };
    }
    // ...and too few valid samples keep the last verdict, so a broken sensor never heals its own alarm (while `enable`
    // says the check does not apply, the data is there: that heals).
    if (s.length < r.min_samples) {
      const notApplying = this.lastDisabledAt !== undefined && now - this.lastDisabledAt < r.window_ms;
      return this.failing && !notApplying
        ? { failed: true, samples: s.length, text: `rule ${r.id}: no valid data from ${what} in the last ${r.window_ms} ms; the fault stays until valid data says otherwise${this.invalidSamples > 0 ? ` (${plural(this.invalidSamples, 'invalid value')} so far)` : ''}` }
        : { failed: false, samples: s.length };
    }
    const values = s.map((x) => x.value);
    const lo = values.reduce((m, v) => Math.min(m, v));
    const hi = values.reduce((m, v) => Math.max(m, v));
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
