// /metrics on a real gateway over real HTTP (issue #30): the exposition parses, request counters count by route
// pattern (bounded whatever URLs clients send), fault gauges and the report counter follow fault reports, the SSE
// gauge follows open streams; auth holds /metrics to `metrics.role`; metrics off is a 404.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FAULTS_SERVICE } from '../../src/faults/gateway/service.js';
import { METRICS_SERVICE } from '@medkit/server';
import { ConfigError } from '@medkit/kit';
import { startTestGateway, type TestGateway } from '../../../../test-support/gateway/gateway.js';
import { startAuthGateway, tokensOf } from '../../../../test-support/gateway/auth.js';
import { parseExposition, samplesOf, scrape, valueOf, type PromSample } from '../../../../test-support/prometheus.js';
import { testDomain } from '../../../../test-support/domains.js';
import { ROS_SERVICE } from '../../src/ros/connection.js';

const requests = (s: PromSample[], route: string, status = '200') => valueOf(s, 'medkit_http_requests_total', { method: 'GET', route, status }) ?? 0;

describe('/metrics on a default gateway with metrics.enabled', () => {
  let g: TestGateway;
  beforeAll(async () => {
    g = await startTestGateway({ defaults: true, flags: { 'metrics.enabled': true } });
  });
  afterAll(() => g?.close());

  it('serves the text exposition format with the gateway and process metrics', async () => {
    await fetch(`${g.url}/api/v1/health`);
    const s = await scrape(`${g.url}/metrics`);
    const families = new Set(s.map((x) => x.family));
    for (const f of ['medkit_http_requests_total', 'medkit_sse_clients', 'medkit_faults', 'medkit_fault_reports_total', 'process_resident_memory_bytes', 'nodejs_eventloop_lag_seconds', 'nodejs_heap_size_used_bytes']) {
      expect(families, f).toContain(f);
    }
    // --no-ros: no participant, so no RTPS series at all (not zeros that look like a dead network).
    expect([...families].filter((f) => f.startsWith('medkit_rtps_'))).toEqual([]);
    expect(s.find((x) => x.name === 'medkit_http_requests_total')?.type).toBe('counter');
    expect(s.find((x) => x.name === 'medkit_http_request_duration_seconds_bucket')?.type).toBe('histogram');
  });

  it('answers other methods and paths below it with the SOVD 404, and HEAD like GET', async () => {
    for (const [method, path] of [['POST', '/metrics'], ['DELETE', '/metrics'], ['GET', '/metrics/x']]) {
      const res = await fetch(`${g.url}${path}`, { method });
      expect(res.status, `${method} ${path}`).toBe(404);
      expect(((await res.json()) as { error_code: string }).error_code).toBe('resource-not-found');
    }
    const head = await fetch(`${g.url}/metrics`, { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(head.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
  });

  it('counts requests by route pattern and status, with their latency', async () => {
    const before = await scrape(`${g.url}/metrics`);
    for (let i = 0; i < 3; i++) expect((await fetch(`${g.url}/api/v1/health`)).status).toBe(200);
    expect((await fetch(`${g.url}/api/v1/apps/no_such_app`)).status).toBe(404);
    const after = await scrape(`${g.url}/metrics`);
    expect(requests(after, '/api/v1/health') - requests(before, '/api/v1/health')).toBe(3);
    expect(requests(after, '/api/v1/apps/:app_id', '404') - requests(before, '/api/v1/apps/:app_id', '404')).toBe(1);
    const count = valueOf(after, 'medkit_http_request_duration_seconds_count', { method: 'GET', route: '/api/v1/health', status: '200' }) ?? 0;
    const inf = valueOf(after, 'medkit_http_request_duration_seconds_bucket', { route: '/api/v1/health', status: '200', le: '+Inf' });
    expect(count).toBeGreaterThanOrEqual(3);
    expect(inf).toBe(count);
    expect(valueOf(after, 'medkit_http_request_duration_seconds_sum', { route: '/api/v1/health', status: '200' })).toBeGreaterThan(0);
  });

  it('keeps label cardinality bounded: 300 distinct URLs add no series beyond their route patterns', async () => {
    const routes = async () => new Set(samplesOf(await scrape(`${g.url}/metrics`), 'medkit_http_requests_total').map((x) => `${x.labels.method} ${x.labels.route} ${x.labels.status}`));
    // Warm every pattern once, then 300 more distinct URLs on the same patterns.
    await fetch(`${g.url}/api/v1/apps/warm`);
    await fetch(`${g.url}/nowhere/warm`);
    await fetch(`${g.url}/api/v1/components/warm/data/x`);
    const before = await routes();
    for (let i = 0; i < 100; i++) {
      await Promise.all([fetch(`${g.url}/api/v1/apps/app_${i}`), fetch(`${g.url}/nowhere/${i}?q=${i}`), fetch(`${g.url}/api/v1/components/c${i}/data/topic_${i}`)]);
    }
    const after = await routes();
    expect([...after].filter((r) => !before.has(r))).toEqual([]);
    expect([...after].some((r) => /app_\d|c\d|topic_|nowhere\/\d/.test(r))).toBe(false);
    expect(after).toContain('GET (unmatched) 404');
    expect(requests(await scrape(`${g.url}/metrics`), '(unmatched)', '404')).toBeGreaterThanOrEqual(101);
  });

  it('fault gauges and the report counter follow fault reports', async () => {
    const faults = g.gateway.ctx.services.get(FAULTS_SERVICE);
    const before = await scrape(`${g.url}/metrics`);
    const confirmedError = (s: PromSample[]) => valueOf(s, 'medkit_faults', { status: 'CONFIRMED', severity: 'ERROR' });
    const accepted = (s: PromSample[]) => valueOf(s, 'medkit_fault_reports_total', { result: 'accepted' }) ?? 0;
    expect(confirmedError(before)).toBe(0);
    for (const code of ['METRICS_A', 'METRICS_B']) faults.report({ fault_code: code, event_type: 0, severity: 2, description: 'metrics test', source_id: '/metrics/test' });
    faults.report({ fault_code: '', event_type: 0, severity: 2, description: 'no code: rejected', source_id: '/metrics/test' });
    const after = await scrape(`${g.url}/metrics`);
    expect(confirmedError(after)).toBe(2);
    expect(accepted(after) - accepted(before)).toBe(2);
    expect(valueOf(after, 'medkit_fault_reports_total', { result: 'rejected' })).toBeGreaterThanOrEqual(1);
    // Every status × severity is exported, so none vanishes when its last fault moves on.
    expect(samplesOf(after, 'medkit_faults')).toHaveLength(20);
    faults.report({ fault_code: 'METRICS_A', event_type: 0, severity: 3, description: 'escalated', source_id: '/metrics/test' });
    const escalated = await scrape(`${g.url}/metrics`);
    expect(confirmedError(escalated)).toBe(1);
    expect(valueOf(escalated, 'medkit_faults', { status: 'CONFIRMED', severity: 'CRITICAL' })).toBe(1);
  });

  it('the SSE gauge counts open streams', async () => {
    const ac = new AbortController();
    const res = await fetch(`${g.url}/api/v1/faults/stream`, { signal: ac.signal });
    expect(res.status).toBe(200);
    try {
      expect(valueOf(await scrape(`${g.url}/metrics`), 'medkit_sse_clients')).toBe(1);
    } finally {
      ac.abort();
    }
    await expect.poll(async () => valueOf(await scrape(`${g.url}/metrics`), 'medkit_sse_clients')).toBe(0);
  });
});

describe('/metrics of a gateway on ROS', () => {
  it("exports the participant's RTPS traffic, and its counters move", async () => {
    const g = await startTestGateway({ defaults: true, flags: { 'metrics.enabled': true, 'ros.enabled': true, 'ros.domain_id': testDomain(204), 'ros.localhost_only': true } });
    try {
      const first = await scrape(`${g.url}/metrics`);
      // The gateway's own node publishes and subscribes (rosout off, but graph and type topics remain).
      const own = g.gateway.ctx.services.get(ROS_SERVICE).trafficStats();
      expect(valueOf(first, 'medkit_rtps_readers')).toBe(own.readers);
      expect(valueOf(first, 'medkit_rtps_writers')).toBe(own.writers);
      expect(valueOf(first, 'medkit_rtps_participants')).toBeGreaterThanOrEqual(0);
      expect(valueOf(first, 'medkit_rtps_dropped_datagrams_total', { direction: 'in' })).toBe(0);
      expect(valueOf(first, 'medkit_rtps_held_back_datagrams_total')).toBeLessThanOrEqual(own.heldBackOut);
      // SPDP announces the participant periodically: sent bytes grow between two scrapes.
      await expect.poll(async () => valueOf(await scrape(`${g.url}/metrics`), 'medkit_rtps_sent_bytes_total')!, { timeout: 10_000 }).toBeGreaterThan(valueOf(first, 'medkit_rtps_sent_bytes_total')!);
      expect(valueOf(first, 'medkit_rtps_sent_datagrams_total')).toBeGreaterThan(0);
    } finally {
      await g.close();
    }
  });
});

describe('/metrics and auth', () => {
  let g: TestGateway;
  beforeAll(async () => {
    g = await startAuthGateway({ defaults: true, flags: { 'auth.require_auth_for': 'all', 'metrics.enabled': true, 'metrics.role': 'operator' } });
  });
  afterAll(() => g?.close());

  it('needs a token (401), refuses a role below metrics.role (403), serves one at or above it', async () => {
    const none = await fetch(`${g.url}/metrics`);
    expect(none.status).toBe(401);
    expect(((await none.json()) as { error: string }).error).toBe('invalid_token');
    const viewer = await fetch(`${g.url}/metrics`, { headers: { authorization: `Bearer ${(await tokensOf(g, 'viewer')).access_token}` } });
    expect(viewer.status).toBe(403);
    expect(((await viewer.json()) as { error: string }).error).toBe('insufficient_scope');
    const s = await scrape(`${g.url}/metrics`, (await tokensOf(g, 'operator')).access_token);
    expect(valueOf(s, 'medkit_http_requests_total', { method: 'GET', route: '/metrics', status: '403' })).toBe(1);
    expect(g.gateway.auth.table.list().find((r) => r.path === '/metrics')?.access).toBe('operator');
  });
});

describe('/metrics switched off or misconfigured', () => {
  it('off by default: /metrics is a SOVD 404 and no metrics service exists', async () => {
    const g = await startTestGateway({ defaults: true });
    try {
      const res = await fetch(`${g.url}/metrics`);
      expect(res.status).toBe(404);
      expect(res.headers.get('content-type')).toMatch(/json/);
      expect(((await res.json()) as { error_code: string }).error_code).toBe('resource-not-found');
      expect(g.gateway.ctx.services.has(METRICS_SERVICE)).toBe(false);
    } finally {
      await g.close();
    }
  });

  it('an unknown metrics.role refuses start-up (a security key is never replaced by a default)', async () => {
    await expect(startTestGateway({ defaults: true, flags: { 'metrics.enabled': true, 'metrics.role': 'everyone' } })).rejects.toThrow(ConfigError);
  });

  it('a malformed exposition is refused by the reader these tests use (the format check can fail)', () => {
    expect(() => parseExposition('# TYPE x counter\nx{a="1" 2\n')).toThrow(/malformed sample/);
    expect(() => parseExposition('y 1\n')).toThrow(/outside its family/);
  });
});
