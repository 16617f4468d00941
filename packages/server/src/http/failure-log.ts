// How failed requests reach the log without letting a client choose its volume: the same cause (status, error
// code, route) is logged once per interval with the count of the repeats it stood for, never a line (or a stack)
// per request. A failure medkit expected (a SovdError: a dead ROS node, a timeout) is a warning without a stack;
// an unexpected one keeps its stack, still once per cause per interval.

/** What one failed request asks of the log: `undefined` when its cause was logged within the interval. */
export interface FailureLogDecision {
  /** Requests of this cause since its last line that were not logged. */
  repeated: number;
}

export interface FailureLogOptions {
  /** One line per cause per this many ms (default 60 s). */
  intervalMs?: number;
  /** Causes remembered at once; the least recently seen is forgotten beyond it (default 256). */
  maxCauses?: number;
  now?: () => number;
}

interface CauseState {
  loggedAt: number;
  suppressed: number;
}

/** Rate limit of the log lines of failed requests, per cause. Bounded: a flood of distinct causes forgets the oldest. */
export class FailureLog {
  private readonly causes = new Map<string, CauseState>();
  private readonly intervalMs: number;
  private readonly maxCauses: number;
  private readonly now: () => number;

  constructor(o: FailureLogOptions = {}) {
    this.intervalMs = o.intervalMs ?? 60_000;
    this.maxCauses = Math.max(1, o.maxCauses ?? 256);
    this.now = o.now ?? Date.now;
  }

  /** Notes one failure of `cause`; returns what to log, or undefined when nothing should be. */
  note(cause: string): FailureLogDecision | undefined {
    const t = this.now();
    const s = this.causes.get(cause);
    if (s === undefined) {
      if (this.causes.size >= this.maxCauses) this.causes.delete(this.causes.keys().next().value!);
      this.causes.set(cause, { loggedAt: t, suppressed: 0 });
      return { repeated: 0 };
    }
    // Refreshed in the map's order: the least recently seen cause is the first to go.
    this.causes.delete(cause);
    this.causes.set(cause, s);
    if (t - s.loggedAt < this.intervalMs) {
      s.suppressed++;
      return undefined;
    }
    const repeated = s.suppressed;
    s.loggedAt = t;
    s.suppressed = 0;
    return { repeated };
  }
}
