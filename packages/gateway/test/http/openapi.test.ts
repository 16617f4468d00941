import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Validator } from '@seriousme/openapi-schema-validator';
import { fileURLToPath } from 'node:url';
import { startTestGateway, type TestGateway } from '../../../../test-support/gateway/gateway.js';

interface Body {
  content?: Record<string, { schema?: { $ref?: string } }>;
}

const MANIFEST = fileURLToPath(new URL('../../../../examples/amr/manifest.yaml', import.meta.url));

describe('OpenAPI and Swagger UI', () => {
  let g: TestGateway;
  beforeAll(async () => {
    // The default gateway's features, so the document covers every route `medkit gateway` serves.
    g = await startTestGateway({ defaults: true, flags: { 'discovery.manifest_path': MANIFEST, 'discovery.mode': 'manifest_only' } });
  });
  afterAll(async () => g.close());

  it('serves a valid OpenAPI 3.1 document where every route has an operationId', async () => {
    const res = await fetch(`${g.url}/api/v1/docs`);
    expect(res.status).toBe(200);
    const doc = await res.json();
    expect(doc.openapi).toBe('3.1.0');
    const validator = new Validator();
    const result = await validator.validate(doc);
    expect(result.errors ?? []).toEqual([]);
    expect(result.valid).toBe(true);
    for (const [path, item] of Object.entries(doc.paths as Record<string, Record<string, { operationId?: string }>>)) {
      for (const [method, op] of Object.entries(item)) expect(op.operationId, `${method} ${path}`).toBeTruthy();
    }
    expect(doc.components.schemas.GenericError).toBeDefined();
    // Lists are typed: every 200 response of a GET names its schema, never a bare object.
    for (const [path, item] of Object.entries(doc.paths as Record<string, Record<string, { responses: Record<string, { content?: Record<string, { schema?: { type?: string; properties?: object; $ref?: string } }> }> }>>)) {
      const schema = item.get?.responses?.['200']?.content?.['application/json']?.schema;
      if (schema && !path.endsWith('/docs')) expect(schema.$ref ?? schema.properties ?? (schema as { additionalProperties?: unknown }).additionalProperties, path).toBeTruthy();
    }
  });

  it('serves scoped documents at any .../docs suffix and 404 when nothing matches', async () => {
    const scoped = await (await fetch(`${g.url}/api/v1/health/docs`)).json();
    expect(scoped.servers).toEqual([{ url: '/api/v1' }]);
    expect(Object.keys(scoped.paths)).toEqual(['/health']);
    // A scoped document substitutes the concrete ids and keeps the named bodies resolvable.
    const app = await (await fetch(`${g.url}/api/v1/apps/docs`)).json();
    expect(Object.keys(app.paths)).toContain('/apps/{app_id}/bulk-data/{category_id}');
    const refs = JSON.stringify(app.paths).match(/#\/components\/schemas\/[A-Za-z0-9._-]+/g) ?? [];
    for (const r of new Set(refs)) expect(app.components.schemas[r.split('/').pop()!], r).toBeDefined();
    const none = await fetch(`${g.url}/api/v1/nothing-here/docs`);
    expect(none.status).toBe(404);
    expect((await none.json()).error_code).toBe('resource-not-found');
  });

  it('is relative to servers[0].url with the reference path names, and every body is a named component', async () => {
    const doc = await (await fetch(`${g.url}/api/v1/docs`)).json();
    expect(doc.servers).toEqual([{ url: '/api/v1' }]);
    const paths = Object.keys(doc.paths);
    expect(paths.filter((p) => p.startsWith('/api/v1'))).toEqual([]);
    for (const p of ['/', '/version-info', '/apps/{app_id}/data', '/apps/{app_id}/bulk-data/{category_id}', '/components/{component_id}/bulk-data/{category_id}/{file_id}', '/updates/{update_id}/prepare']) {
      expect(paths, p).toContain(p);
    }
    expect(paths.filter((p) => p.includes('{category}'))).toEqual([]);
    expect(doc.components.schemas.VersionInfo).toMatchObject({ type: 'object', properties: { items: { type: 'array' } } });
    expect(doc.paths['/version-info'].get.responses['200'].content['application/json'].schema).toEqual({ $ref: '#/components/schemas/VersionInfo' });
    const inline: string[] = [];
    let bodies = 0;
    for (const [path, item] of Object.entries(doc.paths as Record<string, Record<string, { requestBody?: Body; responses: Record<string, Body> }>>)) {
      for (const [method, op] of Object.entries(item)) {
        const all: Array<[string, Body]> = [['request', op.requestBody ?? {}], ...Object.entries(op.responses)];
        for (const [what, body] of all) {
          for (const [media, m] of Object.entries(body.content ?? {})) {
            bodies++;
            const ref = m.schema?.$ref;
            if (typeof ref !== 'string' || !doc.components.schemas[ref.replace('#/components/schemas/', '')]) inline.push(`${method} ${path} ${what} ${media}`);
          }
        }
      }
    }
    expect(bodies).toBeGreaterThan(500);
    expect(inline).toEqual([]);
    // Multipart uploads document their form; errors of binary downloads are JSON.
    expect(doc.paths['/apps/{app_id}/bulk-data/{category_id}'].post.requestBody.content['multipart/form-data'].schema).toEqual({ $ref: '#/components/schemas/BulkDataUpload' });
    expect(doc.components.schemas.BulkDataUpload.properties.file).toMatchObject({ type: 'string', format: 'binary' });
    expect(doc.paths['/apps/{app_id}/scripts'].post.requestBody.content['multipart/form-data'].schema).toEqual({ $ref: '#/components/schemas/ScriptUpload' });
    expect(Object.keys(doc.paths['/apps/{app_id}/bulk-data/{category_id}/{file_id}'].get.responses['404'].content)).toEqual(['application/json']);
    for (const step of ['prepare', 'execute', 'automated']) {
      expect(doc.paths[`/updates/{update_id}/${step}`].put.responses['202'].content['application/json'].schema.$ref, step).toMatch(/^#\/components\/schemas\//);
    }
  });

  it('serves Swagger UI with bundled assets at /docs and /api/v1/swagger-ui (no CDN)', async () => {
    const redirect = await fetch(`${g.url}/docs`, { redirect: 'manual' });
    expect(redirect.status).toBe(302);
    const html = await (await fetch(`${g.url}/api/v1/swagger-ui/`)).text();
    expect(html).toContain('swagger-ui');
    expect(html).not.toMatch(/https?:\/\/(cdn|unpkg|cdnjs)/);
    const assets = [...html.matchAll(/(?:src|href)="\.?\/?([^"]+\.(?:js|css))"/g)].map((m) => m[1]);
    expect(assets.length).toBeGreaterThan(0);
    for (const a of assets) {
      const res = await fetch(`${g.url}/api/v1/swagger-ui/${a.replace(/^\.\//, '')}`);
      expect(res.status, a).toBe(200);
    }
    const init = await (await fetch(`${g.url}/api/v1/swagger-ui/static/swagger-initializer.js`)).text();
    expect(init).toContain('json');
  });

  it('answers 501 when docs are disabled', async () => {
    const off = await startTestGateway({ flags: { 'docs.enabled': false } });
    try {
      const res = await fetch(`${off.url}/api/v1/docs`);
      expect(res.status).toBe(501);
      expect((await res.json()).error_code).toBe('not-implemented');
    } finally {
      await off.close();
    }
  });
});
