// Roles reach beyond the built-in routes: plugin vendor routes (viewer reads, configurator writes, a
// plugin may only ask for more) and /mcp, whose tool calls go back through the REST API with the caller's
// token. Their OpenAPI security states the same roles.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/index.js';
import { defaultFeatures, FEATURE_KEYS } from '@medkit/cli';
import { createPluginsFeature } from '../../src/plugins/feature.js';
import { PLUGIN_API_VERSION, type MedkitPlugin, type PluginModule, type PluginRoute } from '@medkit/plugin-api';
import { startTestGateway, type TestGateway } from '../../../../test-support/gateway/gateway.js';
import { lintOpenApi } from '../support/spectral.js';
import { api, authFlags, tokensOf, type TestRole } from '../../../../test-support/gateway/auth.js';

const ok: PluginRoute['handler'] = (_req, res) => res.sendJson({ ok: true });
const routes: PluginRoute[] = [
  { method: 'GET', pattern: 'x-vault/status', handler: ok },
  { method: 'GET', pattern: 'x-vault/secrets', role: 'admin', handler: ok },
  { method: 'POST', pattern: 'x-vault/rotate', handler: ok },
  // Asks for less than the floor: the floor (configurator) still applies.
  { method: 'POST', pattern: 'x-vault/lock', role: 'viewer', handler: ok },
];
const plugin: MedkitPlugin = { name: () => 'vault', configure() {}, getRoutes: () => routes };
const op = (summary: string) => ({ summary, responses: { 200: { description: 'ok' } } });
const module: PluginModule = {
  pluginApiVersion: PLUGIN_API_VERSION,
  createPlugin: () => plugin,
  describePluginRoutes: () => ({
    'x-vault/status': { get: op('status') },
    'x-vault/secrets': { get: op('secrets') },
    'x-vault/rotate': { post: op('rotate') },
    'x-vault/lock': { post: op('lock') },
  }),
};

let g: TestGateway;
const tokens = {} as Record<TestRole | 'none', string | undefined>;
beforeAll(async () => {
  const flags = { ...authFlags({ 'auth.require_auth_for': 'write' }), 'ros.enabled': false, 'mcp.enabled': true, 'logging.level': 'silent' };
  const config = loadConfig({ env: {}, extraKeys: FEATURE_KEYS, flags });
  const features = defaultFeatures(config).map((f) => (f.name === 'plugins' ? createPluginsFeature({ plugins: [{ name: 'vault', module }] }) : f));
  g = await startTestGateway({ features, flags });
  for (const role of ['viewer', 'operator', 'configurator', 'admin'] as const) tokens[role] = (await tokensOf(g, role)).access_token;
});
afterAll(() => g?.close());

async function statusAs(who: TestRole | 'none', method: string, path: string) {
  return (await api(g, method, path, { token: tokens[who], body: method === 'POST' ? {} : undefined })).status;
}

describe('plugin vendor routes', () => {
  it('hold reads to viewer (open in write mode) and writes to configurator', async () => {
    expect(await statusAs('none', 'GET', '/x-vault/status')).toBe(200);
    expect(await statusAs('none', 'POST', '/x-vault/rotate')).toBe(401);
    expect(await statusAs('operator', 'POST', '/x-vault/rotate')).toBe(403);
    expect(await statusAs('configurator', 'POST', '/x-vault/rotate')).toBe(200);
  });

  it('let a plugin ask for a stricter role, never a looser one', async () => {
    // A GET above viewer needs a token even in write mode.
    expect(await statusAs('none', 'GET', '/x-vault/secrets')).toBe(401);
    expect(await statusAs('configurator', 'GET', '/x-vault/secrets')).toBe(403);
    expect(await statusAs('admin', 'GET', '/x-vault/secrets')).toBe(200);
    // Spelt differently, it is the same route to the router and to the role check.
    expect(await statusAs('viewer', 'GET', '/x-vault/%73ecrets')).toBe(403);
    expect(await statusAs('viewer', 'GET', '//x-vault//secrets')).toBe(403);
    expect(await statusAs('operator', 'POST', '/x-vault/lock')).toBe(403);
    expect(await statusAs('configurator', 'POST', '/x-vault/lock')).toBe(200);
  });

  it('publish the same roles in the OpenAPI document (security + x-medkit-minimum-role), which lints clean', async () => {
    const doc = (await (await api(g, 'GET', '/docs')).json()) as { paths: Record<string, Record<string, { security?: unknown; 'x-medkit-minimum-role'?: string }>> };
    const auth = (o: { security?: unknown; 'x-medkit-minimum-role'?: string }) => ({ security: o.security, role: o['x-medkit-minimum-role'] });
    expect(auth(doc.paths['/x-vault/status'].get)).toEqual({ security: [{}, { bearerAuth: [] }], role: 'viewer' });
    expect(auth(doc.paths['/x-vault/secrets'].get)).toEqual({ security: [{ bearerAuth: [] }], role: 'admin' });
    expect(auth(doc.paths['/x-vault/rotate'].post)).toEqual({ security: [{ bearerAuth: [] }], role: 'configurator' });
    expect(auth(doc.paths['/x-vault/lock'].post)).toEqual({ security: [{ bearerAuth: [] }], role: 'configurator' });
    // Plugin paths join the document after generation: they get descriptions and declared tags too.
    expect(await lintOpenApi(doc)).toEqual([]);
  });
});

describe('/mcp', () => {
  const initialize = { jsonrpc: '2.0', id: 1, method: 'initialize', params: { protocolVersion: '2025-03-26', capabilities: {}, clientInfo: { name: 't', version: '1' } } };
  const post = (token?: string) =>
    fetch(`${g.url}/mcp`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream', ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: JSON.stringify(initialize),
    });

  it('needs a token to POST and lets any role in', async () => {
    const anon = await post();
    expect(anon.status).toBe(401);
    expect(anon.headers.get('www-authenticate')).toContain('invalid_token');
    const viewer = await post(tokens.viewer);
    expect([401, 403]).not.toContain(viewer.status);
    await viewer.body?.cancel();
  });
});
