// When a value rule's input is dead (issue 66, docs/graph.md "A dead input says so"). A rule judges the latest value
// of each source: when one topic stops arriving while its publisher is still on the graph (a stuck stream, a
// stalled node, a forged claim), a rule over one source sees no samples and heals or holds quietly, and a rule over
// two keeps evaluating the silent one's last value forever. Neither is health. So each input (a topic, or one
// `/diagnostics` status) keeps its arrival cadence, and one that came regularly and has been silent for many of
// its periods is named.

/** Arrivals an input needs before its cadence counts: an event topic heard once or twice is no periodic stream. */
export const CADENCE_MIN_ARRIVALS = 4;
/** Silent for this many of its usual periods... */
export const SILENT_PERIODS = 10;
/** ...and at least this long (ms): a 100 Hz topic missing a tenth of a second is jitter, not a dead input. */
export const SILENT_MIN_MS = 5000;
/** Gaps kept per input for its usual period (their median). */
const GAPS_KEPT = 9;

interface Arrivals {
  count: number;
  last: number;
  gaps: number[];
}

/** What a silent input looks like to an operator. */
export interface SilentInput {
  /** The topic (`/odom`), or `diag:<status name>` for a `/diagnostics` status. */
  input: string;
  silentMs: number;
  /** Its usual period before it fell silent (ms). */
  periodMs: number;
}

/** The arrival cadence of one rule's inputs. Bounded: one entry per input of the rule (at most its sources). */
export class InputCadence {
  private readonly inputs = new Map<string, Arrivals>();

  /** A message of `input` arrived at monotonic `at` ms (valid, invalid or disabled: the input is alive). */
  heard(input: string, at: number): void {
    const a = this.inputs.get(input);
    if (!a) {
      this.inputs.set(input, { count: 1, last: at, gaps: [] });
      return;
    }
    const gap = at - a.last;
    a.count++;
    a.last = at;
    // Several fields of one message, or two statuses of one /diagnostics message, are one arrival.
    if (gap <= 0) return;
    if (a.gaps.length === GAPS_KEPT) a.gaps.shift();
    a.gaps.push(gap);
  }

  /** The inputs that came regularly and have been silent for SILENT_PERIODS of their period (and SILENT_MIN_MS). */
  silent(now: number): SilentInput[] {
    const out: SilentInput[] = [];
    for (const [input, a] of this.inputs) {
      if (a.count < CADENCE_MIN_ARRIVALS || a.gaps.length === 0) continue;
      const periodMs = median(a.gaps);
      const silentMs = now - a.last;
      if (silentMs >= Math.max(SILENT_PERIODS * periodMs, SILENT_MIN_MS)) out.push({ input, silentMs, periodMs });
    }
    return out;
  }
}

function median(values: number[]): number {
  const s = [...values].sort((x, y) => x - y);
  return s[Math.floor(s.length / 2)];
}
