// Regression tests for the HTTP defects of issue 12 found by fuzzing: each sends the hostile value
// that used to get a 500, a Fastify body, a hang or a coerced value, against a real default gateway.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import Database from 'better-sqlite3';
import { Writable } from 'node:stream';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startTestGateway, type TestGateway } from '../../../../test-support/gateway/gateway.js';
import { rawHttp } from '../../../../test-support/raw-http.js';
import { sovdErrorProblem } from './fuzz/generator.js';

const MANIFEST = fileURLToPath(new URL('../../../../examples/amr/manifest.yaml', import.meta.url));
const FLAGS = { 'discovery.manifest_path': MANIFEST, 'discovery.mode': 'manifest_only' };
const VOLTAGE = '/api/v1/apps/battery-monitor/data/voltage';
// Triggers need a resource something reports changes of: without ROS, data has no producer (400),
// the entity's fault list does.
const FAULTS = '/api/v1/apps/battery-monitor/faults';

const raw = rawHttp;

async function api(g: TestGateway, method: string, path: string, body?: unknown, headers: Record<string, string> = {}) {
  const r = await fetch(`${g.url}${path}`, { method, headers: { ...(body !== undefined ? { 'content-type': 'application/json' } : {}), ...headers }, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await r.text();
  return { status: r.status, body: text ? JSON.parse(text) : undefined, headers: r.headers };
}

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

describe('trigger lifetimes past what a date can hold', () => {
  let g: TestGateway;
  beforeAll(async () => {
    g = await startTestGateway({ defaults: true, flags: FLAGS });
  });
  afterAll(async () => g?.close());

  it('refuses 8,640,000,000,000 s, 1e308 and true with 400 invalid-parameter and creates nothing', async () => {
    for (const lifetime of [8_640_000_000_000, 1e308, true, 315_360_001]) {
      const r = await api(g, 'POST', '/api/v1/apps/battery-monitor/triggers', { resource: FAULTS, trigger_condition: { condition_type: 'OnChange' }, lifetime });
      expect(r.status, JSON.stringify(lifetime)).toBe(400);
      expect(r.body.error_code).toBe('invalid-parameter');
    }
    const list = await api(g, 'GET', '/api/v1/apps/battery-monitor/triggers');
    expect(list.status).toBe(200);
    expect(list.body.items).toEqual([]);
  });

  it('accepts the documented maximum and refuses a PUT past it', async () => {
    const r = await api(g, 'POST', '/api/v1/apps/battery-monitor/triggers', { resource: FAULTS, trigger_condition: { condition_type: 'OnChange' }, lifetime: 315_360_000 });
    expect(r.status).toBe(201);
    expect(Date.parse(r.body['x-medkit'].expires_at)).toBeGreaterThan(Date.now());
    const put = await api(g, 'PUT', `/api/v1/apps/battery-monitor/triggers/${r.body.id}`, { lifetime: 1e308 });
    expect(put.status).toBe(400);
    expect((await api(g, 'GET', `/api/v1/apps/battery-monitor/triggers/${r.body.id}`)).status).toBe(200);
  });
});

describe('a trigger row stored with an expiry no date can hold (before lifetimes were bounded)', () => {
  it('is listed without expires_at instead of breaking every GET of the entity triggers', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'medkit-h3-'));
    dirs.push(dataDir);
    const g1 = await startTestGateway({ defaults: true, flags: FLAGS, dataDir });
    const created = await api(g1, 'POST', '/api/v1/apps/battery-monitor/triggers', { resource: FAULTS, trigger_condition: { condition_type: 'OnChange' }, persistent: true, lifetime: 60 });
    expect(created.status).toBe(201);
    await g1.close();
    // What the unbounded arithmetic stored for lifetime 8.64e12 s.
    const db = new Database(join(dataDir, 'medkit.db'));
    db.prepare('UPDATE triggers SET lifetime_sec = ?, expires_at = ? WHERE id = ?').run(8_640_000_000_000, Date.now() + 8_640_000_000_000_000, created.body.id);
    db.close();
    const g2 = await startTestGateway({ defaults: true, flags: FLAGS, dataDir });
    try {
      const list = await api(g2, 'GET', '/api/v1/apps/battery-monitor/triggers');
      expect(list.status).toBe(200);
      expect(list.body.items.map((t: { id: string }) => t.id)).toEqual([created.body.id]);
      expect(list.body.items[0]['x-medkit'].expires_at).toBeUndefined();
      expect((await api(g2, 'GET', `/api/v1/apps/battery-monitor/triggers/${created.body.id}`)).status).toBe(200);
    } finally {
      await g2.close();
    }
    // Two default gateways start in turn: seconds each on a loaded 2-core machine.
  }, 180_000);
});

describe('request validation and Fastify errors', () => {
  let g: TestGateway;
  const logLines: string[] = [];
  beforeAll(async () => {
    const logStream = new Writable({
      write(chunk: Buffer, _e, done) {
        logLines.push(...chunk.toString().split('\n').filter(Boolean));
        done();
      },
    });
    g = await startTestGateway({ defaults: true, flags: { ...FLAGS, 'logging.level': 'debug', 'sse.max_clients': 1 }, logStream });
  });
  afterAll(async () => g?.close());
  afterEach(() => {
    logLines.length = 0;
  });

  it('does not take true as the integer 1 (lock_expiration, lifetime, duration, max_entries)', async () => {
    const cases: [string, string, unknown, Record<string, string>?][] = [
      ['POST', '/api/v1/components/battery-pack/locks', { lock_expiration: true }, { 'x-client-id': 'c1' }],
      ['POST', '/api/v1/apps/battery-monitor/triggers', { resource: FAULTS, trigger_condition: { condition_type: 'OnChange' }, lifetime: true }],
      ['POST', '/api/v1/apps/battery-monitor/cyclic-subscriptions', { resource: VOLTAGE, interval: 'slow', duration: true }],
      ['PUT', '/api/v1/apps/battery-monitor/logs/configuration', { max_entries: true }],
      ['PUT', '/api/v1/apps/battery-monitor/logs/configuration', { max_entries: '5' }],
    ];
    for (const [method, path, body, headers] of cases) {
      const r = await api(g, method, path, body, headers);
      expect(r.status, `${method} ${path} ${JSON.stringify(body)}`).toBe(400);
      expect(sovdErrorProblem(r.body)).toBeUndefined();
    }
    // Documented ranges hold in the schema too: 0 entries is a bad parameter, not a stored value.
    const zero = await api(g, 'PUT', '/api/v1/apps/battery-monitor/logs/configuration', { max_entries: 0 });
    expect(zero.status).toBe(400);
    expect(zero.body.error_code).toBe('invalid-parameter');
    // Query strings still arrive as text and are coerced where the API relies on it.
    expect((await api(g, 'GET', '/api/v1/apps/battery-monitor/logs?limit=5')).status).toBe(200);
  });

  it('answers malformed percent-encoding with a SOVD 400 that does not quote the URL', async () => {
    for (const path of ['/api/v1/apps/%E0%A4%A', '/api/v1/apps/%', '/api/v1/components/ab%ZZcd/data']) {
      const r = await raw(g.url, 'GET', path);
      expect(r.status, path).toBe(400);
      const body = JSON.parse(r.text);
      expect(sovdErrorProblem(body)).toBeUndefined();
      expect(body.error_code).toBe('invalid-parameter');
      expect(r.text).not.toMatch(/FST_ERR|%E0|%ZZ|not a valid url component/);
    }
  });

  it('answers a path parameter over the URL limit with a SOVD 414 that does not quote it', async () => {
    const r = await raw(g.url, 'GET', `/api/v1/apps/${'a'.repeat(9000)}`);
    expect(r.status).toBe(414);
    const body = JSON.parse(r.text);
    expect(body).toMatchObject({ error_code: 'vendor-error', vendor_code: 'x-medkit-uri-too-long' });
    expect(r.text).not.toMatch(/FST_ERR|aaaaaaaaaa/);
  });

  it('answers HEAD on an SSE route with the stream headers only and holds no SSE slot', async () => {
    // sse.max_clients is 1: a HEAD that kept its slot would make the GET below a 503.
    for (let i = 0; i < 3; i++) {
      const head = await raw(g.url, 'HEAD', '/api/v1/faults/stream');
      expect(head.status).toBe(200);
      expect(String(head.headers['content-type'])).toMatch(/^text\/event-stream/);
      expect(head.text).toBe('');
    }
    const ctrl = new AbortController();
    const get = await fetch(`${g.url}/api/v1/faults/stream`, { signal: ctrl.signal });
    expect(get.status).toBe(200);
    ctrl.abort();
  });

  it('answers HEAD from the GET route: same status and headers, Content-Length of the GET body, no body; no HEAD routes of its own', async () => {
    for (const path of ['/api/v1/components', '/api/v1/apps/battery-monitor', '/api/v1/health']) {
      const get = await raw(g.url, 'GET', path);
      const head = await raw(g.url, 'HEAD', path);
      expect(head.status, path).toBe(get.status);
      expect(head.text, path).toBe('');
      expect(head.headers['content-type'], path).toBe(get.headers['content-type']);
      if (get.headers['content-length'] !== undefined) expect(head.headers['content-length'], path).toBe(String(Buffer.byteLength(get.text)));
    }
    // Not found stays not found (with the error's headers, no body), and a route without GET has no HEAD.
    const missing = await raw(g.url, 'HEAD', '/api/v1/apps/no-such-app');
    expect(missing.status).toBe(404);
    expect(missing.text).toBe('');
    expect((await raw(g.url, 'HEAD', '/api/v1/components/main-computer/locks/none')).status).toBe(404);
    expect(g.gateway.http.app.hasRoute({ method: 'HEAD', url: '/api/v1/components' })).toBe(false);
  });

  it('accepts a DELETE with Content-Type: application/json and no body', async () => {
    const lock = await api(g, 'POST', '/api/v1/components/main-computer/locks', { lock_expiration: 60 }, { 'x-client-id': 'deleter' });
    expect(lock.status).toBe(201);
    const r = await raw(g.url, 'DELETE', `/api/v1/components/main-computer/locks/${lock.body.id}`, { headers: { 'content-type': 'application/json', 'x-client-id': 'deleter', 'content-length': '0' } });
    expect(r.status).toBe(204);
    // A POST with the same empty body is still refused, with a SOVD body.
    const post = await raw(g.url, 'POST', '/api/v1/components/main-computer/locks', { headers: { 'content-type': 'application/json', 'x-client-id': 'deleter', 'content-length': '0' } });
    expect(post.status).toBe(400);
    expect(JSON.parse(post.text).error_code).toBe('invalid-request');
  });

  it('refuses a client-supplied operation type that is not an interface name with 400, never 500', async () => {
    for (const type of ['str', -1, true, 'x'.repeat(100_000), 'std_msgs/msg/String', '']) {
      const r = await api(g, 'POST', '/api/v1/apps/battery-monitor/operations/reset/executions', { type });
      expect(r.status, String(type).slice(0, 20)).toBe(400);
      expect(sovdErrorProblem(r.body)).toBeUndefined();
      expect(JSON.stringify(r.body).length).toBeLessThan(2000);
    }
  });

  it('logs client errors at info level, not error', async () => {
    await api(g, 'GET', '/api/v1/apps/no-such-app');
    await raw(g.url, 'GET', '/api/v1/apps/%E0%A4%A');
    await api(g, 'PUT', '/api/v1/apps/battery-monitor/logs/configuration', { max_entries: true });
    const rejected = logLines.filter((l) => l.includes('request rejected'));
    expect(rejected.length).toBeGreaterThanOrEqual(3);
    expect(rejected.every((l) => /"level":30/.test(l))).toBe(true);
    expect(logLines.filter((l) => /"level":(50|60)/.test(l))).toEqual([]);
  });

  it('logs 1,000 failures of one cause (a ROS node that is not there) as one warning line without a stack', async () => {
    const path = '/api/v1/apps/battery-monitor/configurations/voltage';
    for (let i = 0; i < 1000; i += 50) {
      const answers = await Promise.all(Array.from({ length: 50 }, () => api(g, 'GET', path)));
      for (const r of answers) expect(r.status).toBe(503);
    }
    const failed = logLines.filter((l) => l.includes('request failed'));
    expect(failed).toHaveLength(1);
    const line = JSON.parse(failed[0]) as Record<string, unknown>;
    expect(line).toMatchObject({ level: 40, status: 503, error_code: 'x-medkit-ros2-node-unavailable', route: '/api/v1/apps/:app_id/configurations/:config_id', repeated: 0 });
    expect(failed[0]).not.toMatch(/"stack"|"err"/);
    expect(logLines.filter((l) => /"level":(50|60)/.test(l))).toEqual([]);
  });
});
