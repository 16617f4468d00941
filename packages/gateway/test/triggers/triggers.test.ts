// Triggers over real HTTP and SSE: conditions, one-shot vs multishot, JSON pointer, hierarchy,
// lifetime, validation errors and limits.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { openSse, type SseClient } from '../../../../test-support/sse-client.js';
import { startTriggerGateway, type TriggerGateway } from './harness.js';
import { createLocksFeature } from '../../src/locks/index.js';
import type { FlatConfig } from '../../src/config/index.js';

const gws: TriggerGateway[] = [];
const streams: SseClient[] = [];
afterEach(async () => {
  for (const s of streams.splice(0)) s.close();
  await Promise.all(gws.splice(0).map((g) => g.close()));
});

async function start(flags?: FlatConfig, extra = false) {
  const g = await startTriggerGateway({ flags, extra: extra ? [createLocksFeature()] : [] });
  gws.push(g);
  return g;
}
async function sse(g: TriggerGateway, eventSource: string) {
  const s = await openSse(`${g.url}${eventSource}`);
  streams.push(s);
  return s;
}
const VOLTAGE = '/api/v1/apps/battery-monitor/data/voltage';
const range = (lo: number, hi: number, type = 'EnterRange') => ({ condition_type: type, lower_bound: lo, upper_bound: hi });

describe('triggers', () => {
  it('EnterRange fires once when the value enters the range, not before; one-shot ends the stream', async () => {
    const g = await start();
    const c = await g.api('POST', '/apps/battery-monitor/triggers', { resource: VOLTAGE, trigger_condition: range(0, 22) });
    expect(c.status).toBe(201);
    expect(c.body).toMatchObject({
      id: 'trig_1',
      status: 'active',
      observed_resource: VOLTAGE,
      event_source: '/api/v1/apps/battery-monitor/triggers/trig_1/events',
      protocol: 'sse',
      trigger_condition: { condition_type: 'EnterRange', lower_bound: 0, upper_bound: 22 },
      multishot: false,
      persistent: false,
    });
    const s = await sse(g, c.body.event_source as string);
    expect(s.status).toBe(200);
    expect(s.headers.get('content-type')).toContain('text/event-stream');
    g.fake.publish('battery-monitor', '/voltage', 24.5); // first value: no previous → no fire
    g.fake.publish('battery-monitor', '/voltage', 23); // outside → outside
    g.fake.publish('battery-monitor', '/voltage', 21.9); // enters
    g.fake.publish('battery-monitor', '/voltage', 30);
    g.fake.publish('battery-monitor', '/voltage', 10); // would enter again, but the trigger is one-shot
    const m = await s.next();
    expect(m.id).toBe('1');
    const env = JSON.parse(m.data);
    expect(env.payload).toBe(21.9);
    expect(Date.parse(env.timestamp)).not.toBeNaN();
    await s.ended;
    expect(s.buffered()).toEqual([]);
    expect((await g.api('GET', '/apps/battery-monitor/triggers/trig_1')).status).toBe(404);
    expect(g.fake.subscriptions).toBe(0);
  });

  it('multishot keeps firing; LeaveRange, OnChange and OnChangeTo follow their rules', async () => {
    const g = await start();
    const mk = async (cond: Record<string, unknown>) => (await g.api('POST', '/apps/battery-monitor/triggers', { resource: VOLTAGE, trigger_condition: cond, multishot: true })).body;
    const enter = await mk(range(0, 22));
    const leave = await mk(range(0, 22, 'LeaveRange'));
    const change = await mk({ condition_type: 'OnChange' });
    const to = await mk({ condition_type: 'OnChangeTo', target_value: 20 });
    const [se, sl, sc, st] = await Promise.all([enter, leave, change, to].map((t) => sse(g, t.event_source as string)));
    for (const v of [25, 20, 20, 'n/a', 25, 20, 25]) g.fake.publish('battery-monitor', '/voltage', v);
    const take = async (s: SseClient, n: number) => {
      const out: unknown[] = [];
      for (let i = 0; i < n; i++) out.push(((await s.nextJson()) as { payload: unknown }).payload);
      return out;
    };
    expect(await take(se, 2)).toEqual([20, 20]); // 25→20 and 25→20 (20→'n/a'→25 is not a numeric entry)
    expect(await take(sl, 1)).toEqual([25]); // only 20→25; a non-number never counts as outside
    expect(await take(sc, 6)).toEqual([25, 20, 'n/a', 25, 20, 25]);
    expect(await take(st, 2)).toEqual([20, 20]);
    expect((await g.api('GET', `/apps/battery-monitor/triggers/${enter.id}`)).body).toMatchObject({ status: 'active', 'x-medkit': { event_count: 2 } });
    expect(se.buffered()).toEqual([]);
  });

  it('evaluates the value at a JSON Pointer and skips changes without it', async () => {
    const g = await start();
    const t = (await g.api('POST', '/apps/battery-monitor/triggers', { resource: VOLTAGE, path: '/cell/0', trigger_condition: range(3, 4), multishot: true })).body;
    const s = await sse(g, t.event_source as string);
    g.fake.publish('battery-monitor', '/voltage', { cell: [4.2] });
    g.fake.publish('battery-monitor', '/voltage', { other: 1 });
    g.fake.publish('battery-monitor', '/voltage', { cell: [3.9] });
    expect(await s.nextJson()).toMatchObject({ payload: { cell: [3.9] } });
  });

  it('matches a topic by suffix and sends sampling errors as error envelopes', async () => {
    const g = await start();
    const t = (await g.api('POST', '/apps/battery-monitor/triggers', { resource: VOLTAGE, trigger_condition: { condition_type: 'OnChange' }, multishot: true })).body;
    const s = await sse(g, t.event_source as string);
    g.fake.publish('battery-monitor', '/power/voltage', 12);
    expect(await s.nextJson()).toMatchObject({ payload: 12 });
    g.fake.failTopic('battery-monitor', '/power/voltage', 'Topic data not available: /power/voltage');
    expect(await s.nextJson()).toMatchObject({ error: { error_code: 'vendor-error', message: 'Topic data not available: /power/voltage' } });
  });

  it('a trigger on an area or function catches fault events of member entities', async () => {
    const g = await start();
    const area = (await g.api('POST', '/areas/base/triggers', { resource: '/api/v1/areas/base/faults', trigger_condition: { condition_type: 'OnChange' }, multishot: true })).body;
    const fn = (await g.api('POST', '/functions/power/triggers', { resource: '/api/v1/functions/power/faults/BATTERY_LOW', trigger_condition: { condition_type: 'OnChange' }, multishot: true })).body;
    const comp = (await g.api('POST', '/components/main-computer/triggers', { resource: '/api/v1/components/main-computer/faults', trigger_condition: { condition_type: 'OnChange' }, multishot: true })).body;
    const [sa, sf, sc] = await Promise.all([area, fn, comp].map((t) => sse(g, t.event_source as string)));
    g.fake.fault('app', 'motor-controller', 'MOTOR_HOT', { fault_code: 'MOTOR_HOT', event_type: 'fault_confirmed' }); // not in function power
    g.fake.fault('app', 'battery-monitor', 'BATTERY_LOW', { fault_code: 'BATTERY_LOW', event_type: 'fault_confirmed' });
    expect(await sa.nextJson()).toMatchObject({ payload: { fault_code: 'MOTOR_HOT' } });
    expect(await sa.nextJson()).toMatchObject({ payload: { fault_code: 'BATTERY_LOW' } });
    expect(await sc.nextJson()).toMatchObject({ payload: { fault_code: 'MOTOR_HOT' } });
    expect(await sf.nextJson()).toMatchObject({ payload: { fault_code: 'BATTERY_LOW', event_type: 'fault_confirmed' } });
    expect(sf.buffered()).toEqual([]);
  });

  it('queues events fired before a client connects and drains them on connect', async () => {
    const g = await start();
    const t = (await g.api('POST', '/apps/battery-monitor/triggers', { resource: VOLTAGE, trigger_condition: { condition_type: 'OnChangeTo', target_value: 'LOW' } })).body;
    g.fake.publish('battery-monitor', '/voltage', 'LOW');
    expect((await g.api('GET', `/apps/battery-monitor/triggers/${t.id}`)).body.status).toBe('terminated');
    const s = await sse(g, t.event_source as string);
    expect(await s.nextJson()).toMatchObject({ payload: 'LOW' });
    await s.ended;
    expect((await g.api('GET', `/apps/battery-monitor/triggers/${t.id}`)).status).toBe(404);
  });

  it('lifetime: the trigger and its stream end when it elapses; PUT restarts the clock; DELETE closes the stream', async () => {
    const g = await start();
    const t = (await g.api('POST', '/apps/battery-monitor/triggers', { resource: VOLTAGE, trigger_condition: { condition_type: 'OnChange' }, multishot: true, lifetime: 1 })).body;
    expect(t.lifetime).toBe(1);
    const s = await sse(g, t.event_source as string);
    await s.ended;
    expect((await g.api('GET', `/apps/battery-monitor/triggers/${t.id}`)).status).toBe(404);
    const ev = await openSse(`${g.url}${t.event_source as string}`);
    expect(ev.status).toBe(404);

    const u = (await g.api('POST', '/apps/battery-monitor/triggers', { resource: VOLTAGE, trigger_condition: { condition_type: 'OnChange' }, multishot: true, lifetime: 5 })).body;
    const put = await g.api('PUT', `/apps/battery-monitor/triggers/${u.id}`, { lifetime: 3600 });
    expect(put.status).toBe(200);
    expect(put.body.lifetime).toBe(3600);
    expect((await g.api('PUT', `/apps/battery-monitor/triggers/${u.id}`, { lifetime: 0 })).body).toMatchObject({ error_code: 'invalid-parameter' });
    const su = await sse(g, u.event_source as string);
    expect((await g.api('DELETE', `/apps/battery-monitor/triggers/${u.id}`)).status).toBe(204);
    await su.ended;
    expect((await g.api('DELETE', `/apps/battery-monitor/triggers/${u.id}`)).status).toBe(404);
  });

  it('rejects bad bodies with the specified 400 codes', async () => {
    const g = await start();
    const post = (body: Record<string, unknown>, path = '/apps/battery-monitor/triggers') => g.api('POST', path, { resource: VOLTAGE, trigger_condition: { condition_type: 'OnChange' }, ...body });
    const expectErr = async (body: Record<string, unknown>, code: string, vendor?: string) => {
      const r = await post(body);
      expect(r.status, JSON.stringify(body)).toBe(400);
      expect(r.body.error_code, JSON.stringify(body)).toBe(code);
      if (vendor) expect(r.body.vendor_code).toBe(vendor);
      return r.body;
    };
    expect((await expectErr({ trigger_condition: { condition_type: 'Sometimes' } }, 'invalid-parameter')).parameters).toMatchObject({ condition_type: 'Sometimes' });
    await expectErr({ trigger_condition: undefined }, 'invalid-parameter');
    await expectErr({ trigger_condition: { lower_bound: 1 } }, 'invalid-parameter');
    await expectErr({ trigger_condition: range(5, 1) }, 'invalid-parameter');
    await expectErr({ trigger_condition: { condition_type: 'EnterRange', lower_bound: 'a', upper_bound: 3 } }, 'invalid-parameter');
    await expectErr({ trigger_condition: { condition_type: 'EnterRange', lower_bound: 1 } }, 'invalid-parameter');
    await expectErr({ trigger_condition: { condition_type: 'OnChangeTo' } }, 'invalid-parameter');
    await expectErr({ lifetime: -5 }, 'invalid-parameter');
    await expectErr({ lifetime: 0 }, 'invalid-parameter');
    await expectErr({ protocol: 'mqtt' }, 'invalid-parameter');
    await expectErr({ path: 'no-slash' }, 'invalid-parameter');
    await expectErr({ protocol: 'webhook', webhook_url: 'ftp://example.com/x' }, 'invalid-parameter');
    await expectErr({ resource: '/api/v1/apps/battery-monitor/scripts' }, 'invalid-parameter');
    await expectErr({ resource: '/api/v1/apps/motor-controller/data/voltage' }, 'vendor-error', 'x-medkit-entity-mismatch');
    await expectErr({ resource: '/api/v1/apps/battery-monitor/data/../../components/main-computer/data/x' }, 'vendor-error', 'x-medkit-invalid-resource-uri');
    await expectErr({ resource: '/api/v1/apps/battery-monitor/data/%2e%2e/secret' }, 'vendor-error', 'x-medkit-invalid-resource-uri');
    await expectErr({ resource: 'apps/battery-monitor/data/voltage' }, 'vendor-error', 'x-medkit-invalid-resource-uri');
    await expectErr({ resource: '/api/v1/apps/battery-monitor/data' }, 'vendor-error', 'x-medkit-invalid-resource-uri');
    expect((await post({}, '/apps/nobody/triggers')).body.error_code).toBe('entity-not-found');
    expect((await g.api('GET', '/apps/battery-monitor/triggers')).body).toEqual({ items: [] });
  });

  it('answers 400 with a reason for a body naming something that can never fire', async () => {
    const g = await start();
    const post = (resource: string) => g.api('POST', '/apps/battery-monitor/triggers', { resource, trigger_condition: { condition_type: 'OnChange' } });
    // No producer reports changes of these collections in this gateway.
    for (const c of ['operations', 'updates', 'x-acme-nothing']) {
      const r = await post(`/api/v1/apps/battery-monitor/${c}`);
      expect(r.status, c).toBe(400);
      expect(r.body).toMatchObject({ error_code: 'invalid-parameter', parameters: { parameter: 'resource', collection: c } });
      expect(r.body.message).toMatch(/could never fire/);
      expect((r.body.parameters as { allowed_values: string[] }).allowed_values).toEqual(expect.arrayContaining(['data', 'faults', 'logs']));
    }
    // Names no ROS topic can have.
    for (const topic of ['9lives', 'sensor/bad-name', 'a__b']) {
      const r = await post(`/api/v1/apps/battery-monitor/data/${topic}`);
      expect(r.status, topic).toBe(400);
      expect(r.body).toMatchObject({ error_code: 'invalid-parameter', parameters: { parameter: 'resource' } });
      expect(r.body.message).toMatch(/can never exist/);
    }
    expect((await g.api('GET', '/apps/battery-monitor/triggers')).body).toEqual({ items: [] });
    // A topic that does not exist yet is fine: it can appear.
    expect((await post('/api/v1/apps/battery-monitor/data/not_yet/there')).status).toBe(201);
  });

  it('caps active triggers at triggers.max_triggers with 503', async () => {
    const g = await start({ 'triggers.max_triggers': 2 });
    const body = { resource: VOLTAGE, trigger_condition: { condition_type: 'OnChange' } };
    expect((await g.api('POST', '/apps/battery-monitor/triggers', body)).status).toBe(201);
    expect((await g.api('POST', '/apps/battery-monitor/triggers', body)).status).toBe(201);
    const r = await g.api('POST', '/apps/battery-monitor/triggers', body);
    expect(r.status).toBe(503);
    expect(r.body.error_code).toBe('service-unavailable');
    expect((await g.api('DELETE', '/apps/battery-monitor/triggers/trig_1')).status).toBe(204);
    expect((await g.api('POST', '/apps/battery-monitor/triggers', body)).status).toBe(201);
  });

  it("is lock-checked: another client's lock covering cyclic-subscriptions blocks trigger changes", async () => {
    const g = await start(undefined, true);
    const lock = await g.api('POST', '/apps/battery-monitor/locks', { lock_expiration: 60, scopes: ['cyclic-subscriptions'] }, { 'x-client-id': 'alice' });
    expect(lock.status).toBe(201);
    const body = { resource: VOLTAGE, trigger_condition: { condition_type: 'OnChange' } };
    const r = await g.api('POST', '/apps/battery-monitor/triggers', body, { 'x-client-id': 'bob' });
    expect(r.status).toBe(409);
    expect(r.body.error_code).toBe('lock-broken');
    expect((await g.api('POST', '/apps/battery-monitor/triggers', body, { 'x-client-id': 'alice' })).status).toBe(201);
    expect((await g.api('GET', '/apps/battery-monitor/triggers', undefined, { 'x-client-id': 'bob' })).status).toBe(200);
  });

  it('answers 501 when triggers are disabled', async () => {
    const g = await start({ 'triggers.enabled': false });
    const r = await g.api('GET', '/apps/battery-monitor/triggers');
    expect(r.status).toBe(501);
    expect(r.body).toMatchObject({ error_code: 'not-implemented', message: 'Triggers not available' });
  });

  it('sends keep-alive comments on an idle stream', async () => {
    const g = await start();
    const t = (await g.api('POST', '/apps/battery-monitor/triggers', { resource: VOLTAGE, trigger_condition: { condition_type: 'OnChange' } })).body;
    const s = await sse(g, t.event_source as string);
    await vi.waitFor(() => expect(s.comments).toContain(':keepalive'), { timeout: 5000, interval: 100 });
  });
});
