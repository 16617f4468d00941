// The gateway's metrics over OTLP (docs/logs-export.md, "Metrics"): every metrics.interval_ms the registry /metrics
// serves is read once (through the plugin context) and handed to each endpoint's official OTLP metric exporter.
// Bounded whatever the collector does: a reading is a snapshot, never queued; an endpoint has at most one export in
// flight (a tick that finds one still running skips that endpoint, counted) and each export has a deadline
// (metrics.timeout_ms, at most the interval); every failure is counted by reason, as the log path counts drops.
import type { PushMetricExporter } from '@opentelemetry/sdk-metrics';
import type { PluginMetricsAccess } from '@medkit/plugin-api';
import { dropReasonOf, type DropReason } from './pipeline.js';
import type { Converted } from './metrics-data.js';

/** Why one endpoint's export of one reading did not happen or failed. */
export type MetricsFailure =
  | Exclude<DropReason, 'queue_full' | 'queue_bytes' | 'concurrency_limit' | 'shutdown'>
  | 'in_flight' // the previous export to this endpoint was still running at the tick: this reading skipped
  | 'deadline'; // the exporter never answered within metrics.timeout_ms (and a grace): the slot is freed

export interface MetricsEndpointStatus {
  url: string;
  protocol: string;
  /** Readings the collector accepted. */
  exports: number;
  failed: Partial<Record<MetricsFailure, number>>;
  failing: boolean;
  in_flight: boolean;
  last_error?: { at: string; message: string; status?: number };
  last_success_at?: string;
}

export interface MetricsStatus {
  interval_ms: number;
  /** Readings taken; `unavailable`: ticks at which the gateway served no metrics (its `metrics.enabled` is off). */
  readings: number;
  unavailable: number;
  /** Readings that failed or did not finish within metrics.timeout_ms (nothing exported then). */
  collect_failed: number;
  /** Data points the last reading had, and those left out past the per-export bound. */
  last_points: number;
  truncated_points: number;
  endpoints: MetricsEndpointStatus[];
}

export interface MetricsLaneOptions {
  url: string;
  protocol: string;
  exporter: PushMetricExporter;
}

/** Extra time after metrics.timeout_ms before an export the exporter never settled is given up (it has its own timeout). */
const GRACE_MS = 5000;

/** Races a promise against a deadline; the timer never holds the process open. */
function withTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} took longer than ${ms} ms`)), ms);
    timer.unref?.();
  });
  return Promise.race([p, late]).finally(() => clearTimeout(timer));
}

class MetricsLane {
  exports = 0;
  readonly failed: Partial<Record<MetricsFailure, number>> = {};
  failing = false;
  inFlight = false;
  lastError?: { at: number; message: string; status?: number };
  lastSuccessAt?: number;

  constructor(readonly o: MetricsLaneOptions, private readonly timeoutMs: number) {}

  private fail(reason: MetricsFailure, message: string, status?: number): void {
    this.failed[reason] = (this.failed[reason] ?? 0) + 1;
    this.failing = true;
    this.lastError = { at: Date.now(), message, ...(status ? { status } : {}) };
  }

  send(data: Converted): void {
    if (this.inFlight) return this.fail('in_flight', 'the previous export was still running: this reading was skipped');
    this.inFlight = true;
    let settled = false;
    // Frees the slot should the exporter never call back (it has its own timeout; this only guards against a bug).
    const guard = setTimeout(() => finish({ code: 1, error: new Error('the exporter did not answer') }, true), this.timeoutMs + GRACE_MS);
    guard.unref?.();
    const finish = (r: { code: number; error?: Error }, deadline = false) => {
      if (settled) return;
      settled = true;
      clearTimeout(guard);
      this.inFlight = false;
      if (r.code === 0) {
        this.exports++;
        this.failing = false;
        this.lastSuccessAt = Date.now();
        return;
      }
      const { reason, status } = deadline ? { reason: 'deadline' as const, status: undefined } : dropReasonOf(r.error);
      this.fail(reason === 'concurrency_limit' ? 'in_flight' : (reason as MetricsFailure), String(r.error?.message ?? 'export failed'), status);
    };
    try {
      this.o.exporter.export(data.resourceMetrics, (r) => finish(r));
    } catch (err) {
      finish({ code: 1, error: err as Error });
    }
  }

  status(): MetricsEndpointStatus {
    return {
      url: this.o.url,
      protocol: this.o.protocol,
      exports: this.exports,
      failed: { ...this.failed },
      failing: this.failing,
      in_flight: this.inFlight,
      ...(this.lastError ? { last_error: { ...this.lastError, at: new Date(this.lastError.at).toISOString() } } : {}),
      ...(this.lastSuccessAt ? { last_success_at: new Date(this.lastSuccessAt).toISOString() } : {}),
    };
  }
}

export interface MetricsExportOptions {
  lanes: MetricsLaneOptions[];
  /** The gateway's registry, asked at each tick (undefined while it serves no metrics). */
  access: () => PluginMetricsAccess | undefined;
  /** Turns a reading into the SDK's data (metrics-data.ts), with its time. */
  convert: (families: Awaited<ReturnType<PluginMetricsAccess['collect']>>) => Converted;
  intervalMs: number;
  timeoutMs: number;
  onCollectError?: (err: Error) => void;
}

/** The periodic reading and its export to every endpoint. */
export class MetricsExport {
  private readonly lanes: MetricsLane[];
  private timer?: NodeJS.Timeout;
  private collecting = false;
  private readonly counts = { readings: 0, unavailable: 0, collect_failed: 0, last_points: 0, truncated_points: 0 };

  constructor(private readonly o: MetricsExportOptions) {
    this.lanes = o.lanes.map((l) => new MetricsLane(l, o.timeoutMs));
  }

  start(): void {
    this.timer = setInterval(() => void this.tick(), this.o.intervalMs);
    this.timer.unref?.();
  }

  /** One reading, exported to every endpoint whose previous export is done. Never throws. */
  async tick(): Promise<void> {
    // A reading still running (a slow collect callback) is not doubled; it ends by its deadline, counted if late.
    if (this.collecting) return;
    const access = this.o.access();
    if (!access) {
      this.counts.unavailable++;
      return;
    }
    this.collecting = true;
    let data: Converted;
    try {
      data = this.o.convert(await withTimeout(access.collect(), this.o.timeoutMs, 'reading the metrics'));
    } catch (err) {
      this.counts.collect_failed++;
      this.o.onCollectError?.(err as Error);
      return;
    } finally {
      this.collecting = false;
    }
    this.counts.readings++;
    this.counts.last_points = data.points;
    this.counts.truncated_points += data.truncated;
    for (const l of this.lanes) l.send(data);
  }

  /** Stops the timer; an export in flight gets `graceMs`, then the exporters are shut down. */
  async shutdown(graceMs = 2000): Promise<void> {
    clearInterval(this.timer);
    const deadline = Date.now() + graceMs;
    while (this.lanes.some((l) => l.inFlight) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    await Promise.all(this.lanes.map((l) => withTimeout(l.o.exporter.shutdown(), graceMs, 'exporter shutdown').catch(() => {})));
  }

  /** The gateway serves no metrics: every tick found none so far. */
  get unavailable(): boolean {
    return this.counts.unavailable > 0 && this.counts.readings === 0;
  }

  status(): MetricsStatus {
    return { interval_ms: this.o.intervalMs, ...this.counts, endpoints: this.lanes.map((l) => l.status()) };
  }
}
