// Locks over real HTTP: acquire/extend/release, enforcement on another feature's mutating route,
// ancestors, scopes, expiry, client-id validation, breaking, required scopes and persistence.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startTestGateway, type TestGateway } from '../../../../test-support/gateway/gateway.js';
import { fixtureEntitiesFeature } from '../support/entities.js';
import { createLocksFeature, type LocksFeatureOptions } from '../../src/locks/index.js';
import { mutatingTestFeature } from './mutating-feature.js';
import type { FlatConfig } from '../../src/config/index.js';

let gateways: TestGateway[] = [];
const dirs: string[] = [];
afterEach(async () => {
  await Promise.all(gateways.map((g) => g.close()));
  gateways = [];
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

async function start(opts: { flags?: FlatConfig; locks?: LocksFeatureOptions; dataDir?: string } = {}) {
  const g = await startTestGateway({ features: [fixtureEntitiesFeature(), createLocksFeature(undefined, opts.locks), mutatingTestFeature()], flags: opts.flags, dataDir: opts.dataDir });
  gateways.push(g);
  return g;
}

function call(g: TestGateway, method: string, path: string, opts: { client?: string; body?: unknown } = {}) {
  const headers: Record<string, string> = {};
  if (opts.client !== undefined) headers['x-client-id'] = opts.client;
  if (opts.body !== undefined) headers['content-type'] = 'application/json';
  return fetch(`${g.url}/api/v1${path}`, { method, headers, body: opts.body === undefined ? undefined : JSON.stringify(opts.body) });
}

async function acquire(g: TestGateway, path: string, client: string, body: Record<string, unknown>) {
  const r = await call(g, 'POST', `${path}/locks`, { client, body });
  return { status: r.status, location: r.headers.get('location'), body: (await r.json()) as Record<string, unknown> };
}

describe('locks', () => {
  it('acquires, lists, extends and releases a lock', async () => {
    const g = await start();
    const a = await acquire(g, '/apps/battery-monitor', 'alice', { lock_expiration: 60, scopes: ['configurations'] });
    expect(a.status).toBe(201);
    expect(a.body).toMatchObject({ id: 'lock_1', owned: true, scopes: ['configurations'] });
    expect(a.location).toBe('/api/v1/apps/battery-monitor/locks/lock_1');
    const exp = Date.parse(a.body.lock_expiration as string);
    expect(exp).toBeGreaterThan(Date.now());

    const list = await (await call(g, 'GET', '/apps/battery-monitor/locks', { client: 'bob' })).json();
    expect(list).toEqual({ items: [{ id: 'lock_1', owned: false, scopes: ['configurations'], lock_expiration: a.body.lock_expiration }] });
    const one = await (await call(g, 'GET', '/apps/battery-monitor/locks/lock_1', { client: 'alice' })).json();
    expect(one.owned).toBe(true);

    expect((await call(g, 'PUT', '/apps/battery-monitor/locks/lock_1', { client: 'alice', body: { lock_expiration: 600 } })).status).toBe(204);
    const after = await (await call(g, 'GET', '/apps/battery-monitor/locks/lock_1')).json();
    expect(Date.parse(after.lock_expiration)).toBeGreaterThan(exp);

    expect((await call(g, 'DELETE', '/apps/battery-monitor/locks/lock_1', { client: 'alice' })).status).toBe(204);
    const gone = await call(g, 'GET', '/apps/battery-monitor/locks/lock_1');
    expect(gone.status).toBe(404);
    expect(await gone.json()).toMatchObject({ error_code: 'resource-not-found', parameters: { lock_id: 'lock_1', entity_id: 'battery-monitor' } });
  });

  it("blocks another client's mutation with 409 lock-broken; the holder goes through", async () => {
    const g = await start();
    await acquire(g, '/apps/battery-monitor', 'alice', { lock_expiration: 60 });
    const other = await call(g, 'PUT', '/apps/battery-monitor/test-mutate/configurations', { client: 'bob' });
    expect(other.status).toBe(409);
    expect(await other.json()).toMatchObject({ error_code: 'lock-broken', parameters: { entity_id: 'battery-monitor', collection: 'configurations', lock_id: 'lock_1' } });
    expect((await call(g, 'PUT', '/apps/battery-monitor/test-mutate/configurations')).status).toBe(409); // no header = nobody
    expect((await call(g, 'PUT', '/apps/battery-monitor/test-mutate/configurations', { client: 'alice' })).status).toBe(200);
    // Another entity is not affected.
    expect((await call(g, 'PUT', '/apps/motor-controller/test-mutate/configurations', { client: 'bob' })).status).toBe(200);
  });

  it('a component lock covers the apps it hosts; scopes limit what is covered', async () => {
    const g = await start();
    await acquire(g, '/components/main-computer', 'alice', { lock_expiration: 60, scopes: ['operations', 'cyclic-subscriptions'] });
    const r = await call(g, 'PUT', '/apps/motor-controller/test-mutate/operations', { client: 'bob' });
    expect(r.status).toBe(409);
    expect((await r.json()).parameters).toMatchObject({ entity_id: 'motor-controller', lock_id: 'lock_1' });
    expect((await call(g, 'PUT', '/apps/motor-controller/test-mutate/data', { client: 'bob' })).status).toBe(200);
    // Triggers are guarded by the cyclic-subscriptions scope.
    expect((await call(g, 'PUT', '/apps/motor-controller/test-mutate/triggers', { client: 'bob' })).status).toBe(409);
  });

  it('an expired lock is gone and no longer blocks', async () => {
    const g = await start();
    await acquire(g, '/apps/battery-monitor', 'alice', { lock_expiration: 1 });
    expect((await call(g, 'PUT', '/apps/battery-monitor/test-mutate/data', { client: 'bob' })).status).toBe(409);
    await vi.waitFor(async () => expect((await call(g, 'GET', '/apps/battery-monitor/locks/lock_1')).status).toBe(404), { timeout: 5000, interval: 100 });
    expect(await (await call(g, 'GET', '/apps/battery-monitor/locks')).json()).toEqual({ items: [] });
    expect((await call(g, 'PUT', '/apps/battery-monitor/test-mutate/data', { client: 'bob' })).status).toBe(200);
    expect((await call(g, 'PUT', '/apps/battery-monitor/locks/lock_1', { client: 'alice', body: { lock_expiration: 5 } })).status).toBe(404);
  });

  it("refuses to extend or release another client's lock with 403", async () => {
    const g = await start();
    await acquire(g, '/components/main-computer', 'alice', { lock_expiration: 60 });
    const rel = await call(g, 'DELETE', '/components/main-computer/locks/lock_1', { client: 'bob' });
    expect(rel.status).toBe(403);
    expect((await rel.json()).error_code).toBe('forbidden');
    expect((await call(g, 'PUT', '/components/main-computer/locks/lock_1', { client: 'bob', body: { lock_expiration: 10 } })).status).toBe(403);
    expect((await call(g, 'GET', '/components/main-computer/locks/lock_1')).status).toBe(200);
  });

  it('validates X-Client-Id, scopes and lock_expiration with 400 invalid-parameter', async () => {
    const g = await start();
    const cases: [string | undefined, Record<string, unknown>, Record<string, unknown>][] = [
      [undefined, { lock_expiration: 10 }, { parameter: 'X-Client-Id' }],
      ['x'.repeat(257), { lock_expiration: 10 }, { parameter: 'X-Client-Id' }],
      ['bad\tclient', { lock_expiration: 10 }, { parameter: 'X-Client-Id' }],
      ['alice', { lock_expiration: 10, scopes: ['data', 'nonsense'] }, { invalid_scope: 'nonsense' }],
      ['alice', { lock_expiration: 0 }, { parameter: 'lock_expiration' }],
      ['alice', { lock_expiration: 3601 }, { parameter: 'lock_expiration', max_value: 3600 }],
    ];
    for (const [client, body, params] of cases) {
      const r = await acquire(g, '/apps/battery-monitor', client as string, body);
      expect(r.status, JSON.stringify(body)).toBe(400);
      expect(r.body).toMatchObject({ error_code: 'invalid-parameter', parameters: params });
    }
    expect((await call(g, 'GET', '/apps/battery-monitor/locks')).status).toBe(200);
    expect(await (await call(g, 'GET', '/apps/battery-monitor/locks')).json()).toEqual({ items: [] });
  });

  it('conflicts without break_lock, breaks a breakable lock, refuses a non-breakable one', async () => {
    const g = await start({ locks: { entityLocks: (type, id) => (id === 'motor-controller' ? { breakable: false } : undefined) } });
    await acquire(g, '/apps/battery-monitor', 'alice', { lock_expiration: 60 });
    const c = await acquire(g, '/apps/battery-monitor', 'bob', { lock_expiration: 60 });
    expect(c.status).toBe(409);
    expect(c.body).toMatchObject({ error_code: 'invalid-request', parameters: { existing_lock_id: 'lock_1' } });
    const b = await acquire(g, '/apps/battery-monitor', 'bob', { lock_expiration: 60, break_lock: true });
    expect(b.status).toBe(201);
    expect(b.body.id).toBe('lock_2');
    expect((await call(g, 'GET', '/apps/battery-monitor/locks/lock_1')).status).toBe(404);

    await acquire(g, '/apps/motor-controller', 'alice', { lock_expiration: 60 });
    const nb = await acquire(g, '/apps/motor-controller', 'bob', { lock_expiration: 60, break_lock: true });
    expect(nb.status).toBe(409);
    expect(nb.body).toMatchObject({ error_code: 'invalid-request', parameters: { existing_lock_id: 'lock_3' } });
  });

  it('enforces required scopes from the manifest lock block and honours its max_expiration', async () => {
    const g = await start({ locks: { entityLocks: (type, id) => (id === 'battery-monitor' ? { required_scopes: ['configurations'], max_expiration: 30 } : undefined) } });
    const r = await call(g, 'PUT', '/apps/battery-monitor/test-mutate/configurations', { client: 'alice' });
    expect(r.status).toBe(409);
    expect(await r.json()).toMatchObject({ error_code: 'invalid-request', parameters: { entity_id: 'battery-monitor', collection: 'configurations' } });
    expect((await call(g, 'PUT', '/apps/battery-monitor/test-mutate/data', { client: 'alice' })).status).toBe(200);
    expect((await acquire(g, '/apps/battery-monitor', 'alice', { lock_expiration: 31 })).status).toBe(400);
    expect((await acquire(g, '/apps/battery-monitor', 'alice', { lock_expiration: 30 })).status).toBe(201);
    expect((await call(g, 'PUT', '/apps/battery-monitor/test-mutate/configurations', { client: 'alice' })).status).toBe(200);
  });

  it('reads type defaults from configuration', async () => {
    const g = await start({ flags: { 'locking.defaults.components.lock_required_scopes': ['operations'] } });
    expect((await call(g, 'PUT', '/components/main-computer/test-mutate/operations', { client: 'alice' })).status).toBe(409);
    expect((await call(g, 'PUT', '/apps/battery-monitor/test-mutate/operations', { client: 'alice' })).status).toBe(200);
  });

  it('has no lock routes on areas and functions; 404 for unknown entities', async () => {
    const g = await start();
    expect((await call(g, 'GET', '/areas/base/locks')).status).toBe(404);
    expect((await call(g, 'GET', '/functions/power/locks')).status).toBe(404);
    const r = await call(g, 'GET', '/apps/nope/locks');
    expect(r.status).toBe(404);
    expect((await r.json()).error_code).toBe('entity-not-found');
  });

  it('keeps locks across a gateway restart on the same data dir', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'medkit-locks-'));
    dirs.push(dataDir);
    const g1 = await start({ dataDir });
    await acquire(g1, '/apps/battery-monitor', 'alice', { lock_expiration: 600 });
    await g1.close();
    gateways = gateways.filter((g) => g !== g1);
    const g2 = await start({ dataDir });
    expect((await call(g2, 'GET', '/apps/battery-monitor/locks/lock_1', { client: 'alice' })).status).toBe(200);
    expect((await call(g2, 'PUT', '/apps/battery-monitor/test-mutate/data', { client: 'bob' })).status).toBe(409);
    expect((await acquire(g2, '/apps/motor-controller', 'bob', { lock_expiration: 60 })).body.id).toBe('lock_2');
  });

  it('answers 501 when locking is disabled and then does not enforce', async () => {
    const g = await start({ flags: { 'locking.enabled': false } });
    const r = await acquire(g, '/apps/battery-monitor', 'alice', { lock_expiration: 60 });
    expect(r.status).toBe(501);
    expect(r.body.error_code).toBe('not-implemented');
    expect((await call(g, 'PUT', '/apps/battery-monitor/test-mutate/data', { client: 'bob' })).status).toBe(200);
  });
});
