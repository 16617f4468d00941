// A gateway that listens before its routes are built (deferRoutes, as `medkit` runs; @medkit/server's
// http/deferred-app.ts): /health answers at once, every other route on its first request, built once.
import { afterEach, describe, expect, it } from 'vitest';
import { Type } from '@sinclair/typebox';
import { Writable } from 'node:stream';
import { startTestGateway, type TestGateway } from '../../../../test-support/gateway/gateway.js';
import type { GatewayFeature } from '@medkit/gateway';
import { createEntitiesFeature } from '../../src/entities/http/feature.js';
import { authFlags } from '../../../../test-support/gateway/auth.js';
import { fileURLToPath } from 'node:url';

const MANIFEST = fileURLToPath(new URL('../../../../examples/amr/manifest.yaml', import.meta.url));
const MANIFEST_FLAGS = { 'discovery.manifest_path': MANIFEST, 'discovery.mode': 'manifest_only' } as const;

/**
 * A feature with a GET and a JSON-body POST route, counting how often its routes are asked for (the build begins:
 * the server calls every feature's `routes` at once) and registered.
 */
function counted(): { feature: GatewayFeature; asked: () => number; registered: () => number; built: Promise<void> } {
  let asked = 0;
  let registered = 0;
  let built!: () => void;
  const once = new Promise<void>((r) => (built = r));
  const feature: GatewayFeature = {
    name: 'counted',
    routes: () => {
      asked++;
      return (app) => {
        registered++;
        built();
        app.get('/api/v1/x-thing', { schema: { hide: true } }, async () => ({ thing: true }));
        app.post('/api/v1/x-thing', { schema: { hide: true, body: Type.Object({ value: Type.Number() }) } }, async (req) => ({ value: req.body.value }));
      };
    },
  };
  return { feature, asked: () => asked, registered: () => registered, built: once };
}

const broken: GatewayFeature = {
  name: 'broken',
  routes: () => () => {
    throw new Error('cannot register');
  },
};

/** The idle build kept out of the way of tests that build on a request (an hour). */
const NEVER_IDLE = { idleBuildMs: 3_600_000 };

let g: TestGateway | undefined;
afterEach(async () => {
  await g?.close();
  g = undefined;
});

describe('deferred routes', () => {
  it('answers /health before any other route is built, then builds them once after that answer', async () => {
    const c = counted();
    g = await startTestGateway({ features: [c.feature], deferRoutes: NEVER_IDLE });
    expect(c.registered()).toBe(0);
    const health = await fetch(`${g.url}/api/v1/health`);
    expect(health.status).toBe(200);
    expect(((await health.json()) as { status: string }).status).toBe('healthy');
    // HEAD and the router's spellings of the path are early routes too.
    expect((await fetch(`${g.url}/api/v1//health/?x=1`, { method: 'HEAD' })).status).toBe(200);
    const res = await fetch(`${g.url}/api/v1/x-thing`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ thing: true });
    expect(c.registered()).toBe(1);
  });

  it("builds them after an early answer only once the features' start-up work is done; a request for them does not wait for that work (issue 69)", async () => {
    const c = counted();
    let finish!: () => void;
    const work = new Promise<void>((r) => (finish = r));
    const starting: GatewayFeature = { name: 'starting', startupWork: () => work };
    g = await startTestGateway({ features: [c.feature, starting], deferRoutes: NEVER_IDLE });
    expect((await fetch(`${g.url}/api/v1/health`)).status).toBe(200);
    // The first answer's end has been handled once a second answer came back: before, the build began right there.
    expect((await fetch(`${g.url}/api/v1/health`)).status).toBe(200);
    expect(c.asked()).toBe(0);
    finish();
    await c.built;
    expect(c.registered()).toBe(1);
    await g.close();

    const d = counted();
    g = await startTestGateway({ features: [d.feature, { name: 'never-done', startupWork: () => new Promise<void>(() => undefined) }], deferRoutes: NEVER_IDLE });
    expect((await fetch(`${g.url}/api/v1/health`)).status).toBe(200);
    const res = await fetch(`${g.url}/api/v1/x-thing`);
    expect(res.status).toBe(200);
    expect(d.registered()).toBe(1);
  });

  it('answers concurrent first requests (bodies included) normally from one build', async () => {
    const c = counted();
    g = await startTestGateway({ features: [c.feature], deferRoutes: NEVER_IDLE });
    const url = g.url;
    const answers = await Promise.all([
      ...Array.from({ length: 8 }, () => fetch(`${url}/api/v1/x-thing`).then(async (r) => [r.status, await r.json()])),
      ...Array.from({ length: 4 }, (_, i) =>
        fetch(`${url}/api/v1/x-thing`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ value: i }) }).then(async (r) => [r.status, await r.json()]),
      ),
      fetch(`${url}/api/v1/x-nothing`).then(async (r) => [r.status, ((await r.json()) as { error_code: string }).error_code]),
      fetch(`${url}/api/v1/health`).then((r) => [r.status, 'health']),
    ]);
    expect(answers).toEqual([
      ...Array.from({ length: 8 }, () => [200, { thing: true }]),
      ...Array.from({ length: 4 }, (_, i) => [200, { value: i }]),
      [404, 'resource-not-found'],
      [200, 'health'],
    ]);
    expect(c.registered()).toBe(1);
  });

  it('answers a SOVD internal-error, not a hang, when the routes cannot be built; /health says degraded', async () => {
    const lines: string[] = [];
    const logStream = new Writable({ write: (chunk, _enc, done) => (lines.push(String(chunk)), done()) });
    g = await startTestGateway({ features: [broken], deferRoutes: NEVER_IDLE, flags: { 'logging.level': 'error' }, logStream });
    const [first, second] = await Promise.all([fetch(`${g.url}/api/v1/components`), fetch(`${g.url}/api/v1/apps`)]);
    for (const res of [first, second]) {
      expect(res.status).toBe(500);
      expect(((await res.json()) as { error_code: string }).error_code).toBe('internal-error');
    }
    expect((await fetch(`${g.url}/api/v1/areas`)).status).toBe(500);
    const health = (await (await fetch(`${g.url}/api/v1/health`)).json()) as { status: string; warnings: { code: string }[] };
    expect(health.status).toBe('degraded');
    expect(health.warnings.map((w) => w.code)).toContain('api_routes_unavailable');
    expect(lines.join('')).toContain('cannot register');
  });

  it('lists the entities before the other routes are built, and still when they cannot be built (issue 69)', async () => {
    const c = counted();
    g = await startTestGateway({ features: [createEntitiesFeature(), c.feature], deferRoutes: NEVER_IDLE, flags: MANIFEST_FLAGS });
    const apps = await fetch(`${g.url}/api/v1/apps`);
    expect(apps.status).toBe(200);
    const body = (await apps.json()) as { items: { id: string; href: string }[]; 'x-medkit': { total_count: number } };
    expect(body.items.map((i) => i.id)).toContain('lidar-driver');
    expect(body['x-medkit'].total_count).toBe(body.items.length);
    // The four lists, their query and HEAD, all from the early routes: nothing else was built.
    for (const path of ['/api/v1/areas', '/api/v1/components', '/api/v1/functions', '/api/v1/apps?tags=nothing', '/api/v1//apps/']) {
      expect((await fetch(`${g.url}${path}`)).status, path).toBe(200);
    }
    expect((await fetch(`${g.url}/api/v1/apps`, { method: 'HEAD' })).status).toBe(200);
    // Hostile queries get the full app's answers from the early routes: a repeated tags is a 400, an over-long URL a
    // 414, both SOVD errors, never a 500.
    const twice = await fetch(`${g.url}/api/v1/apps?tags=a&tags=b`);
    expect(twice.status).toBe(400);
    expect(((await twice.json()) as { error_code: string }).error_code).toBe('invalid-parameter');
    const long = await fetch(`${g.url}/api/v1/apps?tags=${'x'.repeat(10_000)}`);
    expect(long.status).toBe(414);
    expect(await long.json()).toMatchObject({ error_code: 'vendor-error', vendor_code: 'x-medkit-uri-too-long' });
    // Wait for the build started by those answers: the full app answers the lists alike, and the routes beside them.
    await c.built;
    const detail = await fetch(`${g.url}${body.items[0]!.href}`);
    expect(detail.status).toBe(200);
    expect(((await (await fetch(`${g.url}/api/v1/apps`)).json()) as typeof body).items).toEqual(body.items);
    expect(c.registered()).toBe(1);
    await g.close();

    g = await startTestGateway({ features: [createEntitiesFeature(), broken], deferRoutes: NEVER_IDLE, flags: { ...MANIFEST_FLAGS, 'logging.level': 'silent' } });
    expect((await fetch(`${g.url}/api/v1/apps/lidar-driver`)).status).toBe(500);
    expect((await fetch(`${g.url}/api/v1/apps`)).status).toBe(200);
    await g.close();

    // The early lists pass the same identity and role stages: with tokens required for every request, none without.
    g = await startTestGateway({ features: [createEntitiesFeature(), broken], deferRoutes: NEVER_IDLE, flags: authFlags({ ...MANIFEST_FLAGS, 'auth.require_auth_for': 'all', 'logging.level': 'silent' }) });
    const refused = await fetch(`${g.url}/api/v1/apps`);
    expect(refused.status).toBe(401);
    expect(await refused.json()).toMatchObject({ error: 'invalid_token' });
  });

  it('builds its routes on its own when nobody asks, so the first user does not wait for the build', async () => {
    const c = counted();
    g = await startTestGateway({ features: [c.feature], deferRoutes: { idleBuildMs: 0 } });
    // No request at all: the build starts once the idle delay after listening is over.
    await c.built;
    expect(c.registered()).toBe(1);
    expect((await fetch(`${g.url}/api/v1/x-thing`)).status).toBe(200);
    expect(c.registered()).toBe(1);
  });

  it('closes whether or not the routes were built', async () => {
    const c = counted();
    g = await startTestGateway({ features: [c.feature], deferRoutes: NEVER_IDLE });
    await g.close();
    g = undefined;
    expect(c.registered()).toBe(0);
    g = await startTestGateway({ features: [c.feature], deferRoutes: NEVER_IDLE });
    expect((await fetch(`${g.url}/api/v1/x-thing`)).status).toBe(200);
    await g.close();
    g = undefined;
  });
});
