// Cyclic subscriptions over real HTTP and SSE with fake samplers: data, faults, logs, update status
// and a vendor collection; several clients; PUT/DELETE; duration expiry; limits and errors; lock expiry.
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { FlatConfig } from '../../src/config/index.js';
import type { GatewayFeature } from '../../src/feature.js';
import { createLocksFeature } from '../../src/locks/index.js';
import { getSamplers } from '../../src/sampling/index.js';
import { createSubscriptionsFeature } from '../../src/subscriptions/index.js';
import { fixtureEntitiesFeature } from '../support/entities.js';
import { startTestGateway, type TestGateway } from '../../../../test-support/gateway/gateway.js';
import { FakeProducers } from '../triggers/fake-samplers.js';
import { openSse, type SseClient } from '../../../../test-support/sse-client.js';

interface SubGateway extends TestGateway {
  fake: FakeProducers;
  api(method: string, path: string, body?: unknown, headers?: Record<string, string>): Promise<{ status: number; body: Record<string, unknown> }>;
}

const gws: SubGateway[] = [];
const streams: SseClient[] = [];
afterEach(async () => {
  for (const s of streams.splice(0)) s.close();
  await Promise.all(gws.splice(0).map((g) => g.close()));
});

/** Extra samplers: update status and a vendor collection only components provide. */
function extraSamplers(): GatewayFeature {
  return {
    name: 'extra-samplers',
    init(ctx) {
      const reg = getSamplers(ctx);
      reg.register('update-status', { sample: async (_e, id) => ({ status: 'inProgress', progress: 40, id }) }, { itemPath: 'required' });
      reg.register('x-medkit-procfs', { sample: async (e) => ({ pid: 42, entity: e.id }) }, { entityTypes: ['component'] });
    },
  };
}

async function start(flags?: FlatConfig, locks = false): Promise<SubGateway> {
  const fake = new FakeProducers();
  const features = [fixtureEntitiesFeature(), fake.feature(), extraSamplers(), ...(locks ? [createLocksFeature()] : []), createSubscriptionsFeature(undefined, { keepaliveMs: 1000 })];
  const g = await startTestGateway({ features, flags });
  const sg: SubGateway = {
    ...g,
    fake,
    async api(method, path, body, headers = {}) {
      const r = await fetch(`${g.url}/api/v1${path}`, {
        method,
        headers: { ...(body !== undefined ? { 'content-type': 'application/json' } : {}), ...headers },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      const text = await r.text();
      return { status: r.status, body: text ? (JSON.parse(text) as Record<string, unknown>) : {} };
    },
  };
  gws.push(sg);
  return sg;
}

async function sse(g: SubGateway, path: string) {
  const s = await openSse(`${g.url}${path}`);
  streams.push(s);
  return s;
}

const create = (g: SubGateway, resource: string, extra: Record<string, unknown> = {}, path = '/apps/battery-monitor') =>
  g.api('POST', `${path}/cyclic-subscriptions`, { resource, interval: 'fast', duration: 60, ...extra });

describe('cyclic subscriptions', () => {
  it('streams a topic to two clients of the same subscription', async () => {
    const g = await start();
    g.fake.publish('battery-monitor', '/voltage', 24.1);
    const c = await create(g, '/api/v1/apps/battery-monitor/data/voltage');
    expect(c.status).toBe(201);
    expect(c.body).toMatchObject({
      id: 'sub_001',
      observed_resource: '/api/v1/apps/battery-monitor/data/voltage',
      event_source: '/api/v1/apps/battery-monitor/cyclic-subscriptions/sub_001/events',
      protocol: 'sse',
      interval: 'fast',
    });
    const [a, b] = [await sse(g, c.body.event_source as string), await sse(g, c.body.event_source as string)];
    for (const s of [a, b]) {
      const m = await s.next();
      expect(m.id).toBeUndefined(); // no id: lines on subscription streams
      const env = JSON.parse(m.data);
      expect(env.payload).toEqual({ id: '/voltage', data: 24.1 });
      expect(Date.parse(env.timestamp)).not.toBeNaN();
    }
    g.fake.publish('battery-monitor', '/voltage', 23.5);
    for (const s of [a, b]) await vi.waitFor(async () => expect((await s.nextJson()).payload).toEqual({ id: '/voltage', data: 23.5 }), { timeout: 5000 });
    expect((await g.api('GET', '/apps/battery-monitor/cyclic-subscriptions/sub_001')).body['x-medkit']).toMatchObject({ clients: 2 });
  });

  it('streams faults, logs, update status and vendor collections; sampling failures become error envelopes', async () => {
    const g = await start();
    g.fake.fault('app', 'battery-monitor', 'BATTERY_LOW', { fault_code: 'BATTERY_LOW', status: 'CONFIRMED' });
    g.fake.log('app', 'battery-monitor', { id: 'log_1', severity: 'warning', message: 'low' });
    const faults = await create(g, '/api/v1/apps/battery-monitor/faults');
    const logs = await create(g, '/api/v1/apps/battery-monitor/logs', { interval: 'slow' });
    const upd = await create(g, '/api/v1/updates/pkg-1/status');
    const vendor = await create(g, '/api/v1/components/main-computer/x-medkit-procfs', {}, '/components/main-computer');
    const missing = await create(g, '/api/v1/apps/battery-monitor/data/never_published');
    expect([faults, logs, upd, vendor, missing].map((r) => r.status)).toEqual([201, 201, 201, 201, 201]);
    const next = async (r: { body: Record<string, unknown> }) => (await sse(g, r.body.event_source as string)).nextJson();
    expect(await next(faults)).toMatchObject({ payload: { faults: [{ fault_code: 'BATTERY_LOW' }], count: 1 } });
    expect(await next(logs)).toMatchObject({ payload: { items: [{ id: 'log_1', message: 'low' }] } });
    expect(await next(upd)).toMatchObject({ payload: { status: 'inProgress', id: 'pkg-1' } });
    expect(await next(vendor)).toMatchObject({ payload: { pid: 42, entity: 'main-computer' } });
    const err = await next(missing);
    expect(err).not.toHaveProperty('payload');
    expect(err.error).toMatchObject({ error_code: 'vendor-error', message: 'Topic data not available: /never_published' });
    // The vendor code travels with it (the reference's 0.7.0, #591).
    expect((err.error as { vendor_code?: string }).vendor_code).toMatch(/^x-medkit-/);
  });

  it('closes the stream when the duration ends and forgets the subscription', async () => {
    const g = await start();
    g.fake.publish('battery-monitor', '/voltage', 1);
    const c = await create(g, '/api/v1/apps/battery-monitor/data/voltage', { duration: 1, interval: 'slow' });
    const s = await sse(g, c.body.event_source as string);
    await s.next();
    await s.ended;
    expect((await g.api('GET', '/apps/battery-monitor/cyclic-subscriptions/sub_001')).status).toBe(404);
    expect((await openSse(`${g.url}${c.body.event_source as string}`)).status).toBe(404);
  });

  it('PUT changes interval and duration; DELETE closes the stream', async () => {
    const g = await start();
    g.fake.publish('battery-monitor', '/voltage', 1);
    const c = await create(g, '/api/v1/apps/battery-monitor/data/voltage', { duration: 5 });
    const s = await sse(g, c.body.event_source as string);
    await s.next();
    const before = Date.parse(((c.body['x-medkit'] as Record<string, string>).expires_at));
    const put = await g.api('PUT', '/apps/battery-monitor/cyclic-subscriptions/sub_001', { interval: 'slow', duration: 600 });
    expect(put.status).toBe(200);
    expect(put.body.interval).toBe('slow');
    expect(Date.parse((put.body['x-medkit'] as Record<string, string>).expires_at)).toBeGreaterThan(before);
    expect((await g.api('PUT', '/apps/battery-monitor/cyclic-subscriptions/sub_001', { interval: 'ludicrous' })).body.error_code).toBe('invalid-parameter');
    expect((await g.api('DELETE', '/apps/battery-monitor/cyclic-subscriptions/sub_001')).status).toBe(204);
    await s.ended;
    expect((await g.api('GET', '/apps/battery-monitor/cyclic-subscriptions')).body).toEqual({ items: [] });
  });

  it('rejects bad requests with the specified codes', async () => {
    const g = await start({ 'sse.max_duration_sec': 120 });
    const cases: [Record<string, unknown>, string, string?][] = [
      [{ resource: '/api/v1/apps/battery-monitor/data' }, 'vendor-error', 'x-medkit-invalid-resource-uri'],
      [{ resource: '/api/v1/apps/battery-monitor/faults/BATTERY_LOW' }, 'vendor-error', 'x-medkit-invalid-resource-uri'],
      [{ resource: '/api/v1/apps/battery-monitor/operations' }, 'vendor-error', 'x-medkit-invalid-resource-uri'],
      [{ resource: '/api/v1/apps/battery-monitor/data/../faults' }, 'vendor-error', 'x-medkit-invalid-resource-uri'],
      [{ resource: '/api/v1/apps/motor-controller/faults' }, 'vendor-error', 'x-medkit-entity-mismatch'],
      [{ resource: '/api/v1/apps/battery-monitor/x-unknown' }, 'vendor-error', 'x-medkit-collection-not-available'],
      [{ resource: '/api/v1/apps/battery-monitor/x-medkit-procfs' }, 'vendor-error', 'x-medkit-collection-not-supported'],
      [{ resource: '/api/v1/apps/battery-monitor/faults', protocol: 'mqtt' }, 'vendor-error', 'x-medkit-unsupported-protocol'],
      [{ resource: '/api/v1/apps/battery-monitor/faults', interval: 'sometimes' }, 'invalid-parameter'],
      [{ resource: '/api/v1/apps/battery-monitor/faults', duration: 0 }, 'invalid-parameter'],
      [{ resource: '/api/v1/apps/battery-monitor/faults', duration: 121 }, 'invalid-parameter'],
    ];
    for (const [body, code, vendor] of cases) {
      const r = await g.api('POST', '/apps/battery-monitor/cyclic-subscriptions', { interval: 'fast', duration: 60, ...body });
      expect(r.status, JSON.stringify(body)).toBe(400);
      expect(r.body.error_code, JSON.stringify(body)).toBe(code);
      if (vendor) expect(r.body.vendor_code, JSON.stringify(body)).toBe(vendor);
    }
    expect((await g.api('POST', '/apps/battery-monitor/cyclic-subscriptions', { resource: '/api/v1/apps/battery-monitor/faults', interval: 'fast', duration: 121 })).body.parameters).toMatchObject({ max_value: 120 });
    expect((await g.api('GET', '/areas/base/cyclic-subscriptions')).status).toBe(404);
    expect((await g.api('GET', '/functions/power/cyclic-subscriptions')).status).toBe(200);
  });

  it('caps subscriptions at sse.max_subscriptions with 503', async () => {
    const g = await start({ 'sse.max_subscriptions': 2 });
    expect((await create(g, '/api/v1/apps/battery-monitor/faults')).status).toBe(201);
    expect((await create(g, '/api/v1/apps/battery-monitor/logs')).status).toBe(201);
    const r = await create(g, '/api/v1/apps/battery-monitor/faults');
    expect(r.status).toBe(503);
    expect(r.body.error_code).toBe('service-unavailable');
    expect((await g.api('DELETE', '/apps/battery-monitor/cyclic-subscriptions/sub_001')).status).toBe(204);
    expect((await create(g, '/api/v1/apps/battery-monitor/faults')).body.id).toBe('sub_003');
  });

  it('is lock-checked, and an expiring lock covering cyclic-subscriptions deletes the entity subscriptions', async () => {
    const g = await start(undefined, true);
    const lock = await g.api('POST', '/apps/battery-monitor/locks', { lock_expiration: 1, scopes: ['cyclic-subscriptions'] }, { 'x-client-id': 'alice' });
    expect(lock.status).toBe(201);
    const body = { resource: '/api/v1/apps/battery-monitor/faults', interval: 'slow', duration: 60 };
    expect((await g.api('POST', '/apps/battery-monitor/cyclic-subscriptions', body, { 'x-client-id': 'bob' })).body.error_code).toBe('lock-broken');
    const mine = await g.api('POST', '/apps/battery-monitor/cyclic-subscriptions', body, { 'x-client-id': 'alice' });
    expect(mine.status).toBe(201);
    const other = await g.api('POST', '/apps/motor-controller/cyclic-subscriptions', { ...body, resource: '/api/v1/apps/motor-controller/faults' }, { 'x-client-id': 'bob' });
    expect(other.status).toBe(201);
    const s = await sse(g, mine.body.event_source as string);
    await s.ended;
    expect((await g.api('GET', `/apps/battery-monitor/cyclic-subscriptions/${mine.body.id as string}`)).status).toBe(404);
    expect((await g.api('GET', `/apps/motor-controller/cyclic-subscriptions/${other.body.id as string}`)).status).toBe(200);
  });
});
