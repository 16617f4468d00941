// Every create answers a canonical Location that answers (the reference's 0.7.0, #591: "POST on triggers,
// cyclic subscriptions and fault triggers returns a usable Location, and every Location is canonicalised - a
// request with a trailing slash used to yield a URI that answered 404"). Each create below is sent to its
// collection with and without a trailing slash; the Location is `/api/v1/...` with no empty segment and no
// trailing slash, and a GET on it answers 200. Real gateway (manifest tree, real HTTP, real SQLite). Action
// executions (a ROS action) are covered in operations/operations-e2e.test.ts; script executions in
// scripts/scripts.test.ts.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startFaultGateway, type FaultGateway } from '../../../../test-support/gateway/faults-gateway.js';

const dir = mkdtempSync(join(tmpdir(), 'medkit-locations-'));
let g: FaultGateway;
beforeAll(async () => {
  mkdirSync(join(dir, 'packages', 'pkg'), { recursive: true });
  writeFileSync(join(dir, 'packages', 'pkg', 'install.sh'), '#!/bin/sh\nexit 0\n', { mode: 0o755 });
  g = await startFaultGateway({ flags: { 'updates.enabled': true, 'updates.packages_dir': join(dir, 'packages') } });
}, 120_000);
afterAll(async () => {
  await g?.close();
  rmSync(dir, { recursive: true, force: true });
});

const APP = '/apps/motor-driver';
let n = 0;
/** One create per call: a body that does not clash with an earlier one. */
const CREATES: { name: string; method: 'POST' | 'PUT'; path: string; body: () => unknown; status: number; headers?: Record<string, string> }[] = [
  { name: 'lock', method: 'POST', path: `${APP}/locks`, body: () => ({ lock_expiration: 60, scopes: [['configurations', 'operations'][n % 2]] }), status: 201, headers: { 'x-client-id': 'loc-client' } },
  { name: 'trigger', method: 'POST', path: `${APP}/triggers`, body: () => ({ resource: `/api/v1${APP}/faults`, trigger_condition: { condition_type: 'OnChange' } }), status: 201 },
  { name: 'cyclic subscription', method: 'POST', path: `${APP}/cyclic-subscriptions`, body: () => ({ resource: `/api/v1${APP}/faults`, interval: 'slow', duration: 60 }), status: 201 },
  { name: 'communication log', method: 'POST', path: `${APP}/communication-logs`, body: () => ({ protocol: 'dds' }), status: 201 },
  { name: 'update', method: 'POST', path: '/updates', body: () => ({ id: `pkg-${++n}`, update_name: 'test', 'x-medkit': { execute: { path: 'pkg/install.sh' } } }), status: 201 },
  { name: 'clear-data', method: 'PUT', path: `${APP}/clear-data`, body: () => undefined, status: 202 },
];

describe('Location of every create', () => {
  for (const c of CREATES) {
    for (const slash of ['', '/']) {
      it(`${c.name}: ${c.method} ${c.path}${slash}`, async () => {
        n++;
        const r = await g.api(c.method, `${c.path}${slash}`, { body: c.body(), headers: c.headers });
        expect(r.status, JSON.stringify(r.body)).toBe(c.status);
        const loc = r.headers.get('location')!;
        expect(loc).toMatch(/^\/api\/v1\/[^?#]*[^/]$/);
        expect(loc).not.toContain('//');
        expect(loc.startsWith(`/api/v1${c.path}/`)).toBe(true);
        const read = await g.api('GET', loc.slice('/api/v1'.length), { headers: c.headers });
        expect(read.status, `GET ${loc}: ${JSON.stringify(read.body)}`).toBe(200);
      });
    }
  }
});
