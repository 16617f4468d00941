/**
 * When to refresh (docs/manifest.md): graph-change events are debounced (at most one graph-driven refresh per
 * `refresh_debounce_ms` window; a 100 ms tick checks a "changed" flag) and a backstop refresh runs every
 * `refresh_interval_ms` in case an event was missed. A change outside the window is refreshed at once rather than
 * on the next tick: the nodes discovered while the gateway started are listed as soon as it runs (issue 69).
 * For STARTUP_WINDOW_MS after start() the window is half a tick (STARTUP_DEBOUNCE_MS): a starting gateway discovers
 * the robot's nodes in a burst spread over a few hundred ms, and listing the last of them should not wait a whole
 * window (issue 69). That allows at most STARTUP_WINDOW_MS / STARTUP_DEBOUNCE_MS passes more, only while the graph
 * changes.
 */

export const GRAPH_POLL_MS = 100;
export const STARTUP_WINDOW_MS = 3000;
/** Half a tick, so that every tick may refresh whatever the timers' jitter. */
export const STARTUP_DEBOUNCE_MS = GRAPH_POLL_MS / 2;
export const DEFAULT_REFRESH_DEBOUNCE_MS = 1000;
export const DEFAULT_REFRESH_INTERVAL_MS = 30000;

export type RefreshReason = 'startup' | 'graph' | 'backstop' | 'manifest' | 'plugin' | 'manual' | 'aggregation';

interface RefreshSchedulerOptions {
  /** 0–60000; out of range → default. */
  debounceMs?: number;
  /** 100–60000; out of range → default. */
  intervalMs?: number;
  /** Called for each due refresh; the caller serializes. */
  refresh: (reason: RefreshReason) => unknown;
  /** Out-of-range values are reported here. */
  warn?: (msg: string) => void;
}

function inRange(v: number | undefined, min: number, max: number, dflt: number, key: string, warn: (m: string) => void): number {
  if (v === undefined) return dflt;
  if (!Number.isFinite(v) || v < min || v > max) {
    warn(`${key} ${v} is outside ${min}–${max}; using ${dflt}`);
    return dflt;
  }
  return v;
}

export class RefreshScheduler {
  readonly debounceMs: number;
  readonly intervalMs: number;
  private dirty = false;
  private lastGraphRefresh = Number.NEGATIVE_INFINITY;
  private startedAt = Number.NEGATIVE_INFINITY;
  private poll?: NodeJS.Timeout;
  private backstop?: NodeJS.Timeout;
  private immediate?: NodeJS.Immediate;

  constructor(private readonly opts: RefreshSchedulerOptions) {
    const warn = opts.warn ?? (() => {});
    this.debounceMs = inRange(opts.debounceMs, 0, 60000, DEFAULT_REFRESH_DEBOUNCE_MS, 'discovery.refresh_debounce_ms', warn);
    this.intervalMs = inRange(opts.intervalMs, 100, 60000, DEFAULT_REFRESH_INTERVAL_MS, 'refresh_interval_ms', warn);
  }

  start(): void {
    if (this.poll) return;
    this.startedAt = Date.now();
    this.poll = setInterval(() => this.tick(), GRAPH_POLL_MS);
    this.backstop = setInterval(() => void this.opts.refresh('backstop'), this.intervalMs);
    // Timers must not keep the process alive on shutdown.
    this.poll.unref?.();
    this.backstop.unref?.();
  }

  stop(): void {
    clearInterval(this.poll);
    clearInterval(this.backstop);
    if (this.immediate) clearImmediate(this.immediate);
    this.poll = this.backstop = this.immediate = undefined;
  }

  /** The ROS graph changed (node, endpoint or service appeared or vanished). Cheap; call on every event. */
  notifyGraphChanged(): void {
    this.dirty = true;
    // Outside the window: refresh once the current burst of events has been handled, not up to a tick later.
    if (this.poll && !this.immediate && this.outsideWindow(Date.now())) {
      this.immediate = setImmediate(() => {
        this.immediate = undefined;
        this.tick();
      });
    }
  }

  get pending(): boolean {
    return this.dirty;
  }

  /** Whether a graph refresh may run at `now`: the window (shorter while starting) since the last one has passed. */
  private outsideWindow(now: number): boolean {
    const window = now - this.startedAt < STARTUP_WINDOW_MS ? Math.min(this.debounceMs, STARTUP_DEBOUNCE_MS) : this.debounceMs;
    return now - this.lastGraphRefresh >= window;
  }

  private tick(): void {
    if (!this.dirty) return;
    const now = Date.now();
    if (!this.outsideWindow(now)) return;
    this.dirty = false;
    this.lastGraphRefresh = now;
    void this.opts.refresh('graph');
  }
}
