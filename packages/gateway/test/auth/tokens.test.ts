// The client-credentials flow over real HTTP against a real gateway and SQLite file (docs/security.md,
// docs/security.md): the upstream Postman flow, single-use refresh tokens, revocation (also across a restart),
// expired, foreign-key and algorithm-confusion tokens, OAuth error bodies and bounds.
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SignJWT } from 'jose';
import { afterEach, describe, expect, it } from 'vitest';
import type { TestGateway } from '../../../../test-support/gateway/gateway.js';
import { fixtureEntitiesFeature } from '../support/entities.js';
import { createLocksFeature } from '../../src/locks/index.js';
import { api, authCall, CLIENTS, SECRET, startAuthGateway, tokensOf } from '../../../../test-support/gateway/auth.js';
import { MAX_CLOCK_SKEW_SEC } from '@medkit/server';

let gateways: TestGateway[] = [];
const dirs: string[] = [];
afterEach(async () => {
  await Promise.all(gateways.map((g) => g.close()));
  gateways = [];
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

async function start(flags: Record<string, unknown> = {}, dataDir?: string) {
  const g = await startAuthGateway({ flags, dataDir, features: [fixtureEntitiesFeature(), createLocksFeature()] });
  gateways.push(g);
  return g;
}

function tempDir() {
  const d = mkdtempSync(join(tmpdir(), 'medkit-auth-'));
  dirs.push(d);
  return d;
}

const LOCK = '/apps/battery-monitor/locks';

/** Signs a token the way the gateway does, with chosen claims, key and algorithm. */
function forge(claims: Record<string, unknown>, opts: { key?: Uint8Array | import('node:crypto').KeyObject; alg?: string; typ?: string; iat?: number; exp?: number } = {}) {
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT({ typ: opts.typ ?? 'access', role: 'admin', grant_id: 'g-forged', ...claims })
    .setProtectedHeader({ alg: opts.alg ?? 'HS256', typ: opts.typ ?? 'access' })
    .setIssuer('ros2_medkit_gateway')
    .setSubject('intruder')
    .setJti('j-forged')
    .setIssuedAt(opts.iat ?? now)
    .setExpirationTime(opts.exp ?? now + 600)
    .sign(opts.key ?? new TextEncoder().encode(SECRET));
}

describe('client-credentials flow', () => {
  it('the upstream Postman flow: authorize with client id and secret, then call a mutating route with the bearer token', async () => {
    const g = await start();
    const t = await tokensOf(g, 'admin');
    expect(t).toMatchObject({ token_type: 'Bearer', expires_in: 3600, scope: 'admin' });
    const r = await api(g, 'POST', LOCK, { token: t.access_token, body: { lock_expiration: 60 } });
    expect(r.status).toBe(201);
    // The same call without the token is refused with the Bearer challenge.
    const anon = await api(g, 'POST', LOCK, { body: { lock_expiration: 60 } });
    expect(anon.status).toBe(401);
    expect(anon.headers.get('www-authenticate')).toBe('Bearer realm="ros2_medkit_gateway", error="invalid_token"');
    expect(await anon.json()).toMatchObject({ error: 'invalid_token' });
  });

  it('accepts form-encoded bodies and the lower-case bearer scheme', async () => {
    const g = await start();
    const c = CLIENTS.operator;
    const r = await fetch(`${g.url}/api/v1/auth/authorize`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ grant_type: 'client_credentials', client_id: c.id, client_secret: c.secret }).toString(),
    });
    expect(r.status).toBe(200);
    expect(r.headers.get('cache-control')).toBe('no-store');
    const t = (await r.json()) as { access_token: string; scope: string };
    expect(t.scope).toBe('operator');
    expect((await api(g, 'POST', LOCK, { authorization: `bearer ${t.access_token}`, body: { lock_expiration: 60 } })).status).toBe(201);
  });

  it('answers OAuth2 error bodies: invalid_client, invalid_request, unsupported_grant_type', async () => {
    const g = await start();
    const bad = await authCall(g, 'authorize', { grant_type: 'client_credentials', client_id: CLIENTS.admin.id, client_secret: 'wrong' });
    expect(bad.status).toBe(401);
    expect(bad.body).toEqual({ error: 'invalid_client', error_description: expect.any(String) });
    const unknown = await authCall(g, 'authorize', { grant_type: 'client_credentials', client_id: 'nobody', client_secret: CLIENTS.admin.secret });
    expect(unknown.status).toBe(401);
    expect(unknown.body.error).toBe('invalid_client');
    expect((await authCall(g, 'authorize', { grant_type: 'client_credentials', client_id: CLIENTS.admin.id })).body.error).toBe('invalid_request');
    const grant = await authCall(g, 'authorize', { grant_type: 'password', client_id: 'a', client_secret: 'b' });
    expect(grant.status).toBe(400);
    expect(grant.body.error).toBe('unsupported_grant_type');
    expect((await authCall(g, 'token', { grant_type: 'client_credentials' })).body.error).toBe('unsupported_grant_type');
    expect((await authCall(g, 'token', { grant_type: 'refresh_token' })).body.error).toBe('invalid_request');
    expect((await authCall(g, 'revoke', {})).body.error).toBe('invalid_request');
    const garbage = await fetch(`${g.url}/api/v1/auth/token`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"grant_type":' });
    expect(garbage.status).toBe(400);
    expect(await garbage.json()).toMatchObject({ error: 'invalid_request' });
  });

  it('answers 403 insufficient_scope when the role is below the route', async () => {
    const g = await start();
    const t = await tokensOf(g, 'viewer');
    const r = await api(g, 'POST', LOCK, { token: t.access_token, body: { lock_expiration: 60 } });
    expect(r.status).toBe(403);
    expect(await r.json()).toMatchObject({ error: 'insufficient_scope' });
  });

  it('bounds request sizes: over-long tokens, client ids and bodies are refused without a 5xx', async () => {
    const g = await start();
    expect((await api(g, 'POST', LOCK, { token: 'a'.repeat(5000), body: { lock_expiration: 60 } })).status).toBe(401);
    const longId = await authCall(g, 'authorize', { grant_type: 'client_credentials', client_id: 'c'.repeat(129), client_secret: 'x' });
    expect(longId.status).toBe(400);
    expect(longId.body.error).toBe('invalid_request');
    const huge = await authCall(g, 'authorize', { grant_type: 'client_credentials', client_id: 'c', client_secret: 'x'.repeat(20_000) });
    expect(huge.status).toBe(413);
    expect(huge.body.error).toBe('invalid_request');
    const arrayBody = await fetch(`${g.url}/api/v1/auth/authorize`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '[1,2]' });
    expect(arrayBody.status).toBe(400);
  });

  it('answers 404 on the auth routes when auth is off', async () => {
    const g = await start({ 'auth.enabled': false });
    const r = await authCall(g, 'authorize', { grant_type: 'client_credentials', client_id: 'a', client_secret: 'b' });
    expect(r.status).toBe(404);
    expect(r.body).toEqual({ error: 'resource-not-found', error_description: 'Authentication is not enabled' });
    const root = (await (await api(g, 'GET', '')).json()) as { capabilities: Record<string, boolean>; auth?: unknown };
    expect(root.capabilities.authentication).toBe(false);
    expect(root.auth).toBeUndefined();
  });

  it('reports auth on GET / without any secret', async () => {
    const g = await start();
    const root = (await (await api(g, 'GET', '')).json()) as { capabilities: Record<string, boolean>; auth?: unknown };
    expect(root.capabilities.authentication).toBe(true);
    expect(root.auth).toEqual({ enabled: true, algorithm: 'HS256', require_auth_for: 'write' });
  });

  it('enforces nothing with require_auth_for: none, but still issues tokens', async () => {
    const g = await start({ 'auth.require_auth_for': 'none' });
    expect((await api(g, 'POST', LOCK, { clientId: 'someone', body: { lock_expiration: 60 } })).status).toBe(201);
    expect((await tokensOf(g, 'viewer')).scope).toBe('viewer');
  });
});

describe('refresh and revocation', () => {
  it('makes refresh tokens single-use; a replay revokes the whole grant', async () => {
    const g = await start();
    const first = await tokensOf(g, 'operator');
    const second = await authCall(g, 'token', { grant_type: 'refresh_token', refresh_token: first.refresh_token });
    expect(second.status).toBe(200);
    expect(second.body).toMatchObject({ token_type: 'Bearer', scope: 'operator' });
    const replay = await authCall(g, 'token', { grant_type: 'refresh_token', refresh_token: first.refresh_token });
    expect(replay.status).toBe(401);
    expect(replay.body.error).toBe('invalid_grant');
    // The replay means the token was copied: the refresh token issued to the legitimate holder is dead too.
    const next = await authCall(g, 'token', { grant_type: 'refresh_token', refresh_token: second.body.refresh_token });
    expect(next.body.error).toBe('invalid_grant');
    expect((await api(g, 'POST', LOCK, { token: second.body.access_token as string, body: { lock_expiration: 60 } })).status).toBe(401);
  });

  it("refuses a revoked refresh token's access tokens and the refresh token itself", async () => {
    const g = await start();
    const t = await tokensOf(g, 'operator');
    expect((await api(g, 'POST', LOCK, { token: t.access_token, body: { lock_expiration: 60 } })).status).toBe(201);
    const rv = await authCall(g, 'revoke', { token: t.refresh_token });
    expect(rv).toMatchObject({ status: 200, body: { status: 'revoked' } });
    expect((await api(g, 'DELETE', `${LOCK}/lock_1`, { token: t.access_token })).status).toBe(401);
    expect((await authCall(g, 'token', { grant_type: 'refresh_token', refresh_token: t.refresh_token })).body.error).toBe('invalid_grant');
    // Another client's tokens are untouched.
    const other = await tokensOf(g, 'admin');
    expect((await api(g, 'GET', `${LOCK}`, { token: other.access_token })).status).toBe(200);
  });

  it('revokes an access token on its own', async () => {
    const g = await start();
    const t = await tokensOf(g, 'operator');
    await authCall(g, 'revoke', { token: t.access_token, token_type_hint: 'access_token' });
    expect((await api(g, 'POST', LOCK, { token: t.access_token, body: { lock_expiration: 60 } })).status).toBe(401);
    expect((await authCall(g, 'token', { grant_type: 'refresh_token', refresh_token: t.refresh_token })).status).toBe(200);
  });

  it('keeps revocations and spent refresh tokens across a restart (SQLite)', async () => {
    const dir = tempDir();
    const g1 = await start({}, dir);
    const revoked = await tokensOf(g1, 'operator');
    const spent = await tokensOf(g1, 'configurator');
    await authCall(g1, 'revoke', { token: revoked.refresh_token });
    expect((await authCall(g1, 'token', { grant_type: 'refresh_token', refresh_token: spent.refresh_token })).status).toBe(200);
    await g1.close();
    gateways = gateways.filter((x) => x !== g1);

    const g2 = await start({}, dir);
    expect((await api(g2, 'POST', LOCK, { token: revoked.access_token, body: { lock_expiration: 60 } })).status).toBe(401);
    expect((await authCall(g2, 'token', { grant_type: 'refresh_token', refresh_token: revoked.refresh_token })).status).toBe(401);
    expect((await authCall(g2, 'token', { grant_type: 'refresh_token', refresh_token: spent.refresh_token })).body.error).toBe('invalid_grant');
    // Tokens nobody revoked still work after the restart (same secret).
    const fresh = await tokensOf(g2, 'operator');
    expect((await api(g2, 'POST', LOCK, { token: fresh.access_token, body: { lock_expiration: 60 } })).status).toBe(201);
  });
});

describe('tokens that must be refused', () => {
  it('refuses an expired access token and an expired refresh token', async () => {
    const g = await start();
    const past = Math.floor(Date.now() / 1000) - 7200;
    const expired = await forge({}, { iat: past, exp: past + 60 });
    expect((await api(g, 'POST', LOCK, { token: expired, body: { lock_expiration: 60 } })).status).toBe(401);
    const expiredRefresh = await forge({}, { typ: 'refresh', iat: past, exp: past + 60 });
    expect((await authCall(g, 'token', { grant_type: 'refresh_token', refresh_token: expiredRefresh })).body.error).toBe('invalid_grant');
    // The same forging with a live expiry is accepted: the refusal above is the expiry, not the forging.
    expect((await api(g, 'POST', LOCK, { token: await forge({}), body: { lock_expiration: 60 } })).status).toBe(201);
  });

  // Issue 31 point 5: iat = now + 3600 was accepted; the clock skew allowed is MAX_CLOCK_SKEW_SEC (60 s).
  it('refuses access and refresh tokens whose iat lies in the future beyond the clock skew; accepts one within it', async () => {
    const g = await start();
    const now = Math.floor(Date.now() / 1000);
    for (const ahead of [3600, MAX_CLOCK_SKEW_SEC + 5, 86400 * 365]) {
      const early = await forge({}, { iat: now + ahead, exp: now + ahead + 600 });
      const r = await api(g, 'POST', LOCK, { token: early, body: { lock_expiration: 60 } });
      expect(r.status, `iat now+${ahead}`).toBe(401);
      expect(await r.json()).toMatchObject({ error: 'invalid_token' });
      const earlyRefresh = await forge({}, { typ: 'refresh', iat: now + ahead, exp: now + ahead + 600 });
      expect((await authCall(g, 'token', { grant_type: 'refresh_token', refresh_token: earlyRefresh })).body.error, `refresh iat now+${ahead}`).toBe('invalid_grant');
    }
    const skewed = await forge({}, { iat: now + 30, exp: now + 630 });
    expect((await api(g, 'POST', LOCK, { token: skewed, body: { lock_expiration: 60 } })).status).toBe(201);
  });

  it('refuses a token signed with another key', async () => {
    const g = await start();
    const foreign = await forge({}, { key: new TextEncoder().encode('another-secret-of-at-least-32-characters!!') });
    expect((await api(g, 'POST', LOCK, { token: foreign, body: { lock_expiration: 60 } })).status).toBe(401);
  });

  it('refuses alg none and a refresh token used as an access token', async () => {
    const g = await start();
    const b64 = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');
    const now = Math.floor(Date.now() / 1000);
    const none = `${b64({ alg: 'none', typ: 'access' })}.${b64({ iss: 'ros2_medkit_gateway', sub: 'x', role: 'admin', typ: 'access', grant_id: 'g', jti: 'j', iat: now, exp: now + 600 })}.`;
    expect((await api(g, 'POST', LOCK, { token: none, body: { lock_expiration: 60 } })).status).toBe(401);
    const t = await tokensOf(g, 'admin');
    expect((await api(g, 'POST', LOCK, { token: t.refresh_token, body: { lock_expiration: 60 } })).status).toBe(401);
  });

  it('RS256: serves its own tokens and refuses an HS256 token keyed with the public key (algorithm confusion)', async () => {
    const dir = tempDir();
    const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const pubPem = publicKey.export({ type: 'spki', format: 'pem' }) as string;
    writeFileSync(join(dir, 'private.pem'), privateKey.export({ type: 'pkcs8', format: 'pem' }) as string);
    writeFileSync(join(dir, 'public.pem'), pubPem);
    const g = await start({ 'auth.jwt_algorithm': 'RS256', 'auth.jwt_secret': join(dir, 'private.pem'), 'auth.jwt_public_key': join(dir, 'public.pem') });
    const t = await tokensOf(g, 'operator');
    expect(JSON.parse(Buffer.from(t.access_token.split('.')[0], 'base64url').toString())).toMatchObject({ alg: 'RS256', typ: 'access' });
    expect((await api(g, 'POST', LOCK, { token: t.access_token, body: { lock_expiration: 60 } })).status).toBe(201);
    const confused = await forge({}, { key: new TextEncoder().encode(pubPem) });
    expect((await api(g, 'POST', LOCK, { token: confused, body: { lock_expiration: 60 } })).status).toBe(401);
    const signedRs = await forge({}, { key: privateKey, alg: 'RS256' });
    expect((await api(g, 'DELETE', `${LOCK}/lock_1`, { token: signedRs })).status).not.toBe(401);
  });
});

describe('identity', () => {
  it('records the token subject as the lock owner, ignoring a self-declared X-Client-Id', async () => {
    const g = await start();
    const op = await tokensOf(g, 'operator');
    const cfg = await tokensOf(g, 'configurator');
    const acquired = await api(g, 'POST', LOCK, { token: op.access_token, clientId: CLIENTS.configurator.id, body: { lock_expiration: 60 } });
    expect(acquired.status).toBe(201);
    const id = ((await acquired.json()) as { id: string }).id;
    // The other client claims the owner's id in X-Client-Id: its token decides, so the lock is not its own.
    const view = (await (await api(g, 'GET', `${LOCK}/${id}`, { token: cfg.access_token, clientId: CLIENTS.operator.id })).json()) as { owned: boolean };
    expect(view.owned).toBe(false);
    expect((await api(g, 'DELETE', `${LOCK}/${id}`, { token: cfg.access_token, clientId: CLIENTS.operator.id })).status).toBe(403);
    const mine = (await (await api(g, 'GET', `${LOCK}/${id}`, { token: op.access_token })).json()) as { owned: boolean };
    expect(mine.owned).toBe(true);
    expect((await api(g, 'DELETE', `${LOCK}/${id}`, { token: op.access_token })).status).toBe(204);
  });
});
