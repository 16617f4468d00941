// The OpenAPI document against Spectral's `oas` ruleset (issue 24 point 4): 0 errors and 0 warnings for the
// whole document and a scoped one of the default gateway. Every operation has tags (declared at the top
// level) and a description; roles are not scopes of the bearer scheme but `x-medkit-minimum-role`.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fileURLToPath } from 'node:url';
import { startTestGateway, type TestGateway } from '../../../../test-support/gateway/gateway.js';
import { lintOpenApi } from '../support/spectral.js';

const MANIFEST = fileURLToPath(new URL('../../../../examples/amr/manifest.yaml', import.meta.url));

describe('OpenAPI document under Spectral (oas ruleset)', () => {
  let g: TestGateway;
  beforeAll(async () => {
    g = await startTestGateway({ defaults: true, flags: { 'discovery.manifest_path': MANIFEST, 'discovery.mode': 'manifest_only' } });
  });
  afterAll(async () => g?.close());

  it('reports no error and no warning on the whole document', async () => {
    const doc = await (await fetch(`${g.url}/api/v1/docs`)).json();
    expect(await lintOpenApi(doc)).toEqual([]);
    // What the rules check is really there: tags declared with descriptions, every operation described and tagged.
    const declared = new Map((doc.tags as { name: string; description: string }[]).map((t) => [t.name, t.description]));
    let operations = 0;
    for (const [path, item] of Object.entries(doc.paths as Record<string, Record<string, { tags?: string[]; description?: string; security?: Record<string, string[]>[]; 'x-medkit-minimum-role'?: string }>>)) {
      for (const [method, op] of Object.entries(item)) {
        operations++;
        expect(op.description, `${method} ${path}`).toBeTruthy();
        expect(op.tags?.length, `${method} ${path}`).toBeGreaterThan(0);
        for (const t of op.tags!) expect(declared.get(t), t).toBeTruthy();
        // Scopes only on OAuth2/OpenID schemes: the bearer requirement names none; the role is an extension.
        for (const req of op.security ?? []) for (const scopes of Object.values(req)) expect(scopes, `${method} ${path}`).toEqual([]);
        expect(op['x-medkit-minimum-role'], `${method} ${path}`).toMatch(/^(public|viewer|operator|configurator|admin)$/);
      }
    }
    expect(operations).toBeGreaterThan(250);
    expect(doc.paths['/faults'].delete['x-medkit-minimum-role']).toBe('operator');
    expect(doc.components.securitySchemes.bearerAuth.type).toBe('http');
  });

  it('reports nothing on a scoped document but the component schemas it keeps on purpose', async () => {
    const res = await fetch(`${g.url}/api/v1/apps/battery-monitor/docs`);
    expect(res.status).toBe(200);
    // Scoped documents keep every component schema (docs/migrating.md), so most are unused there.
    const problems = await lintOpenApi(await res.json());
    expect(problems.filter((p) => !p.startsWith('warning oas3-unused-component '))).toEqual([]);
  });

  it('can fail: a document with the old role scopes and an untagged operation is reported', async () => {
    const doc = await (await fetch(`${g.url}/api/v1/docs`)).json();
    doc.paths['/faults'].get.security = [{ bearerAuth: ['viewer'] }];
    delete doc.paths['/faults'].get.tags;
    const problems = await lintOpenApi(doc);
    expect(problems.some((p) => p.includes('oas3-operation-security-defined'))).toBe(true);
    expect(problems.some((p) => p.includes('operation-tags'))).toBe(true);
  });
});
