// The fuzz generator itself: paths follow servers[0].url, runs are reproducible by seed, and the
// variants cover the hostile classes the fuzz test promises.
import { describe, expect, it } from 'vitest';
import { generate, sovdErrorProblem, type OpenApiDoc } from './fuzz/generator.js';

const doc = (servers?: { url: string }[], base = ''): OpenApiDoc => ({
  ...(servers ? { servers } : {}),
  paths: {
    [`${base}/apps/{app_id}/locks`]: {
      post: {
        parameters: [{ name: 'app_id', in: 'path', required: true }],
        requestBody: { content: { 'application/json': { schema: { type: 'object', required: ['lock_expiration'], properties: { lock_expiration: { type: 'integer', minimum: 1 } } } } } },
      },
      get: { parameters: [{ name: 'app_id', in: 'path', required: true }, { name: 'limit', in: 'query', schema: { type: 'integer' } }] },
    },
  },
});
const opts = { seed: 1, perOperation: 1000, pathValues: { app_id: ['a1'] } };

describe('OpenAPI fuzz generator', () => {
  it('prefixes paths with servers[0].url, whether paths are relative to it or absolute', () => {
    for (const d of [doc([{ url: '/api/v1' }]), doc([{ url: 'http://robot:8080/api/v1/' }]), doc([{ url: '/' }], '/api/v1'), doc(undefined, '/api/v1')]) {
      const reqs = generate(d, opts);
      expect(reqs.find((r) => r.label.includes('as documented'))?.path).toBe('/api/v1/apps/a1/locks');
      expect(reqs.every((r) => r.path.startsWith('/api/v1/apps/'))).toBe(true);
    }
  });

  it('is reproducible by seed and bounded per operation', () => {
    const a = generate(doc([{ url: '/api/v1' }]), { ...opts, perOperation: 5 });
    expect(generate(doc([{ url: '/api/v1' }]), { ...opts, perOperation: 5 })).toEqual(a);
    expect(generate(doc([{ url: '/api/v1' }]), { ...opts, perOperation: 5, seed: 2 })).not.toEqual(a);
    // as documented + HEAD for GET, as documented for POST, 5 variants each.
    expect(a).toHaveLength(3 + 10);
  });

  it('covers wrong types, extreme numbers, huge strings, NUL, malformed encodings and bodies on bodiless methods', () => {
    const all = generate(doc([{ url: '/api/v1' }]), opts);
    const bodies = all.filter((r) => r.method === 'POST' && r.body?.startsWith('{"lock_expiration"')).map((r) => JSON.parse(r.body!).lock_expiration);
    expect(bodies).toEqual(expect.arrayContaining([true, 'str', 1e308, -1, null, 'nul\u0000byte']));
    expect(bodies.some((v) => typeof v === 'string' && v.length >= 100_000)).toBe(true);
    expect(all.some((r) => r.path === '/api/v1/apps/%E0%A4%A/locks')).toBe(true);
    expect(all.some((r) => r.path.includes('?limit=1e308'))).toBe(true);
    expect(all.some((r) => r.method === 'GET' && r.body === '{"a":1}')).toBe(true);
    expect(all.some((r) => r.method === 'HEAD')).toBe(true);
  });

  it('accepts only the GenericError shape', () => {
    expect(sovdErrorProblem({ error_code: 'invalid-request', message: 'm' })).toBeUndefined();
    expect(sovdErrorProblem({ error_code: 'vendor-error', vendor_code: 'x-medkit-uri-too-long', message: 'm', parameters: {} })).toBeUndefined();
    expect(sovdErrorProblem({ error: 'Bad Request', code: 'FST_ERR_BAD_URL', message: 'x', statusCode: 400 })).toBe('no error_code');
    expect(sovdErrorProblem({ error_code: 'vendor-error', message: 'm' })).toMatch(/vendor_code/);
    expect(sovdErrorProblem({ error_code: 'x', message: 'm', statusCode: 400 })).toMatch(/unexpected/);
  });
});
