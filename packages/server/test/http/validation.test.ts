// Request validation's Ajv set-up (http/validation.ts): with the meta-schema check off, a malformed route schema is
// still refused when its route is first used, and query strings are still coerced and checked.
import { describe, expect, it } from 'vitest';
import { buildRequestValidator } from '../../src/http/validation.js';

type Validator = ReturnType<ReturnType<typeof buildRequestValidator>>;
const compile = (schema: object, httpPart = 'querystring'): Validator =>
  buildRequestValidator({}, {})({ schema, method: 'GET', url: `/v${Math.random()}`, httpPart } as never);

describe('request validators', () => {
  it('refuse a malformed schema on the first use of its route', () => {
    for (const schema of [
      { type: 'object', properties: { a: { type: 'strng' } } },
      { type: 'object', properties: { a: { type: 'number', minimum: 'x' } } },
      { type: 'object', required: 'a' },
    ]) {
      const validate = compile(schema);
      expect(() => (validate as (d: unknown) => unknown)({ a: 1 }), JSON.stringify(schema)).toThrow();
    }
  });

  it('coerce query strings and report what is wrong', () => {
    const validate = compile({ type: 'object', properties: { limit: { type: 'integer', minimum: 1 }, tags: { type: 'string' } } }) as ((d: unknown) => boolean) & { errors?: { message?: string }[] };
    const ok = { limit: '5', tags: ['a'] };
    expect(validate(ok)).toBe(true);
    expect(ok).toEqual({ limit: 5, tags: 'a' });
    expect(validate({ limit: '0' })).toBe(false);
    expect(validate.errors?.[0]?.message).toMatch(/>= 1/);
  });
});
