// The otlp_export built-in plugin against the real wire format (docs/logs-export.md): a real gateway (default
// features, the plugin enabled by name as the `medkit` command does) sends to a plain node:http receiver, which
// decodes each OTLP/HTTP protobuf request with the protobuf definitions OpenTelemetry generates from its
// opentelemetry-proto files (an earlier @opentelemetry/otlp-transformer ships them as protobufjs code; the exporter
// under test encodes with its own serializer, so the two sides share no code). A /rosout line and a fault's
// confirm and clear come out as log records with the fields a query uses; a collector that is down costs bounded
// memory, every record ends up delivered or counted dropped, and delivery resumes when the collector is back.
import { hostname } from 'node:os';
import { afterEach, describe, expect, it } from 'vitest';
import { FAULTS_SERVICE, GATEWAY_VERSION, LOGS_SERVICE } from '@medkit/gateway';
import { cleanup, gatewayWith, Receiver, rosout, runCleanup, until, untilAsync, type Status } from './otlp-receiver.js';

afterEach(runCleanup);

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
