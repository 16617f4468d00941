// One endpoint's way out (docs/logs-export.md, "Bounded and honest"): the SDK's BatchLogRecordProcessor batches and
// its OTLP exporter retries with backoff (429, 502–504, timeouts and refused connections, up to export.timeout_ms);
// around them this file keeps the queue bounded in records AND bytes, in-flight batches included, and counts every
// record that leaves it: delivered, or dropped with a reason. Nothing here waits for the collector on the gateway's
// path: a record that does not fit is dropped and counted at once.
import type { ExportResult } from '@opentelemetry/core';
import type { LogRecordExporter, LogRecordProcessor, ReadableLogRecord, SdkLogRecord } from '@opentelemetry/sdk-logs';
import { BatchLogRecordProcessor } from '@opentelemetry/sdk-logs';
import { estimateBytes } from './records.js';

/** Why records were given up; the counters of `GET /x-medkit-otlp` use these names. */
export type DropReason =
  | 'queue_full' // max_records accepted and not yet settled
  | 'queue_bytes' // max_bytes accepted and not yet settled
  | 'retries_exhausted' // 429 / 502 / 503 / 504 or no answer until export.timeout_ms
  | 'rejected' // another HTTP error status (400, 401, 403, 413, 500, …): retrying cannot help
  | 'tls' // the TLS handshake failed (unknown CA, wrong name, client certificate refused): a setting to fix
  | 'network' // the connection failed and retrying until the deadline did not help
  | 'timeout' // the last attempt timed out
  | 'concurrency_limit' // export.concurrency batches already in flight
  | 'shutdown'; // still queued when the gateway stopped

export interface EndpointStatus {
  url: string;
  protocol: string;
  queued_records: number;
  queued_bytes: number;
  sent_records: number;
  dropped_records: Partial<Record<DropReason, number>>;
  /** The last export failed and nothing was delivered since. */
  failing: boolean;
  last_error?: { at: string; message: string; status?: number };
  last_success_at?: string;
}

interface Clock {
  now(): number;
}

/** TLS failures of Node (an unknown CA, a wrong name, an expired or refused certificate): a setting, not the network. */
const TLS_CODES = /^(ERR_TLS_|ERR_SSL_|CERT_|UNABLE_TO_|DEPTH_ZERO_|SELF_SIGNED_|HOSTNAME_MISMATCH)/;

/**
 * The reason a failed export is counted under, from the exporter's error. The exporter retries only 429, 502, 503,
 * 504, timeouts and refused or reset connections (the OTLP specification's list); any other HTTP status (500
 * included) arrives here at once, with its code, and retrying it cannot help.
 */
export function dropReasonOf(error: unknown): { reason: DropReason; status?: number } {
  const e = error as { code?: unknown; message?: unknown } | undefined;
  const message = String(e?.message ?? '');
  if (typeof e?.code === 'number') return { reason: 'rejected', status: e.code };
  if (typeof e?.code === 'string' && TLS_CODES.test(e.code)) return { reason: 'tls' };
  if (/retryable status/i.test(message)) return { reason: 'retries_exhausted' };
  if (/timed out|timeout/i.test(message)) return { reason: 'timeout' };
  if (/concurrent export limit/i.test(message)) return { reason: 'concurrency_limit' };
  return { reason: 'network' };
}

/** The counters of one endpoint. */
class Accounting {
  queuedRecords = 0;
  queuedBytes = 0;
  sent = 0;
  readonly dropped: Partial<Record<DropReason, number>> = {};
  failing = false;
  lastError?: { at: number; message: string; status?: number };
  lastSuccessAt?: number;
  lastDropAt?: number;

  constructor(private readonly clock: Clock) {}

  drop(reason: DropReason, n: number): void {
    if (n <= 0) return;
    this.dropped[reason] = (this.dropped[reason] ?? 0) + n;
    this.lastDropAt = this.clock.now();
  }

  get droppedTotal(): number {
    return Object.values(this.dropped).reduce((a, b) => a + (b ?? 0), 0);
  }
}

/** Counts what the real exporter did with each batch and releases the batch's share of the queue. */
class CountingExporter implements LogRecordExporter {
  constructor(
    private readonly inner: LogRecordExporter,
    private readonly acct: Accounting,
    private readonly sizes: WeakMap<object, number>,
    private readonly clock: Clock,
  ) {}

  export(records: ReadableLogRecord[], done: (result: ExportResult) => void): void {
    let settled = false;
    this.inner.export(records, (result) => {
      if (settled) return;
      settled = true;
      let bytes = 0;
      for (const r of records) bytes += this.sizes.get(r) ?? 0;
      this.acct.queuedRecords -= records.length;
      this.acct.queuedBytes -= bytes;
      if (result.code === 0) {
        this.acct.sent += records.length;
        this.acct.failing = false;
        this.acct.lastSuccessAt = this.clock.now();
      } else {
        const { reason, status } = dropReasonOf(result.error);
        this.acct.drop(reason, records.length);
        this.acct.failing = true;
        this.acct.lastError = { at: this.clock.now(), message: String((result.error as Error | undefined)?.message ?? 'export failed'), ...(status ? { status } : {}) };
      }
      done(result);
    });
  }

  forceFlush(): Promise<void> {
    return this.inner.forceFlush();
  }

  shutdown(): Promise<void> {
    return this.inner.shutdown();
  }
}

export interface EndpointSinkOptions {
  url: string;
  protocol: string;
  exporter: LogRecordExporter;
  maxRecords: number;
  maxBytes: number;
  batchRecords: number;
  delayMs: number;
  exportTimeoutMs: number;
  clock?: Clock;
}

/**
 * The processor of one endpoint: admits a record only while the endpoint's queue (in-flight batches included) is
 * under both bounds, so the batch processor behind it never drops on its own and the gateway's memory for this
 * endpoint stays under max_bytes whatever the collector does.
 */
export class EndpointSink implements LogRecordProcessor {
  private readonly acct: Accounting;
  private readonly sizes = new WeakMap<object, number>();
  private readonly batch: BatchLogRecordProcessor;

  constructor(private readonly o: EndpointSinkOptions) {
    const clock = o.clock ?? { now: () => Date.now() };
    this.acct = new Accounting(clock);
    this.batch = new BatchLogRecordProcessor(new CountingExporter(o.exporter, this.acct, this.sizes, clock), {
      // Larger than what is ever admitted: the bound is ours (records and bytes), never a silent drop of the SDK's.
      maxQueueSize: o.maxRecords + 1,
      maxExportBatchSize: o.batchRecords,
      scheduledDelayMillis: o.delayMs,
      // The exporter stops retrying at its own deadline; this only guards against an exporter that never answers.
      exportTimeoutMillis: o.exportTimeoutMs + 5000,
    });
  }

  onEmit(record: SdkLogRecord): void {
    const bytes = estimateBytes(record.body, record.attributes as Record<string, unknown>);
    if (this.acct.queuedRecords + 1 > this.o.maxRecords) return this.acct.drop('queue_full', 1);
    if (this.acct.queuedBytes + bytes > this.o.maxBytes) return this.acct.drop('queue_bytes', 1);
    this.sizes.set(record, bytes);
    this.acct.queuedRecords++;
    this.acct.queuedBytes += bytes;
    this.batch.onEmit(record);
  }

  forceFlush(): Promise<void> {
    return this.batch.forceFlush();
  }

  /** Flushes for at most `graceMs`; whatever is still queued then is counted as dropped (`shutdown`). */
  async shutdown(graceMs = 2000): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, graceMs);
      timer.unref?.();
    });
    await Promise.race([this.batch.shutdown().catch(() => {}), late]);
    clearTimeout(timer);
    this.acct.drop('shutdown', this.acct.queuedRecords);
    this.acct.queuedRecords = 0;
    this.acct.queuedBytes = 0;
  }

  get droppedTotal(): number {
    return this.acct.droppedTotal;
  }

  get lastDropAt(): number | undefined {
    return this.acct.lastDropAt;
  }

  status(): EndpointStatus {
    const a = this.acct;
    return {
      url: this.o.url,
      protocol: this.o.protocol,
      queued_records: a.queuedRecords,
      queued_bytes: a.queuedBytes,
      sent_records: a.sent,
      dropped_records: { ...a.dropped },
      failing: a.failing,
      ...(a.lastError ? { last_error: { ...a.lastError, at: new Date(a.lastError.at).toISOString() } } : {}),
      ...(a.lastSuccessAt ? { last_success_at: new Date(a.lastSuccessAt).toISOString() } : {}),
    };
  }
}
