// Issue 23 points 1, 2 and 6: the shared request stages (rate limit, Origin check, Host allow-list, URL
// cap) refuse requests to /api/v1/auth/* with their own status in the OAuth2 body (they used to become 500),
// the token routes have a per-client limit of their own when auth is on, and no refusal quotes a header.
// Real gateway, real sockets, the hostile values of the probe.
import { afterEach, describe, expect, it } from 'vitest';
import type { TestGateway } from '../../../../test-support/gateway/gateway.js';
import { rawHttp } from '../../../../test-support/raw-http.js';
import { CLIENTS, startAuthGateway } from '../../../../test-support/gateway/auth.js';
import { AUTH_KEYS } from '@medkit/server';

let g: TestGateway | undefined;
afterEach(async () => {
  await g?.close();
  g = undefined;
});

const WRONG = JSON.stringify({ grant_type: 'client_credentials', client_id: CLIENTS.admin.id, client_secret: 'wrong-guess' });
const authorize = (gw: TestGateway, headers: Record<string, string> = {}, path = '/api/v1/auth/authorize') =>
  rawHttp(gw.url, 'POST', path, { headers: { host: new URL(gw.url).host, 'content-type': 'application/json', ...headers }, body: WRONG });

function expectOAuth(r: { status: number; headers: Record<string, unknown>; text: string }, status: number, error: string) {
  expect(r.status, r.text).toBe(status);
  expect(JSON.parse(r.text)).toEqual({ error, error_description: expect.any(String) });
  expect(r.headers['cache-control']).toBe('no-store');
}

describe('shared refusals on the auth routes', () => {
  it('the global rate limit answers 429 with Retry-After in OAuth2 form, not 500', async () => {
    g = await startAuthGateway({ flags: { 'rate_limiting.enabled': true, 'rate_limiting.client_requests_per_minute': 3, 'auth.requests_per_minute': 0 } });
    const answers = [];
    for (let i = 0; i < 6; i++) answers.push(await authorize(g));
    expect(answers.slice(0, 3).map((a) => a.status)).toEqual([401, 401, 401]);
    for (const a of answers.slice(3)) {
      expectOAuth(a, 429, 'temporarily_unavailable');
      expect(Number(a.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    }
  });

  it('a foreign Origin is 403, a rebound Host 421 and 1,500 query parameters 414, each in OAuth2 form', async () => {
    g = await startAuthGateway();
    expectOAuth(await authorize(g, { origin: 'http://evil.example' }), 403, 'invalid_request');
    const rebound = await authorize(g, { host: `evil.example:${new URL(g.url).port}` });
    expectOAuth(rebound, 421, 'invalid_request');
    expect(rebound.text).not.toContain('evil.example');
    const query = Array.from({ length: 1500 }, (_, i) => `p${i}=1`).join('&');
    expectOAuth(await authorize(g, {}, `/api/v1/auth/token?${query}`), 414, 'invalid_request');
  });
});

describe('default per-client limit of the auth routes', () => {
  it(`with auth on and rate_limiting off, 500 wrong secrets from one client get ${AUTH_KEYS['auth.requests_per_minute'].default} tries, then 429`, async () => {
    const limit = AUTH_KEYS['auth.requests_per_minute'].default;
    g = await startAuthGateway();
    const statuses: number[] = [];
    let last;
    for (let i = 0; i < 500; i++) {
      last = await authorize(g);
      statuses.push(last.status);
    }
    // The bucket refills at limit/60 per second, so a slow machine may earn a try or two while guessing.
    const tries = statuses.filter((s) => s === 401).length;
    expect(tries).toBeGreaterThanOrEqual(limit);
    expect(tries).toBeLessThan(limit + 20);
    expect(statuses.slice(0, limit).every((s) => s === 401)).toBe(true);
    expect(statuses.filter((s) => s !== 401 && s !== 429)).toEqual([]);
    expectOAuth(last!, 429, 'temporarily_unavailable');
    expect(Number(last!.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    // The limit is on the auth routes only: other routes still answer.
    expect((await fetch(`${g.url}/api/v1/health`)).status).toBe(200);
  });

  it('auth.requests_per_minute = 0 turns the limit off', async () => {
    g = await startAuthGateway({ flags: { 'auth.requests_per_minute': 0 } });
    for (let i = 0; i < AUTH_KEYS['auth.requests_per_minute'].default + 5; i++) expect((await authorize(g)).status).toBe(401);
  });
});

describe('no refusal quotes a header', () => {
  it('a 3 KB Host is answered 421 with a small body that does not contain it (any route)', async () => {
    g = await startAuthGateway();
    const host = `${'h'.repeat(3072)}.example`;
    for (const path of ['/api/v1/health', '/api/v1/components']) {
      const r = await rawHttp(g.url, 'GET', path, { headers: { host } });
      expect(r.status).toBe(421);
      expect(JSON.parse(r.text)).toMatchObject({ error_code: 'vendor-error', vendor_code: 'x-medkit-misdirected-request' });
      expect(r.text).not.toContain('hhhhhhhh');
      expect(r.text.length).toBeLessThan(300);
    }
    const auth = await authorize(g, { host });
    expect(auth.status).toBe(421);
    expect(auth.text).not.toContain('hhhhhhhh');
    expect(auth.text.length).toBeLessThan(300);
    const origin = `http://${'o'.repeat(3072)}.example`;
    const forbidden = await authorize(g, { origin });
    expect(forbidden.status).toBe(403);
    expect(forbidden.text).not.toContain('oooooooo');
  });
});
