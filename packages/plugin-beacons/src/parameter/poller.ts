// The parameter beacon's poll loop (docs/beacons.md): per cycle, walk the target nodes from a rotating
// start offset within a time budget, up to 4 at once [OURS], skipping nodes in backoff (1, 2, 4, 8, 8 …
// cycles after consecutive failures), with one cached parameter client per node FQN that is dropped
// (with its backoff state) as soon as the node is no longer a target. The client factory is injected,
// so the loop runs without a ROS graph in unit tests.
import type { ParamValue } from './parse.js';

/** Reads one node's parameters under a prefix. */
export interface ParamClient {
  /** Waits for the node's parameter services, lists names under `prefix` and reads their values, all within `timeoutMs`. */
  read(prefix: string, timeoutMs: number): Promise<ParamValue[]>;
  close(): void;
}

/**
 * A client's read rejects with this when the node's parameter services were not discovered (or not matched) by
 * the deadline: no request was sent, so the node is not backed off further than one cycle [OURS]. A node whose
 * services show late (secured discovery under load) is read a cycle later, not 1 + 2 + 4 cycles later.
 */
export class ParamServicesNotReadyError extends Error {
  override readonly name = 'ParamServicesNotReadyError';
  readonly code: string = 'param-services-not-ready';
}

/** Creates the client of one node (by FQN); called once per node while it stays a target. */
export type ParamClientFactory = (nodeFqn: string) => ParamClient;

export interface PollerOptions {
  prefix: string;
  pollIntervalSec: number;
  pollBudgetSec: number;
  paramTimeoutSec: number;
  concurrency: number;
  factory: ParamClientFactory;
  /** The nodes to poll now (FQNs). */
  targets: () => string[];
  /** What a node answered (its parameters under the prefix). */
  onParameters: (nodeFqn: string, params: ParamValue[]) => void;
  /** Told after every cycle. */
  onCycle?: (report: CycleReport) => void;
  /** Monotonic ms (tests inject one). */
  now?: () => number;
}

/** Failure count cap and longest backoff of docs/beacons.md [REF]. */
const MAX_FAILURES = 100;
const MAX_SKIP = 8;

/** Cycles skipped after the c-th consecutive failure: 1, 2, 4, 8, 8, … */
export function backoffSkips(failures: number): number {
  return Math.min(2 ** Math.min(failures - 1, 3), MAX_SKIP);
}

/** One node as the debug view shows it. */
interface NodePollState {
  fqn: string;
  /** Consecutive failures (capped at 100). */
  failures: number;
  /** Cycles this node will still be skipped. */
  skip_remaining: number;
  /** Cycles skipped in total while backed off. */
  skipped_cycles: number;
  polls: number;
  successes: number;
  /** Polls that found the node's parameter services not ready yet (not failures: nothing was asked). */
  not_ready: number;
  last_error?: string;
}

/** What one cycle did. */
interface CycleReport {
  targets: number;
  start_offset: number;
  polled: number;
  succeeded: number;
  failed: number;
  /** Polled nodes whose parameter services were not ready yet. */
  not_ready: number;
  skipped: number;
  /** Targets the budget did not reach (they come first in a later cycle thanks to the rotating offset). */
  unreached: number;
  duration_ms: number;
}

interface NodeState extends NodePollState {
  client?: ParamClient;
}

export class ParameterPoller {
  readonly #o: PollerOptions;
  readonly #now: () => number;
  readonly #nodes = new Map<string, NodeState>();
  #startOffset = 0;
  #timer?: NodeJS.Timeout;
  #running?: Promise<void>;
  #looping = false;
  #closing = false;
  /** The last finished cycle. */
  lastCycle?: CycleReport;
  cycles = 0;

  constructor(o: PollerOptions) {
    this.#o = o;
    this.#now = o.now ?? (() => performance.now());
  }

  get startOffset(): number {
    return this.#startOffset;
  }

  /** Per-node state, for the debug route. */
  nodes(): NodePollState[] {
    return [...this.#nodes.values()].map(({ client: _c, ...s }) => ({ ...s }));
  }

  /** Runs one cycle (steps 1–6 of docs/beacons.md). */
  async cycle(): Promise<CycleReport> {
    const o = this.#o;
    const targets = [...new Set(o.targets())];
    const wanted = new Set(targets);
    // Step 2: clients of nodes that left go, with their backoff state.
    for (const [fqn, st] of this.#nodes) {
      if (wanted.has(fqn)) continue;
      st.client?.close();
      this.#nodes.delete(fqn);
    }
    const n = targets.length;
    const started = this.#now();
    const offset = n === 0 ? 0 : this.#startOffset % n;
    const report: CycleReport = { targets: n, start_offset: offset, polled: 0, succeeded: 0, failed: 0, not_ready: 0, skipped: 0, unreached: 0, duration_ms: 0 };
    const budgetMs = o.pollBudgetSec * 1000;
    const timeoutMs = o.paramTimeoutSec * 1000;
    let next = 0;
    const worker = async () => {
      while (next < n && !this.#closing) {
        // Step 3: no new node once the budget is used up.
        if (this.#now() - started >= budgetMs) return;
        const fqn = targets[(offset + next++) % n];
        const st = this.#state(fqn);
        // Step 4: a backed-off node is skipped this cycle.
        if (st.skip_remaining > 0) {
          st.skip_remaining--;
          st.skipped_cycles++;
          report.skipped++;
          continue;
        }
        report.polled++;
        st.polls++;
        try {
          st.client ??= o.factory(fqn);
          const params = await st.client.read(o.prefix, timeoutMs);
          st.failures = 0;
          st.skip_remaining = 0;
          st.successes++;
          delete st.last_error;
          report.succeeded++;
          o.onParameters(fqn, params);
        } catch (err) {
          st.last_error = (err as Error)?.message ?? String(err);
          if (err instanceof ParamServicesNotReadyError) {
            st.not_ready++;
            st.skip_remaining = 1;
            report.not_ready++;
            continue;
          }
          st.failures = Math.min(st.failures + 1, MAX_FAILURES);
          st.skip_remaining = backoffSkips(st.failures);
          report.failed++;
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(o.concurrency, n) }, worker));
    report.unreached = n - next;
    // Step 6: the next cycle starts one node further, so every node is reached under budget pressure.
    this.#startOffset = n === 0 ? 0 : (offset + 1) % n;
    report.duration_ms = Math.round(this.#now() - started);
    this.lastCycle = report;
    this.cycles++;
    o.onCycle?.(report);
    return report;
  }

  #state(fqn: string): NodeState {
    let st = this.#nodes.get(fqn);
    if (!st) this.#nodes.set(fqn, (st = { fqn, failures: 0, skip_remaining: 0, skipped_cycles: 0, polls: 0, successes: 0, not_ready: 0 }));
    return st;
  }

  /** Starts the loop, its first cycle `firstDelayMs` from now: a cycle, then `poll_interval_sec` of sleep (step 7), until stop(). */
  start(firstDelayMs = 0): void {
    if (this.#looping || this.#closing) return;
    this.#looping = true;
    const loop = () => {
      if (this.#closing) return;
      this.#running = this.cycle()
        .catch(() => undefined)
        .then(() => {
          if (this.#closing) return;
          this.#timer = setTimeout(loop, this.#o.pollIntervalSec * 1000);
          this.#timer.unref();
        });
    };
    if (firstDelayMs <= 0) return loop();
    this.#timer = setTimeout(loop, firstDelayMs);
    this.#timer.unref();
  }

  /** Stops the loop (the sleep is interrupted; a running cycle starts no new polls) and closes every client. */
  async stop(): Promise<void> {
    this.#closing = true;
    clearTimeout(this.#timer);
    await this.#running;
    for (const st of this.#nodes.values()) st.client?.close();
    this.#nodes.clear();
  }
}
