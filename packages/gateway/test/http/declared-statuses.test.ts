// Every status the gateway puts on the wire is declared in its OpenAPI document, and every 201/202 carries the
// Location its document declares (the reference's 0.7.0, #591: "records every status the gateway puts on the
// wire, and an integration sweep driven from the served document asserts that each one is declared"). A recorder on the real server (a test feature's onResponse hook) notes
// method, path and status of every answer of a routed request; a sweep generated from the served document (each
// operation as documented, then hostile variants: http/fuzz/generator.ts) drives a default gateway with every
// feature on (manifest tree, scripts, updates, locks, triggers, subscriptions, fault-trigger rules). The test
// fails on any status an operation answered that its document entry does not list, and it cannot pass vacuously:
// the operations it never reached must be exactly the list below, and it must see a minimum spread of error
// statuses across operations.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { GatewayFeature } from '../../src/feature.js';
import { startTestGateway, type TestGateway } from '../../../../test-support/gateway/gateway.js';
import { http } from '../../../../test-support/gateway/ros-robot.js';
import { authFlags, tokensOf } from '../../../../test-support/gateway/auth.js';
import { generate, type FuzzRequest, type OpenApiDoc } from './fuzz/generator.js';
import { pool, send } from './fuzz/send.js';

const MANIFEST = fileURLToPath(new URL('../../../../examples/amr/manifest.yaml', import.meta.url));
const SEED = Number(process.env.MEDKIT_STATUS_SEED ?? 7);
const PER_OPERATION = Number(process.env.MEDKIT_STATUS_PER_OP ?? 8);

/**
 * Operations the sweep cannot reach without a ROS graph or a peer: listed so a route that silently stops being
 * reached (a renamed parameter, a broken generator) fails the test instead of shrinking it.
 */
const UNREACHED: string[] = [];

interface Recorded {
  method: string;
  path: string;
  status: number;
  location?: string;
}

/** Notes every answer of a request that matched a route (unmatched ones are the global 404 of docs/api.md). */
function recorder(into: Recorded[]): GatewayFeature {
  return {
    name: 'status-recorder',
    routePhase: 'intercept',
    routes: () => (app) => {
      app.addHook('onResponse', async (request, reply) => {
        if (!request.routeOptions.url) return;
        const location = reply.getHeader('location');
        into.push({ method: request.method, path: request.url.split('?')[0], status: reply.statusCode, ...(typeof location === 'string' ? { location } : {}) });
      });
    },
  };
}

/** The document operation a concrete request path answers to: the most literal template that matches. */
function operationMatcher(doc: OpenApiDoc) {
  const prefix = doc.servers?.[0]?.url ?? '';
  const compiled = Object.keys(doc.paths).map((t) => {
    const esc = (s: string) => s.replace(/[.*+?^$()|[\]\\]/g, '\\$&');
    const parts = t.split(/(\{[^}]+\})/);
    const strict = new RegExp(`^${esc(prefix)}${parts.map((p) => (p.startsWith('{') ? '[^/]+' : esc(p))).join('')}/?$`);
    // Topic, parameter and operation ids may span segments (docs/api.md).
    const loose = new RegExp(`^${esc(prefix)}${parts.map((p) => (p.startsWith('{') ? '.+' : esc(p))).join('')}/?$`);
    return { t, strict, loose, literal: parts.filter((p) => !p.startsWith('{')).join('').length };
  });
  return (path: string): string | undefined => {
    let decoded = path;
    try {
      decoded = decodeURIComponent(path);
    } catch {
      // a malformed encoding stays as sent
    }
    for (const key of ['strict', 'loose'] as const) {
      const hits = compiled.filter((c) => c[key].test(path) || c[key].test(decoded)).sort((a, b) => b.literal - a.literal);
      if (hits.length > 0) return hits[0].t;
    }
    return undefined;
  };
}

/** The recorded answers against the document: undeclared statuses, operations reached, error sites, status counts. */
function check(doc: OpenApiDoc, answers: readonly Recorded[]) {
  const operationOf = operationMatcher(doc);
  const undeclared = new Set<string>();
  const reached = new Set<string>();
  const errorSites = new Set<string>();
  const statuses = new Map<number, number>();
  for (const r of answers) {
    const template = operationOf(r.path);
    const method = r.method === 'HEAD' ? 'get' : r.method.toLowerCase();
    const op = template ? (doc.paths[template]?.[method] as { responses?: Record<string, unknown> } | undefined) : undefined;
    if (!op) continue;
    const key = `${method.toUpperCase()} ${template}`;
    reached.add(key);
    statuses.set(r.status, (statuses.get(r.status) ?? 0) + 1);
    if (r.status >= 400) errorSites.add(`${key} ${r.status}`);
    if (!declares(op.responses, r.status)) undeclared.add(`${key} answered ${r.status}`);
    // A created or accepted answer carries the Location its document declares (the reference's 0.7.0, #591).
    const declaredLocation = Boolean((op.responses?.[String(r.status)] as { headers?: Record<string, unknown> } | undefined)?.headers?.Location);
    if ((r.status === 201 || r.status === 202) && r.method !== 'HEAD' && Boolean(r.location) !== declaredLocation) {
      undeclared.add(`${key} answered ${r.status} ${r.location ? 'with an undeclared Location' : 'without its declared Location'}`);
    }
  }
  return { undeclared, reached, errorSites, statuses };
}

function declares(responses: Record<string, unknown> | undefined, status: number): boolean {
  if (!responses) return false;
  return String(status) in responses || `${Math.floor(status / 100)}XX` in responses || 'default' in responses;
}

const dir = mkdtempSync(join(tmpdir(), 'medkit-statuses-'));
const recorded: Recorded[] = [];
let g: TestGateway;

beforeAll(async () => {
  mkdirSync(join(dir, 'packages', 'pkg'), { recursive: true });
  writeFileSync(join(dir, 'packages', 'pkg', 'install.sh'), '#!/bin/sh\nexit 0\n', { mode: 0o755 });
  g = await startTestGateway({
    defaults: true,
    features: [recorder(recorded)],
    flags: {
      'discovery.manifest_path': MANIFEST,
      'discovery.mode': 'manifest_only',
      'ui.enabled': false,
      'scripts.scripts_dir': join(dir, 'scripts'),
      'scripts.sandbox.mode': 'off',
      'updates.enabled': true,
      'updates.packages_dir': join(dir, 'packages'),
    } as never,
  });
  // Items for the item routes to find.
  const app = `${g.url}/api/v1/apps/battery-monitor`;
  await http(`${app}/triggers`, { method: 'POST', json: { resource: '/api/v1/apps/battery-monitor/faults', trigger_condition: { condition_type: 'OnChange' } } });
  await http(`${app}/cyclic-subscriptions`, { method: 'POST', json: { resource: '/api/v1/apps/battery-monitor/faults', interval: 'slow', duration: 600 } });
  await http(`${g.url}/api/v1/components/main-computer/locks`, { method: 'POST', json: { lock_expiration: 600 }, headers: { 'x-client-id': 'status-setup' } });
  await http(`${g.url}/api/v1/updates`, { method: 'POST', json: { id: 'pkg-1', update_name: 'pkg', 'x-medkit': { execute: { path: 'pkg/install.sh' } } } });
}, 120_000);
afterAll(async () => {
  await g?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('statuses on the wire against the OpenAPI document', () => {
  it('answers only statuses each operation declares, over a sweep that reaches every operation', async () => {
    const doc = (await http(`${g.url}/api/v1/docs`)).body as OpenApiDoc;
    const value = async (path: string, key = 'id') => ((await http(`${g.url}/api/v1${path}`)).body?.items?.[0]?.[key] as string | undefined) ?? 'x';
    const requests = generate(doc, {
      seed: SEED,
      perOperation: PER_OPERATION,
      pathValues: {
        area_id: ['base'],
        subarea_id: ['x'],
        component_id: ['main-computer', 'battery-pack'],
        subcomponent_id: ['x'],
        app_id: ['battery-monitor', 'motor-driver'],
        function_id: ['power-management'],
        trigger_id: [await value('/apps/battery-monitor/triggers')],
        subscription_id: [await value('/apps/battery-monitor/cyclic-subscriptions')],
        lock_id: [await value('/components/main-computer/locks')],
        update_id: ['pkg-1'],
        category_id: ['rosbags'],
        fault_code: ['NO_SUCH_FAULT'],
      },
    });
    const ordered = [...requests.filter((r) => r.method !== 'DELETE'), ...requests.filter((r) => r.method === 'DELETE')];
    const port = Number(new URL(g.url).port);
    await pool(ordered, 4, async (r: FuzzRequest) => {
      await send(port, r).catch(() => undefined);
    });

    const { undeclared, reached, errorSites, statuses } = check(doc, recorded);
    const all = Object.entries(doc.paths).flatMap(([t, item]) => Object.keys(item).filter((m) => ['get', 'put', 'post', 'delete', 'patch'].includes(m)).map((m) => `${m.toUpperCase()} ${t}`));
    const unreached = all.filter((k) => !reached.has(k)).sort();
    const summary = [...statuses].sort(([a], [b]) => a - b).map(([s, n]) => `${s}×${n}`).join(' ');
    console.info(`declared statuses: ${requests.length} requests, ${recorded.length} recorded, ${reached.size}/${all.length} operations, ${errorSites.size} error sites (${summary})`);

    expect([...undeclared].sort()).toEqual([]);
    expect(unreached).toEqual(UNREACHED);
    // Not vacuous: many operations answered errors, and of several kinds.
    expect(errorSites.size).toBeGreaterThan(all.length);
    expect([400, 404, 409].filter((s) => statuses.has(s))).toEqual([400, 404, 409]);
  }, 300_000);
});

describe('with authentication on', () => {
  const answers: Recorded[] = [];
  let a: TestGateway;
  beforeAll(async () => {
    a = await startTestGateway({
      defaults: true,
      features: [recorder(answers)],
      flags: authFlags({ 'auth.require_auth_for': 'all', 'discovery.manifest_path': MANIFEST, 'discovery.mode': 'manifest_only', 'ui.enabled': false }) as never,
    });
  }, 120_000);
  afterAll(async () => {
    await a?.close();
  });

  it("lets a viewer read an entity path's scoped document (the reference's 0.7.0, #591: viewer, not admin)", async () => {
    const viewer = (await tokensOf(a, 'viewer')).access_token;
    const scoped = await http(`${a.url}/api/v1/apps/battery-monitor/docs`, { headers: { authorization: `Bearer ${viewer}` } });
    expect(scoped.status).toBe(200);
    expect(Object.keys(scoped.body.paths)).toContain('/apps/battery-monitor/data');
    expect((await http(`${a.url}/api/v1/apps/battery-monitor/docs`)).status).toBe(401);
  });

  it('declares the 401 of a request without a token and the 403 of a role too low on every operation', async () => {
    const doc = (await http(`${a.url}/api/v1/docs`, { headers: { authorization: `Bearer ${(await tokensOf(a, 'admin')).access_token}` } })).body as OpenApiDoc;
    const viewer = (await tokensOf(a, 'viewer')).access_token;
    const requests = generate(doc, { seed: SEED, perOperation: 0, pathValues: { app_id: ['battery-monitor'], component_id: ['main-computer'], area_id: ['base'], function_id: ['power-management'] } });
    const port = Number(new URL(a.url).port);
    await pool(requests, 4, async (r: FuzzRequest) => {
      await send(port, r).catch(() => undefined);
      await send(port, { ...r, headers: { ...r.headers, authorization: `Bearer ${viewer}` } }).catch(() => undefined);
    });
    const { undeclared, statuses } = check(doc, answers);
    expect([...undeclared].sort()).toEqual([]);
    expect(statuses.get(401)).toBeGreaterThan(100);
    expect(statuses.get(403)).toBeGreaterThan(10);
  }, 300_000);
});
