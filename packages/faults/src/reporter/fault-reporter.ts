// The reporter client library (docs/faults.md): local filtering per code, fire-and-forget sending through a
// transport (the ROS `report_fault` service later; the in-process manager now).
import type { FaultLogger } from '../log.js';
import { silentLogger } from '../log.js';
import type { FaultManager } from '../manager.js';
import type { ReportFaultRequest } from '@medkit/sovd';

/** How reports reach the fault manager. */
export interface FaultTransport {
  /** False while the service is not available: reports are then dropped (no queue, no retry). */
  isReady(): boolean;
  /** Sends one request; the response is ignored by the reporter. */
  send(req: ReportFaultRequest): Promise<unknown>;
}

/** `fault_reporter.local_filtering.*` parameters. */
interface LocalFilterConfig {
  enabled: boolean;
  default_threshold: number;
  default_window_sec: number;
  bypass_severity: number;
}

const DEFAULT_LOCAL_FILTER: Readonly<LocalFilterConfig> = { enabled: true, default_threshold: 3, default_window_sec: 10, bypass_severity: 2 };

/** Applies docs/faults.md's rules: threshold < 1 → 1, window ≤ 0 → 1.0. */
export function sanitizeLocalFilter(c: Partial<LocalFilterConfig> = {}): LocalFilterConfig {
  const m = { ...DEFAULT_LOCAL_FILTER, ...c };
  return {
    enabled: Boolean(m.enabled),
    default_threshold: Number.isFinite(m.default_threshold) && m.default_threshold >= 1 ? Math.trunc(m.default_threshold) : 1,
    default_window_sec: Number.isFinite(m.default_window_sec) && m.default_window_sec > 0 ? m.default_window_sec : 1,
    bypass_severity: Number.isFinite(m.bypass_severity) ? m.bypass_severity : 2,
  };
}

/** Sliding-window counter per code: forward iff ≥ threshold reports within the window (history not reset). */
class WindowFilter {
  private readonly hist = new Map<string, number[]>();
  constructor(private readonly threshold: number, private readonly windowMs: number) {}
  hit(code: string, now: number): boolean {
    const list = (this.hist.get(code) ?? []).filter((t) => now - t <= this.windowMs);
    list.push(now);
    this.hist.set(code, list);
    return list.length >= this.threshold;
  }
}

export class FaultReporter {
  private readonly failed: WindowFilter;
  private readonly passed: WindowFilter;
  private readonly filter: LocalFilterConfig;
  private readonly log: FaultLogger;

  constructor(
    private readonly transport: FaultTransport,
    readonly sourceId: string,
    opts: { filter?: Partial<LocalFilterConfig>; now?: () => number; log?: FaultLogger } = {},
  ) {
    this.log = opts.log ?? silentLogger;
    this.filter = sanitizeLocalFilter(opts.filter);
    this.now = opts.now ?? (() => performance.now());
    const windowMs = this.filter.default_window_sec * 1000;
    this.failed = new WindowFilter(this.filter.default_threshold, windowMs);
    this.passed = new WindowFilter(this.filter.default_threshold, windowMs);
    if (!sourceId) this.log.warn('FaultReporter created with an empty source id; the fault manager will reject its reports');
  }

  private readonly now: () => number;

  /** Reports a FAILED event. Returns whether it was forwarded (not whether the manager accepted it). */
  report(code: string, severity: number, description = ''): boolean {
    if (!code) {
      this.log.warn('FaultReporter.report: empty fault code dropped');
      return false;
    }
    const bypass = !this.filter.enabled || severity >= this.filter.bypass_severity;
    if (!bypass && !this.failed.hit(code, this.now())) return false;
    return this.send({ fault_code: code, event_type: 0, severity, description, source_id: this.sourceId }, severity >= this.filter.bypass_severity);
  }

  /** Reports a PASSED event (same threshold and window, no severity bypass). */
  reportPassed(code: string): boolean {
    if (!code) {
      this.log.warn('FaultReporter.reportPassed: empty fault code dropped');
      return false;
    }
    if (this.filter.enabled && !this.passed.hit(code, this.now())) return false;
    return this.send({ fault_code: code, event_type: 1, severity: 0, description: '', source_id: this.sourceId }, false);
  }

  private send(req: ReportFaultRequest, important: boolean): boolean {
    if (!this.transport.isReady()) {
      const msg = `fault manager unavailable: report of '${req.fault_code}' dropped`;
      if (important) this.log.warn(msg);
      else this.log.debug(msg);
      return false;
    }
    // Fire-and-forget: never blocks the caller, failures are only logged.
    this.transport.send(req).catch((err: unknown) => this.log.debug(`report of '${req.fault_code}' failed: ${(err as Error).message}`));
    return true;
  }
}

/** Transport straight into an in-process fault manager (bridges running inside the gateway). */
export function localTransport(manager: FaultManager): FaultTransport {
  return { isReady: () => true, send: async (req) => manager.report(req) };
}

/** One reporter per source id, least recently used evicted beyond `max` (bridges, docs/faults.md). */
export class ReporterCache {
  private readonly map = new Map<string, FaultReporter>();
  private warned = false;
  constructor(private readonly max: number, private readonly create: (sourceId: string) => FaultReporter, private readonly log: FaultLogger = silentLogger) {}
  get(sourceId: string): FaultReporter {
    let r = this.map.get(sourceId);
    if (r) {
      this.map.delete(sourceId);
      this.map.set(sourceId, r);
      return r;
    }
    r = this.create(sourceId);
    this.map.set(sourceId, r);
    if (this.map.size > this.max) {
      this.map.delete(this.map.keys().next().value!);
      if (!this.warned) this.log.warn(`more than ${this.max} reporting sources; evicting the least recently used`);
      this.warned = true;
    }
    return r;
  }
  get size(): number {
    return this.map.size;
  }
}
