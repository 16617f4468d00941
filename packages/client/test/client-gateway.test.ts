// @medkit/client against a real in-process gateway (example AMR manifest, ROS off, real HTTP on
// 127.0.0.1): typed GETs, SOVD errors with their status, network and timeout errors, bearer token
// and X-Client-Id headers, /faults/stream resume with Last-Event-ID (explicit and after a cut
// connection), a cyclic subscription stream and a trigger event stream.
import { createServer, type AddressInfo } from 'node:net';
import { once } from 'node:events';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMedkitClient, MedkitNetworkError, MedkitTimeoutError, SovdClientError, type FaultStreamEvent, type EventEnvelope } from '../src/index.js';
import { startFaultGateway, type FaultGateway } from '../../../test-support/gateway/faults-gateway.js';
import { collect } from './support/queue.js';
import { headerOf, startRelay, startSilentServer, type Relay } from './support/proxy.js';

const BATTERY = '/base/battery_monitor';
/** What this gateway's cyclic subscription on a faults collection sends (the GET /{entity}/faults body). */
/** A cyclic subscription's payload on a fault collection: the fault manager's list (docs/subscriptions.md). */
type FaultListPayload = { faults: { fault_code: string }[]; count: number };

describe('@medkit/client against a real gateway', () => {
  let g: FaultGateway;
  let relay: Relay;

  beforeAll(async () => {
    g = await startFaultGateway({ flags: { 'sse.max_clients': 20 }, feature: { keepaliveMs: 500 } });
    relay = await startRelay(g.url);
  });
  afterAll(async () => {
    await relay?.close();
    await g?.close();
  });

  it('makes typed GETs: /health, an entity list, an entity by path parameter, faults with a query', async () => {
    const c = createMedkitClient({ baseUrl: `${g.url}/api/v1/` });
    expect(c.baseUrl).toBe(g.url);
    const health = await c.get('/health');
    expect(['healthy', 'degraded']).toContain(health.status);
    const apps = await c.get('/apps');
    expect(apps.items.map((a) => a.id)).toContain('battery-monitor');
    const app = await c.get('/apps/{app_id}', { params: { path: { app_id: 'battery-monitor' } } });
    expect(app.id).toBe('battery-monitor');
    g.fail('CLIENT_TYPED', BATTERY, 2, 'typed');
    const faults = await c.get('/faults', { params: { query: { status: 'all' } } });
    expect(faults.items.map((f) => f.fault_code)).toContain('CLIENT_TYPED');
  });

  it('throws SovdClientError with the status, error_code and parameters of the SOVD error body', async () => {
    const c = createMedkitClient({ baseUrl: g.url });
    const err = await c.get('/apps/{app_id}', { params: { path: { app_id: 'no-such-app' } } }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SovdClientError);
    const e = err as SovdClientError;
    expect(e.status).toBe(404);
    expect(e.errorCode).toBe('entity-not-found');
    expect(e.parameters).toMatchObject({ entity_id: 'no-such-app' });
    expect(e.describe()).toMatch(/\(404 entity-not-found\)$/);
    // A hostile id: 400 invalid-parameter, still a SovdClientError (the untyped call maps errors the same way).
    const bad = await c.request('GET', '/apps/bad.id').catch((x: unknown) => x);
    expect(bad).toBeInstanceOf(SovdClientError);
    expect((bad as SovdClientError).status).toBe(400);
    expect((bad as SovdClientError).errorCode).toBe('invalid-parameter');
  });

  it('tells an unreachable gateway and a deadline apart from an HTTP error', async () => {
    // A loopback port nothing listens on (taken and released, so the connect is refused).
    const probe = createServer().listen(0, '127.0.0.1');
    await once(probe, 'listening');
    const port = (probe.address() as AddressInfo).port;
    await new Promise((r) => probe.close(r));
    const closed = createMedkitClient({ baseUrl: `http://127.0.0.1:${port}` });
    const net = await closed.get('/health').catch((e: unknown) => e);
    expect(net).toBeInstanceOf(MedkitNetworkError);
    expect((net as MedkitNetworkError).status).toBe(0);
    expect((net as MedkitNetworkError).describe()).toContain(`127.0.0.1:${port}`);

    const silent = await startSilentServer();
    try {
      const c = createMedkitClient({ baseUrl: silent.url, timeoutMs: 200 });
      const t = await c.get('/health').catch((e: unknown) => e);
      expect(t).toBeInstanceOf(MedkitTimeoutError);
      expect((t as MedkitTimeoutError).timeoutMs).toBe(200);
      // Per call: the call's own deadline wins over the client's.
      const t2 = await createMedkitClient({ baseUrl: silent.url }).get('/health', { timeoutMs: 150 }).catch((e: unknown) => e);
      expect((t2 as MedkitTimeoutError).timeoutMs).toBe(150);
      // The caller's abort is its own, not a timeout.
      const ac = new AbortController();
      const pending = c.get('/health', { signal: ac.signal, timeoutMs: 60_000 }).catch((e: unknown) => e);
      ac.abort(new Error('user left'));
      expect(((await pending) as Error).message).toBe('user left');
    } finally {
      await silent.close();
    }
  });

  it('sends the provider token on every request and X-Client-Id on mutations (and identified reads)', async () => {
    let n = 0;
    const c = createMedkitClient({ baseUrl: relay.url, clientId: 'bench-7', token: async () => `tok-${++n}` });
    const before = relay.heads.length;
    await c.get('/health');
    const lock = await c.call('post', '/apps/{app_id}/locks', { params: { path: { app_id: 'battery-monitor' } }, body: { lock_expiration: 30 } });
    expect(lock.status).toBe(201);
    const locks = await c.get('/apps/{app_id}/locks', { params: { path: { app_id: 'battery-monitor' } }, identify: true });
    expect(locks.items.find((l) => l.id === lock.data.id)?.owned).toBe(true);
    await c.call('delete', '/apps/{app_id}/locks/{lock_id}', { params: { path: { app_id: 'battery-monitor', lock_id: lock.data.id } } });
    const heads = relay.heads.slice(before);
    expect(heads.map((h) => headerOf(h, 'authorization'))).toEqual(['Bearer tok-1', 'Bearer tok-2', 'Bearer tok-3', 'Bearer tok-4']);
    expect(heads.map((h) => headerOf(h, 'x-client-id'))).toEqual([undefined, 'bench-7', 'bench-7', 'bench-7']);
  });

  it('resumes /faults/stream with Last-Event-ID: an explicit resume replays exactly the missed events', async () => {
    const c = createMedkitClient({ baseUrl: g.url });
    const first = collect<FaultStreamEvent>();
    const s1 = c.faultStream(first);
    await first.until(() => s1.state === 'open', 'the stream to open');
    g.fail('CLIENT_RESUME', BATTERY, 3, 'first');
    const seen = await first.next();
    expect(seen).toMatchObject({ event_type: 'fault_confirmed', fault: { fault_code: 'CLIENT_RESUME' }, 'x-medkit': { entity_id: 'battery-monitor' } });
    s1.close();
    await s1.done;
    expect(first.closedWith).toEqual({ reason: undefined });

    g.fail('CLIENT_RESUME', BATTERY, 3, 'again');
    g.faults.manager.clear('CLIENT_RESUME');
    const second = collect<FaultStreamEvent>();
    const s2 = c.faultStream(second, { lastEventId: s1.lastEventId });
    const replay = [await second.next(), await second.next()];
    expect(replay.map((e) => Number(e.id))).toEqual([Number(seen.id) + 1, Number(seen.id) + 2]);
    expect(replay.map((e) => e.event_type)).toEqual(['fault_updated', 'fault_cleared']);
    s2.close();
  });

  it('reconnects by itself after the connection is cut, sending Last-Event-ID, and loses nothing', async () => {
    const c = createMedkitClient({ baseUrl: relay.url });
    const got = collect<FaultStreamEvent>();
    const s = c.faultStream(got, { initialRetryMs: 100, maxRetryMs: 400 });
    try {
      await got.until(() => s.state === 'open', 'the stream to open');
      g.fail('CLIENT_CUT', BATTERY, 2, 'before');
      const before = await got.next();
      const headsBefore = relay.heads.length;
      relay.cut();
      // Raised while the client is disconnected (or reconnecting): replayed or live, each exactly once.
      g.fail('CLIENT_CUT', BATTERY, 2, 'during');
      g.faults.manager.clear('CLIENT_CUT');
      const after = [await got.next(), await got.next()];
      expect(after.map((e) => Number(e.id))).toEqual([Number(before.id) + 1, Number(before.id) + 2]);
      expect(after.map((e) => e.event_type)).toEqual(['fault_updated', 'fault_cleared']);
      expect(got.errors.length).toBeGreaterThan(0);
      expect(got.states).toContain('reconnecting');
      const resumed = relay.heads.slice(headsBefore).find((h) => h.includes('/faults/stream'));
      expect(headerOf(resumed!, 'last-event-id')).toBe(before.id);
    } finally {
      s.close();
    }
  });

  it('stops for good on a refusal retrying cannot fix (404), reporting it', async () => {
    const c = createMedkitClient({ baseUrl: g.url });
    const got = collect<EventEnvelope>();
    const s = c.envelopeStream('/api/v1/apps/battery-monitor/cyclic-subscriptions/sub_999/events', got);
    await s.done;
    expect(got.closedWith?.reason).toBeInstanceOf(SovdClientError);
    expect((got.closedWith!.reason as SovdClientError).status).toBe(404);
    expect(s.state).toBe('closed');
  });

  it('streams a cyclic subscription: typed create, envelopes with the faults payload, end on delete', async () => {
    const c = createMedkitClient({ baseUrl: g.url, clientId: 'sub-test' });
    const path = { app_id: 'motor-driver' };
    const sub = await c.call('post', '/apps/{app_id}/cyclic-subscriptions', {
      params: { path },
      body: { resource: '/api/v1/apps/motor-driver/faults', interval: 'fast', duration: 30 },
    });
    expect(sub.status).toBe(201);
    expect(sub.data.event_source).toBe(`/api/v1/apps/motor-driver/cyclic-subscriptions/${sub.data.id}/events`);
    const got = collect<EventEnvelope<FaultListPayload>>();
    const s = c.envelopeStream<FaultListPayload>(sub.data.event_source, got, { initialRetryMs: 100 });
    g.fail('CLIENT_SUB', '/base/motor_driver', 2, 'sub');
    await got.until(() => got.events.some((e) => e.payload?.faults.some((f) => f.fault_code === 'CLIENT_SUB')), 'a tick that carries the new fault');
    const ev = got.events.at(-1)!;
    expect(typeof ev.timestamp).toBe('string');
    expect(ev.error).toBeUndefined();
    expect(ev.payload!.count).toBe(ev.payload!.faults.length);
    expect(ev.payload!.count).toBeGreaterThan(0);
    await c.call('delete', '/apps/{app_id}/cyclic-subscriptions/{subscription_id}', { params: { path: { ...path, subscription_id: sub.data.id } } });
    await s.done;
    expect((got.closedWith?.reason as SovdClientError).status).toBe(404);
  });

  it('streams trigger events: a multishot OnChange trigger on an app fault collection', async () => {
    const c = createMedkitClient({ baseUrl: g.url });
    const t = await c.call('post', '/apps/{app_id}/triggers', {
      params: { path: { app_id: 'battery-monitor' } },
      body: { resource: '/api/v1/apps/battery-monitor/faults', trigger_condition: { condition_type: 'OnChange' }, multishot: true },
    });
    const got = collect<EventEnvelope<{ fault_code: string }>>();
    const s = c.envelopeStream<{ fault_code: string }>(t.data.event_source, got);
    try {
      await got.until(() => s.state === 'open', 'the stream to open');
      g.fail('CLIENT_TRIGGER', BATTERY, 2, 'trigger');
      const ev = await got.next();
      expect(ev.payload).toMatchObject({ fault_code: 'CLIENT_TRIGGER', entity_id: 'battery-monitor', 'x-medkit': { status: 'CONFIRMED' } });
      expect(ev.id).toBeDefined();
    } finally {
      s.close();
    }
  });
});
