// The otlp_export built-in plugin against the real wire format (docs/logs-export.md): a real gateway (default
// features, the plugin enabled by name as the `medkit` command does) sends to a plain node:http receiver, which
// decodes each OTLP/HTTP protobuf request with the protobuf definitions OpenTelemetry generates from its
// opentelemetry-proto files (an earlier @opentelemetry/otlp-transformer ships them as protobufjs code; the exporter
// under test encodes with its own serializer, so the two sides share no code). A /rosout line and a fault's
// confirm and clear come out as log records with the fields a query uses; a collector that is down costs bounded
// memory, every record ends up delivered or counted dropped, and delivery resumes when the collector is back.
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createRequire } from 'node:module';
import { hostname } from 'node:os';
import { afterEach, describe, expect, it } from 'vitest';
import { FAULTS_SERVICE, GATEWAY_VERSION, LOGS_SERVICE } from '@medkit/gateway';
import { startTestGateway, type TestGateway } from '../../../test-support/gateway/gateway.js';

const require = createRequire(import.meta.url);
const root = require('otlp-proto-root/build/src/generated/root.js') as { opentelemetry: { proto: { collector: { logs: { v1: { ExportLogsServiceRequest: ProtoType } } } } } };
const ExportLogsServiceRequest = root.opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest;

interface ProtoType {
  decode(buf: Uint8Array): unknown;
  toObject(m: unknown, o: Record<string, unknown>): Record<string, unknown>;
}

interface KeyValue {
  key: string;
  value: { stringValue?: string; intValue?: string; boolValue?: boolean; arrayValue?: { values?: { stringValue?: string }[] } };
}

/** One decoded record with its resource, attributes flattened to plain values. */
interface Received {
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

function decode(body: Buffer, headers: IncomingMessage['headers']): Received[] {
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

/** A collector: records what it decodes; answers `status` (200 by default). */
class Receiver {
  readonly records: Received[] = [];
  readonly requests: { url: string; contentType?: string }[] = [];
  status = 200;
  private server?: Server;
  port = 0;

  async start(port = 0): Promise<void> {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        this.requests.push({ url: req.url ?? '', contentType: req.headers['content-type'] });
        const body = Buffer.concat(chunks);
        if (this.status === 200) {
          if (req.headers['content-type'] === 'application/x-protobuf') this.records.push(...decode(body, req.headers));
          else this.json.push(JSON.parse(body.toString('utf8')) as Record<string, unknown>);
        }
        res.writeHead(this.status, { 'content-type': 'application/x-protobuf' }).end();
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(port, '127.0.0.1', resolve));
    this.port = (this.server.address() as AddressInfo).port;
  }

  readonly json: Record<string, unknown>[] = [];

  async stop(): Promise<void> {
    const s = this.server;
    this.server = undefined;
    if (!s) return;
    s.closeAllConnections();
    await new Promise<void>((resolve) => s.close(() => resolve()));
  }

  url(path = '/v1/logs'): string {
    return `http://127.0.0.1:${this.port}${path}`;
  }
}

async function until<T>(what: string, probe: () => T | undefined | false, ms = 10_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = probe();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

interface Status {
  observed: { logs: number; faults: number };
  endpoints: { url: string; queued_records: number; queued_bytes: number; sent_records: number; dropped_records: Record<string, number>; failing: boolean; last_error?: { status?: number } }[];
}

const cleanup: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanup.splice(0).reverse()) await c();
});

async function gatewayWith(config: Record<string, unknown>): Promise<TestGateway> {
  const flags: Record<string, unknown> = { plugins: ['otlp_export'] };
  for (const [k, v] of Object.entries(config)) flags[`plugins.otlp_export.${k}`] = v;
  const gw = await startTestGateway({ defaults: true, flags: flags as never });
  cleanup.push(() => gw.close());
  return gw;
}

const rosout = (i: number, level = 30) => ({
  stamp: { sec: 1_790_000_000 + i, nanosec: 5_000_000 },
  level,
  name: 'demo.battery_monitor',
  msg: `battery at ${10 - (i % 10)} %`,
  file: 'battery_monitor.cpp',
  function: 'on_timer',
  line: 42,
  node: '/demo/battery_monitor',
});

describe('otlp_export', () => {
  it('sends a /rosout line and a fault confirm and clear as OTLP log records with the fields queries use', async () => {
    const rx = new Receiver();
    await rx.start();
    cleanup.push(() => rx.stop());
    const gw = await gatewayWith({
      url: rx.url(),
      'headers.x-api-key': 'secret-key',
      'resource.robot_id': 'amr-07',
      'resource.fleet_id': 'warehouse-3',
      'resource.attributes.deployment.environment': 'test',
      'batch.delay_ms': 20,
      public_url: 'https://robot-07.example:8080',
      endpoints: [{ url: rx.url('/json/v1/logs'), protocol: 'http/json' }],
    });
    const services = gw.gateway.ctx.services;
    services.get(LOGS_SERVICE).ingestRosout(rosout(1));
    services.get(LOGS_SERVICE).ingestRosout(rosout(2, 10)); // DEBUG: below the default min_severity (info)
    const faults = services.get(FAULTS_SERVICE);
    // CRITICAL confirms at once (docs/faults.md).
    expect(faults.report({ fault_code: 'BATTERY_LOW', event_type: 0, severity: 3, description: 'Battery below 10 %', source_id: '/demo/battery_monitor' }).accepted).toBe(true);
    expect(faults.manager.clear('BATTERY_LOW').success).toBe(true);

    const events = (name: string) => rx.records.filter((r) => r.eventName === name);
    await until('the log line and both fault events', () => events('medkit.log').length === 1 && events('medkit.fault.confirmed').length === 1 && events('medkit.fault.cleared').length === 1);

    const log = events('medkit.log')[0];
    expect(log.headers['x-api-key']).toBe('secret-key');
    expect(log.resource).toMatchObject({ 'service.name': 'medkit', 'service.version': GATEWAY_VERSION, 'host.name': hostname(), 'medkit.robot.id': 'amr-07', 'medkit.fleet.id': 'warehouse-3', 'deployment.environment': 'test' });
    expect(log.severityNumber).toBe(13);
    expect(log.severityText).toBe('WARN');
    expect(log.body).toBe('battery at 9 %');
    expect(log.timeUnixNano).toBe(String((1_790_000_001n * 1000n + 5n) * 1_000_000n));
    expect(log.attributes).toMatchObject({ 'event.name': 'medkit.log', 'ros.node': '/demo/battery_monitor', 'ros.logger': 'demo.battery_monitor', 'code.file.path': 'battery_monitor.cpp', 'code.line.number': 42, 'code.function.name': 'on_timer' });

    const confirmed = events('medkit.fault.confirmed')[0];
    expect(confirmed.severityNumber).toBe(21);
    expect(confirmed.attributes).toMatchObject({
      'medkit.fault.code': 'BATTERY_LOW',
      'medkit.fault.severity': 'critical',
      'medkit.fault.status': 'CONFIRMED',
      'medkit.fault.occurrence_count': 1,
      'medkit.fault.reporting_sources': ['/demo/battery_monitor'],
      'medkit.fault.url': 'https://robot-07.example:8080/api/v1/faults/BATTERY_LOW',
    });
    expect(confirmed.body).toBe('fault BATTERY_LOW confirmed: Battery below 10 %');
    const cleared = events('medkit.fault.cleared')[0];
    expect(cleared.severityNumber).toBe(9);
    expect(cleared.attributes['medkit.fault.status']).toBe('CLEARED');
    // The link answers: the fault's detail is where the record says.
    const detail = await fetch(`${gw.url}/api/v1/faults/BATTERY_LOW`);
    expect(detail.status).toBe(200);

    // The same three records as OTLP/JSON to the second endpoint.
    await until('the JSON endpoint', () => rx.json.flatMap((j) => JSON.stringify(j).match(/medkit\.(log|fault\.confirmed|fault\.cleared)"/g) ?? []).length >= 3);
    expect(rx.requests.some((r) => r.url === '/json/v1/logs' && r.contentType === 'application/json')).toBe(true);

    const status = (await (await fetch(`${gw.url}/api/v1/x-medkit-otlp`)).json()) as Status;
    expect(status.observed).toMatchObject({ logs: 1, faults: 2, below_min_severity: 1 });
    expect(status.endpoints.map((e) => [e.sent_records, e.queued_records])).toEqual([[3, 0], [3, 0]]);
  });

  it('a collector that refuses the API key: the batch is dropped as rejected with the status, not retried', async () => {
    const rx = new Receiver();
    await rx.start();
    cleanup.push(() => rx.stop());
    rx.status = 401;
    const gw = await gatewayWith({ url: rx.url(), 'headers.x-api-key': 'wrong', 'batch.delay_ms': 20 });
    for (let i = 0; i < 3; i++) gw.gateway.ctx.services.get(LOGS_SERVICE).ingestRosout(rosout(i));
    const st = await untilAsync(async () => {
      const s = ((await (await fetch(`${gw.url}/api/v1/x-medkit-otlp`)).json()) as Status).endpoints[0];
      return s.dropped_records.rejected === 3 ? s : undefined;
    });
    expect(st).toMatchObject({ sent_records: 0, queued_records: 0, failing: true, last_error: { status: 401 } });
    expect(rx.requests.length, 'a 401 is not retried').toBe(1);
  });

  it('a collector that is down: bounded queue, drops counted by reason on /x-medkit-otlp and /health, delivery resumes when it is back', async () => {
    const rx = new Receiver();
    await rx.start();
    const port = rx.port;
    await rx.stop(); // nothing listens on the port now: connections are refused
    const gw = await gatewayWith({ url: `http://127.0.0.1:${port}/v1/logs`, 'queue.max_records': 20, 'batch.max_records': 5, 'batch.delay_ms': 20, 'export.timeout_ms': 1200, 'export.concurrency': 1 });
    const logs = gw.gateway.ctx.services.get(LOGS_SERVICE);
    const readStatus = async () => ((await (await fetch(`${gw.url}/api/v1/x-medkit-otlp`)).json()) as Status).endpoints[0];

    // 300 lines in one go: ingestion never waits for the collector, and what is held stays under the bound.
    const started = Date.now();
    for (let i = 0; i < 300; i++) logs.ingestRosout(rosout(i));
    expect(Date.now() - started, 'ingestion does not wait for the collector').toBeLessThan(2000);
    const st = await readStatus();
    expect(st.queued_records).toBeLessThanOrEqual(20);
    expect(st.dropped_records.queue_full).toBeGreaterThanOrEqual(280);

    // The exporter retries until export.timeout_ms, then gives the batch up: counted, and said on /health.
    const failed = await untilAsync(async () => {
      const s = await readStatus();
      return s.failing && (s.dropped_records.network ?? 0) > 0 ? s : undefined;
    });
    expect(failed.sent_records).toBe(0);
    const health = (await (await fetch(`${gw.url}/api/v1/health`)).json()) as { warnings?: { code: string; message: string }[] };
    const codes = (health.warnings ?? []).map((w) => w.code);
    expect(codes).toContain('otlp_export.endpoint_failing');
    expect(codes).toContain('otlp_export.records_dropped');

    // The collector comes back on the same port: what is still queued and what comes next is delivered.
    await rx.start(port);
    cleanup.push(() => rx.stop());
    for (let i = 0; i < 5; i++) logs.ingestRosout(rosout(1000 + i));
    const after = await untilAsync(async () => {
      const s = await readStatus();
      return s.queued_records === 0 && !s.failing && s.sent_records >= 5 ? s : undefined;
    }, 15_000);
    // Every record is accounted for: delivered or dropped with a reason, none held.
    const dropped = Object.values(after.dropped_records).reduce((a, b) => a + b, 0);
    expect(after.sent_records + dropped).toBe(305);
    expect(rx.records.length).toBe(after.sent_records);
    expect(rx.records.filter((r) => /^battery/.test(r.body ?? '')).length).toBe(after.sent_records);
  });
});

async function untilAsync<T>(probe: () => Promise<T | undefined>, ms = 10_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = await probe();
    if (v) return v;
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 50));
  }
}
