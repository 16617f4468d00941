// Secrets are never echoed (docs/security.md [OURS]): every GET operation of /api/v1/docs (and its
// scoped documents, GET /, /health, the Swagger UI copies), the auth endpoints' answers and errors, and
// the gateway's own log at trace level are searched for the JWT secret, every client secret and the
// bearer tokens in use.
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestGateway } from '../../../../test-support/gateway/gateway.js';
import { api, authCall, CLIENTS, SECRET, startAuthGateway, tokensOf } from '../../../../test-support/gateway/auth.js';
import { ROLE_TABLE_FLAGS } from '@medkit/server';

let g: TestGateway;
let log = '';
const sink = new Writable({
  write(chunk, _enc, done) {
    log += chunk.toString();
    done();
  },
});

beforeAll(async () => {
  g = await startAuthGateway({ defaults: true, logStream: sink, flags: { ...ROLE_TABLE_FLAGS, 'logging.level': 'trace', 'auth.require_auth_for': 'all' } });
});
afterAll(() => g?.close());

describe('secrets are never echoed', () => {
  it('appear in no answer of any GET route, auth error, or log line', async () => {
    const admin = await tokensOf(g, 'admin');
    const viewer = await tokensOf(g, 'viewer');
    const secrets = [SECRET, ...Object.values(CLIENTS).map((c) => c.secret)];
    const seen: string[] = [];
    const collect = async (r: Response) => {
      seen.push(`${r.status} ${JSON.stringify([...r.headers])} ${await r.text()}`);
    };
    const doc = (await (await api(g, 'GET', '/docs', { token: admin.access_token })).json()) as { paths: Record<string, Record<string, unknown>> };
    const gets = Object.entries(doc.paths).filter(([, item]) => 'get' in item).map(([p]) => (p === '/' ? '' : p.replace(/\{[^}]+\}/g, 'x')));
    expect(gets.length).toBeGreaterThan(100);
    for (const p of [...gets, '/apps/docs', '/swagger-ui/json', '/swagger-ui/yaml']) {
      const ctrl = new AbortController();
      const r = await fetch(`${g.url}/api/v1${p}`, { headers: { authorization: `Bearer ${admin.access_token}` }, signal: ctrl.signal });
      // Event streams stay open: their first bytes are all there is to read here.
      if ((r.headers.get('content-type') ?? '').startsWith('text/event-stream')) ctrl.abort();
      else await collect(r);
    }
    // Wrong credentials, a secret sent as the token, a bad token: the answers quote none of it.
    await collect(await fetch(`${g.url}/api/v1/auth/authorize`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ grant_type: 'client_credentials', client_id: CLIENTS.admin.id, client_secret: SECRET }) }));
    await collect(await api(g, 'GET', '/health', { token: SECRET }));
    await collect(await api(g, 'GET', '/health', { authorization: `Basic ${Buffer.from(`${CLIENTS.admin.id}:${CLIENTS.admin.secret}`).toString('base64')}` }));
    await collect(await api(g, 'POST', '/updates', { token: viewer.access_token, body: {} }));
    expect((await authCall(g, 'token', { grant_type: 'refresh_token', refresh_token: CLIENTS.viewer.secret })).body.error).toBe('invalid_grant');
    const answers = seen.join('\n');
    expect(answers).toContain('"status":"healthy"');
    for (const s of secrets) expect(answers).not.toContain(s);
    expect(log.length).toBeGreaterThan(0);
    for (const s of [...secrets, admin.access_token, admin.refresh_token, viewer.access_token]) expect(log).not.toContain(s);
  });
});
