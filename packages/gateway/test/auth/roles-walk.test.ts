// The generated role test (issue #15, "Done when"): every operation of /api/v1/docs is called without a
// token and with a token of each role, and the answer (401, 403, or anything else = allowed) is checked
// against the published table docs/roles.md. The operations come from the running gateway's own
// document, so a new route is covered the moment it is registered; zero mismatches allowed.
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestGateway } from '../../../../test-support/gateway/gateway.js';
import { api, startAuthGateway, tokensOf, type TestRole } from '../../../../test-support/gateway/auth.js';
import { renderRoleTable, ROLE_TABLE_FLAGS } from '@medkit/server';

const ROLE_ORDER = ['viewer', 'operator', 'configurator', 'admin'] as const;
const ROLES_MD = new URL('../../../../docs/roles.md', import.meta.url);

/** docs/roles.md as "METHOD /api/v1/path" → minimum role. */
function publishedTable(): Map<string, string> {
  const table = new Map<string, string>();
  for (const line of readFileSync(ROLES_MD, 'utf8').split('\n')) {
    const m = /^\| (GET|PUT|POST|DELETE) \| `([^`]+)` \| (\w+) \|$/.exec(line);
    if (m) table.set(`${m[1]} ${m[2]}`, m[3]);
  }
  return table;
}

interface Operation {
  method: string;
  /** Template under /api/v1 as the table writes it. */
  template: string;
  /** A concrete path to call. */
  path: string;
  security: Record<string, string[]>[] | undefined;
  /** `x-medkit-minimum-role` of the operation. */
  minimumRole: string | undefined;
}

function operationsOf(doc: { paths: Record<string, Record<string, { security?: Record<string, string[]>[]; 'x-medkit-minimum-role'?: string }>> }): Operation[] {
  const ops: Operation[] = [];
  for (const [p, item] of Object.entries(doc.paths)) {
    for (const [m, op] of Object.entries(item)) {
      if (!['get', 'put', 'post', 'delete'].includes(m)) continue;
      const template = p === '/' ? '/api/v1' : `/api/v1${p}`;
      ops.push({ method: m.toUpperCase(), template, path: template.replace(/\{[^}]+\}/g, 'x'), security: op.security, minimumRole: op['x-medkit-minimum-role'] });
    }
  }
  return ops;
}

type Outcome = 401 | 403 | 'allowed';

/** Runs `jobs` a few at a time (bounded, so the gateway under test is not flooded). */
async function inPool(jobs: (() => Promise<void>)[], width = 8): Promise<void> {
  let next = 0;
  await Promise.all(Array.from({ length: width }, async () => {
    while (next < jobs.length) await jobs[next++]();
  }));
}

function expected(min: string, role: TestRole | undefined, tokenNeeded: boolean): Outcome {
  if (min === 'public' || !tokenNeeded) return 'allowed';
  if (!role) return 401;
  return ROLE_ORDER.indexOf(role) >= ROLE_ORDER.indexOf(min as TestRole) ? 'allowed' : 403;
}

async function outcome(g: TestGateway, op: Operation, token: string | undefined): Promise<Outcome> {
  const ctrl = new AbortController();
  const r = await fetch(`${g.url}${op.path}`, {
    method: op.method,
    headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(op.method === 'GET' || op.method === 'DELETE' ? {} : { 'content-type': 'application/json' }) },
    body: op.method === 'GET' || op.method === 'DELETE' ? undefined : '{}',
    signal: ctrl.signal,
  });
  // Streams (SSE) answer headers first: the status is all this test needs.
  ctrl.abort();
  return r.status === 401 || r.status === 403 ? r.status : 'allowed';
}

describe('generated role walk over /api/v1/docs', () => {
  let g: TestGateway;
  const tokens = {} as Record<TestRole, string>;
  let ops: Operation[];
  const table = publishedTable();

  beforeAll(async () => {
    g = await startAuthGateway({ defaults: true, flags: { ...ROLE_TABLE_FLAGS, 'auth.require_auth_for': 'all' } });
    for (const role of ROLE_ORDER) tokens[role] = (await tokensOf(g, role)).access_token;
    const doc = await (await api(g, 'GET', '/docs', { token: tokens.viewer })).json();
    ops = operationsOf(doc as never);
  });
  afterAll(() => g?.close());

  it('docs/roles.md matches the routes the gateway registers (run `npm run docs:roles` after changing routes or roles)', () => {
    expect(readFileSync(ROLES_MD, 'utf8')).toBe(renderRoleTable(g.gateway.auth.table.list()));
  });

  it('publishes every documented operation in docs/roles.md, with the same role as its x-medkit-minimum-role and a matching security', () => {
    expect(ops.length).toBeGreaterThan(250);
    const missing = ops.filter((o) => !table.has(`${o.method} ${o.template}`)).map((o) => `${o.method} ${o.template}`);
    expect(missing).toEqual([]);
    const differing = ops
      .filter((o) => {
        const min = table.get(`${o.method} ${o.template}`)!;
        if (o.minimumRole !== min) return true;
        // Public: no requirement. Otherwise the bearer scheme, without scopes (roles are not OAuth2 scopes).
        const bearer = (o.security ?? []).filter((s) => 'bearerAuth' in s);
        return min === 'public' ? (o.security ?? []).length !== 0 : bearer.length !== 1 || bearer[0].bearerAuth.length !== 0;
      })
      .map((o) => `${o.method} ${o.template}: table ${table.get(`${o.method} ${o.template}`)}, x-medkit-minimum-role ${o.minimumRole}, security ${JSON.stringify(o.security)}`);
    expect(differing).toEqual([]);
  });

  it('answers every operation for every role and without a token as the table says (require_auth_for: all)', async () => {
    const mismatches: string[] = [];
    const jobs = ops.flatMap((op) =>
      [undefined, ...ROLE_ORDER].map((role) => async () => {
        const want = expected(table.get(`${op.method} ${op.template}`)!, role, true);
        const got = await outcome(g, op, role && tokens[role]);
        if (got !== want) mismatches.push(`${op.method} ${op.path} as ${role ?? 'anonymous'}: expected ${want}, got ${got}`);
      }),
    );
    expect(jobs.length).toBe(ops.length * 5);
    await inPool(jobs);
    expect(mismatches).toEqual([]);
  });

  it('lets reads through without a token and refuses writes with 401 under require_auth_for: write', async () => {
    const w = await startAuthGateway({ defaults: true, flags: { ...ROLE_TABLE_FLAGS, 'auth.require_auth_for': 'write' } });
    try {
      const mismatches: string[] = [];
      await inPool(
        ops.map((op) => async () => {
          const min = table.get(`${op.method} ${op.template}`)!;
          const want = expected(min, undefined, op.method !== 'GET' || min !== 'viewer');
          const got = await outcome(w, op, undefined);
          if (got !== want) mismatches.push(`${op.method} ${op.path}: expected ${want}, got ${got}`);
        }),
      );
      expect(mismatches).toEqual([]);
    } finally {
      await w.close();
    }
  });
});
