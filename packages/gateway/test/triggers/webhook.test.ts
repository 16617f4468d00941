// Webhook delivery [ours]: events POSTed to a local HTTP server, HMAC-SHA256 signed, retried after a
// failure, and the delivery status visible on the trigger.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createServer, type Server } from 'node:http';
import { createHmac } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { startTriggerGateway, type TriggerGateway } from './harness.js';

interface Received {
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

const servers: Server[] = [];
const gws: TriggerGateway[] = [];
afterEach(async () => {
  await Promise.all(gws.splice(0).map((g) => g.close()));
  await Promise.all(servers.splice(0).map((s) => new Promise((r) => s.close(r))));
});

/** A receiver that answers the given statuses in turn (then 200). */
async function receiver(statuses: number[]) {
  const got: Received[] = [];
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      got.push({ headers: req.headers, body });
      res.statusCode = statuses.shift() ?? 200;
      res.end();
    });
  });
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`, got };
}

/** A webhook trigger on the voltage topic (OnChange unless `extra` says otherwise). */
const webhookTrigger = (g: TriggerGateway, url: string, extra: Record<string, unknown> = {}) =>
  g.api('POST', '/apps/battery-monitor/triggers', {
    resource: '/api/v1/apps/battery-monitor/data/voltage',
    trigger_condition: { condition_type: 'OnChange' },
    protocol: 'webhook',
    webhook_url: url,
    ...extra,
  });

const sign = (secret: string, body: string) => `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;

describe('trigger webhooks', () => {
  it('POSTs a signed event, retries after a 500 and reports delivery on the trigger', async () => {
    const rx = await receiver([500]);
    const g = await startTriggerGateway({ flags: { 'triggers.webhook.secret': 'gateway-secret', 'triggers.webhook.initial_backoff_ms': 20 } });
    gws.push(g);
    const c = await g.api('POST', '/apps/battery-monitor/triggers', {
      resource: '/api/v1/apps/battery-monitor/data/voltage',
      trigger_condition: { condition_type: 'OnChangeTo', target_value: 'LOW' },
      protocol: 'webhook',
      webhook_url: rx.url,
      multishot: true,
    });
    expect(c.status).toBe(201);
    expect(c.body).toMatchObject({ protocol: 'webhook', webhook_url: rx.url });
    g.fake.publish('battery-monitor', '/voltage', 'LOW');
    await vi.waitFor(() => expect(rx.got.length).toBe(2), { timeout: 5000, interval: 20 });
    for (const [i, r] of rx.got.entries()) {
      expect(r.headers['content-type']).toBe('application/json');
      expect(r.headers['x-medkit-signature']).toBe(sign('gateway-secret', r.body));
      expect(r.headers['x-medkit-delivery-attempt']).toBe(String(i + 1));
    }
    expect(rx.got[0].body).toBe(rx.got[1].body); // the retry is the same event
    const event = JSON.parse(rx.got[1].body);
    expect(event).toMatchObject({ trigger_id: c.body.id, event_id: 1, observed_resource: '/api/v1/apps/battery-monitor/data/voltage', payload: 'LOW' });
    expect(Date.parse(event.timestamp)).not.toBeNaN();
    await vi.waitFor(async () => {
      const t = (await g.api('GET', `/apps/battery-monitor/triggers/${c.body.id}`)).body;
      expect(t['x-medkit']).toMatchObject({ delivery: { url: rx.url, delivered: 1, failed: 0, pending: 0, attempts: 2, last_status: 200 } });
    });
  });

  it("uses the trigger's own secret, gives up after max_attempts and removes a one-shot trigger once delivery ends", async () => {
    const rx = await receiver([503, 503, 503]);
    const g = await startTriggerGateway({ flags: { 'triggers.webhook.max_attempts': 2, 'triggers.webhook.initial_backoff_ms': 10 } });
    gws.push(g);
    const c = await webhookTrigger(g, rx.url, { webhook_secret: 'per-trigger', multishot: true });
    expect(c.body).not.toHaveProperty('webhook_secret');
    g.fake.publish('battery-monitor', '/voltage', 1);
    await vi.waitFor(async () => {
      const t = (await g.api('GET', `/apps/battery-monitor/triggers/${c.body.id}`)).body;
      expect(t['x-medkit']).toMatchObject({ delivery: { delivered: 0, failed: 1, attempts: 2, last_status: 503, last_error: 'HTTP 503' } });
    });
    expect(rx.got).toHaveLength(2);
    expect(rx.got[0].headers['x-medkit-signature']).toBe(sign('per-trigger', rx.got[0].body));

    const once = await g.api('POST', '/apps/battery-monitor/triggers', {
      resource: '/api/v1/apps/battery-monitor/data/voltage',
      trigger_condition: { condition_type: 'OnChangeTo', target_value: 7 },
      protocol: 'webhook',
      webhook_url: rx.url,
    });
    g.fake.publish('battery-monitor', '/voltage', 7);
    await vi.waitFor(async () => expect((await g.api('GET', `/apps/battery-monitor/triggers/${once.body.id}`)).status).toBe(404));
    expect(rx.got.map((r) => JSON.parse(r.body).trigger_id)).toContain(once.body.id);
  });

  it('keeps no abort listener per retry on the deliverer: many failing deliveries raise no MaxListenersExceededWarning', async () => {
    const warnings: Error[] = [];
    const onWarning = (w: Error) => warnings.push(w);
    process.on('warning', onWarning);
    try {
      const rx = await receiver(Array.from({ length: 40 }, () => 503));
      const g = await startTriggerGateway({ flags: { 'triggers.webhook.initial_backoff_ms': 10, 'triggers.webhook.max_attempts': 2 } });
      gws.push(g);
      const c = await webhookTrigger(g, rx.url, { multishot: true });
      expect(c.status).toBe(201);
      // 15 events, each tried twice with a backoff in between: 15 waits on the deliverer's stop signal.
      for (let i = 0; i < 15; i++) g.fake.publish('battery-monitor', '/voltage', i);
      await vi.waitFor(() => expect(rx.got.length).toBe(30), { timeout: 10_000, interval: 20 });
      await new Promise((r) => setImmediate(r));
      expect(warnings.filter((w) => w.name === 'MaxListenersExceededWarning').map((w) => w.message)).toEqual([]);
    } finally {
      process.off('warning', onWarning);
    }
  });
});
