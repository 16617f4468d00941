// Shared set-up of the authentication tests: a real gateway (real HTTP server, real SQLite file) with
// auth on, one client per role, and small request helpers.
import type { FlatConfig } from '@medkit/gateway';
import type { GatewayFeature } from '@medkit/gateway';
import { startTestGateway, type TestGateway } from './gateway.js';

export const SECRET = 'medkit-test-secret-0123456789-abcdefghij';
/** One client per role; each secret is distinctive so a test can search for it in any output. */
export const CLIENTS = {
  viewer: { id: 'viewer-ui', secret: 'SeCrEt-viewer-7f3a9c' },
  operator: { id: 'operator-ui', secret: 'SeCrEt-operator-51bd2e' },
  configurator: { id: 'config-tool', secret: 'SeCrEt-configurator-9e0c44' },
  admin: { id: 'postman', secret: 'SeCrEt-admin-a1b2c3d4' },
} as const;
export type TestRole = keyof typeof CLIENTS;

export const CLIENT_ENTRIES = Object.entries(CLIENTS).map(([role, c]) => `${c.id}:${c.secret}:${role.toUpperCase()}`);

export function authFlags(extra: FlatConfig = {}): FlatConfig {
  return { 'auth.enabled': true, 'auth.jwt_secret': SECRET, 'auth.clients': CLIENT_ENTRIES.join(','), ...extra };
}

export function startAuthGateway(opts: { flags?: FlatConfig; features?: GatewayFeature[]; defaults?: boolean; dataDir?: string; logStream?: NodeJS.WritableStream } = {}): Promise<TestGateway> {
  return startTestGateway({ ...opts, flags: authFlags(opts.flags) });
}

export interface TokenBody {
  access_token: string;
  token_type: string;
  expires_in: number;
  refresh_token: string;
  scope: string;
}

/** POST /api/v1/auth/<name> with a JSON body; answers status, body and headers. */
export async function authCall(g: TestGateway, name: 'authorize' | 'token' | 'revoke', body: Record<string, unknown>) {
  const r = await fetch(`${g.url}/api/v1/auth/${name}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  return { status: r.status, headers: r.headers, body: (await r.json()) as Record<string, unknown> };
}

/** Client-credentials tokens of the test client of `role`. */
export async function tokensOf(g: TestGateway, role: TestRole): Promise<TokenBody> {
  const c = CLIENTS[role];
  const r = await authCall(g, 'authorize', { grant_type: 'client_credentials', client_id: c.id, client_secret: c.secret });
  if (r.status !== 200) throw new Error(`authorize ${role}: ${r.status} ${JSON.stringify(r.body)}`);
  return r.body as unknown as TokenBody;
}

/** A request to `/api/v1<path>` with an optional bearer token, X-Client-Id and JSON body. */
export function api(g: TestGateway, method: string, path: string, opts: { token?: string; clientId?: string; body?: unknown; authorization?: string } = {}) {
  const headers: Record<string, string> = {};
  if (opts.token) headers.authorization = `Bearer ${opts.token}`;
  if (opts.authorization) headers.authorization = opts.authorization;
  if (opts.clientId) headers['x-client-id'] = opts.clientId;
  if (opts.body !== undefined) headers['content-type'] = 'application/json';
  return fetch(`${g.url}/api/v1${path}`, { method, headers, body: opts.body === undefined ? undefined : JSON.stringify(opts.body) });
}
