import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Validator } from '@seriousme/openapi-schema-validator';
import { fileURLToPath } from 'node:url';
import { startTestGateway, type TestGateway } from '../support/gateway.js';

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
    expect(Object.keys(scoped.paths)).toEqual(['/api/v1/health']);
    const none = await fetch(`${g.url}/api/v1/nothing-here/docs`);
    expect(none.status).toBe(404);
    expect((await none.json()).error_code).toBe('resource-not-found');
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
