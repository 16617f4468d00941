// Route schemas compile on first use (issue 32): nothing is compiled when routes are registered, each
// schema once when its route first validates or answers, and the compiled validator's errors and Ajv
// context reach Fastify as before.
import { describe, expect, it } from 'vitest';
import Fastify from 'fastify';
import { lazySerializerCompiler, lazyValidatorCompiler, reuseForEqualSchemas } from '../../src/http/lazy-compile.js';
import AjvCompiler from '@fastify/ajv-compiler';
import { SerializerSelector } from '@fastify/fast-json-stringify-compiler';

describe('lazy schema compilers', () => {
  it('compile nothing until a route is used, then each schema once', async () => {
    const compiled: string[] = [];
    const ajv = AjvCompiler()({}, { customOptions: {} } as never);
    const fjs = SerializerSelector()({}, {});
    const app = Fastify({
      schemaController: {
        compilersFactory: {
          buildValidator: (() => lazyValidatorCompiler((route) => (compiled.push(`validator ${route.url}`), ajv(route as never) as never))) as never,
          buildSerializer: (() => lazySerializerCompiler((route) => (compiled.push(`serializer ${route.url}`), fjs(route as never) as never))) as never,
        },
      },
    });
    for (const n of [1, 2, 3]) {
      app.post(`/r${n}`, { schema: { body: { type: 'object', properties: { x: { type: 'integer', minimum: 0 } }, required: ['x'] }, response: { 200: { type: 'object', properties: { n: { type: 'integer' } } } } } }, async () => ({ n, secret: 'not serialized' }));
    }
    await app.ready();
    expect(compiled).toEqual([]);
    const ok = await app.inject({ method: 'POST', url: '/r2', payload: { x: 1 } });
    expect(ok.json()).toEqual({ n: 2 });
    const bad = await app.inject({ method: 'POST', url: '/r2', payload: { x: -1 } });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().message).toMatch(/must be >= 0/);
    expect(compiled).toEqual(['validator /r2', 'serializer /r2']);
    await app.close();
  });

  it('builds a validator on its first call only and forwards errors and the Ajv context', () => {
    let builds = 0;
    const seen: unknown[] = [];
    const real = Object.assign((data: unknown, ctx?: unknown) => (seen.push(ctx), data === 1), { schemaEnv: {}, errors: undefined as unknown });
    const make = lazyValidatorCompiler(() => (builds++, real));
    const v = make({ schema: {}, method: 'GET', url: '/', httpPart: 'querystring' }) as unknown as ((d: unknown, c?: unknown) => unknown) & { errors?: unknown; schemaEnv?: unknown };
    expect(builds).toBe(0);
    expect(v.schemaEnv).toBeTruthy();
    real.errors = [{ message: 'bad' }];
    expect(v(2, { parentData: {} })).toBe(false);
    expect(v.errors).toEqual([{ message: 'bad' }]);
    expect(v(1)).toBe(true);
    expect(builds).toBe(1);
    expect(seen[0]).toEqual({ parentData: {} });
  });

  it('builds a serializer on its first call only', () => {
    let builds = 0;
    const make = lazySerializerCompiler(() => (builds++, (d: unknown) => JSON.stringify(d)));
    const s = make({ schema: {}, method: 'GET', url: '/', httpStatus: '200' });
    expect(builds).toBe(0);
    expect(s({ a: 1 })).toBe('{"a":1}');
    expect(s({ a: 2 })).toBe('{"a":2}');
    expect(builds).toBe(1);
  });

  it('builds one compiler for the routes that share equal schemas, though Fastify copies them for every route', async () => {
    const builds: Record<string, unknown>[] = [];
    const fjs = SerializerSelector();
    const app = Fastify({
      schemaController: {
        compilersFactory: {
          buildSerializer: reuseForEqualSchemas((schemas: Record<string, unknown>, options: unknown) => (builds.push(schemas), fjs(schemas as never, options as never))) as never,
        },
      },
    });
    const response = { 200: { $ref: 'N#' } };
    app.addSchema({ $id: 'N', type: 'object', properties: { n: { type: 'integer' } } });
    for (const n of [1, 2, 3]) app.get(`/a${n}`, { schema: { response } }, async () => ({ n, extra: 1 }));
    app.addSchema({ $id: 'M', type: 'object', properties: { m: { type: 'integer' } } });
    for (const n of [1, 2]) app.get(`/b${n}`, { schema: { response: { 200: { $ref: 'M#' } } } }, async () => ({ m: n, extra: 1 }));
    await app.ready();
    // Fastify asks for a serializer for each of the five routes (after the last addSchema): one build.
    expect(builds.map((b) => Object.keys(b).sort())).toEqual([['M', 'N']]);
    expect((await app.inject('/a3')).json()).toEqual({ n: 3 });
    expect((await app.inject('/b2')).json()).toEqual({ m: 2 });
    await app.close();
  });

  it('tells schema sets apart by their entries and by the options', () => {
    let builds = 0;
    const build = reuseForEqualSchemas((_s: Record<string, unknown>, _o: unknown) => ++builds);
    const a = { type: 'object' };
    const opts = {};
    expect(build({ A: a }, opts)).toBe(1);
    expect(build({ A: a }, opts)).toBe(1);
    expect(build({ A: { type: 'object' } }, opts)).toBe(2);
    expect(build({ A: a, B: a }, opts)).toBe(3);
    const other = {};
    expect(build({ A: a, B: a }, other)).toBe(4);
    expect(build({ B: a, A: a }, other)).toBe(4);
  });
});
