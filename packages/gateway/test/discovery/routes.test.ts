import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fileURLToPath } from 'node:url';
import { startTestGateway, type TestGateway } from '../../../../test-support/gateway/gateway.js';
import { createEntitiesFeature } from '../../src/entities/http/feature.js';

const MANIFEST = fileURLToPath(new URL('../../../../examples/amr/manifest.yaml', import.meta.url));

describe('discovery routes on the example AMR manifest', () => {
  let g: TestGateway;
  const get = async (path: string) => {
    const res = await fetch(`${g.url}/api/v1${path}`);
    return { status: res.status, body: await res.json() };
  };
  beforeAll(async () => {
    g = await startTestGateway({
      features: [createEntitiesFeature()],
      flags: { 'discovery.manifest_path': MANIFEST, 'discovery.mode': 'manifest_only' },
    });
  });
  afterAll(async () => g.close());

  it('lists top-level areas only, with counts', async () => {
    const { status, body } = await get('/areas');
    expect(status).toBe(200);
    expect(body.items.map((a: { id: string }) => a.id).sort()).toEqual(['base', 'navigation', 'safety', 'sensors']);
    expect(body['x-medkit'].total_count).toBe(4);
    expect(body.items[0]).toMatchObject({ href: `/api/v1/areas/${body.items[0].id}`, type: 'area' });
  });

  it('serves every entity collection and detail', async () => {
    for (const [segment, id] of [
      ['areas', 'base'],
      ['components', 'battery-pack'],
      ['apps', 'battery-monitor'],
      ['functions', 'power-management'],
    ]) {
      const list = await get(`/${segment}`);
      expect(list.status).toBe(200);
      expect(list.body.items.length).toBeGreaterThan(0);
      const detail = await get(`/${segment}/${id}`);
      expect(detail.status).toBe(200);
      expect(detail.body.id).toBe(id);
      expect(detail.body._links.self).toBe(`/api/v1/${segment}/${id}`);
      expect(detail.body.faults).toBe(`/api/v1/${segment}/${id}/faults`);
      expect(detail.body.capabilities.some((c: { name: string }) => c.name === 'data')).toBe(true);
    }
  });

  it('gives app details their component links and x-medkit fields', async () => {
    const { body } = await get('/apps/battery-monitor');
    expect(body['is-located-on']).toBe('/api/v1/components/battery-pack');
    expect(body['belongs-to']).toBe('/api/v1/apps/battery-monitor/belongs-to');
    expect(body['x-medkit']).toMatchObject({ source: 'manifest', is_online: false, component_id: 'battery-pack', ros2: { node: '/base/battery_monitor' } });
    const comp = await get('/components/battery-pack');
    expect(comp.body['x-medkit'].identity).toMatchObject({ manufacturer: 'Acme Energy', serialNumber: 'BP-2024-00731', extra: { chemistry: 'LiFePO4' } });
    expect(comp.body['x-medkit'].capabilities).toEqual(comp.body.capabilities);
  });

  it('serves the relationship routes', async () => {
    expect((await get('/areas/base/subareas')).body.items.map((a: { id: string }) => a.id)).toEqual(['power']);
    expect((await get('/areas/base/components')).body.items.map((a: { id: string }) => a.id).sort()).toEqual(['drive-controller', 'main-computer']);
    const contains = (await get('/areas/base/contains')).body;
    expect(contains.items.map((a: { id: string }) => a.id).sort()).toEqual(['battery-pack', 'drive-controller', 'main-computer']);
    expect(contains._links).toEqual({ self: '/api/v1/areas/base/contains', area: '/api/v1/areas/base' });
    expect((await get('/components/main-computer/subcomponents')).body.items.map((a: { id: string }) => a.id)).toEqual(['gpu-module']);
    expect((await get('/components/drive-controller/depends-on')).body.items.map((a: { id: string }) => a.id)).toEqual(['main-computer']);
    const hosts = (await get('/components/main-computer/hosts')).body.items.map((a: { id: string }) => a.id);
    expect(hosts).toContain('bt-navigator');
    const located = (await get('/apps/battery-monitor/is-located-on')).body;
    expect(located.items).toEqual([{ id: 'battery-pack', name: 'Battery Pack', href: '/api/v1/components/battery-pack', type: 'component', 'x-medkit': expect.any(Object) }]);
    expect((await get('/apps/battery-monitor/belongs-to')).body.items.map((a: { id: string }) => a.id)).toEqual(['power']);
    expect((await get('/apps/bt-navigator/depends-on')).body.items.map((a: { id: string }) => a.id).sort()).toEqual(['controller-server', 'planner-server']);
    expect((await get('/functions/autonomous-navigation/hosts')).body.items.map((a: { id: string }) => a.id).sort()).toEqual(['bt-navigator', 'controller-server', 'planner-server']);
    expect((await get('/apps/docking-controller')).status).toBe(404); // fragments need fragments_dir
  });

  it('answers 404 entity-not-found for an unknown id', async () => {
    const { status, body } = await get('/apps/no_such_app');
    expect(status).toBe(404);
    expect(body).toMatchObject({ error_code: 'entity-not-found', parameters: { entity_id: 'no_such_app' } });
    expect((await get('/areas/nope/subareas')).status).toBe(404);
  });

  it('answers 400 invalid-parameter for an invalid id', async () => {
    const { status, body } = await get('/apps/bad.id');
    expect(status).toBe(400);
    expect(body.error_code).toBe('invalid-parameter');
    expect((await get(`/components/${'x'.repeat(257)}`)).status).toBe(400);
  });

  it('answers 400 with the actual type when the id belongs to another type', async () => {
    const { status, body } = await get('/apps/battery-pack');
    expect(status).toBe(400);
    expect(body.parameters).toMatchObject({ entity_id: 'battery-pack', expected_type: 'app', actual_type: 'component' });
  });

  it('filters by tags and reports discovery on /health', async () => {
    expect((await get('/apps?tags=nothing')).body.items).toEqual([]);
    const health = (await get('/health')).body;
    expect(health.discovery.mode).toBe('manifest_only');
    expect(health['x-medkit-entity-cache'].apps).toBeGreaterThan(0);
  });

  it('lists discovery routes with typed schemas in the OpenAPI document', async () => {
    const doc = (await get('/docs')).body;
    expect(doc.paths['/apps/{app_id}/is-located-on'].get.operationId).toBe('listAppIsLocatedOn');
    expect(doc.paths['/apps'].get.responses['200']).toBeDefined();
    const scoped = (await get('/apps/battery-monitor/docs')).body;
    expect(Object.keys(scoped.paths)).toContain('/apps/battery-monitor');
  });
});

describe('manifest errors', () => {
  it('stop start-up with file, line and rule', async () => {
    const { mkdtempSync, writeFileSync } = await import('node:fs');
    const { join } = await import('node:path');
    const { tmpdir } = await import('node:os');
    const dir = mkdtempSync(join(tmpdir(), 'medkit-bad-'));
    const file = join(dir, 'bad.yaml');
    writeFileSync(file, 'manifest_version: "1.0"\ncomponents:\n  - id: a\napps:\n  - id: x\n    is_located_on: nowhere\n');
    await expect(
      startTestGateway({ features: [createEntitiesFeature()], flags: { 'discovery.manifest_path': file, 'discovery.mode': 'manifest_only' } }),
    ).rejects.toThrow(/bad\.yaml:6.*R007/);
  });
});
