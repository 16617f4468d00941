// Isolation (docs/plugins.md): a plugin that throws in configure, one whose introspect hangs and
// one whose providers throw, all loaded by path into one default gateway. The gateway starts, keeps
// serving (built-in routes and the healthy parts of plugins), and reports each plugin on /health.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestGateway, type TestGateway } from '../../../../test-support/gateway/gateway.js';
import { http } from '../../../../test-support/gateway/ros-robot.js';

const MODULES: Record<string, string> = {
  // Throws in configure: disabled before it can do anything.
  'bad-configure.mjs': `
    export const pluginApiVersion = 7;
    export function createPlugin() {
      return { name: () => 'bad_configure', configure() { throw new Error('missing licence key'); }, getRoutes: () => [{ method: 'GET', pattern: 'x-bad/ping', handler: (_q, r) => r.sendJson({}) }] };
    }
    export const getIntrospectionProvider = () => ({ introspect: () => ({ new_entities: { apps: [{ id: 'never_seen' }] } }) });
  `,
  // introspect never settles: each pass is abandoned at the deadline and the entity never appears.
  'hang.mjs': `
    export const pluginApiVersion = 7;
    export function createPlugin() { return { name: () => 'hang', configure() {} }; }
    export const getIntrospectionProvider = () => ({ introspect: () => new Promise(() => {}) });
  `,
  // Owns an app whose data provider throws (500) and whose operation provider hangs (504); a vendor route throws.
  'boom.mjs': `
    export const pluginApiVersion = 7;
    export function createPlugin() {
      return { name: () => 'boom', configure() {}, getRoutes: () => [
        { method: 'GET', pattern: 'x-boom/status', handler: () => { throw new Error('route exploded'); } },
        { method: 'GET', pattern: 'x-boom/refuse/([a-z-]+)', handler: (q, r) => r.sendError(q.pathParam(1) === 'invalid-parameter' ? 400 : 1000, q.pathParam(1), 'refused', { why: 'test' }) },
      ] };
    }
    export const getIntrospectionProvider = () => ({ introspect: () => ({ new_entities: { apps: [{ id: 'boom_app', name: 'Boom' }] } }) });
    export const getDataProvider = () => ({ listData: () => { throw new Error('sensor bus down'); }, readData: () => ({ id: 'x', data: 1 }), writeData: () => ({}) });
    export const getOperationProvider = () => ({ listOperations: () => new Promise(() => {}), executeOperation: () => ({}) });
  `,
  // Built for another API version.
  'old.mjs': `
    export const pluginApiVersion = 6;
    export function createPlugin() { return { name: () => 'old', configure() {} }; }
  `,
};

let dir: string;
let g: TestGateway;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'medkit-faulty-plugins-'));
  for (const [file, text] of Object.entries(MODULES)) writeFileSync(join(dir, file), text);
  g = await startTestGateway({
    defaults: true,
    flags: {
      'ui.enabled': false,
      plugins: ['bad_configure', 'hang', 'boom', 'old', 'missing'],
      'plugins.bad_configure.path': join(dir, 'bad-configure.mjs'),
      'plugins.hang.path': join(dir, 'hang.mjs'),
      'plugins.hang.call_timeout_ms': 300,
      'plugins.boom.path': join(dir, 'boom.mjs'),
      'plugins.boom.call_timeout_ms': 300,
      'plugins.old.path': join(dir, 'old.mjs'),
      'plugins.missing.path': join(dir, 'not-there.mjs'),
    },
  });
}, 60_000);

afterAll(async () => {
  await g?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const api = (path: string) => http(`${g.url}/api/v1${path}`);
const pluginHealth = async (name: string) => ((await api('/health')).body['x-medkit-plugins'] as { name: string }[]).find((p) => p.name === name) as Record<string, unknown>;

describe('faulty plugins', () => {
  it('starts and keeps serving the built-in API', async () => {
    expect((await api('/')).status).toBe(200);
    expect((await api('/apps')).status).toBe(200);
    expect((await api('/health')).status).toBe(200);
  });

  it('disables a plugin that throws in configure, and reports why', async () => {
    expect(await pluginHealth('bad_configure')).toMatchObject({ state: 'disabled', error: 'configure failed: missing licence key' });
    expect((await api('/apps')).body.items.map((i: { id: string }) => i.id)).not.toContain('never_seen');
    // Its routes were never mounted.
    expect((await api('/x-bad/ping')).status).toBe(404);
    const warnings = (await api('/health')).body.warnings as { code: string; message: string }[];
    expect(warnings).toEqual(expect.arrayContaining([expect.objectContaining({ code: 'plugin_disabled', message: expect.stringContaining('bad_configure') })]));
  });

  it('abandons an introspect that hangs at the deadline, and reports the timeout', async () => {
    const h = await pluginHealth('hang');
    expect(h).toMatchObject({ state: 'active', owned_entities: 0 });
    expect(h.failed_calls).toBeGreaterThan(0);
    expect(h.last_error).toMatch(/introspect failed: plugin 'hang': introspect did not answer within 300 ms/);
  });

  it("answers 5xx for a provider that throws or hangs, and the plugin's other parts keep working", async () => {
    expect((await api('/apps/boom_app')).status).toBe(200);
    const list = await api('/apps/boom_app/data');
    expect(list.status).toBe(500);
    expect(list.body).toMatchObject({ error_code: 'vendor-error', vendor_code: 'x-medkit-plugin-error', parameters: { plugin: 'boom', call: 'listData' } });
    expect((await api('/apps/boom_app/data/x')).body).toEqual({ id: 'x', data: 1 });
    // Categories and groups come from the same list: the same refusal, not a 500 of their own.
    for (const coll of ['data-categories', 'data-groups']) expect((await api(`/apps/boom_app/${coll}`)).body).toMatchObject({ vendor_code: 'x-medkit-plugin-error', parameters: { call: 'listData' } });
    const ops = await api('/apps/boom_app/operations');
    expect(ops.status).toBe(504);
    expect(ops.body.message).toMatch(/listOperations did not answer within 300 ms/);
    const route = await api('/x-boom/status');
    expect(route.status).toBe(500);
    expect(route.body.message).toMatch(/route exploded/);
    const h = await pluginHealth('boom');
    expect(h).toMatchObject({ state: 'active', owned_entities: 1 });
    expect(h.failed_calls).toBeGreaterThanOrEqual(3);
    // Still serving after all of it.
    expect((await api('/apps/boom_app/data/x')).status).toBe(200);
  });

  it("answers a vendor route's sendError in the gateway's one error form", async () => {
    // A SOVD code as error_code; every x- code, the gateway's own included, in the vendor envelope; status clamped.
    expect(await api('/x-boom/refuse/invalid-parameter')).toMatchObject({ status: 400, body: { error_code: 'invalid-parameter', message: 'refused', parameters: { why: 'test' } } });
    expect(await api('/x-boom/refuse/x-boom-jammed')).toMatchObject({ status: 599, body: { error_code: 'vendor-error', vendor_code: 'x-boom-jammed' } });
    expect(await api('/x-boom/refuse/x-medkit-plugin-error')).toMatchObject({ body: { error_code: 'vendor-error', vendor_code: 'x-medkit-plugin-error' } });
  });

  it('refuses a module built for another API version and one that cannot be loaded, without stopping', async () => {
    expect(await pluginHealth('old')).toMatchObject({ state: 'disabled', error: "plugin API version 6 does not match the gateway's 7" });
    expect(await pluginHealth('missing')).toMatchObject({ state: 'disabled', error: expect.stringContaining('cannot load') });
  });
});
