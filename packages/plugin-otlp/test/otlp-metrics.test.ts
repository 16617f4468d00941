// otlp_export's metrics (docs/logs-export.md, "Metrics"): with the gateway's metrics on and the plugin's
// metrics.enabled, what GET /metrics serves arrives as OTLP metrics at the endpoint's /v1/metrics, decoded with
// OpenTelemetry's own protobuf definitions (otlp-receiver.ts): the same names, counters as cumulative monotonic sums,
// gauges, histograms with their buckets, the records' resource and the API-key header. A collector that hangs or is
// down costs one export in flight per endpoint at most, and every failure is counted by reason on /x-medkit-otlp,
// /health and /metrics.
import { afterEach, describe, expect, it } from 'vitest';
import { FAULTS_SERVICE } from '@medkit/gateway';
import { cleanup, gatewayWith, healthWarnings, otlpStatus, Receiver, runCleanup, until, untilAsync, type ReceivedMetric } from './otlp-receiver.js';

afterEach(runCleanup);

async function receiver(): Promise<Receiver> {
  const rx = new Receiver();
  await rx.start();
  cleanup.push(() => rx.stop());
  return rx;
}

describe('otlp_export metrics', () => {
  it("sends what /metrics serves to /v1/metrics: the gateway's names, counter, gauge and histogram, resource and API key", async () => {
    const rx = await receiver();
    rx.apiKey = 'm-key';
    const gw = await gatewayWith(
      { url: rx.url(), 'headers.x-api-key': 'm-key', 'resource.robot_id': 'amr-07', 'metrics.enabled': true, 'metrics.interval_ms': 1000 },
      { 'metrics.enabled': true },
    );
    expect(gw.gateway.ctx.services.get(FAULTS_SERVICE).report({ fault_code: 'LIDAR_TIMEOUT', event_type: 0, severity: 3, description: 'no scan', source_id: '/demo/lidar' }).accepted).toBe(true);
    expect((await fetch(`${gw.url}/api/v1/faults`)).status).toBe(200);
    const scrape = await (await fetch(`${gw.url}/metrics`)).text();
    for (const name of ['medkit_fault_reports_total', 'medkit_faults', 'medkit_http_request_duration_seconds', 'process_resident_memory_bytes']) expect(scrape).toContain(`# TYPE ${name} `);

    // A reading after the fault and the request: the counter and the histogram have counted them.
    const byName = (batch: ReceivedMetric[]) => new Map(batch.map((m) => [m.name, m]));
    const batch = await until('a reading with the fault and the request', () => rx.metrics.map(byName).find((m) => (m.get('medkit_fault_reports_total')?.points ?? []).some((p) => p.value === 1) && m.has('medkit_http_request_duration_seconds')), 15_000);
    const reports = batch.get('medkit_fault_reports_total')!;
    expect(reports).toMatchObject({ kind: 'sum', monotonic: true, temporality: 2, scope: 'medkit' });
    expect(reports.points.find((p) => p.attributes.result === 'accepted')?.value).toBe(1);
    expect(reports.resource).toMatchObject({ 'service.name': 'medkit', 'medkit.robot.id': 'amr-07' });
    expect(reports.headers['x-api-key']).toBe('m-key');
    const faults = batch.get('medkit_faults')!;
    expect(faults.kind).toBe('gauge');
    expect(faults.points.filter((p) => p.value === 1).map((p) => p.attributes)).toEqual([{ status: 'CONFIRMED', severity: 'CRITICAL' }]);
    expect(batch.get('process_resident_memory_bytes')?.points[0].value).toBeGreaterThan(1e6);
    const latency = batch.get('medkit_http_request_duration_seconds')!;
    expect(latency.kind).toBe('histogram');
    const p = latency.points.find((x) => x.attributes.route === '/api/v1/faults')!;
    expect(p.attributes).not.toHaveProperty('le');
    expect(p.count).toBeGreaterThanOrEqual(1);
    expect(p.bucketCounts!.length).toBe(p.explicitBounds!.length + 1);
    expect(p.bucketCounts!.reduce((a, b) => a + b, 0)).toBe(p.count);
    // Every metric name sent is one /metrics shows (summaries and histograms under their family's name).
    for (const name of batch.keys()) expect(scrape, name).toMatch(new RegExp(`^# TYPE ${name.replace(/_(sum|count)$/, '')} `, 'm'));
    expect(rx.requests.filter((r) => r.url === '/v1/metrics').every((r) => r.contentType === 'application/x-protobuf')).toBe(true);

    const st = (await otlpStatus(gw)).metrics!;
    expect(st).toMatchObject({ interval_ms: 1000, unavailable: 0, collect_failed: 0, truncated_points: 0 });
    expect(st.endpoints[0]).toMatchObject({ url: rx.url('/v1/metrics'), failing: false, failed: {} });
    expect(st.endpoints[0].exports).toBeGreaterThanOrEqual(1);
  });

  it('a collector that hangs or is down: one export in flight per endpoint at most, failures counted by reason on /x-medkit-otlp, /health and /metrics', async () => {
    const hung = await receiver();
    hung.hang = true;
    const down = await receiver();
    const downUrl = down.url();
    await down.stop(); // connections to its port are refused
    const gw = await gatewayWith(
      { endpoints: [{ url: hung.url() }, { url: downUrl }], 'metrics.enabled': true, 'metrics.interval_ms': 1000, 'metrics.timeout_ms': 500 },
      { 'metrics.enabled': true },
    );
    const st = await untilAsync(async () => {
      const m = (await otlpStatus(gw)).metrics!;
      const [h, d] = m.endpoints;
      return m.readings >= 4 && Object.keys(h.failed).length > 0 && (d.failed.network ?? 0) + (d.failed.timeout ?? 0) > 0 ? m : undefined;
    }, 20_000, 'both endpoints failing, counted');
    const [h, d] = st.endpoints;
    expect(h.exports + d.exports).toBe(0);
    expect(h.failing && d.failing).toBe(true);
    // The hung collector never saw two requests at once: a tick that found one in flight skipped it, counted.
    expect(hung.maxOpen).toBe(1);
    expect(Object.keys(h.failed).every((r) => ['timeout', 'deadline', 'in_flight', 'network'].includes(r))).toBe(true);
    const failing = (await healthWarnings(gw)).filter((w) => w.code === 'otlp_export.metrics_failing');
    expect(failing.map((w) => w.message.match(/endpoint (\S+)/)?.[1]).sort()).toEqual([hung.url('/v1/metrics'), downUrl.replace(/logs$/, 'metrics')].sort());
    const scrape = await (await fetch(`${gw.url}/metrics`)).text();
    expect(scrape).toMatch(/medkit_health_warnings\{code="otlp_export\.metrics_failing"\} 2/);
    // The gateway keeps answering meanwhile.
    expect((await fetch(`${gw.url}/api/v1/health`)).status).toBe(200);
  });

  it('says so on /health when the gateway serves no metrics to send', async () => {
    const rx = await receiver();
    const gw = await gatewayWith({ url: rx.url(), 'metrics.enabled': true, 'metrics.interval_ms': 1000 });
    const w = await untilAsync(async () => (await healthWarnings(gw)).find((x) => x.code === 'otlp_export.metrics_unavailable'), 10_000, 'the warning');
    expect(w.message).toMatch(/metrics\.enabled/);
    expect(rx.metrics).toEqual([]);
  });
});
