// What the reference's 0.7.0 advertises that a client may walk (its gateway CHANGELOG, #591): entity details
// carry `data-categories` and `data-groups` on every entity type, `locks` on components and apps where locking
// is on, and `fault-triggers` on apps — each as a URI field and a capability whose href answers; and the root's
// `endpoints` list plugin-mounted routes. Real gateways (manifest tree, real HTTP, real SQLite).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fileURLToPath } from 'node:url';
import { loadConfig } from '../../src/config/index.js';
import { defaultFeatures, FEATURE_KEYS } from '@medkit/cli';
import { createPluginsFeature } from '../../src/plugins/feature.js';
import { PLUGIN_API_VERSION, type MedkitPlugin, type PluginModule, type PluginRoute } from '@medkit/plugin-api';
import { startTestGateway, type TestGateway } from '../../../../test-support/gateway/gateway.js';
import { http } from '../../../../test-support/gateway/ros-robot.js';

const MANIFEST = fileURLToPath(new URL('../../../../examples/amr/manifest.yaml', import.meta.url));
const TREE = { 'discovery.manifest_path': MANIFEST, 'discovery.mode': 'manifest_only', 'ui.enabled': false };

/** A plugin with one documented vendor route and one left undocumented. */
class Vendor implements MedkitPlugin {
  name() {
    return 'vendor';
  }
  configure() {}
  getRoutes(): PluginRoute[] {
    return [
      { method: 'GET', pattern: 'apps/([^/]+)/x-acme-trace', handler: (req, res) => res.sendJson({ app: req.pathParam(1) }) },
      { method: 'POST', pattern: 'x-acme/reset', handler: (_req, res) => res.sendJson({ ok: true }) },
    ];
  }
}
const module: PluginModule = {
  pluginApiVersion: PLUGIN_API_VERSION,
  createPlugin: () => new Vendor(),
  describePluginRoutes: () => ({ '/apps/{app_id}/x-acme-trace': { get: { summary: 'Trace of an app', responses: { 200: { description: 'the trace' } } } } }),
};

const ENTITIES = [
  ['areas', 'base'],
  ['components', 'main-computer'],
  ['apps', 'battery-monitor'],
  ['functions', 'power-management'],
] as const;

describe('entity details advertise data-categories, data-groups, locks and fault-triggers', () => {
  let g: TestGateway;
  let off: TestGateway;
  beforeAll(async () => {
    g = await startTestGateway({ defaults: true, flags: TREE as never });
    off = await startTestGateway({ defaults: true, flags: { ...TREE, 'locking.enabled': false, 'fault_triggers.enabled': false } as never });
  }, 120_000);
  afterAll(async () => {
    await g?.close();
    await off?.close();
  });

  it('lists each where its route answers, as a URI field and a capability whose href answers 200', async () => {
    const expected: Record<string, string[]> = {
      areas: ['data-categories', 'data-groups'],
      components: ['data-categories', 'data-groups', 'locks'],
      apps: ['data-categories', 'data-groups', 'locks', 'fault-triggers'],
      functions: ['data-categories', 'data-groups'],
    };
    for (const [segment, id] of ENTITIES) {
      const d = (await http(`${g.url}/api/v1/${segment}/${id}`)).body;
      const caps = new Map((d.capabilities as { name: string; href: string }[]).map((c) => [c.name, c.href]));
      for (const name of ['data-categories', 'data-groups', 'locks', 'fault-triggers']) {
        const want = expected[segment].includes(name);
        expect(caps.has(name), `${segment}/${id} capability ${name}`).toBe(want);
        expect(d[name] !== undefined, `${segment}/${id} field ${name}`).toBe(want);
        if (!want) continue;
        expect(d[name]).toBe(`/api/v1/${segment}/${id}/${name}`);
        expect(caps.get(name)).toBe(d[name]);
        expect((await http(`${g.url}${d[name]}`)).status, `GET ${d[name]}`).toBe(200);
      }
    }
  });

  it('leaves out locks and fault-triggers when their features are off', async () => {
    for (const [segment, id] of [['components', 'main-computer'], ['apps', 'battery-monitor']] as const) {
      const d = (await http(`${off.url}/api/v1/${segment}/${id}`)).body;
      const names = (d.capabilities as { name: string }[]).map((c) => c.name);
      expect(names).not.toContain('locks');
      expect(names).not.toContain('fault-triggers');
      expect(d.locks).toBeUndefined();
      expect(d['fault-triggers']).toBeUndefined();
      expect(names).toEqual(expect.arrayContaining(['data-categories', 'data-groups']));
    }
  });
});

describe('the root lists plugin routes', () => {
  let g: TestGateway;
  beforeAll(async () => {
    const flags = { ...TREE, 'ros.enabled': false, 'logging.level': 'silent' };
    const config = loadConfig({ env: {}, extraKeys: FEATURE_KEYS, flags: flags as never });
    const features = defaultFeatures(config).map((f) => (f.name === 'plugins' ? createPluginsFeature({ plugins: [{ name: 'vendor', module }] }) : f));
    g = await startTestGateway({ features, flags: flags as never });
  }, 120_000);
  afterAll(async () => {
    await g?.close();
  });

  it('names each documented plugin route once beside the built-in ones, and the route answers', async () => {
    const endpoints = (await http(`${g.url}/api/v1/`)).body.endpoints as string[];
    expect(endpoints).toContain('GET /api/v1/health');
    expect(endpoints.filter((e) => e === 'GET /api/v1/apps/{app_id}/x-acme-trace')).toHaveLength(1);
    const trace = await http(`${g.url}/api/v1/apps/battery-monitor/x-acme-trace`);
    expect(trace.body, JSON.stringify(trace.body)).toEqual({ app: 'battery-monitor' });
    // The OpenAPI document names the same path.
    const doc = (await http(`${g.url}/api/v1/docs`)).body;
    expect(Object.keys(doc.paths)).toContain('/apps/{app_id}/x-acme-trace');
  });
});
