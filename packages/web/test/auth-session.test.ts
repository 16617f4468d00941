// The UI's session logic with a scripted /auth endpoint (the real flow runs in ui-login.test.ts):
// one refresh at a time (refresh tokens are single-use), a refused refresh ends the session with a
// notice, a pasted token is refused when expired and ends the session when it expires.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { errorFromBody, type MedkitClient } from '@medkit/client';
import { AuthSession } from '../src/auth/session';

const b64 = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url');
const jwt = (claims: Record<string, unknown>) => `${b64({ alg: 'HS256' })}.${b64(claims)}.sig`;

function store() {
  const m = new Map<string, string>();
  return { m, getItem: (k: string) => m.get(k) ?? null, setItem: (k: string, v: string) => void m.set(k, v), removeItem: (k: string) => void m.delete(k) };
}

/** A stand-in for the /auth routes: answers from `answer`, records the calls. */
function authEndpoint(answer: (path: string, body: Record<string, unknown>, n: number) => unknown) {
  const calls: { path: string; body: Record<string, unknown> }[] = [];
  const client = {
    async request(_method: string, path: string, opts: { body: Record<string, unknown> }) {
      calls.push({ path, body: opts.body });
      // The answer comes on a later turn of the event loop, as a network answer does: callers that ask meanwhile
      // overlap with this request (a turn, not time: issue 58).
      await new Promise((r) => setImmediate(r));
      const a = answer(path, opts.body, calls.length);
      if (a instanceof Error) throw a;
      return { data: a, status: 200, headers: new Headers() };
    },
  } as unknown as MedkitClient;
  return { client, calls };
}

afterEach(() => vi.useRealTimers());

describe('AuthSession', () => {
  it('refreshes once for concurrent callers when the token is about to expire, and keeps the new refresh token', async () => {
    let now = 1_000_000;
    const ep = authEndpoint((path, _b, n) =>
      path === '/auth/authorize'
        ? { access_token: jwt({ sub: 'op1', role: 'operator', exp: (now + 3000) / 1000 }), refresh_token: 'r1' }
        : { access_token: jwt({ sub: 'op1', role: 'operator', exp: (now + 3_600_000) / 1000, n }), refresh_token: `r${n}` },
    );
    const s = new AuthSession(ep.client, 'http://gw', store(), () => now);
    await s.login('op1', 'secret');
    expect(s.state()).toMatchObject({ signedIn: true, via: 'credentials', sub: 'op1', role: 'operator' });
    now += 1000; // 2 s left: under the 5 s floor
    const [a, b] = await Promise.all([s.token(), s.token()]);
    expect(a).toBe(b);
    expect(ep.calls.map((c) => c.path)).toEqual(['/auth/authorize', '/auth/token']);
    expect(ep.calls[1].body).toEqual({ grant_type: 'refresh_token', refresh_token: 'r1' });
    s.dispose();
  });

  it('ends the session with a notice when the gateway refuses the refresh', async () => {
    let now = 1_000_000;
    const ep = authEndpoint((path) =>
      path === '/auth/authorize' ? { access_token: jwt({ sub: 'v', role: 'viewer', exp: (now + 2000) / 1000 }), refresh_token: 'r1' } : errorFromBody(401, { error: 'invalid_grant', error_description: 'revoked' }, 'x'),
    );
    const st = store();
    const s = new AuthSession(ep.client, 'http://gw', st, () => now);
    await s.login('v', 'secret');
    expect(st.m.size).toBe(1);
    now += 1000;
    expect(await s.token()).toBeUndefined();
    expect(s.state()).toEqual({ signedIn: false, notice: 'Your session ended (revoked (401 invalid_grant)): sign in again.' });
    expect(st.m.size).toBe(0);
    s.dispose();
  });

  it('refuses an expired or malformed pasted token and ends a pasted session when it expires', async () => {
    vi.useFakeTimers({ now: 1_000_000 });
    const ep = authEndpoint(() => ({}));
    const s = new AuthSession(ep.client, '', store());
    expect(() => s.useToken(jwt({ sub: 'x', exp: 999 }))).toThrow('This token has expired.');
    expect(() => s.useToken('not a token')).toThrow(/not a JWT/);
    s.useToken(`Bearer ${jwt({ sub: 'x', role: 'viewer', exp: (Date.now() + 30_000) / 1000 })}`);
    expect(s.state()).toMatchObject({ signedIn: true, via: 'token', role: 'viewer' });
    await vi.advanceTimersByTimeAsync(31_000);
    expect(s.state()).toEqual({ signedIn: false, notice: 'Your token has expired: sign in again.' });
    expect(ep.calls).toEqual([]);
    s.dispose();
  });

  it('revokes the refresh token on sign-out and restores a stored session on reload', async () => {
    const now = 1_000_000;
    const ep = authEndpoint((path) => (path === '/auth/authorize' ? { access_token: jwt({ sub: 'op1', role: 'operator', exp: (now + 3_600_000) / 1000 }), refresh_token: 'r1' } : { status: 'revoked' }));
    const st = store();
    const s = new AuthSession(ep.client, 'http://gw', st, () => now);
    await s.login('op1', 'secret');
    const again = new AuthSession(ep.client, 'http://gw', st, () => now);
    expect(again.state()).toMatchObject({ signedIn: true, sub: 'op1' });
    await s.logout();
    expect(ep.calls.at(-1)).toEqual({ path: '/auth/revoke', body: { token: 'r1', token_type_hint: 'refresh_token' } });
    expect(s.state().signedIn).toBe(false);
    s.dispose();
    again.dispose();
  });
});
