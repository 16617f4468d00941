// otlp_export when the collector is not simply up (docs/logs-export.md, "Bounded, and honest"): a collector that
// asks for time (429 / 503 with Retry-After) gets the same batch again and it is delivered once; one that keeps
// failing (502) is retried with backoff and the batch is given up as retries_exhausted; a Retry-After past the
// export deadline is not waited for; a 500 is refused at once; meanwhile the queue stays bounded and the gateway
// answers. Over HTTPS the plugin trusts the test's own CA through tls.ca_file, presents its client certificate and
// the collector checks the API key; without tls.* it takes the gateway's own TLS client settings (aggregation.*,
// fleet.nats.*), and one of those it cannot read disables it; without the CA the handshake fails, counted as tls. Every count is read where a
// user reads it: GET /x-medkit-otlp and /health.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { LOGS_SERVICE } from '@medkit/gateway';
import { cleanup, gatewayWith, healthWarnings, otlpStatus, Receiver, rosout, runCleanup, untilAsync, type EndpointCounters } from './otlp-receiver.js';
import { makeTestPki, type TestPki } from './test-pki.js';

afterEach(runCleanup);

async function receiver(answer?: Receiver['answer'], tls?: ConstructorParameters<typeof Receiver>[0]): Promise<Receiver> {
  const rx = new Receiver(tls);
  rx.answer = answer;
  await rx.start();
  cleanup.push(() => rx.stop());
  return rx;
}

const total = (e: EndpointCounters) => Object.values(e.dropped_records).reduce((a, b) => a + b, 0);

describe('otlp_export against a collector that pushes back', () => {
  it('429 and 503 with Retry-After: the same batch is sent again when the collector asks, and delivered once', async () => {
    const rx = await receiver((n) => (n === 0 ? { status: 429, headers: { 'retry-after': '1' } } : n === 1 ? { status: 503, headers: { 'retry-after': '1' } } : { status: 200 }));
    const gw = await gatewayWith({ url: rx.url(), 'batch.delay_ms': 20, 'export.timeout_ms': 20_000 });
    const logs = gw.gateway.ctx.services.get(LOGS_SERVICE);
    for (let i = 0; i < 3; i++) logs.ingestRosout(rosout(i));
    const st = await untilAsync(async () => {
      const e = (await otlpStatus(gw)).endpoints[0];
      return e.sent_records === 3 ? e : undefined;
    }, 20_000, 'delivery after 429 and 503');
    expect(rx.requests.map((r) => r.status)).toEqual([429, 503, 200]);
    // The retries carry the very same records, and the collector keeps them once.
    expect(new Set(rx.requests.map((r) => r.bodies.join('|'))).size).toBe(1);
    expect(rx.records.map((r) => r.body)).toEqual(['battery at 10 %', 'battery at 9 %', 'battery at 8 %']);
    expect(st).toMatchObject({ queued_records: 0, failing: false, dropped_records: {} });
    expect((await healthWarnings(gw)).map((w) => w.code).filter((c) => c.startsWith('otlp_export.'))).toEqual([]);
  });

  it('5xx over and over: retried with backoff then counted retries_exhausted, a Retry-After past the deadline not waited for, a 500 refused at once; bounded, the gateway answering', async () => {
    const busy = await receiver(() => ({ status: 502 }));
    const later = await receiver(() => ({ status: 503, headers: { 'retry-after': '120' } }));
    const broken = await receiver(() => ({ status: 500 }));
    const gw = await gatewayWith({
      endpoints: [{ url: busy.url() }, { url: later.url() }, { url: broken.url() }],
      'batch.delay_ms': 20,
      'batch.max_records': 20,
      'queue.max_records': 20,
      'export.timeout_ms': 4000,
      'export.concurrency': 1,
    });
    const logs = gw.gateway.ctx.services.get(LOGS_SERVICE);
    for (let i = 0; i < 3; i++) logs.ingestRosout(rosout(i));
    const settled = await untilAsync(async () => {
      const eps = (await otlpStatus(gw)).endpoints;
      return eps.every((e) => total(e) === 3) ? eps : undefined;
    }, 20_000, 'the first batch given up everywhere');
    const [b, l, x] = settled;
    expect(b.dropped_records).toEqual({ retries_exhausted: 3 });
    // Backoff: 1 s, then ×1.5 with jitter, until export.timeout_ms (4 s) leaves no room: more than one attempt, and
    // at most the exporter's five retries.
    expect(busy.requests.length).toBeGreaterThan(1);
    expect(busy.requests.length).toBeLessThanOrEqual(6);
    expect(new Set(busy.requests.map((r) => r.bodies.join('|'))).size, 'every retry is the same batch').toBe(1);
    // Retry-After: 120 s is beyond the 4 s deadline: given up after the first answer rather than retried early.
    expect(l.dropped_records).toEqual({ retries_exhausted: 3 });
    expect(later.requests.length).toBe(1);
    // 500 is not among the statuses OTLP retries: refused at once, with the status kept.
    expect(x).toMatchObject({ dropped_records: { rejected: 3 }, last_error: { status: 500 } });
    expect(broken.requests.length).toBe(1);
    for (const e of settled) expect(e).toMatchObject({ sent_records: 0, queued_records: 0, failing: true });
    const codes = (await healthWarnings(gw)).map((w) => w.code);
    expect(codes).toContain('otlp_export.endpoint_failing');
    expect(codes).toContain('otlp_export.records_dropped');

    // A flood while every collector fails: ingestion does not wait, each endpoint holds at most queue.max_records,
    // and the gateway keeps answering.
    for (let i = 0; i < 300; i++) logs.ingestRosout(rosout(100 + i));
    const during = await otlpStatus(gw);
    for (const e of during.endpoints) {
      expect(e.queued_records).toBeLessThanOrEqual(20);
      expect(e.dropped_records.queue_full).toBeGreaterThanOrEqual(280);
    }
    expect((await fetch(`${gw.url}/api/v1/faults`)).status).toBe(200);
    // Once the held batch is given up, every record is accounted for: dropped with a reason, none held, none sent.
    const end = await untilAsync(async () => {
      const eps = (await otlpStatus(gw)).endpoints;
      return eps.every((e) => e.queued_records === 0 && total(e) === 303) ? eps : undefined;
    }, 20_000, 'the flood settled');
    for (const e of end) expect(e.sent_records).toBe(0);
    expect(later.requests.length, 'one request per batch while Retry-After is past the deadline').toBeLessThanOrEqual(1 + 300 / 20);
  });
});

describe('otlp_export over HTTPS', () => {
  let pki: TestPki;
  beforeAll(() => {
    pki = makeTestPki('amr-07');
  });
  afterAll(() => pki?.remove());

  it('trusts the CA of tls.ca_file, presents tls.cert_file, and the collector checks the API key per endpoint', async () => {
    const rx = await receiver(undefined, { key: pki.read(pki.serverKey), cert: pki.read(pki.serverCert), ca: pki.read(pki.caFile), requestCert: true, rejectUnauthorized: true });
    rx.apiKey = 'k-123';
    const gw = await gatewayWith({
      url: rx.url(),
      'headers.x-api-key': 'k-123',
      endpoints: [{ url: rx.url('/wrong-key/v1/logs'), headers: { 'x-api-key': 'stale' } }],
      'tls.ca_file': pki.caFile,
      'tls.cert_file': pki.clientCert,
      'tls.key_file': pki.clientKey,
      'batch.delay_ms': 20,
    });
    const logs = gw.gateway.ctx.services.get(LOGS_SERVICE);
    for (let i = 0; i < 2; i++) logs.ingestRosout(rosout(i));
    const [ok, wrong] = await untilAsync(async () => {
      const eps = (await otlpStatus(gw)).endpoints;
      return eps[0].sent_records === 2 && total(eps[1]) === 2 ? eps : undefined;
    }, 15_000, 'both HTTPS endpoints settled');
    expect(ok).toMatchObject({ failing: false, dropped_records: {} });
    expect(wrong).toMatchObject({ sent_records: 0, dropped_records: { rejected: 2 }, last_error: { status: 401 } });
    expect(rx.records.map((r) => [r.body, r.headers['x-api-key']])).toEqual([['battery at 10 %', 'k-123'], ['battery at 9 %', 'k-123']]);
    expect(rx.requests.every((r) => r.clientCertSubject === 'amr-07'), 'the client certificate was presented').toBe(true);
  });

  it("defaults to the gateway's own TLS client settings (aggregation.*): trusts its CA, presents its client certificate", async () => {
    const rx = await receiver(undefined, { key: pki.read(pki.serverKey), cert: pki.read(pki.serverCert), ca: pki.read(pki.caFile), requestCert: true, rejectUnauthorized: true });
    const gw = await gatewayWith(
      { url: rx.url(), 'batch.delay_ms': 20 },
      { 'aggregation.ca_file': pki.caFile, 'aggregation.client_cert_file': pki.clientCert, 'aggregation.client_key_file': pki.clientKey },
    );
    gw.gateway.ctx.services.get(LOGS_SERVICE).ingestRosout(rosout(1));
    await untilAsync(async () => ((await otlpStatus(gw)).endpoints[0].sent_records === 1 ? true : undefined), 15_000, 'delivered over mTLS');
    expect(rx.requests.map((r) => r.clientCertSubject)).toEqual(['amr-07']);
    expect((await otlpStatus(gw)).tls).toEqual({ ca: 'aggregation.ca_file (and the system CAs)', client_cert: 'aggregation.client_cert_file' });
  });

  it("fails closed: a gateway TLS file it would use that cannot be read disables the plugin, naming the key; tls.inherit: none does not read it", async () => {
    const gw = await gatewayWith({ url: 'https://127.0.0.1:9/v1/logs' }, { 'fleet.nats.ca_file': '/nonexistent/nats-ca.pem' });
    const w = (await healthWarnings(gw)).find((x) => x.code === 'plugin_disabled');
    expect(w?.message).toMatch(/otlp_export.*fleet\.nats\.ca_file/);
    expect((await fetch(`${gw.url}/api/v1/x-medkit-otlp`)).status).toBe(404);
    const off = await gatewayWith({ url: 'https://127.0.0.1:9/v1/logs', 'tls.inherit': 'none' }, { 'fleet.nats.ca_file': '/nonexistent/nats-ca.pem' });
    expect((await otlpStatus(off)).tls).toEqual({ ca: 'system', client_cert: 'none' });
  });

  it('without the CA the handshake fails: counted as tls, said on /health, nothing delivered', async () => {
    const rx = await receiver(undefined, { key: pki.read(pki.serverKey), cert: pki.read(pki.serverCert) });
    const gw = await gatewayWith({ url: rx.url(), 'batch.delay_ms': 20, 'export.timeout_ms': 2000 });
    gw.gateway.ctx.services.get(LOGS_SERVICE).ingestRosout(rosout(1));
    const e = await untilAsync(async () => {
      const s = (await otlpStatus(gw)).endpoints[0];
      return total(s) === 1 ? s : undefined;
    }, 15_000, 'the record given up');
    expect(e).toMatchObject({ sent_records: 0, dropped_records: { tls: 1 }, failing: true });
    expect(rx.requests).toEqual([]);
    const failing = (await healthWarnings(gw)).find((w) => w.code === 'otlp_export.endpoint_failing');
    expect(failing?.message).toMatch(/certificate/i);
  });
});
