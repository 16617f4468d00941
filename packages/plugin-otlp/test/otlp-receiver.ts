// A collector for the otlp_export tests (docs/logs-export.md): a node:http or node:https server that decodes each
// OTLP/HTTP protobuf request with the protobuf definitions OpenTelemetry generates from its opentelemetry-proto files
// (an earlier @opentelemetry/otlp-transformer ships them as protobufjs code; the exporter under test encodes with its
// own serializer, so the two sides share no code), answers what the test tells it to, and keeps what it accepted.
// Also the gateway the tests run and the small waits they share, each with a deadline.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createTlsServer, type ServerOptions } from 'node:https';
import type { AddressInfo } from 'node:net';
import { createRequire } from 'node:module';
import { startTestGateway, type TestGateway } from '../../../test-support/gateway/gateway.js';
import { waitFor } from '../../../test-support/processes.js';

const require = createRequire(import.meta.url);
const root = require('otlp-proto-root/build/src/generated/root.js') as { opentelemetry: { proto: { collector: { logs: { v1: { ExportLogsServiceRequest: ProtoType } }; metrics: { v1: { ExportMetricsServiceRequest: ProtoType } } } } } };
const ExportLogsServiceRequest = root.opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest;
const ExportMetricsServiceRequest = root.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;

interface ProtoType {
  decode(buf: Uint8Array): unknown;
  toObject(m: unknown, o: Record<string, unknown>): Record<string, unknown>;
}

interface KeyValue {
  key: string;
  value: { stringValue?: string; intValue?: string; boolValue?: boolean; arrayValue?: { values?: { stringValue?: string }[] } };
}

/** One decoded record with its resource, attributes flattened to plain values. */
export interface Received {
  resource: Record<string, unknown>;
  eventName?: string;
  severityNumber?: number;
  severityText?: string;
  body?: string;
  timeUnixNano?: string;
  attributes: Record<string, unknown>;
  headers: IncomingMessage['headers'];
}

function plain(kvs: KeyValue[] | undefined): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const { key, value } of kvs ?? []) {
    out[key] = value.stringValue ?? (value.intValue !== undefined ? Number(value.intValue) : undefined) ?? value.boolValue ?? value.arrayValue?.values?.map((v) => v.stringValue);
  }
  return out;
}

export function decode(body: Buffer, headers: IncomingMessage['headers']): Received[] {
  const msg = ExportLogsServiceRequest.toObject(ExportLogsServiceRequest.decode(body), { longs: String, enums: Number });
  const out: Received[] = [];
  for (const rl of (msg.resourceLogs ?? []) as { resource?: { attributes?: KeyValue[] }; scopeLogs?: { logRecords?: Record<string, unknown>[] }[] }[]) {
    const resource = plain(rl.resource?.attributes);
    for (const sl of rl.scopeLogs ?? []) {
      for (const r of sl.logRecords ?? []) {
        out.push({
          resource,
          eventName: r.eventName as string | undefined,
          severityNumber: r.severityNumber as number | undefined,
          severityText: r.severityText as string | undefined,
          body: (r.body as { stringValue?: string } | undefined)?.stringValue,
          timeUnixNano: r.timeUnixNano as string | undefined,
          attributes: plain(r.attributes as KeyValue[]),
          headers,
        });
      }
    }
  }
  return out;
}

/** One decoded metric of an OTLP metrics request, with its resource and the request's headers. */
export interface ReceivedMetric {
  resource: Record<string, unknown>;
  scope?: string;
  name: string;
  kind: 'sum' | 'gauge' | 'histogram' | 'other';
  monotonic?: boolean;
  /** 1 DELTA, 2 CUMULATIVE. */
  temporality?: number;
  points: { attributes: Record<string, unknown>; value?: number; count?: number; sum?: number; bucketCounts?: number[]; explicitBounds?: number[] }[];
  headers: IncomingMessage['headers'];
}

type Points = { dataPoints?: Record<string, unknown>[]; isMonotonic?: boolean; aggregationTemporality?: number };

export function decodeMetrics(body: Buffer, headers: IncomingMessage['headers']): ReceivedMetric[] {
  const msg = ExportMetricsServiceRequest.toObject(ExportMetricsServiceRequest.decode(body), { longs: Number, enums: Number });
  const out: ReceivedMetric[] = [];
  for (const rm of (msg.resourceMetrics ?? []) as { resource?: { attributes?: KeyValue[] }; scopeMetrics?: { scope?: { name?: string }; metrics?: Record<string, unknown>[] }[] }[]) {
    const resource = plain(rm.resource?.attributes);
    for (const sm of rm.scopeMetrics ?? []) {
      for (const m of sm.metrics ?? []) {
        const kind = m.sum ? 'sum' : m.gauge ? 'gauge' : m.histogram ? 'histogram' : 'other';
        const data = (m.sum ?? m.gauge ?? m.histogram ?? {}) as Points;
        out.push({
          resource,
          scope: sm.scope?.name,
          name: m.name as string,
          kind,
          monotonic: data.isMonotonic,
          temporality: data.aggregationTemporality,
          points: (data.dataPoints ?? []).map((p) => ({
            attributes: plain(p.attributes as KeyValue[]),
            value: (p.asDouble ?? p.asInt) as number | undefined,
            count: p.count as number | undefined,
            sum: p.sum as number | undefined,
            bucketCounts: p.bucketCounts as number[] | undefined,
            explicitBounds: p.explicitBounds as number[] | undefined,
          })),
          headers,
        });
      }
    }
  }
  return out;
}

/** What the receiver answers one request: a status and headers (e.g. `retry-after`). */
export interface Answer {
  status: number;
  headers?: Record<string, string>;
}

/** One request as the receiver saw it (protobuf requests decoded, whatever it answered). */
export interface Seen {
  url: string;
  contentType?: string;
  status: number;
  bodies: string[];
  clientCertSubject?: string;
}

/**
 * A collector: records what it decodes; answers `status` (200 by default), or what `answer` says for the n-th
 * request (from 0). With `apiKey` set, a request without `x-api-key: <apiKey>` is answered 401. With `tls`, HTTPS.
 */
export class Receiver {
  readonly records: Received[] = [];
  readonly requests: Seen[] = [];
  readonly json: Record<string, unknown>[] = [];
  /** Metrics requests accepted, each decoded. */
  readonly metrics: ReceivedMetric[][] = [];
  /** Requests open now and the most ever open at once. */
  open = 0;
  maxOpen = 0;
  /** True: accept requests and never answer (a collector that hangs). */
  hang = false;
  status = 200;
  answer?: (n: number) => Answer;
  apiKey?: string;
  private server?: Server;
  port = 0;

  constructor(private readonly tls?: ServerOptions) {}

  private handle(req: IncomingMessage, res: ServerResponse): void {
    const chunks: Buffer[] = [];
    this.maxOpen = Math.max(this.maxOpen, ++this.open);
    res.on('close', () => this.open--);
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      if (this.hang) return;
      const body = Buffer.concat(chunks);
      const protobuf = req.headers['content-type'] === 'application/x-protobuf';
      const isMetrics = /\/v1\/metrics$/.test(req.url ?? '');
      const decoded = protobuf && !isMetrics ? decode(body, req.headers) : [];
      let a: Answer = this.answer ? this.answer(this.requests.length) : { status: this.status };
      if (this.apiKey !== undefined && req.headers['x-api-key'] !== this.apiKey) a = { status: 401 };
      const peer = (req.socket as { getPeerCertificate?: () => { subject?: { CN?: string } } }).getPeerCertificate?.();
      this.requests.push({ url: req.url ?? '', contentType: req.headers['content-type'], status: a.status, bodies: decoded.map((r) => r.body ?? ''), ...(peer?.subject?.CN ? { clientCertSubject: peer.subject.CN } : {}) });
      if (a.status === 200) {
        if (protobuf && isMetrics) this.metrics.push(decodeMetrics(body, req.headers));
        else if (protobuf) this.records.push(...decoded);
        else this.json.push(JSON.parse(body.toString('utf8')) as Record<string, unknown>);
      }
      res.writeHead(a.status, { 'content-type': 'application/x-protobuf', ...a.headers }).end();
    });
  }

  async start(port = 0): Promise<void> {
    const handler = (req: IncomingMessage, res: ServerResponse) => this.handle(req, res);
    this.server = this.tls ? createTlsServer(this.tls, handler) : createServer(handler);
    await new Promise<void>((resolve) => this.server!.listen(port, '127.0.0.1', resolve));
    this.port = (this.server.address() as AddressInfo).port;
  }

  async stop(): Promise<void> {
    const s = this.server;
    this.server = undefined;
    if (!s) return;
    s.closeAllConnections();
    await new Promise<void>((resolve) => s.close(() => resolve()));
  }

  url(path = '/v1/logs'): string {
    return `${this.tls ? 'https' : 'http'}://127.0.0.1:${this.port}${path}`;
  }
}

/** Waits for `probe` to give a truthy value (the shared poller, test-support/processes.ts). */
export function until<T>(what: string, probe: () => T | undefined | false, ms = 10_000): Promise<T> {
  return waitFor(() => probe() || undefined, what, ms);
}

export function untilAsync<T>(probe: () => Promise<T | undefined>, ms = 10_000, what = 'the condition'): Promise<T> {
  return waitFor(async () => (await probe()) || undefined, what, ms);
}

export interface EndpointCounters {
  url: string;
  queued_records: number;
  queued_bytes: number;
  sent_records: number;
  dropped_records: Record<string, number>;
  failing: boolean;
  last_error?: { status?: number; message?: string };
}

export interface MetricsCounters {
  url: string;
  exports: number;
  failed: Record<string, number>;
  failing: boolean;
  in_flight: boolean;
  last_error?: { status?: number; message?: string };
}

export interface Status {
  observed: { logs: number; faults: number; below_min_severity: number };
  endpoints: EndpointCounters[];
  tls?: { ca: string; client_cert: string };
  metrics?: { interval_ms: number; readings: number; unavailable: number; collect_failed: number; last_points: number; truncated_points: number; endpoints: MetricsCounters[] };
  outbox?: { file: string; endpoints: { url: string; pending_records: number; pending_bytes: number; delivered_records: number; dropped_oldest: number; failing: boolean; last_error?: { message: string } }[] };
}

/** Cleanups run after each test, last registered first. */
export const cleanup: (() => Promise<void>)[] = [];

export async function runCleanup(): Promise<void> {
  for (const c of cleanup.splice(0).reverse()) await c();
}

/** A gateway (default features) with otlp_export on and `config` as its `plugins.otlp_export.*` keys. */
export async function gatewayWith(config: Record<string, unknown>, extra: Record<string, unknown> = {}, dataDir?: string): Promise<TestGateway> {
  const flags: Record<string, unknown> = { plugins: ['otlp_export'], ...extra };
  for (const [k, v] of Object.entries(config)) flags[`plugins.otlp_export.${k}`] = v;
  const gw = await startTestGateway({ defaults: true, flags: flags as never, dataDir });
  cleanup.push(() => gw.close());
  return gw;
}

export async function otlpStatus(gw: TestGateway): Promise<Status> {
  return (await (await fetch(`${gw.url}/api/v1/x-medkit-otlp`)).json()) as Status;
}

export async function healthWarnings(gw: TestGateway): Promise<{ code: string; message: string }[]> {
  return (((await (await fetch(`${gw.url}/api/v1/health`)).json()) as { warnings?: { code: string; message: string }[] }).warnings ?? []);
}

/** A /rosout message of the demo's battery monitor; `i` makes the stamp and text differ. */
export const rosout = (i: number, level = 30) => ({
  stamp: { sec: 1_790_000_000 + i, nanosec: 5_000_000 },
  level,
  name: 'demo.battery_monitor',
  msg: `battery at ${10 - (i % 10)} %`,
  file: 'battery_monitor.cpp',
  function: 'on_timer',
  line: 42,
  node: '/demo/battery_monitor',
});
