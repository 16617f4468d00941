// The otlp_export built-in plugin (docs/logs-export.md): every log entry the gateway sees (the nodes' /rosout lines
// and its own programmatic entries) and every fault event, as OpenTelemetry log records over OTLP/HTTP to one or
// more collectors. A LogProvider that only observes (it never keeps an entry out of the ring buffer), a fault event
// subscriber, `GET /x-medkit-otlp` with its counters, and `/health` warnings while an endpoint fails or drops. With
// metrics.enabled, the gateway's /metrics as OTLP metrics too (metrics.ts).
import { hostname } from 'node:os';
import { join } from 'node:path';
import type { Logger } from '@opentelemetry/api-logs';
import type { LoggerProvider, LoggerProviderConfig, LogRecordExporter } from '@opentelemetry/sdk-logs';
import { PluginError, type LogProvider, type LogSeverity, type MedkitPlugin, type PluginConfig, type PluginContext, type PluginFaultEvent, type PluginLogEntry, type PluginRoute, type PluginWarning } from '@medkit/plugin-api';
import { readOtlpSettings, type OtlpEndpoint, type OtlpSettings } from './config.js';
import { MetricsExport, type MetricsStatus } from './metrics.js';
import { agentOptions, resolveTls, type EndpointTls } from './tls.js';
import { CaptureProcessor, OutboxLane, OutboxStore, type OutboxLaneStatus } from './outbox.js';
import { EndpointSink, type EndpointStatus } from './pipeline.js';
import { faultRecordOf, logRecordOf } from './records.js';

export const OTLP_PLUGIN = 'otlp_export';

/** How long a drop keeps the `records_dropped` warning on /health. */
const DROP_WARNING_MS = 10 * 60_000;

const RANK: Readonly<Record<LogSeverity, number>> = { debug: 0, info: 1, warning: 2, error: 3, fatal: 4 };

export interface OtlpPluginOptions {
  /** `service.version` of the resource: the medkit version (the `medkit` command passes its own). */
  serviceVersion?: string;
}

export interface OtlpStatus {
  observed: { logs: number; faults: number; below_min_severity: number; outbox_write_failed: number };
  endpoints: EndpointStatus[];
  /** Where the CA and the client certificate of `https:` endpoints come from. */
  tls?: { ca: string; client_cert: string };
  /** With outbox.enabled: the fault events kept on disk, per endpoint. */
  outbox?: { file: string; endpoints: (OutboxLaneStatus & { url: string })[] };
  /** With metrics.enabled: the readings of /metrics and their export, per endpoint. */
  metrics?: MetricsStatus;
}

async function exporterFor(e: OtlpEndpoint, s: OtlpSettings, tls: EndpointTls): Promise<LogRecordExporter> {
  const config = { url: e.url, headers: e.headers, timeoutMillis: s.export.timeoutMs, concurrencyLimit: s.export.concurrency, ...agentOptions(e.url, tls) };
  // Only the protocol configured is loaded.
  if (e.protocol === 'http/json') return new (await import('@opentelemetry/exporter-logs-otlp-http')).OTLPLogExporter(config);
  return new (await import('@opentelemetry/exporter-logs-otlp-proto')).OTLPLogExporter(config);
}

/** The outbox's file: `outbox.file`, else in the plugin's own data dir (`<data_dir>/plugins/otlp_export/`). */
function outboxFileOf(s: OtlpSettings, ctx: PluginContext): string {
  if (s.outbox.file) return s.outbox.file;
  if (!ctx.dataDir) throw new PluginError('invalid-parameter', 'plugins.otlp_export.outbox.file: required on this gateway, which gives plugins no data dir', 400);
  return join(ctx.dataDir(), 'otlp-outbox.db');
}

export class OtlpExportPlugin implements MedkitPlugin, LogProvider {
  private settings?: OtlpSettings;
  private provider?: LoggerProvider;
  private logger?: Logger;
  private sinks: EndpointSink[] = [];
  private offFaults?: () => void;
  private outbox?: { store: OutboxStore; lanes: OutboxLane[]; file: string };
  private tls?: EndpointTls;
  private metrics?: MetricsExport;
  private readonly observed = { logs: 0, faults: 0, below_min_severity: 0, outbox_write_failed: 0 };

  constructor(private readonly opts: OtlpPluginOptions = {}) {}

  name(): string {
    return OTLP_PLUGIN;
  }

  configure(config: PluginConfig): void {
    this.settings = readOtlpSettings(config);
  }

  async setContext(ctx: PluginContext): Promise<void> {
    const s = this.settings!;
    // First: TLS files that cannot be read disable the plugin before anything is sent.
    const tls = resolveTls(s, ctx);
    this.tls = tls;
    const [{ LoggerProvider }, { resourceFromAttributes }] = await Promise.all([import('@opentelemetry/sdk-logs'), import('@opentelemetry/resources')]);
    const domain = ctx.ros()?.domainId;
    const resource = resourceFromAttributes({
      'service.name': 'medkit',
      ...(this.opts.serviceVersion ? { 'service.version': this.opts.serviceVersion } : {}),
      'host.name': hostname(),
      ...(s.resource.fleetId ? { 'medkit.fleet.id': s.resource.fleetId } : {}),
      ...(s.resource.robotId ? { 'medkit.robot.id': s.resource.robotId } : {}),
      ...(domain !== undefined ? { 'ros.domain_id': domain } : {}),
      ...s.resource.attributes,
    });
    this.sinks = await Promise.all(
      s.endpoints.map(async (e) => new EndpointSink({
        url: e.url,
        protocol: e.protocol,
        exporter: await exporterFor(e, s, tls),
        maxRecords: s.queue.maxRecords,
        maxBytes: s.queue.maxBytes,
        batchRecords: s.batch.maxRecords,
        delayMs: s.batch.delayMs,
        exportTimeoutMs: s.export.timeoutMs,
      })),
    );
    this.provider = new LoggerProvider({ resource, processors: this.sinks });
    this.logger = this.provider.getLogger('medkit', this.opts.serviceVersion);
    if (s.faults.enabled && s.outbox.enabled) this.outbox = await this.openOutbox(s, resource, ctx);
    if (s.faults.enabled && ctx.subscribeFaultEvents) {
      this.offFaults = ctx.subscribeFaultEvents((e) => {
        this.observed.faults++;
        if (this.outbox && this.keep(e, ctx)) return;
        this.logger?.emit(faultRecordOf(e, s.publicUrl));
      });
    } else if (s.faults.enabled) {
      ctx.log.warn('this gateway does not hand fault events to plugins: only log entries are exported');
    }
    if (s.metrics.enabled) this.metrics = await this.startMetrics(s, resource, tls, ctx);
    ctx.reportWarnings?.(() => this.warnings());
    ctx.log.info(`exporting ${[s.logs.enabled ? `log entries (${s.logs.minSeverity} and above)` : '', s.faults.enabled ? 'fault events' : ''].filter(Boolean).join(' and ') || 'nothing'} to ${s.endpoints.map((e) => e.url).join(', ')}`);
  }

  /** The gateway's /metrics, read every metrics.interval_ms and sent to each endpoint's metrics URL (metrics.ts). */
  private async startMetrics(s: OtlpSettings, resource: NonNullable<LoggerProviderConfig['resource']>, tls: EndpointTls, ctx: PluginContext): Promise<MetricsExport> {
    const [sdk, { toResourceMetrics }] = await Promise.all([import('@opentelemetry/sdk-metrics'), import('./metrics-data.js')]);
    const lanes = await Promise.all(s.endpoints.map(async (e) => {
      const url = e.metricsUrl!;
      // One request at a time per endpoint: a reading is never queued behind another.
      const config = { url, headers: e.headers, timeoutMillis: s.metrics.timeoutMs, concurrencyLimit: 1, ...agentOptions(url, tls) };
      const mod = e.protocol === 'http/json' ? await import('@opentelemetry/exporter-metrics-otlp-http') : await import('@opentelemetry/exporter-metrics-otlp-proto');
      return { url, protocol: e.protocol, exporter: new mod.OTLPMetricExporter(config) };
    }));
    const enums = { points: sdk.DataPointType, cumulative: sdk.AggregationTemporality.CUMULATIVE };
    const scope = { name: 'medkit', ...(this.opts.serviceVersion ? { version: this.opts.serviceVersion } : {}) };
    // Counters count from the process's start: the start time of every cumulative point.
    const startMs = Date.now() - process.uptime() * 1000;
    const m = new MetricsExport({
      lanes,
      access: () => ctx.metrics?.(),
      convert: (families) => toResourceMetrics(families, resource, scope, enums, startMs, Date.now()),
      intervalMs: s.metrics.intervalMs,
      timeoutMs: s.metrics.timeoutMs,
      onCollectError: (err) => ctx.log.warn(`reading the gateway's metrics failed: ${err.message}`),
    });
    m.start();
    if (!ctx.metrics) ctx.log.warn('this gateway gives plugins no metrics: metrics.enabled sends nothing');
    ctx.log.info(`sending the gateway's metrics every ${s.metrics.intervalMs / 1000} s to ${lanes.map((l) => l.url).join(', ')}`);
    return m;
  }

  /** The fault events' outbox (src/outbox.ts): its file, and a lane per endpoint with an exporter of its own. */
  private async openOutbox(s: OtlpSettings, resource: LoggerProviderConfig['resource'], ctx: PluginContext): Promise<{ store: OutboxStore; lanes: OutboxLane[]; file: string }> {
    const { LoggerProvider } = await import('@opentelemetry/sdk-logs');
    const file = outboxFileOf(s, ctx);
    const { store, orphaned } = await OutboxStore.open(file, s.endpoints.map((e) => e.url), s.outbox.maxRecords, s.outbox.maxBytes);
    if (orphaned > 0) ctx.log.warn(`outbox ${file}: ${orphaned} fault events kept for endpoints no longer configured were deleted`);
    const capture = new CaptureProcessor();
    const logger = new LoggerProvider({ resource, processors: [capture] }).getLogger('medkit', this.opts.serviceVersion);
    const recordOf = (payload: string) => {
      logger.emit(faultRecordOf(JSON.parse(payload) as PluginFaultEvent, s.publicUrl));
      return capture.take();
    };
    const lanes = await Promise.all(s.endpoints.map(async (e) => new OutboxLane({ endpoint: e.url, store, exporter: await exporterFor(e, s, this.tls!), recordOf, batchRecords: s.batch.maxRecords, delayMs: s.batch.delayMs, exportTimeoutMs: s.export.timeoutMs })));
    for (const l of lanes) l.kick(true);
    ctx.log.info(`fault events are kept in ${file} until each endpoint acknowledges them (${store.counts(s.endpoints[0].url).rows} waiting)`);
    return { store, lanes, file };
  }

  /** Writes a fault event to the outbox; false when the file refused it (the event then goes the in-memory way). */
  private keep(e: PluginFaultEvent, ctx: PluginContext): boolean {
    try {
      this.outbox!.store.add(JSON.stringify(e));
    } catch (err) {
      this.observed.outbox_write_failed++;
      ctx.log.warn(`outbox: cannot store fault event ${e.fault.fault_code}: ${(err as Error).message}; sent from memory`);
      return false;
    }
    for (const l of this.outbox!.lanes) l.kick();
    return true;
  }

  /** LogProvider: observes every entry, never keeps one out of the ring buffer. */
  onLogEntry(entry: PluginLogEntry): boolean {
    const s = this.settings;
    if (!s?.logs.enabled || !this.logger) return false;
    if (RANK[entry.severity] < RANK[s.logs.minSeverity]) {
      this.observed.below_min_severity++;
      return false;
    }
    this.observed.logs++;
    this.logger.emit(logRecordOf(entry));
    return false;
  }

  status(): OtlpStatus {
    const ob = this.outbox;
    const s = this.settings;
    return {
      observed: { ...this.observed },
      endpoints: this.sinks.map((k) => k.status()),
      ...(this.tls ? { tls: { ca: this.tls.ca, client_cert: this.tls.client_cert } } : {}),
      ...(this.metrics ? { metrics: this.metrics.status() } : {}),
      ...(ob && s ? { outbox: { file: ob.file, endpoints: ob.lanes.map((l, i) => ({ url: s.endpoints[i].url, ...l.status() })) } } : {}),
    };
  }

  private warnings(): PluginWarning[] {
    const out: PluginWarning[] = [];
    const now = Date.now();
    for (const k of this.sinks) {
      const st = k.status();
      if (st.failing) out.push({ code: 'endpoint_failing', message: `OTLP endpoint ${st.url} fails: ${st.last_error?.message ?? 'unknown error'}${st.last_error?.status ? ` (HTTP ${st.last_error.status})` : ''}; ${st.queued_records} records queued` });
      const last = k.lastDropAt;
      if (last !== undefined && now - last < DROP_WARNING_MS) {
        const reasons = Object.entries(st.dropped_records).map(([r, n]) => `${r} ${n}`).join(', ');
        out.push({ code: 'records_dropped', message: `OTLP endpoint ${st.url}: ${k.droppedTotal} records dropped since start (${reasons}), the last ${Math.round((now - last) / 1000)} s ago` });
      }
    }
    for (const o of this.status().outbox?.endpoints ?? []) {
      if (o.failing && o.pending_records > 0) out.push({ code: 'outbox_pending', message: `OTLP endpoint ${o.url}: ${o.pending_records} fault events kept on disk until it answers (${o.last_error?.message ?? 'failing'})` });
      if (o.dropped_oldest > 0) out.push({ code: 'outbox_dropped', message: `OTLP endpoint ${o.url}: ${o.dropped_oldest} oldest fault events dropped from the outbox since start (outbox.max_records or outbox.max_bytes)` });
    }
    const m = this.metrics;
    if (m?.unavailable) out.push({ code: 'metrics_unavailable', message: "metrics.enabled is set but the gateway serves no metrics: turn on the gateway's metrics.enabled (docs/metrics.md)" });
    for (const e of m?.status().endpoints ?? []) {
      if (e.failing) out.push({ code: 'metrics_failing', message: `OTLP metrics endpoint ${e.url} fails: ${e.last_error?.message ?? 'unknown error'}${e.last_error?.status ? ` (HTTP ${e.last_error.status})` : ''}; ${Object.entries(e.failed).map(([r, n]) => `${r} ${n}`).join(', ')} since start` });
    }
    return out;
  }

  getRoutes(): PluginRoute[] {
    return [{ method: 'GET', pattern: 'x-medkit-otlp', handler: (_req, res) => res.sendJson(this.status()) }];
  }

  async shutdown(): Promise<void> {
    this.offFaults?.();
    this.logger = undefined;
    // Each endpoint flushes for a bounded time; what is left is counted dropped (shutdown). The provider's own
    // shutdown would flush again without a bound.
    await Promise.all([...this.sinks.map((k) => k.shutdown()), ...(this.outbox?.lanes ?? []).map((l) => l.close()), this.metrics?.shutdown()]);
    this.metrics = undefined;
    this.outbox?.store.close();
    this.outbox = undefined;
  }
}
