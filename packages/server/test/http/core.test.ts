import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect } from 'node:net';
import { Type } from '@sinclair/typebox';
import { startTestGateway, type TestGateway } from '../../../../test-support/gateway/gateway.js';
import { SovdError } from '@medkit/sovd';
import { EntityId, GenericError } from '@medkit/server';
import type { GatewayFeature } from '@medkit/gateway';

/** A request held inside its handler: `entered` resolves when one is there, `release()` lets it answer. */
function hold() {
  let enter!: () => void;
  let release!: () => void;
  const entered = new Promise<void>((r) => (enter = r));
  const released = new Promise<void>((r) => (release = r));
  return { enter, entered, release, released };
}
/** The slow route's hold (events, not a sleep: issue 58). */
const slow = hold();

// A small feature with a JSON body route and an id route, to exercise the HTTP stages.
const echo: GatewayFeature = {
  name: 'echo',
  routes: () => (app) => {
    app.post(
      '/api/v1/echo/:thing_id',
      {
        schema: {
          operationId: 'echo',
          params: Type.Object({ thing_id: EntityId('thing') }),
          body: Type.Object({ value: Type.Number() }),
          response: { 200: Type.Object({ id: Type.String(), value: Type.Number() }), 400: GenericError },
        },
      },
      async (req) => ({ id: req.params.thing_id, value: req.body.value }),
    );
    app.get('/api/v1/boom', { schema: { hide: true } }, async () => {
      throw new Error('kaput');
    });
    app.get('/api/v1/slow', { schema: { hide: true } }, async () => {
      slow.enter();
      await slow.released;
      return { done: true };
    });
    app.get('/api/v1/vendor', { schema: { hide: true } }, async () => {
      throw new SovdError('x-medkit-ros2-topic-unavailable', 'Topic not found', { topic_name: 'x' });
    });
  },
};

function rawRequest(port: number, text: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const sock = connect(port, '127.0.0.1', () => sock.write(text));
    let data = '';
    sock.on('data', (d) => (data += d.toString()));
    sock.on('close', () => resolve(data));
    sock.on('error', reject);
    sock.setTimeout(10_000, () => sock.destroy());
  });
}

describe('HTTP core', () => {
  let g: TestGateway;
  let port: number;
  beforeAll(async () => {
    g = await startTestGateway({
      features: [echo],
      flags: { 'server.limits.max_json_body_bytes': 2048, 'server.limits.request_timeout_ms': 1000, 'server.limits.headers_timeout_ms': 1000 },
    });
    port = Number(new URL(g.url).port);
  });
  afterAll(async () => g.close());

  it('serves the root with endpoints and all 17 capabilities', async () => {
    for (const path of ['/api/v1', '/api/v1/']) {
      const body = await (await fetch(`${g.url}${path}`)).json();
      expect(body.api_base).toBe('/api/v1');
      expect(body.endpoints).toContain('GET /api/v1/health');
      expect(body.endpoints).toContain('POST /api/v1/echo/{thing_id}');
      expect(Object.keys(body.capabilities)).toHaveLength(21);
      // Flags follow the routes: this gateway has an echo route but no entity collections.
      expect(body.capabilities.discovery).toBe(false);
    }
  });

  it('answers version-info with items and sovd_info', async () => {
    const body = await (await fetch(`${g.url}/api/v1/version-info`)).json();
    expect(body.items[0]).toMatchObject({ version: '1.0.0', base_uri: '/api/v1', vendor_info: { name: 'medkit' } });
    expect(body.sovd_info).toEqual(body.items);
  });

  it('answers health with status, ns timestamp and warnings', async () => {
    const body = await (await fetch(`${g.url}/api/v1/health`)).json();
    expect(body.status).toBe('healthy');
    expect(body.warning_schema_version).toBe(6);
    expect(Array.isArray(body.warnings)).toBe(true);
    expect(body.timestamp).toBeGreaterThan(Date.now() * 1e6 - 60e9 * 1e3);
  });

  it('gives unmatched routes the SOVD 404 body', async () => {
    const res = await fetch(`${g.url}/api/v1/nope/nothing`);
    expect(res.status).toBe(404);
    expect(await res.json()).toEqual({ error_code: 'resource-not-found', message: 'Resource not found', parameters: { status: 404 } });
  });

  it('rejects malformed JSON with 400 invalid-request', async () => {
    const res = await fetch(`${g.url}/api/v1/echo/a`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"value": 1,' });
    expect(res.status).toBe(400);
    expect((await res.json()).error_code).toBe('invalid-request');
  });

  it('names the failing field of a body that does not match the schema', async () => {
    const res = await fetch(`${g.url}/api/v1/echo/a`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"value": "x"}' });
    expect(res.status).toBe(400);
    const body = await res.json();
    expect(body.error_code).toBe('invalid-request');
    expect(body.parameters.field).toBe('value');
  });

  it('rejects an invalid id with 400 invalid-parameter naming the id', async () => {
    const res = await fetch(`${g.url}/api/v1/echo/bad.id`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"value": 1}' });
    expect(res.status).toBe(400);
    const body = await res.json();
    expect(body.error_code).toBe('invalid-parameter');
    expect(body.parameters.thing_id).toBe('bad.id');
  });

  it('rejects a body over the limit with 413 payload-too-large', async () => {
    const big = JSON.stringify({ value: 1, pad: 'x'.repeat(5000) });
    const res = await fetch(`${g.url}/api/v1/echo/a`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: big });
    expect(res.status).toBe(413);
    expect((await res.json()).error_code).toBe('payload-too-large');
  });

  it('rejects oversized headers with 431 and a SOVD body', async () => {
    const text = await rawRequest(port, `GET /api/v1/health HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(20000)}\r\n\r\n`);
    expect(text).toMatch(/^HTTP\/1.1 431/);
    expect(JSON.parse(text.slice(text.indexOf('\r\n\r\n') + 4))).toMatchObject({ error_code: 'vendor-error', vendor_code: 'x-medkit-header-too-large' });
  });

  it('rejects an over-long URL with 414', async () => {
    const res = await fetch(`${g.url}/api/v1/health?x=${'a'.repeat(9000)}`);
    expect(res.status).toBe(414);
    expect((await res.json()).vendor_code).toBe('x-medkit-uri-too-long');
  });

  it('times out a request whose body never completes with 408', async () => {
    const text = await rawRequest(port, `POST /api/v1/echo/a HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{"value"`);
    expect(text).toMatch(/^HTTP\/1.1 408/);
    expect(text).toContain('x-medkit-request-timeout');
  });

  it('turns unexpected exceptions into 500 internal-error', async () => {
    const res = await fetch(`${g.url}/api/v1/boom`);
    expect(res.status).toBe(500);
    expect(await res.json()).toMatchObject({ error_code: 'internal-error', parameters: { details: 'kaput' } });
  });

  it('wraps x-medkit codes in the vendor-error envelope', async () => {
    const res = await fetch(`${g.url}/api/v1/vendor`);
    expect(res.status).toBe(404);
    expect(await res.json()).toEqual({
      error_code: 'vendor-error',
      vendor_code: 'x-medkit-ros2-topic-unavailable',
      message: 'Topic not found',
      parameters: { topic_name: 'x' },
    });
  });

  it('allows local UIs by default with CORS and refuses other origins on preflight', async () => {
    const ok = await fetch(`${g.url}/api/v1/health`, { headers: { origin: 'http://localhost:5173' } });
    expect(ok.headers.get('access-control-allow-origin')).toBe('http://localhost:5173');
    const pre = await fetch(`${g.url}/api/v1/echo/a`, {
      method: 'OPTIONS',
      headers: { origin: 'http://127.0.0.1:3000', 'access-control-request-method': 'POST' },
    });
    expect(pre.status).toBe(204);
    expect(pre.headers.get('access-control-allow-methods')).toContain('POST');
    expect(pre.headers.get('access-control-max-age')).toBe('86400');
    const bad = await fetch(`${g.url}/api/v1/echo/a`, {
      method: 'OPTIONS',
      headers: { origin: 'http://evil.example', 'access-control-request-method': 'POST' },
    });
    expect(bad.status).toBe(403);
    expect(bad.headers.get('access-control-allow-origin')).toBeNull();
  });
});

describe('rate limiting', () => {
  it('is off by default and answers 429 with Retry-After when enabled', async () => {
    const off = await startTestGateway();
    try {
      const res = await fetch(`${off.url}/api/v1/health`);
      expect(res.headers.get('x-ratelimit-limit')).toBeNull();
    } finally {
      await off.close();
    }
    const g = await startTestGateway({ flags: { 'rate_limiting.enabled': true, 'rate_limiting.client_requests_per_minute': 3 } });
    try {
      const statuses: number[] = [];
      let last: Response | undefined;
      for (let i = 0; i < 5; i++) {
        last = await fetch(`${g.url}/api/v1/health`);
        statuses.push(last.status);
      }
      expect(statuses).toEqual([200, 200, 200, 429, 429]);
      expect(last!.headers.get('retry-after')).toMatch(/^\d+$/);
      expect(last!.headers.get('x-ratelimit-limit')).toBe('3');
      const body = await last!.json();
      expect(body.error_code).toBe('rate-limit-exceeded');
      expect(body.parameters).toMatchObject({ limit: 3 });
    } finally {
      await g.close();
    }
  });
});

describe('shutdown', () => {
  it('finishes in-flight requests and refuses new ones with x-medkit-gateway-shutdown', async () => {
    const g = await startTestGateway({ features: [echo] });
    const inflight = fetch(`${g.url}/api/v1/slow`);
    await slow.entered; // the request is in its handler
    const closing = g.close();
    // The request answers only once the close has begun (a turn later), so the close has to wait for it.
    await new Promise((r) => setImmediate(r));
    slow.release();
    const res = await inflight;
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ done: true });
    await closing;
    await expect(fetch(`${g.url}/api/v1/health`)).rejects.toThrow();
  });
});
