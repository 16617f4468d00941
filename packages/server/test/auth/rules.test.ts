// The pure parts of the access rules: default minimum roles, the stricter-of rule, client entries with
// colons in the secret, and the Authorization header parser (the fleet's forwarded writes: packages/fleet).
import { describe, expect, it } from 'vitest';
import { accessOf, defaultAccess, stricter } from '../../src/auth/route-access.js';
import { ClientRegistry } from '../../src/auth/clients.js';
import { bearerOf } from '../../src/auth/service.js';

describe('access rules', () => {
  it('default to viewer for reads and admin for anything else; the auth routes and static files are public', () => {
    expect(defaultAccess('GET', '/api/v1/apps/{app_id}/modes')).toBe('viewer');
    expect(defaultAccess('PUT', '/api/v1/apps/{app_id}/modes/{mode_id}')).toBe('admin');
    expect(defaultAccess('POST', '/api/v1/nowhere')).toBe('admin');
    expect(defaultAccess('POST', '/api/v1/auth/authorize')).toBe('public');
    expect(defaultAccess('GET', '/api/v1/swagger-ui/static/index.html')).toBe('public');
    expect(defaultAccess('GET', '/api/v1/swagger-ui/json')).toBe('viewer');
    expect(defaultAccess('GET', '/index.html')).toBe('public');
    expect(defaultAccess('POST', '/index.html')).toBe('admin');
    expect(defaultAccess('GET', '/api/v1evil')).toBe('public');
    expect(accessOf('DELETE', '/api/v1/x', 'operator')).toBe('operator');
  });

  it('take the stricter of two requirements', () => {
    expect(stricter('viewer', 'admin')).toBe('admin');
    expect(stricter('configurator', 'viewer')).toBe('configurator');
    expect(stricter('public', 'operator')).toBe('operator');
  });
});

describe('client registry', () => {
  it('reads the id up to the first colon and the role after the last; compares secrets exactly', () => {
    const r = new ClientRegistry(['tool:pa:ss:word:Operator']);
    expect(r.verify('tool', 'pa:ss:word')).toBe('operator');
    expect(r.verify('tool', 'pa:ss:wor')).toBeUndefined();
    expect(r.verify('tool', 'pa:ss:word ')).toBeUndefined();
    expect(r.verify('other', 'pa:ss:word')).toBeUndefined();
  });
});

describe('Authorization header', () => {
  it('accepts Bearer in any case and nothing else', () => {
    expect(bearerOf('Bearer abc.def.ghi')).toBe('abc.def.ghi');
    expect(bearerOf('bearer abc')).toBe('abc');
    expect(bearerOf('BEARER  abc ')).toBe('abc');
    expect(bearerOf('Basic abc')).toBeUndefined();
    expect(bearerOf('Bearer')).toBeUndefined();
    expect(bearerOf('Bearer a b')).toBeUndefined();
    expect(bearerOf(`Bearer ${'a'.repeat(10_000)}`)).toBeUndefined();
    expect(bearerOf(undefined)).toBeUndefined();
  });
});
