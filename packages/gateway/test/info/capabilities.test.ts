// GET / capabilities (docs/api.md) against the routes themselves: for every flag backed by a
// resource, the flag is true exactly when its route answers — with the feature on, and with it off
// (left out of the gateway, or disabled so its routes are 501 stand-ins).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadConfig, type FlatConfig } from '../../src/config/index.js';
import { createGateway } from '../../src/gateway.js';
import { defaultFeatures, FEATURE_KEYS } from '@medkit/cli';
import { CAPABILITY_ROUTES } from '../../src/info/capabilities.js';
import { fixtureEntitiesFeature } from '../support/entities.js';

type RouteCapability = keyof typeof CAPABILITY_ROUTES;
const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

/** A default gateway without the features named in `without`, over the fixture tree. */
async function gateway(opts: { without?: string[]; flags?: FlatConfig } = {}) {
  const dataDir = mkdtempSync(join(tmpdir(), 'medkit-caps-'));
  dirs.push(dataDir);
  const config = loadConfig({ env: {}, extraKeys: FEATURE_KEYS, flags: { data_dir: dataDir, 'logging.level': 'silent', 'ros.enabled': false, ...opts.flags } });
  const features = defaultFeatures(config).filter((f) => !(opts.without ?? []).includes(f.name));
  const g = await createGateway({ config, features: [...features, fixtureEntitiesFeature()] });
  const url = await g.listen(0);
  return { url, close: () => g.close() };
}

/** Whether the capability's route answers: not the unmatched-route 404 and not a 501 stand-in. */
async function answers(url: string, cap: RouteCapability): Promise<boolean> {
  const [method, template] = CAPABILITY_ROUTES[cap].split(' ');
  const path = template
    .replace('{app_id}', 'battery-monitor')
    .replace(/\{[a-z_]+\}/g, 'x');
  const res = await fetch(`${url}${path}`, {
    method,
    ...(method === 'POST' ? { headers: { 'content-type': 'application/json' }, body: '{}' } : {}),
    signal: AbortSignal.timeout(10_000),
  });
  const body = (await res.json().catch(() => undefined)) as { parameters?: { status?: number } } | undefined;
  const unmatched = res.status === 404 && body?.parameters?.status === 404 && Object.keys(body.parameters).length === 1;
  return !unmatched && res.status !== 501;
}

async function flags(url: string): Promise<Record<string, boolean>> {
  return (await (await fetch(`${url}/api/v1/`)).json()).capabilities;
}

/**
 * Each feature off: left out of the gateway (by feature name) or switched off by configuration, so its
 * routes are missing or answer 501. All in one gateway: starting one per flag takes too long on CI.
 */
const OFF_FEATURES = ['entities', 'aggregation', 'data', 'operations', 'configurations', 'faults', 'logs', 'subscriptions', 'modes', 'data-lists', 'clear-data', 'communication-logs'];
const OFF_FLAGS: FlatConfig = { 'locking.enabled': false, 'triggers.enabled': false, 'updates.enabled': false, 'scripts.scripts_dir': '' };
const RESOURCE_FLAGS = Object.keys(CAPABILITY_ROUTES).filter((c) => c !== 'authentication') as RouteCapability[];

describe('root capabilities follow the routes', () => {
  it('reports every served resource as true when its feature is on', async () => {
    const scriptsDir = mkdtempSync(join(tmpdir(), 'medkit-caps-scripts-'));
    dirs.push(scriptsDir);
    const g = await gateway({ flags: { 'updates.enabled': true, 'scripts.scripts_dir': scriptsDir } });
    try {
      const caps = await flags(g.url);
      expect(Object.keys(caps)).toHaveLength(21);
      for (const cap of RESOURCE_FLAGS) {
        expect(await answers(g.url, cap), `${cap} route answers`).toBe(true);
        expect(caps[cap], cap).toBe(true);
      }
      // Auth is off by default: its routes answer 404 "Authentication is not enabled" (docs/security.md) and the
      // flag is false (test/auth/tokens.test.ts covers it on).
      const auth = await fetch(`${g.url}/api/v1/auth/token`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
      expect(auth.status).toBe(404);
      expect(await auth.json()).toEqual({ error: 'resource-not-found', error_description: 'Authentication is not enabled' });
      expect(caps.authentication).toBe(false);
    } finally {
      await g.close();
    }
  });

  it('reports each resource as false when its feature is off (left out, or disabled so its routes answer 501)', async () => {
    const g = await gateway({ without: OFF_FEATURES, flags: OFF_FLAGS });
    try {
      const caps = await flags(g.url);
      for (const cap of RESOURCE_FLAGS) {
        expect(await answers(g.url, cap), `${cap} route answers`).toBe(false);
        expect(caps[cap], cap).toBe(false);
      }
    } finally {
      await g.close();
    }
  });
});
