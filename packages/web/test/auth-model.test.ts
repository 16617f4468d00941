// The sign-in model without a browser: JWT claims read for display (hostile shapes refused), and
// which controls a role may use under each auth.require_auth_for mode.
import { describe, expect, it } from 'vitest';
import { readClaims, roleAtLeast } from '../src/auth/jwt';
import { CONTROL_ROLES, lifecycleControl, refusal } from '../src/auth/permissions';
import { authMessage } from '../src/auth/messages';
import { errorFromBody } from '@medkit/client';

const b64 = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url');
const jwt = (claims: unknown) => `${b64({ alg: 'HS256', typ: 'JWT' })}.${b64(claims)}.sig`;

describe('JWT claims for display', () => {
  it('reads sub, role and exp', () => {
    expect(readClaims(jwt({ sub: 'op1', role: 'operator', exp: 1_800_000_000 }))).toEqual({ sub: 'op1', role: 'operator', expMs: 1_800_000_000_000 });
    expect(readClaims(jwt({ sub: 'x', role: 'root' }))?.role).toBeUndefined();
  });

  it('refuses what is not a compact JWT', () => {
    for (const bad of ['', 'abc', 'a.b', 'a.b.c.d', `x.${'!'.repeat(10)}.y`, `x.${b64('string')}.y`, `x.${b64([1])}.y`, `x.${Buffer.from('{no json').toString('base64url')}.y`, `x.${'A'.repeat(20_000)}.y`]) {
      expect(readClaims(bad)).toBeNull();
    }
  });
});

describe('control permissions', () => {
  it('allows everything when auth is off or enforces nothing', () => {
    expect(refusal('config.write', undefined, undefined)).toBeUndefined();
    expect(refusal('config.write', 'none', undefined)).toBeUndefined();
  });

  it('asks to sign in, then checks the role cumulatively', () => {
    expect(refusal('fault.clear', 'write', undefined)).toBe('Sign in with the operator role or above to use this');
    expect(refusal('fault.clear', 'all', 'viewer')).toBe('Needs the operator role; you are signed in as viewer');
    expect(refusal('fault.clear', 'all', 'operator')).toBeUndefined();
    expect(refusal('config.write', 'write', 'operator')).toBe('Needs the configurator role; you are signed in as operator');
    expect(refusal('config.write', 'write', 'admin')).toBeUndefined();
    expect(roleAtLeast('configurator', 'operator')).toBe(true);
    expect(roleAtLeast('viewer', 'operator')).toBe(false);
  });

  it('maps lifecycle transitions to their controls (shutdown needs configurator)', () => {
    expect(CONTROL_ROLES[lifecycleControl('start')]).toBe('operator');
    expect(CONTROL_ROLES[lifecycleControl('force-restart')]).toBe('operator');
    expect(CONTROL_ROLES[lifecycleControl('shutdown')]).toBe('configurator');
    expect(CONTROL_ROLES[lifecycleControl('force-shutdown')]).toBe('configurator');
  });
});

describe('401 and 403 messages', () => {
  it('say what to do, then the gateway’s words; other errors are not theirs', () => {
    expect(authMessage(errorFromBody(401, { error: 'invalid_token', error_description: 'A bearer token is required' }, 'x'))).toBe('Sign-in required: A bearer token is required (401 invalid_token)');
    expect(authMessage(errorFromBody(403, { error: 'insufficient_scope', error_description: "This request needs the role 'operator'" }, 'x'))).toBe(
      "Your role may not do this: This request needs the role 'operator' (403 insufficient_scope)",
    );
    expect(authMessage(errorFromBody(404, { error_code: 'entity-not-found', message: 'x' }, 'x'))).toBeUndefined();
    expect(authMessage(new Error('boom'))).toBeUndefined();
  });
});
